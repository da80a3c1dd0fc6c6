/**
 * The text the statechart picture shows in each box and on each edge, broken into lines and
 * measured. Every label is set in a monospace font, so a line's width is its length times the
 * font's advance: the layout can reserve exactly the room the text takes without a browser.
 */
import { actionLabel, transitionLabel, type StateView, type TransitionView } from './statechart.ts';

/** Font of every text in the picture; all common monospace fonts advance 0.6 em per character. */
export const FONT = {
  family: '"DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace',
  size: 11,
  titleSize: 13,
  advance: 0.6,
  lineHeight: 14,
  titleLineHeight: 18,
} as const;

/** Lines wider than this many characters are wrapped at a space (or cut, for a longer word). */
export const WRAP = 62;

/** A line of text and how it is styled: the SVG renderer maps each style to a CSS class. */
export interface Line {
  readonly text: string;
  readonly style: 'title' | 'tag' | 'entry' | 'event' | 'reject' | 'description';
  /** Characters of indentation (continuation lines and descriptions are indented). */
  readonly indent: number;
  /** The transition this line belongs to, so the page can highlight it. */
  readonly transition?: string;
}

/** Width in pixels of a line of `chars` characters at a font size. */
export function textWidth(chars: number, size: number = FONT.size): number {
  return Math.ceil(chars * size * FONT.advance);
}

/** Splits text into lines of at most `width` characters, breaking at spaces where it can. */
export function wrap(text: string, width: number = WRAP): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > width / 3 ? space : width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

function wrapped(text: string, style: Line['style'], indent: number, transition?: string): Line[] {
  return wrap(text, WRAP - indent).map((t, i) => ({ text: t, style, indent: i === 0 ? indent : indent + 2, ...(transition ? { transition } : {}) }));
}

/** The lines of a state's box: name, tags, entry actions, then each internal transition. */
export function stateLines(state: StateView): Line[] {
  const lines: Line[] = [{ text: state.name, style: 'title', indent: 0 }];
  if (state.tags.length > 0) lines.push({ text: state.tags.join(' · '), style: 'tag', indent: 0 });
  if (state.entry.length > 0) lines.push(...wrapped(`entry / ${state.entry.map(actionLabel).join(', ')}`, 'entry', 0));
  for (const t of state.internal) {
    lines.push(...wrapped(transitionLabel(t), t.rejects ? 'reject' : 'event', 0, t.id));
    if (t.description !== null) lines.push(...wrapped(t.description, 'description', 2, t.id));
  }
  return lines;
}

/** Edge labels wrap narrower than box lines: they sit between states and widen the layers. */
export const EDGE_WRAP = 40;

/**
 * The lines of an edge's label: `event [guard]`, then the description that reads the guard (a
 * quorum threshold, a cap), or the actions when there is no description. The full UML label
 * (`event [guard] / actions`) is the edge's tooltip.
 */
export function edgeLines(t: TransitionView): Line[] {
  const head = `${t.event}${t.guard === null ? '' : ` [${t.guard}]`}`;
  const lines = wrap(head, EDGE_WRAP).map((text, i): Line => ({ text, style: 'event', indent: i === 0 ? 0 : 2, transition: t.id }));
  const second = t.description ?? (t.actions.length === 0 ? null : `/ ${t.actions.map(actionLabel).join(', ')}`);
  if (second !== null) {
    const style = t.description === null ? 'entry' : 'description';
    lines.push(...wrap(second, EDGE_WRAP).map((text): Line => ({ text, style, indent: 0, transition: t.id })));
  }
  return lines;
}

/** The size a block of lines needs, with `pad` pixels around it. */
export function blockSize(lines: readonly Line[], pad: number): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (const l of lines) {
    const size = l.style === 'title' ? FONT.titleSize : FONT.size;
    width = Math.max(width, textWidth(l.text.length + l.indent, size));
    height += l.style === 'title' ? FONT.titleLineHeight : FONT.lineHeight;
  }
  return { width: width + 2 * pad, height: height + 2 * pad };
}
