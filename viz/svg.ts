/**
 * Draws a laid-out statechart as one SVG document (a string), so the server, the report and the
 * tests share the same picture. Elements carry `data-` attributes (`data-state`, `data-level`,
 * `data-transition`) and classes the page's script toggles to show the active states of a trace;
 * the picture itself is complete and legible without any script.
 */
import { FONT, type Line } from './textBlock.ts';
import { transitionLabel } from './statechart.ts';
import { STATE_PAD, type Box, type PlacedEdge, type PlacedRegion, type PlacedState, type StatechartLayout } from './layout.ts';

import { xml } from './escape.ts';

export { xml };

const n = (v: number) => (Math.round(v * 10) / 10).toString();

function textLines(lines: readonly Line[], x: number, y: number): string {
  let out = '';
  let top = y;
  for (const l of lines) {
    const height = l.style === 'title' ? FONT.titleLineHeight : FONT.lineHeight;
    const baseline = top + height - (l.style === 'title' ? 5 : 3.5);
    const dx = l.indent * FONT.size * FONT.advance;
    const attr = l.transition ? ` data-transition="${xml(l.transition)}"` : '';
    out += `<text class="t-${l.style}" x="${n(x + dx)}" y="${n(baseline)}"${attr}>${xml(l.text)}</text>`;
    top += height;
  }
  return out;
}

function region(r: PlacedRegion): string {
  return (
    `<g class="region" data-region="${r.id}">` +
    `<rect class="region-box" x="${n(r.x)}" y="${n(r.y)}" width="${n(r.width)}" height="${n(r.height)}" rx="10"/>` +
    `<text class="region-title" x="${n(r.x + 12)}" y="${n(r.y + 20)}">${xml(r.id)}</text>` +
    `</g>`
  );
}

function state(s: PlacedState): string {
  const classes = ['state', ...s.tags.map((t) => `tag-${t}`), s.initial ? 'initial' : ''].filter(Boolean).join(' ');
  const level = s.level === null ? '' : ` data-level="${xml(s.level)}" tabindex="0" role="button" aria-label="level ${xml(s.level)}: show its capabilities"`;
  const title = `${s.id}${s.tags.length ? ` (${s.tags.join(', ')})` : ''}${s.level !== null ? ' — click for its capability row' : ''}`;
  // The initial state is marked as in UML: a filled dot with an arrow into the box.
  const initial = s.initial
    ? `<circle class="initial-dot" cx="${n(s.x - 12)}" cy="${n(s.y + 9)}" r="4"/><path class="initial-arrow" d="M${n(s.x - 8)},${n(s.y + 9)}H${n(s.x - 1)}" marker-end="url(#arrow)"/>`
    : '';
  return (
    `<g class="${classes}" data-state="${xml(s.id)}"${level}><title>${xml(title)}</title>` +
    initial +
    `<rect class="state-box" x="${n(s.x)}" y="${n(s.y)}" width="${n(s.width)}" height="${n(s.height)}" rx="7"/>` +
    textLines(s.lines, s.x + STATE_PAD, s.y + STATE_PAD) +
    `</g>`
  );
}

function edgeClass(e: PlacedEdge): string {
  return e.transition.direction === null ? '' : ` ${e.transition.direction}`;
}

function edgePath(e: PlacedEdge): string {
  const t = e.transition;
  const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)},${n(p.y)}`).join('');
  const tip = t.direction === null ? 'arrow' : `arrow-${t.direction}`;
  const title = `${t.source} → ${t.target}: ${transitionLabel(t)}${t.description === null ? '' : ` — ${t.description}`}`;
  return `<path class="edge${edgeClass(e)}" data-transition="${xml(t.id)}" data-source="${xml(t.source)}" data-target="${xml(t.target ?? '')}" data-event="${xml(t.event)}" d="${d}" marker-end="url(#${tip})"><title>${xml(title)}</title></path>`;
}

function edgeLabel(e: PlacedEdge): string {
  const b: Box = e.label;
  return (
    `<g class="edge-label${edgeClass(e)}" data-transition="${xml(e.transition.id)}"><title>${xml(transitionLabel(e.transition))}</title>` +
    `<rect class="label-box" x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" rx="3"/>` +
    textLines(e.label.lines, b.x + 3, b.y + 3) +
    `</g>`
  );
}

function marker(id: string, cls: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="${cls}"/></marker>`;
}

/**
 * The statechart as a standalone SVG document with its own default styles (the page may override
 * them). `title` becomes the accessible name of the picture.
 */
export function statechartSvg(layout: StatechartLayout, title: string): string {
  const w = Math.ceil(layout.width);
  const h = Math.ceil(layout.height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${xml(title)}">` +
    `<title>${xml(title)}</title>` +
    `<defs>${marker('arrow', 'arrow-head')}${marker('arrow-raise', 'arrow-head raise')}${marker('arrow-lower', 'arrow-head lower')}` +
    `${COVERAGE.map((c) => marker(`arrow-cov-${c}`, `arrow-head cov-${c}`)).join('')}</defs>` +
    `<style>${SVG_STYLE}</style>` +
    layout.regions.map(region).join('') +
    layout.regions.flatMap((r) => r.states.map(state)).join('') +
    // Each edge and its label share a group, so hovering either highlights both.
    layout.edges.map((e) => `<g class="transition" data-transition="${xml(e.transition.id)}">${edgePath(e)}${edgeLabel(e)}</g>`).join('') +
    `</svg>`
  );
}

/** The coverage overlay's classes (`cov-…`), which the page puts on a transition's elements. */
const COVERAGE = ['covered', 'uncovered', 'unreachable'] as const;

/**
 * The coverage overlay, on when the page puts `coverage` on the picture: exercised transitions
 * blue, reachable but unexercised ones thick vermillion (Okabe–Ito colours, distinct for
 * colour-blind readers, and told apart by width and dashes too), and the ones no reachable state
 * takes thin dotted grey. Transitions listed inside a state box get the same colours as text.
 */
const COVERAGE_STYLE = [
  `svg.coverage path.edge{stroke:#9aa5b1}`,
  `svg.coverage path.edge.cov-covered{stroke:#0072b2;stroke-width:2.2;stroke-dasharray:none;marker-end:url(#arrow-cov-covered)}`,
  `svg.coverage path.edge.cov-uncovered{stroke:#d55e00;stroke-width:3.4;stroke-dasharray:none;marker-end:url(#arrow-cov-uncovered)}`,
  `svg.coverage path.edge.cov-unreachable{stroke:#a3acb5;stroke-width:1.3;stroke-dasharray:2 3;marker-end:url(#arrow-cov-unreachable)}`,
  `.arrow-head.cov-covered{fill:#0072b2}`, `.arrow-head.cov-uncovered{fill:#d55e00}`, `.arrow-head.cov-unreachable{fill:#a3acb5}`,
  `svg.coverage .edge-label.cov-covered .label-box{stroke:#0072b2;stroke-width:1.4}`,
  `svg.coverage .edge-label.cov-uncovered .label-box{stroke:#d55e00;stroke-width:2.4;fill:#fff4ec;fill-opacity:1}`,
  `svg.coverage .edge-label.cov-unreachable text{fill:#8a94a0 !important}`,
  `svg.coverage text.cov-covered{fill:#005a8c !important}`,
  `svg.coverage text.cov-uncovered{fill:#c24e00 !important;font-weight:bold}`,
  `svg.coverage text.cov-unreachable{fill:#a3acb5 !important;text-decoration:line-through}`,
  // A trace's step stays visible over the coverage colours.
  `svg.coverage path.edge.taken{stroke:#c77700;stroke-width:4;stroke-dasharray:none;marker-end:url(#arrow)}`,
].join('');

/** Default look of the picture; the classes also serve the page's highlighting. */
export const SVG_STYLE = [
  `svg.statechart text{font-family:${FONT.family};font-size:${FONT.size}px;fill:#1f2933;white-space:pre}`,
  `.region-box{fill:#f6f8fa;stroke:#9aa5b1;stroke-width:1.2}`,
  `.region-title{font-size:${FONT.titleSize}px !important;font-weight:bold;fill:#52606d !important;letter-spacing:.04em}`,
  `.state-box{fill:#ffffff;stroke:#3e4c59;stroke-width:1.4}`,
  `.tag-irreversible .state-box{fill:#fff1f0;stroke:#b42318;stroke-width:2}`,
  `.t-title{font-size:${FONT.titleSize}px !important;font-weight:bold}`,
  `.t-tag{fill:#b42318 !important;font-style:italic}`,
  `.t-entry{fill:#616e7c !important}`,
  `.t-reject{fill:#8a94a0 !important}`,
  `.t-description{fill:#0b6e4f !important;font-style:italic}`,
  `path.edge{fill:none;stroke:#3e4c59;stroke-width:1.2}`,
  `.arrow-head{fill:#3e4c59}`,
  `path.edge.raise{stroke:#b54708}`, `.arrow-head.raise{fill:#b54708}`,
  `path.edge.lower{stroke:#1d4ed8;stroke-dasharray:6 3}`, `.arrow-head.lower{fill:#1d4ed8}`,
  `.edge-label.raise .t-event{fill:#93370d !important}`, `.edge-label.lower .t-event{fill:#1e40af !important}`,
  `.edge-label.raise .label-box{stroke:#f5c09a}`, `.edge-label.lower .label-box{stroke:#a9c1f5}`,
  `.initial-dot{fill:#1f2933}`,
  `.initial-arrow{stroke:#1f2933;stroke-width:1.2;fill:none}`,
  `.label-box{fill:#ffffff;fill-opacity:.92;stroke:#d9e2ec;stroke-width:.8}`,
  `[data-level]{cursor:pointer}`,
  `.state.active .state-box{fill:#fff7d6;stroke:#c77700;stroke-width:3}`,
  `.state.selected .state-box{stroke:#1d4ed8;stroke-width:3}`,
  `.transition:hover path.edge{stroke-width:3}`,
  `.transition:hover .label-box{stroke:#1f2933;stroke-width:1.5;fill-opacity:1}`,
  `path.edge.taken{stroke:#c77700;stroke-width:3}`,
  `.edge-label.taken .label-box{stroke:#c77700;stroke-width:2}`,
  `text.fired{fill:#c77700 !important;font-weight:bold}`,
].join('') + COVERAGE_STYLE;
