/**
 * The one seam between `guillotine validate` and the statechart: everything the validator knows
 * about the protocol comes through here, from the machines' public engine (`referenceEngine` with
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
import { encodeEvent, type GuillotineEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import type { LogObservation } from '../spec/log.ts';
import { referenceEngine, levelOf, type Engine, type SystemState } from '../machines/engine.ts';
import { eventAlphabet } from '../machines/alphabet.ts';
import { INITIAL_HISTORY, advanceHistory, type CheckState } from '../properties/history.ts';
import { PROPERTIES, type PropertyId } from '../properties/index.ts';
import { stateVerdict, transitionVerdict } from '../properties/judge.ts';

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
  /** Why the statechart rejects `event` in `state`, or null when it takes it (for reports; not cached). */
  rejection(state: CheckState, event: GuillotineEvent): string | null;
  /** The events a search may supply, in a fixed order: admins' proposals and approvals, then the automatic events. */
  readonly alphabet: readonly GuillotineEvent[];
  /** A number equal for two states exactly when their machine states are equal (the history is not part of it). */
  key(state: CheckState): number;
  view(state: CheckState): SpecView;
  /** Actuators whose commanded position differs between two states. */
  commanded(before: CheckState, after: CheckState): readonly Actuator[];
  /**
   * The §4 properties broken if, from `before`, the implementation took `event` (null: none the
   * log shows) and ended where `shown` says: the spec's state `after` with the log's fields put in.
   */
  violations(before: CheckState, event: GuillotineEvent | null, after: CheckState, shown: LogObservation): readonly { readonly property: PropertyId; readonly reason: string }[];
}

/** The most transitions remembered (they repeat: a long log visits a few thousand states again and again). */
const TRANSITION_CACHE_LIMIT = 200_000;

interface Transition {
  readonly state: SystemState;
  readonly accepted: boolean;
  readonly changes: readonly LevelChangeSeen[];
}

const NO_CHANGES: readonly LevelChangeSeen[] = [];

/**
 * Steps of one engine, remembered: machine states are interned (one object and one small id per
 * distinct state; the engine builds every context the same way, so equal states stringify
 * equally), events too (a log's events are fresh objects), and each (state, event) transition is
 * computed once. A search that meets a state again pays a lookup, not a step. Bounded: the
 * transitions and events are forgotten past {@link TRANSITION_CACHE_LIMIT}.
 */
function rememberedSteps(engine: Engine) {
  const ids = new WeakMap<SystemState, number>();
  const interned = new Map<string, SystemState>();
  const intern = (machine: SystemState): SystemState => {
    if (ids.has(machine)) return machine;
    const text = JSON.stringify(machine.value) + JSON.stringify(machine.context);
    const known = interned.get(text);
    if (known !== undefined) return known;
    ids.set(machine, interned.size);
    interned.set(text, machine);
    return machine;
  };
  const events = new Map<string, GuillotineEvent>();
  const canonical = new WeakMap<GuillotineEvent, GuillotineEvent>();
  const eventOf = (event: GuillotineEvent): GuillotineEvent => {
    const seen = canonical.get(event);
    if (seen !== undefined) return seen;
    const text = encodeEvent(event);
    let known = events.get(text);
    if (known === undefined) {
      if (events.size >= TRANSITION_CACHE_LIMIT) events.clear();
      events.set(text, (known = event));
    }
    // A record's event object is shared by the records whose text repeats (the reader's cache): remember it too.
    canonical.set(event, known);
    return known;
  };
  const transitions = new Map<SystemState, Map<GuillotineEvent, Transition>>();
  let remembered = 0;
  const transition = (machine: SystemState, event: GuillotineEvent): Transition => {
    let row = transitions.get(machine);
    const known = row?.get(event);
    if (known !== undefined) return known;
    const step = engine.step(machine, event);
    let changes = NO_CHANGES;
    for (const effect of step.effects) if (effect.kind === 'level') changes = [...changes, { from: effect.from, to: effect.to, cause: effect.cause }];
    const result: Transition = { state: intern(step.state), accepted: step.accepted, changes };
    if (remembered >= TRANSITION_CACHE_LIMIT) {
      transitions.clear();
      remembered = 0;
      row = undefined;
    }
    if (row === undefined) transitions.set(machine, (row = new Map()));
    row.set(event, result);
    remembered++;
    return result;
  };
  return {
    intern,
    eventOf,
    /** The transition from `machine` on `event`, both interned first. */
    step: (machine: SystemState, event: GuillotineEvent) => transition(intern(machine), eventOf(event)),
    idOf: (machine: SystemState): number => ids.get(intern(machine))!,
  };
}

/** The statechart of `policy` behind the validator's seam, over the reference engine, its steps remembered. */
export function specEngine(policy: Policy): SpecEngine {
  const engine = referenceEngine(policy);
  const steps = rememberedSteps(engine);
  const alphabet = eventAlphabet(policy, { outsider: false }).map(steps.eventOf);
  const keyOf = steps.idOf;
  const views = new WeakMap<SystemState, SpecView>();
  const positions = (outputs: Capabilities) => ACTUATORS.map((a) => outputs[ACTUATOR_OUTPUT[a][0]] === ACTUATOR_OUTPUT[a][1]);
  return {
    policy,
    initial: () => ({ machine: steps.intern(engine.initial()), history: INITIAL_HISTORY }),
    step(state, event) {
      const t = steps.step(state.machine, event);
      const history = advanceHistory(policy, state, event, { state: t.state, accepted: t.accepted, effects: [] });
      const moved = t.state !== state.machine || history !== state.history;
      return { state: moved ? { machine: t.state, history } : state, accepted: t.accepted, moved, changes: t.changes };
    },
    rejection(state, event) {
      const reject = engine.step(state.machine, event).effects.find((e) => e.kind === 'reject');
      return reject?.kind === 'reject' ? reject.reason : null;
    },
    alphabet,
    key: (state) => keyOf(state.machine),
    view(state) {
      // Interned states repeat: their view is built once.
      const known = views.get(state.machine);
      if (known !== undefined) return known;
      const c = state.machine.context;
      const view: SpecView = {
        level: levelOf(state.machine),
        proposal: c.proposal === null ? null : { from: c.proposal.from, to: c.proposal.to, approvals: c.proposal.approvals },
        hypervisor: state.machine.value.hypervisor === 'rebooting' ? 'rebooting' : 'running',
        capabilities: c.outputs,
        actuators: c.pendingActuators,
        missed: c.missedHeartbeats,
      };
      views.set(state.machine, view);
      return view;
    },
    commanded(before, after) {
      if (before.machine.context.outputs === after.machine.context.outputs) return [];
      const was = positions(before.machine.context.outputs);
      const now = positions(after.machine.context.outputs);
      return ACTUATORS.filter((_, i) => was[i] !== now[i]);
    },
    violations(before, event, after, shown) {
      const machine = shownState(before.machine, after.machine, shown);
      // The implementation took the event if it moved (whatever the statechart says), or if the statechart accepted it.
      const accepted = event !== null && (keyOf(machine) !== keyOf(before.machine) || after.machine !== before.machine);
      const observed: CheckState = { machine, history: event === null ? before.history : advanceHistory(policy, before, event, { state: machine, accepted, effects: [] }) };
      const broken: { property: PropertyId; reason: string }[] = [];
      for (const p of PROPERTIES) {
        const check = p.check;
        let verdict: true | string = true;
        if (check.on === 'transition' && event !== null && accepted) verdict = transitionVerdict(check, { policy, before, event, after: observed });
        else if (check.on === 'state') verdict = stateVerdict(check, observed, policy);
        if (verdict !== true) broken.push({ property: p.id, reason: verdict });
      }
      return broken;
    },
  };
}

/** The machine state with what the log shows put in place of the statechart's own fields. */
function shownState(before: SystemState, state: SystemState, shown: LogObservation): SystemState {
  const c = state.context;
  const level = shown.level ?? c.level;
  // A change of level cancels any open proposal (§3): a log that shows the change but not the proposal gets that benefit of the doubt.
  const proposal = shown.proposal !== undefined || level === before.context.level ? shown.proposal : null;
  const rebooting = shown.hypervisor === undefined ? c.rebooting : shown.hypervisor === 'rebooting';
  return {
    value: { ...state.value, isolation: level, hypervisor: rebooting ? 'rebooting' : 'running' },
    context: {
      ...c,
      level,
      rebooting,
      proposal: proposal === undefined ? c.proposal : proposal === null ? null : { from: proposal.from, to: proposal.to, approvals: proposal.approvals },
      // Fields the log does not show are given the benefit of the doubt: the row of the level it shows.
      outputs: { ...(shown.level === undefined ? c.outputs : CAPABILITIES[shown.level]), ...shown.capabilities } as Capabilities,
      pendingActuators: shown.actuators ?? c.pendingActuators,
      missedHeartbeats: shown.missed ?? c.missedHeartbeats,
    },
  };
}
