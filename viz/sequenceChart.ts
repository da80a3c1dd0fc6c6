/**
 * A trace as a message sequence chart (iSpin's picture of a protocol run): a lane per admin
 * (and per outsider who tried to vote), then the hypervisor, the misbehaviour detector, the
 * physical hypervisor's heartbeat watchdog and the kill-switch actuators; time goes down, one row
 * per step. Votes, alarms, heartbeats and actuator reports are arrows into the lane that handles
 * them; a rejected event is a dashed grey arrow with the machine's reason beside it; a level
 * change is a band under its step with the kill-switch commands it sends; a violated property is
 * marked in red; a liveness counterexample's cycle is bracketed. Everything drawn is read off the
 * replay's frames (`trace.ts`): the chart decides nothing.
 *
 * Pure and deterministic (a string of SVG), and free of Node imports: the page runs it from the
 * browser bundle on every step, and the tests call it directly.
 */
import { actuatorPositions } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import { xml } from './escape.ts';
import type { Frame } from './trace.ts';

export interface SequenceOptions {
  /** Width to fit the lanes into, in pixels (the chart never goes below a legible lane width). */
  readonly width?: number;
}

/** The lanes of a chart: admins in policy order, outsiders who acted, then the system's parts. */
export const SYSTEM_LANES = ['hypervisor', 'detector', 'watchdog', 'actuators'] as const;

const GUTTER = 44;
const RIGHT = 190;
const NOTE = 14;
const TOP = 40;
const ROW = 26;
const BAND = 20;
const CHAR = 6.3;
const MIN_LANE = 34;
const MAX_LANE = 130;

const n = (v: number) => (Math.round(v * 10) / 10).toString();

/** Cuts text to fit `px` pixels at the chart's font, with an ellipsis. */
function fit(text: string, px: number): string {
  const max = Math.max(4, Math.floor(px / CHAR));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface Message {
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly kind: 'vote' | 'failsafe' | 'time' | 'actuator';
}

/** Who sends an event and who handles it. */
function messageOf(frame: Frame, previous: Frame): Message | null {
  const e = frame.event?.json;
  if (e === undefined) return null;
  switch (e.type) {
    case 'propose':
      return { from: e.admin, to: 'hypervisor', text: `propose → ${e.target}`, kind: 'vote' };
    case 'approve': {
      // Counted against the proposal as it stood before the vote (a vote that completes it closes it).
      const p = previous.state.context.proposal;
      return { from: e.admin, to: 'hypervisor', text: frame.accepted && p !== null && previous.quorum !== null ? `approve (${p.approvals.length + 1}/${previous.quorum})` : 'approve', kind: 'vote' };
    }
    case 'alarm':
      return { from: 'detector', to: 'hypervisor', text: `alarm ${e.level}`, kind: 'failsafe' };
    case 'heartbeat':
      return { from: 'hypervisor', to: 'watchdog', text: 'heartbeat', kind: 'time' };
    case 'heartbeat-missed':
      return { from: 'watchdog', to: 'watchdog', text: `missed heartbeat ${previous.state.context.missedHeartbeats + 1}`, kind: 'failsafe' };
    case 'timeout':
      return { from: 'hypervisor', to: 'hypervisor', text: 'quorum timeout', kind: 'time' };
    case 'mce':
    case 'assertion-failure':
      return { from: 'hypervisor', to: 'hypervisor', text: `${e.type} → reboot`, kind: 'failsafe' };
    case 'reboot-complete':
      return { from: 'hypervisor', to: 'hypervisor', text: 'reboot complete', kind: 'time' };
    case 'actuator-confirm':
      return { from: 'actuators', to: 'hypervisor', text: `confirm ${e.actuator}`, kind: 'actuator' };
    case 'actuator-fault':
      return { from: 'actuators', to: 'hypervisor', text: `fault ${e.actuator}`, kind: 'actuator' };
  }
}

/** The lanes for a trace: every admin, every outsider who proposed or approved, then the system. */
export function sequenceLanes(policy: Policy, frames: readonly Frame[]): string[] {
  const admins = adminIds(policy);
  const outsiders: string[] = [];
  for (const f of frames) {
    const e = f.event?.json;
    if ((e?.type === 'propose' || e?.type === 'approve') && !admins.includes(e.admin) && !outsiders.includes(e.admin)) outsiders.push(e.admin);
  }
  return [...admins, ...outsiders, ...SYSTEM_LANES];
}

/**
 * The chart of a trace's frames as one `<svg class="sequence">`. Each step is a `<g class="step"
 * data-step="i">` the page can mark as current and make clickable; lane headers carry
 * `data-lane`. A trace of N steps is about 26·N pixels tall (more where the level changes).
 */
export function sequenceChartSvg(policy: Policy, frames: readonly Frame[], options: SequenceOptions = {}): string {
  const lanes = sequenceLanes(policy, frames);
  const admins = new Set(adminIds(policy));
  // Each lane as wide as its name needs (admins' names are short, "hypervisor" is not), then the
  // room left over shared out, so the chart fills the width it is given; right of the last lane,
  // room for the kill-switch commands. Past that the chart grows wider and the page scrolls it.
  const available = (options.width ?? 900) - GUTTER - RIGHT - 10;
  const need = lanes.map((id) => Math.max(MIN_LANE, Math.ceil(Math.min(id.length, 14) * 6.8 + 14)));
  const spare = Math.max(0, available - need.reduce((a, b) => a + b, 0));
  const widths = need.map((w) => Math.min(MAX_LANE, w + spare / lanes.length));
  const left: number[] = [];
  widths.reduce((at, w, i) => ((left[i] = at), at + w), GUTTER);
  const lanesWidth = widths.reduce((a, b) => a + b, 0);
  const x = (id: string) => left[lanes.indexOf(id)]! + widths[lanes.indexOf(id)]! / 2;
  const laneWidth = (id: string) => widths[lanes.indexOf(id)]!;
  const lane = lanesWidth / lanes.length;
  const width = Math.max(options.width ?? 900, GUTTER + lanesWidth + RIGHT);
  // Refusal reasons, violations and alerts are lines of their own under the step, as wide as the chart.
  const noteWidth = width - GUTTER - 12;

  const rows: string[] = [];
  let y = TOP + 8;
  const rowTop: number[] = [];
  frames.forEach((f, i) => {
    rowTop[i] = y;
    const cls = ['step', f.accepted ? '' : 'rejected', f.violations.length ? 'violating' : '', f.inCycle ? 'cycle' : ''].filter(Boolean).join(' ');
    const parts: string[] = [];
    const mid = y + ROW / 2;
    const notes: { text: string; cls: string }[] = [];
    if (i === 0) {
      parts.push(`<text class="initial" x="${n(x('hypervisor'))}" y="${n(mid + 4)}" text-anchor="middle">initial: ${xml(f.level)}</text>`);
    } else {
      const m = messageOf(f, frames[i - 1]!)!;
      const fx = x(m.from);
      const tx = x(m.to);
      const arrowCls = `msg ${m.kind}${f.accepted ? '' : ' refused'}`;
      if (fx === tx) {
        // A step inside one lane: a small loop back onto the lifeline, labelled to its right.
        parts.push(`<path class="${arrowCls}" d="M${n(fx)},${n(mid - 6)}h16v12h-14" marker-end="url(#seq-arrow${f.accepted ? '' : '-refused'})"/>`);
        parts.push(`<text class="label" x="${n(fx + 20)}" y="${n(mid + 4)}">${xml(fit(m.text, lane * 2.4))}</text>`);
      } else {
        const dir = tx > fx ? 1 : -1;
        parts.push(`<line class="${arrowCls}" x1="${n(fx)}" y1="${n(mid + 3)}" x2="${n(tx - dir * 4)}" y2="${n(mid + 3)}" marker-end="url(#seq-arrow${f.accepted ? '' : '-refused'})"/>`);
        const labelX = dir > 0 ? fx + 4 : tx + 8;
        parts.push(`<text class="label" x="${n(labelX)}" y="${n(mid - 2)}">${xml(fit(m.text, Math.max(Math.abs(tx - fx) - 8, lane * 2.2)))}</text>`);
      }
      if (!f.accepted) {
        const reason = f.effects.find((e) => e.kind === 'reject');
        notes.push({ text: `✗ refused: ${reason?.kind === 'reject' ? reason.reason : 'rejected'}`, cls: 'refusal' });
      }
      for (const e of f.effects) if (e.kind === 'alert') notes.push({ text: `ALERT: ${e.text}`, cls: 'alert' });
    }
    for (const v of f.violations) notes.push({ text: `✗ ${v.property}: ${v.reason}`, cls: 'violation' });
    parts.push(`<text class="step-no" x="${GUTTER - 8}" y="${n(mid + 4)}" text-anchor="end">${i}</text>`);
    let height = ROW;
    const change = f.effects.find((e) => e.kind === 'level');
    if (change !== undefined && change.kind === 'level') {
      const by = y + ROW + BAND / 2;
      const hx = x('hypervisor');
      parts.push(`<rect class="level-band" x="${GUTTER}" y="${n(y + ROW)}" width="${n(lanesWidth)}" height="${BAND - 2}" rx="3"/>`);
      // The change is written to the left of the hypervisor's lifeline (where it happens), or from
      // the left edge when there is no room; the commands go right, to the actuators.
      const said = `level ${change.from} → ${change.to} (${change.cause})`;
      const room = hx - GUTTER - 10;
      parts.push(
        room >= said.length * CHAR
          ? `<text class="level-change" x="${n(hx - 8)}" y="${n(by + 4)}" text-anchor="end">${xml(said)}</text>`
          : `<text class="level-change" x="${GUTTER + 6}" y="${n(by + 4)}">${xml(fit(said, Math.max(room, lanesWidth - 20)))}</text>`,
      );
      parts.push(`<circle class="level-dot" cx="${n(hx)}" cy="${n(by)}" r="4"/>`);
      // The kill switches this change commands: actuators newly awaiting confirmation.
      const before = new Set(frames[i - 1]?.state.context.pendingActuators ?? []);
      const commanded = f.state.context.pendingActuators.filter((a) => !before.has(a));
      if (commanded.length > 0) {
        const positions = actuatorPositions(f.level);
        const text = commanded.map((a) => `${positions[a] === 'engaged' ? 'engage' : 'release'} ${a}`).join(', ');
        const ax = x('actuators');
        parts.push(`<line class="msg command" x1="${n(hx + 6)}" y1="${n(by)}" x2="${n(ax - 4)}" y2="${n(by)}" marker-end="url(#seq-arrow-command)"><title>${xml(text)}</title></line>`);
        parts.push(`<text class="note command" x="${n(ax + 8)}" y="${n(by + 4)}">${xml(fit(text, width - ax - 12))}</text>`);
      }
      height += BAND;
    }
    notes.forEach((note, j) => {
      parts.push(`<text class="note ${note.cls}" x="${GUTTER + 6}" y="${n(y + height + 10 + j * NOTE)}"><title>${xml(note.text)}</title>${xml(fit(note.text, noteWidth))}</text>`);
    });
    height += notes.length * NOTE + (notes.length > 0 ? 3 : 0);
    rows.push(
      `<g class="${cls}" data-step="${i}"><title>${xml(i === 0 ? 'initial state' : `${i}. ${f.event!.label}${f.accepted ? '' : ' (rejected)'}`)}</title>` +
        `<rect class="row-bg" x="0" y="${n(y)}" width="${n(width)}" height="${n(height)}"/>${parts.join('')}</g>`,
    );
    y += height;
  });
  const bottom = y + 6;
  const lifelines = lanes
    .map((id) => {
      const cx = x(id);
      const kind = admins.has(id) ? 'admin' : (SYSTEM_LANES as readonly string[]).includes(id) ? 'system' : 'outsider';
      return (
        `<g class="lane ${kind}" data-lane="${xml(id)}"><line class="lifeline" x1="${n(cx)}" y1="${TOP - 6}" x2="${n(cx)}" y2="${n(bottom)}"/>` +
        `<rect class="lane-head" x="${n(cx - laneWidth(id) / 2 + 3)}" y="6" width="${n(laneWidth(id) - 6)}" height="24" rx="4"/>` +
        `<text class="lane-name" x="${n(cx)}" y="22" text-anchor="middle"><title>${xml(kind === 'outsider' ? `${id} (not an admin of this policy)` : id)}</title>${xml(fit(id, laneWidth(id) - 8))}</text></g>`
      );
    })
    .join('');
  // The cycle of a lasso: a bracket in the gutter over its rows.
  const cycleRows = frames.map((f, i) => (f.inCycle ? i : -1)).filter((i) => i >= 0);
  let cycle = '';
  if (cycleRows.length > 0) {
    const top = rowTop[cycleRows[0]!]! + 3;
    const last = cycleRows[cycleRows.length - 1]!;
    const end = (rowTop[last + 1] ?? y) - 3;
    cycle = `<g class="cycle-mark"><path d="M14,${n(top)}h-6v${n(end - top)}h6"/><text x="4" y="${n(top - 4)}">↻ cycle</text><title>these steps repeat forever: the lasso of a liveness counterexample</title></g>`;
  }
  const marker = (id: string, cls: string) => `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="${cls}"/></marker>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="sequence" viewBox="0 0 ${n(width)} ${n(bottom)}" width="${n(width)}" height="${n(bottom)}" role="img" aria-label="sequence chart of the trace: ${frames.length - 1} steps over ${lanes.length} lanes">` +
    `<defs>${marker('seq-arrow', 'head')}${marker('seq-arrow-refused', 'head refused')}${marker('seq-arrow-command', 'head command')}</defs>` +
    lifelines +
    rows.join('') +
    cycle +
    `</svg>`
  );
}
