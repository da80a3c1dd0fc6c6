/**
 * Replaying a trace for the page: every step of a path of events run through the compiled
 * engine, with the state after it, whether it was accepted, its effects (rejection reasons,
 * notes, alerts, level changes with their cause) and the safety properties it violates (judged
 * by the checker's own replay, `checker/replay.ts`). The page only displays these frames.
 */
import { compiledEngine, levelOf, REGIONS, type Region, type SystemState } from '../machines/engine.ts';
import type { Effect } from '../machines/guillotine.ts';
import { describeEvent, encodeEvent, encodePath, type GuillotineEvent } from '../spec/events.ts';
import type { Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import { replay as checkedReplay } from '../checker/replay.ts';
import type { PropertyId } from '../properties/index.ts';

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
  /** Safety properties of docs/protocol.md §4 this step violates, with what went wrong. */
  readonly violations: readonly { readonly property: PropertyId; readonly reason: string }[];
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

function activeIds(state: SystemState): string[] {
  return REGIONS.map((r) => `${r}.${state.value[r]}`);
}

/**
 * Runs `events` (then `cycle`, once, when given) from the initial state of the policy's machine.
 * A rejected event leaves the state as it was (the machine's own semantics) and the replay goes
 * on, so a trace with a typo still shows every later step. Deterministic: the same policy and
 * events give the same frames.
 */
export function replay(policy: Policy, events: readonly GuillotineEvent[], cycle: readonly GuillotineEvent[] = []): Replay {
  const engine = compiledEngine(policy);
  const judged = checkedReplay(policy, events, { engine: 'compiled', cycle });
  let state = engine.initial();
  const frames: Frame[] = [{ index: 0, event: null, accepted: true, effects: [], active: activeIds(state), changed: [], level: levelOf(state), state, violations: [], inCycle: false }];
  let rejected = 0;
  [...events, ...cycle].forEach((event, i) => {
    const step = engine.step(state, event);
    const changed = REGIONS.filter((r) => step.state.value[r] !== state.value[r]);
    if (!step.accepted) rejected++;
    state = step.state;
    frames.push({
      index: i + 1,
      event: { encoded: encodeEvent(event), label: describeEvent(event), json: event },
      accepted: step.accepted,
      effects: step.effects,
      active: activeIds(state),
      changed,
      level: levelOf(state),
      state,
      violations: judged.steps[i]?.violations ?? [],
      inCycle: i >= events.length,
    });
  });
  return { path: encodePath(events), cycle: cycle.length === 0 ? null : encodePath(cycle), frames, rejected, firstViolation: judged.firstViolation };
}
