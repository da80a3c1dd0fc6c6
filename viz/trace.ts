/**
 * Replaying a trace for the page: every step of a path of events run through the compiled
 * engine, with the state after it, whether it was accepted, its effects (rejection reasons,
 * notes, alerts, level changes with their cause) and the safety properties it violates.
 *
 * A frame carries the properties' history variables beside the machine state, so a trace can be
 * extended one event at a time ({@link nextFrame}): that is how the page fires an event on a
 * click without replaying the whole path. The verdicts are the properties' own (`PROPERTIES`,
 * judged on the checked state of `properties/history.ts`, as `checker/replay.ts` judges them);
 * a liveness counterexample's cycle is judged by the checker's replay itself. This module runs in
 * the browser too (bundled by `bundle.ts`), so it imports nothing from Node.
 */
import { referenceEngine, levelOf, REGIONS, type Engine, type Region, type SystemState } from '../machines/engine.ts';
import type { Effect } from '../machines/guillotine.ts';
import { decodePath, describeEvent, encodeEvent, encodePath, type GuillotineEvent } from '../spec/events.ts';
import type { Level } from '../spec/levels.ts';
import { quorumFor, type Policy } from '../spec/policy.ts';
import { replay as checkedReplay } from '../checker/replay.ts';
import { INITIAL_HISTORY, advanceHistory, type CheckState, type History } from '../properties/history.ts';
import { stepVerdict } from '../properties/judge.ts';
import { PROPERTIES, type PropertyId } from '../properties/index.ts';

/** A property a step violates, with what went wrong. */
export interface Violation {
  readonly property: PropertyId;
  readonly reason: string;
}

/** One frame of a replay: the state after `event` (the initial frame has no event). */
export interface Frame {
  /** 0 for the initial state, then 1.. for each event. */
  readonly index: number;
  readonly event: { readonly encoded: string; readonly label: string; readonly json: GuillotineEvent } | null;
  readonly accepted: boolean;
  readonly effects: readonly Effect[];
  /** Active state of each region as `region.state` ids, in region order (what the picture highlights). */
  readonly active: readonly string[];
  /** Regions whose active state this step changed. */
  readonly changed: readonly Region[];
  readonly level: Level;
  readonly state: SystemState;
  /** The properties' history variables after this step (what extending the trace needs). */
  readonly history: History;
  /** The quorum the open proposal needs, or null when none is open. */
  readonly quorum: number | null;
  /** Safety properties of docs/protocol.md §4 this step violates, with what went wrong. */
  readonly violations: readonly Violation[];
  /** True for the steps of a liveness counterexample's repeating cycle (replayed once). */
  readonly inCycle: boolean;
}

export interface Replay {
  /** The path in the compact encoding: the URL hash and CLI handle of this trace. */
  readonly path: string;
  /** The repeating cycle of a liveness counterexample, in the compact encoding, or null. */
  readonly cycle: string | null;
  readonly frames: readonly Frame[];
  /** How many events were rejected. */
  readonly rejected: number;
  /** The first frame that violates a property, or null. */
  readonly firstViolation: number | null;
}

/** A replay as the page receives it, or why the path could not be read. */
export type TraceView = ({ readonly ok: true } & Replay) | { readonly ok: false; readonly message: string };

function activeIds(state: SystemState): string[] {
  return REGIONS.map((r) => `${r}.${state.value[r]}`);
}

function quorumOf(policy: Policy, state: SystemState): number | null {
  const p = state.context.proposal;
  return p === null ? null : quorumFor(policy, p.from, p.to);
}

/** The frame of the initial state. */
export function initialFrame(engine: Engine): Frame {
  const state = engine.initial();
  return { index: 0, event: null, accepted: true, effects: [], active: activeIds(state), changed: [], level: levelOf(state), state, history: INITIAL_HISTORY, quorum: quorumOf(engine.policy, state), violations: [], inCycle: false };
}

/** The safety properties a step from `before` by `event` to `after` violates (state and transition invariants). */
export function stepViolations(policy: Policy, before: CheckState, event: GuillotineEvent, accepted: boolean, after: CheckState): Violation[] {
  const violations: Violation[] = [];
  for (const p of PROPERTIES) {
    const verdict = stepVerdict(p, { policy, before, event, after }, accepted);
    if (verdict !== true) violations.push({ property: p.id, reason: verdict });
  }
  return violations;
}

/**
 * The frame after sending `event` in `frame`'s state. A rejected event leaves the state as it was
 * (the machine's own semantics); the frame still records it, with the machine's reason.
 */
export function nextFrame(engine: Engine, frame: Frame, event: GuillotineEvent, inCycle = false): Frame {
  const policy = engine.policy;
  const before: CheckState = { machine: frame.state, history: frame.history };
  const step = engine.step(frame.state, event);
  const after: CheckState = { machine: step.state, history: advanceHistory(policy, before, event, step) };
  return {
    index: frame.index + 1,
    event: { encoded: encodeEvent(event), label: describeEvent(event), json: event },
    accepted: step.accepted,
    effects: step.effects,
    active: activeIds(step.state),
    changed: REGIONS.filter((r) => step.state.value[r] !== frame.state.value[r]),
    level: levelOf(step.state),
    state: step.state,
    history: after.history,
    quorum: quorumOf(policy, step.state),
    violations: stepViolations(policy, before, event, step.accepted, after),
    inCycle,
  };
}

/**
 * Runs `events` (then `cycle`, once, when given) from the initial state of the policy's machine.
 * A rejected event leaves the state as it was and the replay goes on, so a trace with a typo still
 * shows every later step. With a cycle, the checker's replay judges the lasso (does it return to
 * its start, is it fair), and its last step carries the liveness violation when it is one.
 * Deterministic: the same policy and events give the same frames.
 */
export function replay(policy: Policy, events: readonly GuillotineEvent[], cycle: readonly GuillotineEvent[] = [], engine: Engine = referenceEngine(policy)): Replay {
  const frames: Frame[] = [initialFrame(engine)];
  [...events, ...cycle].forEach((event, i) => frames.push(nextFrame(engine, frames[frames.length - 1]!, event, i >= events.length)));
  if (cycle.length > 0) {
    const judged = checkedReplay(policy, events, { engine: 'reference', cycle });
    judged.steps.forEach((s, i) => (frames[i + 1] = { ...frames[i + 1]!, violations: s.violations }));
  }
  const first = frames.findIndex((f) => f.violations.length > 0);
  return { path: encodePath(events), cycle: cycle.length === 0 ? null : encodePath(cycle), frames, rejected: frames.filter((f) => !f.accepted).length, firstViolation: first === -1 ? null : first };
}

/** Replays events for the page. */
export function traceView(policy: Policy, events: readonly GuillotineEvent[], cycle: readonly GuillotineEvent[] = [], engine?: Engine): TraceView {
  return { ok: true, ...replay(policy, events, cycle, engine) };
}

/**
 * Decodes a compact path (the URL hash: `path=…` and, for a liveness counterexample, `cycle=…`)
 * and replays it; a bad path comes back as its message.
 */
export function traceViewOfPath(policy: Policy, path: string, cycle = '', engine?: Engine): TraceView {
  const decoded = decodePath(path);
  if (!decoded.ok) return { ok: false, message: `path: ${decoded.message}` };
  const loop = decodePath(cycle);
  if (!loop.ok) return { ok: false, message: `cycle: ${loop.message}` };
  return traceView(policy, decoded.events, loop.events, engine);
}
