/**
 * The simulator's plots, drawn here as inline SVG strings (no chart library, no network): a step
 * plot of the isolation level over time with a lane of markers per trigger below it, and a
 * histogram with a deadline line. Each plot is a standalone `<svg class="plot">` with its own
 * styles, axes, tick labels, axis titles and an accessible name, legible at its natural size.
 */
import { LEVELS, levelIndex, type Level } from '../spec/levels.ts';
import { xml } from './svg.ts';

const n = (v: number) => (Math.round(v * 10) / 10).toString();

/** Colour-blind-safe palette (Okabe–Ito, without the yellow, which is unreadable on white). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

/** The style sheet inside every plot (the review page allows it by its hash, `page.ts`). */
export const PLOT_STYLE =
  `text{font-family:system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;font-size:12px;fill:#1f2933}` +
  `.title{font-size:13px;font-weight:600}.axis-title{fill:#52606d}.tick-label{fill:#3e4c59}` +
  `.axis line,.axis path{stroke:#52606d;stroke-width:1;fill:none}.grid line{stroke:#e4e7eb;stroke-width:1}` +
  `.level-line{fill:none;stroke:#1f2933;stroke-width:1.8}.bar{fill:#5b8fc7;stroke:#fff;stroke-width:.5}` +
  `.deadline{stroke:#b42318;stroke-width:1.6;stroke-dasharray:5 3}.deadline-label{fill:#b42318;font-weight:600}` +
  `.lane-label{font-size:11px}.empty{fill:#616e7c;font-style:italic}`;

/**
 * Round tick values covering [min, max]: steps of 1, 2 or 5 times a power of ten, about `count`
 * of them, the first at or below `min` and the last at or above `max` (so an axis can span
 * exactly its ticks). An empty range gives the one value.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * 0.999)!;
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  // Multiplying the index (rather than adding steps) keeps 0.1 + 0.2 style drift out of the labels; + 0 turns -0 into 0.
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)) + 0);
  return ticks;
}

/** Ticks for a time axis of `hours`: steps a reader counts in (…, 1, 2, 3, 6, 12, 24 h, …), at most `count` intervals. */
export function hourTicks(hours: number, count = 8): number[] {
  if (!(hours > 0)) return [0];
  const steps = [1 / 60, 5 / 60, 0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 96, 168, 336, 720];
  const step = steps.find((s) => hours / s <= count) ?? niceTicks(0, hours, count)[1]!;
  const ticks: number[] = [];
  for (let i = 0; i * step <= hours + 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** A tick label: integers plainly, fractions with as few decimals as the step needs. */
export function tickLabel(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Number(v.toPrecision(6)).toString();
}

/** A linear scale from a domain to pixels. */
function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

function svgOpen(width: number, height: number, label: string, kind: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="plot ${kind}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${xml(label)}"><title>${xml(label)}</title><style>${PLOT_STYLE}</style>`;
}

/** A horizontal axis at `y` with ticks and their labels, and its title centred below. */
function xAxis(ticks: readonly number[], x: (v: number) => number, y: number, left: number, right: number, title: string, format: (v: number) => string = tickLabel): string {
  const marks = ticks.map((t) => `<line x1="${n(x(t))}" y1="${n(y)}" x2="${n(x(t))}" y2="${n(y + 5)}"/>`).join('');
  const labels = ticks.map((t) => `<text class="tick-label" x="${n(x(t))}" y="${n(y + 18)}" text-anchor="middle">${xml(format(t))}</text>`).join('');
  return `<g class="axis x-axis"><path d="M${n(left)},${n(y)}H${n(right)}"/>${marks}</g>${labels}<text class="axis-title x-title" x="${n((left + right) / 2)}" y="${n(y + 36)}" text-anchor="middle">${xml(title)}</text>`;
}

/** A vertical axis at `x` with ticks and labels, and its title rotated along it. */
function yAxis(ticks: readonly { v: number; label: string }[], y: (v: number) => number, x: number, top: number, bottom: number, title: string, titleX: number): string {
  const marks = ticks.map((t) => `<line x1="${n(x - 5)}" y1="${n(y(t.v))}" x2="${n(x)}" y2="${n(y(t.v))}"/>`).join('');
  const labels = ticks.map((t) => `<text class="tick-label" x="${n(x - 8)}" y="${n(y(t.v) + 4)}" text-anchor="end">${xml(t.label)}</text>`).join('');
  const mid = (top + bottom) / 2;
  return `<g class="axis y-axis"><path d="M${n(x)},${n(top)}V${n(bottom)}"/>${marks}</g>${labels}<text class="axis-title y-title" x="${n(titleX)}" y="${n(mid)}" text-anchor="middle" transform="rotate(-90 ${n(titleX)} ${n(mid)})">${xml(title)}</text>`;
}

export interface LevelPoint {
  /** Hours since the start. */
  readonly t: number;
  readonly level: Level;
}

/** How a trigger's mark is drawn: `raised` it required a higher level and got it in time; `quiet` the level was already there (or the trigger was cancelled); `late` it missed its deadline or never got there. */
export type MarkKind = 'raised' | 'quiet' | 'late';

export interface TriggerLane {
  /** The trigger's name, e.g. `heartbeat-loss`. */
  readonly trigger: string;
  /** When it fired, in hours since the start, and how it went. */
  readonly marks: readonly { readonly t: number; readonly kind: MarkKind }[];
}

export interface LevelPlotOptions {
  /** Length of the run in hours (the x axis spans 0..hours). */
  readonly hours: number;
  /** The level from t = 0 and after each change, in time order. */
  readonly levels: readonly LevelPoint[];
  /** One row of markers per trigger, drawn below the plot on the same time axis. */
  readonly lanes: readonly TriggerLane[];
  readonly title: string;
  readonly width?: number;
}

/**
 * The isolation level over time as a step line (the six levels on the y axis, named), with one
 * lane of tick marks per trigger below it on the same time axis: a full tick in the trigger's
 * colour where it raised the level in time, a short faint one where the level was already high
 * enough, a tall red one where it was late. Marks closer than a pixel are drawn once (the plot
 * stays small however long the run); the lane label gives the true count.
 */
export function levelPlot(options: LevelPlotOptions): string {
  const width = options.width ?? 1200;
  const left = 150;
  const right = width - 20;
  const top = 30;
  const band = 22;
  const plotBottom = top + band * (LEVELS.length - 1) + 12;
  const laneHeight = 16;
  const lanesTop = plotBottom + 14;
  const axisY = lanesTop + laneHeight * options.lanes.length + 6;
  const height = axisY + 44;
  const x = scale(0, options.hours, left, right);
  const y = (level: Level) => plotBottom - 6 - band * levelIndex(level);
  const xt = hourTicks(options.hours);

  const grid =
    `<g class="grid">${LEVELS.map((l) => `<line x1="${n(left)}" y1="${n(y(l))}" x2="${n(right)}" y2="${n(y(l))}"/>`).join('')}` +
    xt.map((t) => `<line x1="${n(x(t))}" y1="${n(top - 6)}" x2="${n(x(t))}" y2="${n(axisY)}"/>`).join('') +
    `</g>`;
  let d = '';
  options.levels.forEach((p, i) => {
    const px = x(Math.min(options.hours, Math.max(0, p.t)));
    d += i === 0 ? `M${n(px)},${n(y(p.level))}` : `H${n(px)}V${n(y(p.level))}`;
  });
  if (options.levels.length > 0) d += `H${n(right)}`;
  const line = `<path class="level-line" d="${d}"/>`;
  const levelTicks = LEVELS.map((l, i) => ({ v: i, label: `${i} ${l}` }));
  const yAx = yAxis(levelTicks, (i) => y(LEVELS[i]!), left, top - 6, plotBottom, 'level', 14);

  const lanes = options.lanes
    .map((lane, i) => {
      const cy = lanesTop + laneHeight * i + laneHeight / 2;
      const colour = PALETTE[i % PALETTE.length]!;
      // One path per kind; a pixel column already marked by a more telling kind is not drawn again.
      const drawn = new Set<number>();
      const paths = (['late', 'raised', 'quiet'] as const)
        .map((kind) => {
          const columns = [...new Set(lane.marks.filter((m) => m.kind === kind).map((m) => Math.round(x(Math.min(options.hours, Math.max(0, m.t))))))].filter((c) => !drawn.has(c)).sort((a, b) => a - b);
          columns.forEach((c) => drawn.add(c));
          if (columns.length === 0) return '';
          const half = kind === 'late' ? 8 : kind === 'raised' ? 6 : 3;
          const stroke = kind === 'late' ? '#b42318' : colour;
          const extra = kind === 'quiet' ? ' stroke-opacity="0.55"' : '';
          return `<path class="mark ${kind}" d="${columns.map((c) => `M${c},${n(cy - half)}v${half * 2}`).join('')}" stroke="${stroke}" stroke-width="${kind === 'late' ? 2 : 1.4}"${extra}/>`;
        })
        .join('');
      return (
        `<g class="lane" data-trigger="${xml(lane.trigger)}" data-count="${lane.marks.length}">` +
        `<text class="lane-label" x="${n(left - 8)}" y="${n(cy + 4)}" text-anchor="end">${xml(lane.trigger)} (${lane.marks.length.toLocaleString('en-US')})</text>` +
        paths +
        `</g>`
      );
    })
    .join('');
  const lanesTitle = options.lanes.length ? `<text class="axis-title" x="${n(left - 8)}" y="${n(lanesTop - 3)}" text-anchor="end">triggers (count)</text>` : '';

  return (
    svgOpen(width, height, options.title, 'level-plot') +
    `<text class="title" x="${n(left)}" y="16">${xml(options.title)}</text>` +
    grid +
    line +
    yAx +
    lanesTitle +
    lanes +
    xAxis(xt, x, axisY, left, right, 'virtual time (hours)', (h) => (Number.isInteger(h) ? String(h) : h < 1 ? `${Math.round(h * 60)} min` : h.toFixed(2))) +
    `</svg>`
  );
}

export interface HistogramOptions {
  readonly values: readonly number[];
  /** The deadline the values are held to, in the values' unit, drawn as a dashed line; null for none. */
  readonly deadline: number | null;
  readonly title: string;
  /** The x axis title, with its unit, e.g. `time to isolation (ms)`. */
  readonly xTitle: string;
  /** The values' unit, for the deadline's label (e.g. `ms`). */
  readonly unit?: string;
  readonly bins?: number;
  readonly width?: number;
  readonly height?: number;
}

/**
 * Equal-width bins over [0, top], closed on the right — [0, w], (w, 2w], … — so a value exactly at a
 * deadline counts in the bar that ends at the deadline, not in the one after it. Returns the counts
 * and the bin width.
 */
export function binCounts(values: readonly number[], top: number, bins: number): { counts: number[]; width: number } {
  const width = top / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.ceil(v / width - 1e-9) - 1))]!++;
  return { counts, width };
}

/**
 * A histogram of non-negative values from 0, with the deadline drawn as a labelled dashed line
 * (the x range always includes it, so a reader sees how far below it the values sit).
 */
export function histogram(options: HistogramOptions): string {
  const width = options.width ?? 440;
  const height = options.height ?? 230;
  const left = 56;
  const right = width - 16;
  const top = 40;
  const bottom = height - 46;
  const bins = options.bins ?? 20;
  const max = Math.max(0, ...options.values, options.deadline ?? 0);
  const xt = niceTicks(0, max > 0 ? max * 1.08 : 1, 5);
  const xMax = xt[xt.length - 1]! > 0 ? xt[xt.length - 1]! : 1;
  const x = scale(0, xMax, left, right);
  const { counts, width: binWidth } = binCounts(options.values, xMax, bins);
  const yMax = Math.max(1, ...counts);
  const yt = niceTicks(0, yMax, 4).filter((t) => Number.isInteger(t));
  const yTop = Math.max(yMax, yt[yt.length - 1]!);
  const y = scale(0, yTop, bottom, top);
  const grid = `<g class="grid">${yt.map((t) => `<line x1="${n(left)}" y1="${n(y(t))}" x2="${n(right)}" y2="${n(y(t))}"/>`).join('')}</g>`;
  const bars = counts
    .map((c, i) => (c === 0 ? '' : `<rect class="bar" x="${n(x(i * binWidth))}" y="${n(y(c))}" width="${n(Math.max(1, x(binWidth) - x(0)))}" height="${n(bottom - y(c))}"><title>${xml(`${i === 0 ? '[' : '('}${tickLabel(i * binWidth)}, ${tickLabel((i + 1) * binWidth)}]: ${c}`)}</title></rect>`))
    .join('');
  const empty = options.values.length === 0 ? `<text class="empty" x="${n((left + right) / 2)}" y="${n((top + bottom) / 2)}" text-anchor="middle">no occurrence in this run</text>` : '';
  let deadline = '';
  if (options.deadline !== null) {
    const dx = x(options.deadline);
    const label = `deadline ${tickLabel(options.deadline)}${options.unit ? ` ${options.unit}` : ''}${options.deadline === 0 ? ' (at once)' : ''}`;
    // Beside the line, on whichever side the label fits (about 7 px per character at 12 px).
    const anchor = dx + 4 + label.length * 7 > width - 4 ? 'end' : 'start';
    deadline = `<line class="deadline" x1="${n(dx)}" y1="${n(top - 8)}" x2="${n(dx)}" y2="${n(bottom)}"/><text class="deadline-label" x="${n(anchor === 'end' ? dx - 4 : dx + 4)}" y="${n(top - 1)}" text-anchor="${anchor}">${xml(label)}</text>`;
  }
  return (
    svgOpen(width, height, options.title, 'histogram') +
    `<text class="title" x="${n(left)}" y="16">${xml(options.title)}</text>` +
    grid +
    bars +
    empty +
    deadline +
    yAxis(yt.map((v) => ({ v, label: tickLabel(v) })), y, left, top, bottom, 'runs', 14) +
    xAxis(xt, x, bottom, left, right, options.xTitle) +
    `</svg>`
  );
}
