/**
 * The search between two records: which behaviours of the statechart explain the next record?
 *
 * From each candidate (a state consistent with every record so far), the search tries the
 * record's stimulus after 0, 1, 2, … events the log does not show — only of the kinds the header
 * does not declare complete — breadth first, so the shortest explanations come first. It keeps
 * **every** state that explains the record (not only the first), merged when equal, since a later
 * record may rule some out. An event that the statechart rejects or that changes nothing is never
 * supplied (it explains nothing), so the breadth-first search closes over a small set of states;
 * when it closes before `maxGap` events the search of the gap was exhaustive.
 *
 * **Time.** Every event of a behaviour gets a time between the two records. The time-driven events
 * are allowed only when the timestamps allow them: a quorum `timeout` no earlier than
 * `timeoutSeconds` after the proposal opened, a `heartbeat-missed` no earlier than one heartbeat
 * period after the last heartbeat or missed period, an `actuator-fault` no earlier than
 * `confirmDeadlineMs` after the actuator was commanded to its position (or last faulted). The
 * search gives each event its earliest possible time; a behaviour is possible exactly when those
 * earliest times stay within the gap (all the constraints are lower bounds). Deadlines are not
 * enforced as upper bounds: a fail-safe that fires late is caught when the log records what should
 * have triggered it.
 *
 * **Level changes.** When the header declares `level` complete, every change of level has its own
 * record, so a gap may change the level once, and only where the record shows it.
 */
import { ACTUATORS, type Level } from '../spec/levels.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { LogRecord, LogVote } from '../spec/log.ts';
import type { CheckState } from '../properties/history.ts';
import type { LevelChangeSeen, SpecEngine } from './engine.ts';
import { observationDiffs, type FieldDiff } from './match.ts';
import { voteMeaning, type Authenticity } from './votes.ts';

/** Timestamps are compared to the microsecond: a log in ms with µs fractions is exact enough. */
export const TIME_SLACK_MS = 0.001;

/** Lower bounds on the times of a behaviour's next events (ms since the start). */
export interface Times {
  /** The latest event's time: no later event may come before it. */
  readonly last: number;
  /** The last heartbeat or missed period: the next period ends one period later. */
  readonly beat: number;
  /** When the open proposal opened (0 when none is open). */
  readonly opened: number;
  /** When each actuator awaiting confirmation was commanded or last faulted, in ACTUATORS order (0 when not awaiting). */
  readonly commanded: readonly number[];
}

export const START_TIMES: Times = { last: 0, beat: 0, opened: 0, commanded: ACTUATORS.map(() => 0) };

/** A behaviour's events, newest first, shared between the candidates that extend it. */
export interface PathCell {
  readonly event: GuillotineEvent;
  readonly prev: PathCell | null;
  /** For a record's stimulus, the record's line and time (a visualizer ties the step to it); absent for a supplied event. */
  readonly recorded?: { readonly line: number; readonly t: number };
}

/** The records a behaviour explained, newest first: each with how many of the behaviour's events came before it was matched. */
export interface RecordCell {
  readonly line: number;
  readonly t: number;
  /** The behaviour's events up to and including the record's stimulus: the record shows the state after them. */
  readonly after: number;
  readonly prev: RecordCell | null;
}

/** A state of the statechart consistent with every record so far, and how it got there. */
export interface Candidate {
  readonly state: CheckState;
  /** The nonce of the logged vote that opened the open proposal (null: none open, or not shown). */
  readonly nonce: number | null;
  readonly times: Times;
  /** The behaviour's events, newest first; null once it is longer than the path limit. */
  readonly path: PathCell | null;
  /** The records it explained, newest first (for a visualizer); null once the path is no longer kept. */
  readonly explained: RecordCell | null;
  readonly events: number;
  /** Events the search supplied (the log did not show them). */
  readonly supplied: number;
}

export interface SearchSettings {
  readonly engine: SpecEngine;
  /** The events the search may supply, in the order it tries them. */
  readonly supplied: readonly GuillotineEvent[];
  readonly levelComplete: boolean;
  /** Whether record times are the system's clock; if not, the time-driven events are not held to the timers. */
  readonly timed: boolean;
  /** The most events supplied before one record. */
  readonly maxGap: number;
  /** The most candidates kept after a record (and ten times as many states visited in a gap). */
  readonly maxCandidates: number;
  /** Paths longer than this are not kept (memory stays flat in long logs). */
  readonly pathLimit: number;
}

/** What the log says about the vote of this record, for every candidate alike. */
export interface RecordContext {
  readonly record: LogRecord;
  /** The record's line in the log. */
  readonly line: number;
  readonly authenticity: Authenticity | null;
  readonly highestNonce: number | null;
}

/** One way the search tried to explain a record and failed, for the report. */
export interface Attempt {
  /** The state before the record's stimulus (after the supplied events). */
  readonly before: CheckState;
  readonly after: CheckState;
  /** The supplied events, then the stimulus (when it is an event). */
  readonly events: readonly GuillotineEvent[];
  /** The event the stimulus was to the statechart (null: no stimulus, or a vote that counts for nothing). */
  readonly stimulus: GuillotineEvent | null;
  /** The event the implementation took the stimulus for: a vote at face value, even one that counts for nothing. */
  readonly taken: GuillotineEvent | null;
  readonly diffs: readonly FieldDiff[];
  /** Why the attempt failed beyond the fields (too early, too many level changes, a vote ignored), if so. */
  readonly note: string | null;
  /** The candidate it started from. */
  readonly from: Candidate;
}

export type GapOutcome =
  | { readonly kind: 'explained'; readonly candidates: readonly Candidate[]; readonly cut: string | null }
  | { readonly kind: 'unexplained'; readonly attempts: readonly Attempt[]; readonly tried: number; readonly cut: string | null };

/** A node of the breadth-first search inside one gap. */
interface Node {
  readonly candidate: Candidate;
  readonly from: Candidate;
  /** The events supplied in this gap, newest first. */
  readonly gap: PathCell | null;
  readonly changes: number;
  readonly lastChange: LevelChangeSeen | null;
}

function dominates(a: Times, b: Times): boolean {
  if (a.last > b.last || a.beat > b.beat || a.opened > b.opened) return false;
  for (let i = 0; i < a.commanded.length; i++) if (a.commanded[i]! > b.commanded[i]!) return false;
  return true;
}

/** Keeps, per key, the time vectors no other one dominates; says whether `times` was new. */
function admit(seen: Map<string, Times[]>, key: string, times: Times): boolean {
  const list = seen.get(key);
  if (list === undefined) {
    seen.set(key, [times]);
    return true;
  }
  if (list.some((t) => dominates(t, times))) return false;
  list.push(times);
  return true;
}

const ms = (x: number) => `${Math.round(x * 1000) / 1000} ms`;

/** The earliest time `event` may happen after `times` under the policy's timers, or null when no timer bounds it. */
function earliest(settings: SearchSettings, event: GuillotineEvent, times: Times): { at: number; why: string } | null {
  if (!settings.timed) return null;
  const policy = settings.engine.policy;
  switch (event.type) {
    case 'timeout':
      return { at: times.opened + policy.quorum.timeoutSeconds * 1000, why: `the proposal opened at ${ms(times.opened)} and the quorum timeout is ${policy.quorum.timeoutSeconds} s` };
    case 'heartbeat-missed':
      return { at: times.beat + policy.heartbeat.periodMs, why: `the last heartbeat or missed period was at ${ms(times.beat)} and a period is ${policy.heartbeat.periodMs} ms` };
    case 'actuator-fault': {
      const since = times.commanded[ACTUATORS.indexOf(event.actuator)]!;
      return { at: since + policy.actuators.confirmDeadlineMs, why: `${event.actuator} was commanded at ${ms(since)} and its confirmation deadline is ${policy.actuators.confirmDeadlineMs} ms` };
    }
    default:
      return null;
  }
}

/** The times after `event` happened at `at`, taking `before` to `after` (`accepted`: the statechart took it). */
function advanceTimes(engine: SpecEngine, times: Times, event: GuillotineEvent, at: number, before: CheckState, after: CheckState, accepted = true): Times {
  const c = after.machine.context;
  // A heartbeat the statechart rejects (the hypervisor is rebooting) does not restart the watchdog's period.
  const beat = accepted && (event.type === 'heartbeat' || event.type === 'heartbeat-missed') ? at : times.beat;
  const wasOpen = before.machine.context.proposal !== null;
  const opened = c.proposal === null ? 0 : wasOpen ? times.opened : at;
  const moved = engine.commanded(before, after);
  let commanded = times.commanded;
  if (moved.length > 0 || event.type === 'actuator-fault' || c.pendingActuators !== before.machine.context.pendingActuators) {
    commanded = ACTUATORS.map((a, i) => (!c.pendingActuators.includes(a) ? 0 : moved.includes(a) || (event.type === 'actuator-fault' && event.actuator === a) ? at : times.commanded[i]!));
  }
  return { last: at, beat, opened, commanded };
}

function extend(path: PathCell | null, events: number, event: GuillotineEvent, limit: number, recorded?: PathCell['recorded']): PathCell | null {
  return events > limit ? null : recorded === undefined ? { event, prev: path } : { event, prev: path, recorded };
}

/** The events of a path, oldest first. */
export function pathEvents(path: PathCell | null): GuillotineEvent[] {
  const out: GuillotineEvent[] = [];
  for (let cell = path; cell !== null; cell = cell.prev) out.push(cell.event);
  return out.reverse();
}

/** The cells of a path, oldest first: each event with the record it was the stimulus of, if any. */
export function pathCells(path: PathCell | null): PathCell[] {
  const out: PathCell[] = [];
  for (let cell = path; cell !== null; cell = cell.prev) out.push(cell);
  return out.reverse();
}

/** How many changes of level the record allows in its gap (null: any), from a candidate at `level`. */
function allowedChanges(settings: SearchSettings, record: LogRecord, level: Level): number | null {
  if (!settings.levelComplete) return null;
  if (record.record !== undefined) return 1;
  return record.level !== undefined && record.level !== level ? 1 : 0;
}

type Applied = { readonly ok: true; readonly candidate: Candidate } | { readonly ok: false; readonly attempt: Attempt };

/** The record's stimulus at the record's time, then its observations, from one node. */
function applyRecord(settings: SearchSettings, ctx: RecordContext, node: Node, allowed: number | null, explain: boolean): Applied {
  const { engine } = settings;
  const { record } = ctx;
  const c = node.candidate;
  let state = c.state;
  let { nonce, times, path, events } = c;
  let changes = node.changes;
  let lastChange = node.lastChange;
  let stimulus: GuillotineEvent | null = null;
  let note: string | null = null;
  if (record.event !== undefined) stimulus = record.event;
  else if (record.vote !== undefined) {
    const view = state.machine.context;
    const meaning = voteMeaning(record.vote, ctx.authenticity!, ctx.highestNonce, { level: view.level, proposal: view.proposal, openNonce: nonce });
    if ('event' in meaning) stimulus = meaning.event;
    else note = `the vote counts for nothing: ${meaning.ignored}`;
  }
  if (stimulus !== null) {
    const bound = earliest(settings, stimulus, times);
    if (bound !== null && bound.at > record.t + TIME_SLACK_MS) return failed(explain, node, stimulus, state, [], `the log records ${stimulus.type} at ${ms(record.t)}, too early: ${bound.why}`);
    const step = engine.step(state, stimulus);
    if (step.changes.length > 0) {
      changes += step.changes.length;
      lastChange = step.changes[step.changes.length - 1]!;
    }
    const after = step.state;
    times = advanceTimes(engine, times, stimulus, record.t, state, after, step.accepted);
    if (record.vote !== undefined) nonce = nextNonce(nonce, record.vote, stimulus, state, after);
    else if (after.machine.context.proposal === null || state.machine.context.proposal === null) nonce = null;
    state = after;
    events++;
    path = extend(path, events, stimulus, settings.pathLimit, { line: ctx.line, t: record.t });
  }
  if (allowed !== null && changes !== allowed) {
    if (!explain) return NOT_EXPLAINED;
    const why = allowed === 0
      ? `the statechart changes the level here (${lastChange!.from}→${lastChange!.to}, ${lastChange!.cause}), but the log records every change of level and shows none`
      : changes === 0 ? 'the log shows a change of level here, and the statechart makes none' : `the log shows one change of level here, and the statechart makes ${changes}`;
    return failed(explain, node, stimulus, state, observationDiffs(record, engine.view(state), lastChange), note === null ? why : `${note}; ${why}`, record.vote);
  }
  const diffs = observationDiffs(record, engine.view(state), lastChange);
  if (diffs.length > 0) return failed(explain, node, stimulus, state, diffs, note, record.vote);
  const explained = path === null && events > 0 ? null : { line: ctx.line, t: record.t, after: events, prev: c.explained };
  return { ok: true, candidate: { state, nonce, times: { last: record.t, beat: times.beat, opened: times.opened, commanded: times.commanded }, path, explained, events, supplied: c.supplied } };
}

const NOT_EXPLAINED: Applied = { ok: false, attempt: null as unknown as Attempt };

/** A failed attempt; its details are built only when a report will show them. */
function failed(explain: boolean, node: Node, stimulus: GuillotineEvent | null, after: CheckState, diffs: readonly FieldDiff[], note: string | null, vote?: LogVote): Applied {
  if (!explain) return NOT_EXPLAINED;
  const gap = pathEvents(node.gap);
  // A vote that counts for nothing is judged as one from no admin: a property counts no approval for it.
  const taken = stimulus ?? (vote === undefined ? null : faceValue({ ...vote, admin: `${vote.admin} (counts for nothing)` }));
  return { ok: false, attempt: { before: node.candidate.state, after, events: stimulus === null ? gap : [...gap, stimulus], stimulus, taken, diffs, note, from: node.from } };
}

/** A vote as the §7 event it claims to be. */
function faceValue(vote: LogVote): GuillotineEvent {
  return vote.kind === 'propose' ? { type: 'propose', admin: vote.admin, target: vote.to } : { type: 'approve', admin: vote.admin };
}

/** The open proposal's nonce after a logged vote took `before` to `after`. */
function nextNonce(nonce: number | null, vote: LogVote, event: GuillotineEvent, before: CheckState, after: CheckState): number | null {
  if (after.machine.context.proposal === null) return null;
  if (before.machine.context.proposal === null && event.type === 'propose') return vote.nonce;
  return nonce;
}

/**
 * Searches the gap before `ctx.record` from every candidate of `frontier`. With `explain`, a
 * failure comes with the attempts closest to the record (fewest differing fields first).
 */
export function searchGap(settings: SearchSettings, frontier: readonly Candidate[], ctx: RecordContext, explain = false): GapOutcome {
  const { record } = ctx;
  if (settings.supplied.length === 0 && !explain) {
    // A log that records every kind of stimulus leaves nothing to supply: each candidate takes the record or not.
    const taken: Candidate[] = [];
    for (const c of frontier) {
      const applied = applyRecord(settings, ctx, { candidate: c, from: c, gap: null, changes: 0, lastChange: null }, allowedChanges(settings, record, c.state.machine.context.level), false);
      if (applied.ok) taken.push(applied.candidate);
    }
    return taken.length === 0 ? { kind: 'unexplained', attempts: [], tried: frontier.length, cut: null } : merge(settings, taken, null);
  }
  const t = record.t;
  const explained: Candidate[] = [];
  const seen = new Map<string, Times[]>();
  const attempts: Attempt[] = [];
  let tried = 0;
  let cut: string | null = null;
  let layer: Node[] = [];
  for (const c of frontier) layer.push({ candidate: c, from: c, gap: null, changes: 0, lastChange: null });
  const visitLimit = settings.maxCandidates * 10;
  const showsChange = record.record !== undefined || (settings.levelComplete && record.level !== undefined);
  let visited = 0;
  let full = false;
  for (let depth = 0; layer.length > 0; depth++) {
    const next: Node[] = [];
    for (const node of layer) {
      const level = node.from.state.machine.context.level;
      const allowed = allowedChanges(settings, record, level);
      tried++;
      const applied = applyRecord(settings, ctx, node, allowed, explain);
      if (applied.ok) explained.push(applied.candidate);
      else if (explain) attempts.push(applied.attempt);
      if (settings.supplied.length === 0 || full) continue;
      // Supply one more unobserved event (at the bound too: whether any new state is left says whether the bound cut the search).
      const grown = supply(settings, node, { t, allowed, showsChange, seen, budget: visitLimit - visited }, next);
      visited += grown.visited;
      if (grown.exhausted) {
        // The states already reached still get the record; no more are made.
        full = true;
        cut ??= `the search of one gap visited more than ${visitLimit} states (--max-candidates)`;
      }
    }
    if (depth === settings.maxGap) {
      // Reaching the bound is a cut only if some new state was still within reach.
      if (next.length > 0) cut ??= `a gap needed more than ${settings.maxGap} unobserved events (--max-gap)`;
      break;
    }
    layer = next;
  }
  if (explained.length > 0) return merge(settings, explained, cut);
  attempts.sort((a, b) => weight(a) - weight(b));
  return { kind: 'unexplained', attempts: attempts.slice(0, 50), tried, cut };
}

/**
 * The nodes one more unobserved event leads to from `node`, appended to `next`: each event the
 * timestamps allow, that the statechart accepts and that changes something, and that leads to a
 * state not already reached (with times no later) in this gap. Stops when `budget` new states are made.
 */
function supply(
  settings: SearchSettings,
  node: Node,
  gap: { readonly t: number; readonly allowed: number | null; readonly showsChange: boolean; readonly seen: Map<string, Times[]>; readonly budget: number },
  next: Node[],
): { visited: number; exhausted: boolean } {
  const { engine } = settings;
  const c = node.candidate;
  let visited = 0;
  for (const event of settings.supplied) {
    const bound = earliest(settings, event, c.times);
    const at = bound === null ? c.times.last : Math.max(c.times.last, bound.at);
    if (at > gap.t + TIME_SLACK_MS) continue;
    const step = engine.step(c.state, event);
    if (!step.accepted || !step.moved) continue;
    const changes = node.changes + step.changes.length;
    if (gap.allowed !== null && changes > gap.allowed) continue;
    // A change of level the record shows happened at the record's time (its level-record entry's time).
    const when = step.changes.length > 0 && gap.showsChange ? gap.t : at;
    const times = advanceTimes(engine, c.times, event, when, c.state, step.state);
    const nonce = step.state.machine.context.proposal === null || c.state.machine.context.proposal === null ? null : c.nonce;
    const lastChange = step.changes.length > 0 ? step.changes[step.changes.length - 1]! : node.lastChange;
    const key = `${engine.key(step.state)}|${nonce}|${changes}|${lastChange === null ? '' : `${lastChange.to}:${lastChange.cause}`}`;
    if (!admit(gap.seen, key, times)) continue;
    if (++visited > gap.budget) return { visited, exhausted: true };
    const events = c.events + 1;
    next.push({
      candidate: { state: step.state, nonce, times, path: extend(c.path, events, event, settings.pathLimit), explained: c.explained, events, supplied: c.supplied + 1 },
      from: node.from,
      gap: { event, prev: node.gap },
      changes,
      lastChange,
    });
  }
  return { visited, exhausted: false };
}

/**
 * The states that explain a record, equal ones merged into the one with the shortest behaviour
 * (sorted, stably, so the next search also tries the shortest behaviours first), at most `maxCandidates`.
 */
function merge(settings: SearchSettings, explained: Candidate[], cut: string | null): GapOutcome {
  if (explained.length === 1) return { kind: 'explained', candidates: explained, cut };
  explained.sort((a, b) => a.events - b.events);
  const kept = new Map<string, Times[]>();
  const merged: Candidate[] = [];
  for (const c of explained) {
    if (!admit(kept, `${settings.engine.key(c.state)}|${c.nonce}`, c.times)) continue;
    if (merged.length < settings.maxCandidates) merged.push(c);
    else cut ??= `more than ${settings.maxCandidates} states explain the record (--max-candidates)`;
  }
  return { kind: 'explained', candidates: merged, cut };
}

/** Closest attempts first: fewest differing fields, then fewest supplied events. */
function weight(a: Attempt): number {
  return (a.diffs.length + (a.note !== null && a.diffs.length === 0 ? 1 : 0)) * 1000 + a.events.length;
}
