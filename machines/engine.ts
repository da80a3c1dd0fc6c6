/**
 * Two interpreters of one statechart (`machineConfig` names guards and actions, `rules.ts` defines
 * them), both over the machine's objects:
 *
 * - {@link xstateEngine} runs the XState machine through XState's public, pure `transition()`;
 * - {@link referenceEngine} runs the same config with a small interpreter of the subset the config
 *   uses (parallel regions of atomic states, guarded transitions, entry actions, context updates,
 *   raised internal events processed in FIFO order after each microstep), calling the rules with
 *   the concrete interpretation. It is the reference the checker's generated code
 *   (`checker/compiled/`) is tested against, and what replay, the visualizer and the test
 *   generator step.
 *
 * `test/machines/engine.test.ts` proves they agree: same reachable graph, same effects. Both return
 * plain {@link SystemState}s, so every consumer is engine-agnostic.
 */
import { initialTransition, transition } from 'xstate';
import type { Level } from '../spec/levels.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import { createGuillotineMachine, EFFECTS, machineImplementations, REJECTIONS, type Effect } from './guillotine.ts';
import type { GuillotineContext, MachineEvent } from './protocol.ts';
import type { ContextView, EventView, RaisedEvent } from './protocolOps.ts';
import { PROTOCOL_RULES, type ProtocolRules } from './rules.ts';
import { concreteOps, contextOf, contextView, eventView, raisedEvent, type VoterList } from './concreteOps.ts';
import { readStatechart, REGIONS, ruleVocabulary, type ActionRef, type Region, type TransitionAddress, type TransitionRef } from './statechart.ts';

export { REGIONS, type Region } from './statechart.ts';

/** A machine state both interpreters produce: the active state of each region plus the context. */
export interface SystemState {
  readonly value: Readonly<Record<Region, string>>;
  readonly context: GuillotineContext;
}

/** The outcome of sending one external event. */
export interface Step {
  readonly state: SystemState;
  /** False when the owning region rejected the event; the state is then unchanged. */
  readonly accepted: boolean;
  readonly effects: readonly Effect[];
  /**
   * The statechart transitions the step took, in the order taken: the external event's (one per
   * region that took it), then those of the events it raised. Reported by the reference engine when
   * it builds effects; XState's public API returns no such list, so the XState engine leaves it out.
   */
  readonly taken?: readonly TransitionAddress[];
}

export interface Engine {
  readonly name: EngineName;
  readonly policy: Policy;
  initial(): SystemState;
  step(state: SystemState, event: GuillotineEvent): Step;
}

/** The level of a state, read from the isolation region (the context mirrors it). */
export function levelOf(state: SystemState): Level {
  return state.value.isolation as Level;
}

function unhandled(event: GuillotineEvent): Effect {
  return { kind: 'reject', reason: `no region handles "${event.type}" in this state` };
}

function accepted(effects: readonly Effect[]): boolean {
  return !effects.some((e) => e.kind === 'reject');
}

// ---------------------------------------------------------------- XState

/** Runs the XState machine itself, through its pure `transition()`. Slow (≈100 µs a step) but the reference's reference. */
export function xstateEngine(policy: Policy, rules: ProtocolRules = PROTOCOL_RULES): Engine {
  const implementations = machineImplementations(policy, rules);
  const machine = createGuillotineMachine(policy, implementations);
  type Snap = ReturnType<typeof machine.getInitialSnapshot>;
  type Action = { type: string; params?: unknown; info?: { context: GuillotineContext; event: MachineEvent } };
  const effectsOf = (actions: readonly Action[]) =>
    actions.filter((a) => a.type in implementations.effects).map((a) => implementations.effects[a.type]!(a.info!.context, a.info!.event, a.params as Record<string, string> | undefined));
  const toState = (snapshot: Snap): SystemState => ({ value: snapshot.value as unknown as Record<Region, string>, context: snapshot.context });
  return {
    name: 'xstate',
    policy,
    initial() {
      const [snapshot] = initialTransition(machine);
      return toState(snapshot as Snap);
    },
    step(state, event) {
      const before = machine.resolveState({ value: state.value as never, context: state.context });
      const [next, actions] = transition(machine, before, event as never);
      // XState returns the very snapshot it was given, and no action, when no region takes the event.
      if (next === before && actions.length === 0) return { state, accepted: false, effects: [unhandled(event)] };
      const effects = effectsOf(actions as unknown as Action[]);
      return { state: toState(next as Snap), accepted: accepted(effects), effects };
    },
  };
}

// ---------------------------------------------------------------- reference

export interface ReferenceOptions {
  /**
   * Build effects (rejection reasons, notes, level changes) and the transitions taken for each step.
   * Default true; off, a rejected step carries one effect without a reason, no step lists the
   * transitions it took, and the engine is faster.
   */
  readonly effects?: boolean;
}

type View = ContextView<boolean, number, VoterList>;

/**
 * Interprets `machineConfig(policy)` directly, as `readStatechart` reads it, with the rules run by
 * the concrete interpretation. Supports exactly what the config uses; it throws at construction on
 * anything else (a nested state, an unknown guard or action name), so a change to the config that
 * it cannot run is caught at once rather than misinterpreted.
 */
export function referenceEngine(policy: Policy, rules: ProtocolRules = PROTOCOL_RULES, options: ReferenceOptions = {}): Engine {
  const explain = options.effects !== false;
  const o = concreteOps(policy);
  const { regions, context: initialContext } = readStatechart(policy, ruleVocabulary(rules), 'referenceEngine');
  const REJECTED: Effect = { kind: 'reject', reason: '(reasons are not built in this mode)' };

  /** The work of one run to completion: the view as it is now, raised events waiting, effects so far. */
  interface Run {
    view: View;
    readonly queue: MachineEvent[];
    readonly effects: Effect[];
    /** The transitions taken so far, when effects are built. */
    readonly taken: TransitionAddress[] | undefined;
  }
  type Act = (run: Run, event: MachineEvent, e: EventView<number, string>) => void;
  const compileAction = (a: ActionRef): Act => {
    const update = rules.updates[a.type];
    if (update) return (run, _event, e) => void (run.view = { ...run.view, ...update(o, policy, run.view, e, a.params) });
    const raiser = rules.raises[a.type];
    if (raiser) return (run, _event, e) => void run.queue.push(raisedEvent(raiser(o, policy, run.view, e, a.params) as RaisedEvent<number>));
    const effect = EFFECTS[a.type]!;
    if (explain) return (run, event) => void run.effects.push(effect(policy, rules, contextOf(run.view), event, a.params));
    return REJECTIONS.has(a.type) ? (run) => void run.effects.push(REJECTED) : () => {};
  };
  interface Compiled {
    readonly guard: ((view: View, e: EventView<number, string>) => boolean) | undefined;
    readonly target: string | undefined;
    readonly actions: readonly Act[];
    readonly address: TransitionAddress;
  }
  const compileTransition = (t: TransitionRef, address: TransitionAddress): Compiled => {
    const g = t.guard && rules.guards[t.guard.type]!;
    const params = t.guard?.params;
    return { guard: g && ((view, e) => g(o, policy, view, e, params)), target: t.target, actions: t.actions.map(compileAction), address };
  };
  /** Entry actions of each region's states. */
  const entries = regions.map((region) => new Map(region.states.map((state) => [state.name, state.entry.map(compileAction)])));
  // For each event type, the regions with a transition on it (in document order) and their candidates per state.
  const handlers = new Map<string, { index: number; byState: Map<string, readonly Compiled[]> }[]>();
  regions.forEach((region, index) => {
    for (const state of region.states) {
      for (const [type, candidates] of Object.entries(state.on)) {
        let list = handlers.get(type);
        if (list === undefined) handlers.set(type, (list = []));
        let entry = list.find((h) => h.index === index);
        if (entry === undefined) list.push((entry = { index, byState: new Map() }));
        entry.byState.set(state.name, candidates.map((c, branch) => compileTransition(c, { region: region.name, source: state.name, event: type, branch })));
      }
    }
  });

  /** The enabled transition of each region on the pre-state, or undefined when no region takes the event. */
  function select(value: Record<Region, string>, view: View, e: EventView<number, string>, type: string): { index: number; t: Compiled }[] | undefined {
    const handling = handlers.get(type);
    if (handling === undefined) return undefined;
    let selected: { index: number; t: Compiled }[] | undefined;
    for (const { index, byState } of handling) {
      const candidates = byState.get(value[REGIONS[index]!]);
      if (candidates === undefined) continue;
      const t = candidates.find((c) => c.guard === undefined || c.guard(view, e));
      if (t !== undefined) (selected ??= []).push({ index, t });
    }
    return selected;
  }

  /** One microstep: run the selected transitions' actions, then enter their targets. */
  function microstep(selected: readonly { index: number; t: Compiled }[], value: Record<Region, string>, run: Run, event: MachineEvent, e: EventView<number, string>): Record<Region, string> {
    if (run.taken !== undefined) for (const { t } of selected) run.taken.push(t.address);
    for (const { t } of selected) for (const act of t.actions) act(run, event, e);
    for (const { index, t } of selected) {
      if (t.target === undefined) continue;
      value = { ...value, [REGIONS[index]!]: t.target };
      for (const act of entries[index]!.get(t.target)!) act(run, event, e);
    }
    return value;
  }

  function settle(value: Record<Region, string>, run: Run): Record<Region, string> {
    for (let next = run.queue.shift(); next !== undefined; next = run.queue.shift()) {
      const e = eventView(next);
      const selected = select(value, run.view, e, next.type);
      if (selected !== undefined) value = microstep(selected, value, run, next, e);
    }
    return value;
  }

  return {
    name: 'reference',
    policy,
    initial() {
      const run: Run = { view: contextView(initialContext), queue: [], effects: [], taken: undefined };
      let value = {} as Record<Region, string>;
      const entered: MachineEvent = { type: 'isolation.changed' };
      regions.forEach((region, index) => {
        value = { ...value, [region.name]: region.initial };
        for (const act of entries[index]!.get(region.initial)!) act(run, entered, eventView(entered));
      });
      value = settle(value, run);
      return { value, context: contextOf(run.view, initialContext) };
    },
    step(state, event) {
      const e = eventView(event);
      const before = contextView(state.context);
      const selected = select(state.value as Record<Region, string>, before, e, event.type);
      if (selected === undefined) return explain ? { state, accepted: false, effects: [unhandled(event)], taken: [] } : { state, accepted: false, effects: [REJECTED] };
      const run: Run = { view: before, queue: [], effects: [], taken: explain ? [] : undefined };
      let value = microstep(selected, state.value as Record<Region, string>, run, event, e);
      value = settle(value, run);
      const context = contextOf(run.view, state.context);
      const sameValue = REGIONS.every((r) => value[r] === state.value[r]);
      // Nothing changed (a rejection by a transition that only explains itself): the same state object.
      const same = sameValue && context === state.context;
      const next = same ? state : { value: sameValue ? state.value : value, context };
      return run.taken === undefined ? { state: next, accepted: accepted(run.effects), effects: run.effects } : { state: next, accepted: accepted(run.effects), effects: run.effects, taken: run.taken };
    },
  };
}

/** The object engines by name. The checker's default, generated code, is `checker/compiled/`'s. */
export const ENGINES = { reference: referenceEngine, xstate: xstateEngine } as const;
export type EngineName = keyof typeof ENGINES;
