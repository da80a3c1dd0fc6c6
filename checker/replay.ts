/**
 * Replaying a trace through the machine, one event at a time: whether each event was accepted
 * (with the machine's reason when it was not), the level changes with their causes, the state
 * after each step, and every property of §4 that the step violates. By default it runs under
 * XState itself, so a counterexample the checker found with its generated code is confirmed by
 * XState running the same rules.
 */
import type { Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { ENGINES, levelOf, type EngineName, type SystemState } from '../machines/engine.ts';
import type { Effect } from '../machines/guillotine.ts';
import type { ProtocolRules } from '../machines/rules.ts';
import { eventAlphabet } from '../machines/alphabet.ts';
import type { Proposal } from '../machines/protocol.ts';
import { INITIAL_HISTORY, advanceHistory, type CheckState } from '../properties/history.ts';
import { PROPERTIES, type PropertyId } from '../properties/index.ts';
import { conditionHolds, stepVerdict } from '../properties/judge.ts';
import { guillotineModel } from './guillotineModel.ts';
import { guillotineCodec } from './guillotineCodec.ts';
import { enabledThroughout } from './liveness.ts';
import { sameState } from './model.ts';
import { actionKind, canonicalCheckState } from './symmetry.ts';

/** What a reviewer reads about a state. */
export interface StateView {
  readonly level: Level;
  readonly hypervisor: string;
  readonly proposal: Proposal | null;
  readonly missedHeartbeats: number;
  readonly pendingActuators: readonly string[];
  readonly ports: string;
  readonly modelCores: string;
}

export interface ReplayStep {
  readonly event: GuillotineEvent;
  readonly accepted: boolean;
  readonly reason?: string;
  readonly level: Level;
  /** Level changes, notes and alerts the step produced. */
  readonly effects: readonly Effect[];
  readonly state: StateView;
  /** Properties this step violates, with what went wrong. */
  readonly violations: readonly { readonly property: PropertyId; readonly reason: string }[];
  /** True for the steps of a liveness counterexample's repeating cycle. */
  readonly inCycle?: boolean;
}

export interface ReplayReport {
  readonly initial: StateView;
  readonly steps: readonly ReplayStep[];
  readonly final: StateView;
  /** The first step (1-based) that violates a property, if any. */
  readonly firstViolation: number | null;
  /** With a cycle: whether repeating it forever is a run at all, and a weakly fair one. */
  readonly lasso?: LassoView;
}

/**
 * What makes a liveness counterexample real, checked on the replay rather than taken from the
 * checker: the cycle ends in the state it started from (up to renaming admins, as the checker's
 * symmetry reduction finds it), so it can repeat forever; and every kind of event enabled all
 * along it is taken in it, so the run is weakly fair (§4, `escalation-liveness`). For an empty
 * cycle (a dead end): no event is enabled in the last state.
 */
export interface LassoView {
  readonly returns: boolean;
  /** Kinds of events (the admin left out) enabled in every state of the cycle and never taken in it. */
  readonly neverTaken: readonly string[];
}

export function viewOf(state: SystemState): StateView {
  const c = state.context;
  return { level: levelOf(state), hypervisor: state.value.hypervisor, proposal: c.proposal, missedHeartbeats: c.missedHeartbeats, pendingActuators: c.pendingActuators, ports: c.outputs.ports, modelCores: c.outputs.modelCores };
}

/**
 * Replays `events` (then `cycle`, once, if given) from the initial state. With a cycle, the last
 * step also carries the violation of every `eventually` property whose condition is false all
 * around a cycle that returns to its start and is weakly fair: repeated forever, it never reaches
 * the condition.
 */
export function replay(
  policy: Policy,
  events: readonly GuillotineEvent[],
  options: { engine?: EngineName; cycle?: readonly GuillotineEvent[]; rules?: ProtocolRules } = {},
): ReplayReport {
  const engine = ENGINES[options.engine ?? 'xstate'](policy, options.rules);
  let current: CheckState = { machine: engine.initial(), history: INITIAL_HISTORY };
  const initial = viewOf(current.machine);
  const steps: ReplayStep[] = [];
  let firstViolation: number | null = null;
  const all = [...events.map((e) => ({ e, inCycle: false })), ...(options.cycle ?? []).map((e) => ({ e, inCycle: true }))];
  const cycleStates: CheckState[] = [];
  for (const { e, inCycle } of all) {
    if (inCycle) cycleStates.push(current);
    const step = engine.step(current.machine, e);
    const after: CheckState = { machine: step.state, history: advanceHistory(policy, current, e, step) };
    const violations: { property: PropertyId; reason: string }[] = [];
    for (const p of PROPERTIES) {
      const verdict = stepVerdict(p, { policy, before: current, event: e, after }, step.accepted);
      if (verdict !== true) violations.push({ property: p.id, reason: verdict });
    }
    if (violations.length > 0 && firstViolation === null) firstViolation = steps.length + 1;
    const rejection = step.effects.find((x) => x.kind === 'reject');
    steps.push({
      event: e,
      accepted: step.accepted,
      ...(rejection && rejection.kind === 'reject' ? { reason: rejection.reason } : {}),
      level: levelOf(step.state),
      effects: step.effects.filter((x) => x.kind !== 'reject'),
      state: viewOf(step.state),
      violations,
      ...(inCycle ? { inCycle } : {}),
    });
    current = after;
  }
  if (options.cycle === undefined) return { initial, steps, final: viewOf(current.machine), firstViolation };

  // A dead end is a cycle of no steps at the last state; its one state is that state.
  const model = guillotineModel(engine, []);
  const around = cycleStates.length === 0 ? [current] : cycleStates;
  const lasso = judgeLasso(policy, model, around, current, options.cycle);
  if (lasso.returns && lasso.neverTaken.length === 0 && steps.length > 0) {
    const reason = options.cycle.length === 0 ? 'a state where the condition is false has no enabled event' : 'a fair cycle never reaches the condition';
    const unmet = PROPERTIES.flatMap((p) => {
      const check = p.check;
      return check.on === 'eventually' && !around.some((s) => conditionHolds(check, s, policy)) ? [{ property: p.id, reason }] : [];
    });
    if (unmet.length > 0) {
      const last = steps.length - 1;
      steps[last] = { ...steps[last]!, violations: [...steps[last]!.violations, ...unmet] };
      firstViolation ??= steps.length;
    }
  }
  return { initial, steps, final: viewOf(current.machine), firstViolation, lasso };
}

/** Whether the cycle through `around` (its states before each step) ends where it began and is weakly fair. */
function judgeLasso(policy: Policy, model: ReturnType<typeof guillotineModel>, around: readonly CheckState[], end: CheckState, cycle: readonly GuillotineEvent[]): LassoView {
  const codec = guillotineCodec(policy);
  const returns = cycle.length === 0 || sameState(codec, canonicalCheckState(policy, around[0]!), canonicalCheckState(policy, end));
  const alphabet = eventAlphabet(policy);
  const enabledKinds = (s: CheckState) => new Set(alphabet.filter((e) => model.next(s, e) !== undefined).map(actionKind));
  const taken = new Set(cycle.map(actionKind));
  return { returns, neverTaken: [...enabledThroughout(around, enabledKinds)].filter((k) => !taken.has(k)) };
}
