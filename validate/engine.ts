/**
 * The one seam between `guillotine validate` and the statechart: everything the validator knows
 * about the protocol comes through here, from the machines' public engine (`compiledEngine` with
 * its `initial()` and `step()`), the properties' history (`advanceHistory`) and the §4 properties
 * (`PROPERTIES`) — never from a re-implementation of the rules. Swapping in another interpreter of
 * the same statechart means changing {@link specEngine} alone.
 *
 * What the validator needs beyond stepping: the alphabet of events it may supply (each admin's
 * proposals and approvals, the automatic events), a canonical key of a state (to merge equal
 * states in the search), the state as an implementation would show it (the fields of a log
 * record), which actuators a step commanded to a new position (their confirmation deadline starts
 * then), and the §4 properties a step would break if the implementation did what its log shows.
 */
import { ACTUATOR_OUTPUT, ACTUATORS, CAPABILITIES, type Actuator, type Capabilities, type Level } from '../spec/levels.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import type { LogObservation } from '../spec/log.ts';
import { compiledEngine, levelOf, type SystemState } from '../machines/engine.ts';
import { eventAlphabet } from '../checker/guillotineModel.ts';
import { INITIAL_HISTORY, advanceHistory, type CheckState } from '../properties/history.ts';
import { PROPERTIES, type PropertyId } from '../properties/index.ts';

/** A change of level a step made, with the cause the statechart gives it. */
export interface LevelChangeSeen {
  readonly from: Level;
  readonly to: Level;
  readonly cause: string;
}

/** One step of the statechart, as the validator reads it. */
export interface SpecStep {
  readonly state: CheckState;
  readonly accepted: boolean;
  /** Whether the machine state or the properties' history changed. */
  readonly moved: boolean;
  readonly changes: readonly LevelChangeSeen[];
  /** The rejection reason, when the statechart rejected the event. */
  readonly reason?: string;
}

/** What a state shows, in the log's words (every field present). */
export interface SpecView {
  readonly level: Level;
  readonly proposal: { readonly from: Level; readonly to: Level; readonly approvals: readonly string[] } | null;
  readonly hypervisor: 'running' | 'rebooting';
  readonly capabilities: Capabilities;
  readonly actuators: readonly Actuator[];
  readonly missed: number;
}

export interface SpecEngine {
  readonly policy: Policy;
  initial(): CheckState;
  step(state: CheckState, event: GuillotineEvent): SpecStep;
  /** The events a search may supply, in a fixed order: admins' proposals and approvals, then the automatic events. */
  readonly alphabet: readonly GuillotineEvent[];
  /** A string equal for two states exactly when their machine states are equal (the history is not part of it). */
  key(state: CheckState): string;
  view(state: CheckState): SpecView;
  /** Actuators whose commanded position differs between two states. */
  commanded(before: CheckState, after: CheckState): readonly Actuator[];
  /**
   * The §4 properties broken if, from `before`, the implementation took `event` (null: none the
   * log shows) and ended where `shown` says: the spec's state `after` with the log's fields put in.
   */
  violations(before: CheckState, event: GuillotineEvent | null, after: CheckState, shown: LogObservation): readonly { readonly property: PropertyId; readonly reason: string }[];
}

/** The statechart of `policy` behind the validator's seam, over the compiled engine. */
export function specEngine(policy: Policy): SpecEngine {
  const engine = compiledEngine(policy);
  const keys = new WeakMap<SystemState, string>();
  const keyOf = (machine: SystemState): string => {
    let key = keys.get(machine);
    // The engine builds every context the same way, so equal states stringify equally; memoised
    // per state object, which the engine shares when a step changes nothing.
    if (key === undefined) keys.set(machine, (key = JSON.stringify(machine.value) + JSON.stringify(machine.context)));
    return key;
  };
  const positions = (outputs: Capabilities) => ACTUATORS.map((a) => outputs[ACTUATOR_OUTPUT[a][0]] === ACTUATOR_OUTPUT[a][1]);
  return {
    policy,
    initial: () => ({ machine: engine.initial(), history: INITIAL_HISTORY }),
    step(state, event) {
      const step = engine.step(state.machine, event);
      const history = advanceHistory(policy, state, event, step);
      const changes: LevelChangeSeen[] = [];
      let reason: string | undefined;
      for (const effect of step.effects) {
        if (effect.kind === 'level') changes.push({ from: effect.from, to: effect.to, cause: effect.cause });
        else if (effect.kind === 'reject') reason ??= effect.reason;
      }
      const moved = step.state !== state.machine || history !== state.history;
      return { state: moved ? { machine: step.state, history } : state, accepted: step.accepted, moved, changes, ...(reason === undefined ? {} : { reason }) };
    },
    alphabet: eventAlphabet(policy, { outsider: false }),
    key: (state) => keyOf(state.machine),
    view(state) {
      const c = state.machine.context;
      return {
        level: levelOf(state.machine),
        proposal: c.proposal === null ? null : { from: c.proposal.from, to: c.proposal.to, approvals: c.proposal.approvals },
        hypervisor: state.machine.value.hypervisor === 'rebooting' ? 'rebooting' : 'running',
        capabilities: c.outputs,
        actuators: c.pendingActuators,
        missed: c.missedHeartbeats,
      };
    },
    commanded(before, after) {
      if (before.machine.context.outputs === after.machine.context.outputs) return [];
      const was = positions(before.machine.context.outputs);
      const now = positions(after.machine.context.outputs);
      return ACTUATORS.filter((_, i) => was[i] !== now[i]);
    },
    violations(before, event, after, shown) {
      const machine = shownState(after.machine, shown);
      // The implementation took the event if it moved (whatever the statechart says), or if the statechart accepted it.
      const accepted = event !== null && (keyOf(machine) !== keyOf(before.machine) || after.machine !== before.machine);
      const observed: CheckState = { machine, history: event === null ? before.history : advanceHistory(policy, before, event, { state: machine, accepted, effects: [] }) };
      const broken: { property: PropertyId; reason: string }[] = [];
      for (const p of PROPERTIES) {
        let verdict: true | string = true;
        if (p.check.on === 'transition' && event !== null && accepted) verdict = p.check.verdict({ policy, before, event, after: observed });
        else if (p.check.on === 'state') verdict = p.check.verdict(observed, policy);
        if (verdict !== true) broken.push({ property: p.id, reason: verdict });
      }
      return broken;
    },
  };
}

/** The machine state with what the log shows put in place of the statechart's own fields. */
function shownState(state: SystemState, shown: LogObservation): SystemState {
  const c = state.context;
  const level = shown.level ?? c.level;
  const rebooting = shown.hypervisor === undefined ? c.rebooting : shown.hypervisor === 'rebooting';
  return {
    value: { ...state.value, isolation: level, hypervisor: rebooting ? 'rebooting' : 'running' },
    context: {
      ...c,
      level,
      rebooting,
      proposal: shown.proposal === undefined ? c.proposal : shown.proposal === null ? null : { from: shown.proposal.from, to: shown.proposal.to, approvals: shown.proposal.approvals },
      // Fields the log does not show are given the benefit of the doubt: the row of the level it shows.
      outputs: { ...(shown.level === undefined ? c.outputs : CAPABILITIES[shown.level]), ...shown.capabilities } as Capabilities,
      pendingActuators: shown.actuators ?? c.pendingActuators,
      missedHeartbeats: shown.missed ?? c.missedHeartbeats,
    },
  };
}
