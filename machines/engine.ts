/**
 * Two interpreters of one statechart definition (`machineConfig` + `machineImplementations`):
 *
 * - {@link xstateEngine} runs the XState machine with XState's pure `transition()`;
 * - {@link compiledEngine} runs the same config with a small interpreter of the subset the config
 *   uses (parallel regions of atomic states, guarded transitions, entry actions, `assign`-style
 *   updates, raised internal events processed in FIFO order after each microstep) — about 50x
 *   faster, which is what makes exhaustive checking interactive.
 *
 * `test/machines/engine.test.ts` proves they agree: same reachable graph, same effects, for the
 * default policy and every policy in the test suite. Both return plain {@link SystemState}s, so
 * every consumer (checker, replay, test generator, visualizer) is engine-agnostic.
 */
import { createActor, type AnyActorScope } from 'xstate';
import type { Level } from '../spec/levels.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import { createGuillotineMachine, machineImplementations, type Effect, type MachineImplementations } from './guillotine.ts';
import type { GuillotineContext, MachineEvent } from './protocol.ts';

import { readStatechart, REGIONS, type ActionRef, type Region, type TransitionRef } from './statechart.ts';

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
}

export interface Engine {
  readonly name: 'xstate' | 'compiled';
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

/** Runs the XState machine itself. Slow (≈100 µs a step) but the reference. */
export function xstateEngine(policy: Policy, implementations: MachineImplementations = machineImplementations(policy)): Engine {
  const machine = createGuillotineMachine(policy, implementations);
  const effectNames = new Set(Object.keys(implementations.effects));
  // One inert actor scope, reused: XState's transition() helper builds a fresh actor per call.
  const self = createActor(machine);
  let collected: { type: string; params?: unknown; info?: { context: GuillotineContext; event: MachineEvent } }[] = [];
  const scope = {
    self, defer: () => {}, id: '', logger: () => {}, sessionId: '', stopChild: () => {}, system: (self as unknown as { system: unknown }).system, emit: () => {},
    actionExecutor: (action: (typeof collected)[number]) => collected.push(action),
  } as unknown as AnyActorScope;
  type Snap = ReturnType<typeof machine.getInitialSnapshot>;
  const toState = (snapshot: Snap): SystemState => ({ value: snapshot.value as unknown as Record<Region, string>, context: snapshot.context });
  const toSnapshot = (state: SystemState): Snap => machine.resolveState({ value: state.value as never, context: state.context });
  const effectsOf = () =>
    collected
      .filter((a) => effectNames.has(a.type))
      .map((a) => implementations.effects[a.type]!(a.info!.context, a.info!.event, a.params as Record<string, string> | undefined));
  return {
    name: 'xstate',
    policy,
    initial() {
      collected = [];
      return toState(machine.getInitialSnapshot(scope) as Snap);
    },
    step(state, event) {
      collected = [];
      const before = toSnapshot(state);
      const next = machine.transition(before, event as never, scope) as Snap;
      // XState returns the very same snapshot, and runs no action, when no region has a transition.
      if (next === before && collected.length === 0) return { state, accepted: false, effects: [unhandled(event)] };
      const effects = effectsOf();
      return { state: toState(next), accepted: accepted(effects), effects };
    },
  };
}

// ---------------------------------------------------------------- compiled

export interface CompiledOptions {
  /**
   * Build effects (rejection reasons, notes, level changes) for each step. The checker turns this
   * off: it needs only whether the event was accepted, and formatting reasons dominates the cost
   * of a rejected step. Default true.
   */
  readonly effects?: boolean;
}

/**
 * Interprets `machineConfig(policy)` directly, as `readStatechart` reads it (the exporters read it
 * the same way). Supports exactly what the config uses; it throws at construction on anything else
 * (a nested state, an unknown guard or action name), so a change to the config that it cannot run
 * is caught at once rather than misinterpreted.
 */
export function compiledEngine(policy: Policy, implementations: MachineImplementations = machineImplementations(policy), options: CompiledOptions = {}): Engine {
  const explain = options.effects !== false;
  const known = { guards: new Set(Object.keys(implementations.guards)), actions: new Set([...Object.keys(implementations.updates), ...Object.keys(implementations.raises), ...Object.keys(implementations.effects)]) };
  const { regions, context: initialContext } = readStatechart(policy, known, 'compiledEngine');

  const REJECTED: Effect = { kind: 'reject', reason: '(reasons are not built in this mode)' };
  const UNHANDLED: readonly Effect[] = [REJECTED];

  // The config resolved once: each guard and action bound to its implementation and params, so a
  // step does no name lookups. Nothing is decided here; the implementations still decide.
  type Run = (ctx: GuillotineContext, event: MachineEvent, queue: MachineEvent[], effects: Effect[]) => GuillotineContext;
  const compileAction = (a: ActionRef): Run => {
    const update = implementations.updates[a.type];
    if (update) return (ctx, event) => update(ctx, event, a.params);
    const raiser = implementations.raises[a.type];
    if (raiser) return (ctx, event, queue) => (queue.push(raiser(ctx, event, a.params)), ctx);
    const effect = implementations.effects[a.type]!;
    if (explain) return (ctx, event, _queue, effects) => (effects.push(effect(ctx, event, a.params)), ctx);
    return implementations.rejections.has(a.type) ? (ctx, _event, _queue, effects) => (effects.push(REJECTED), ctx) : (ctx) => ctx;
  };
  const compileActions = (actions: readonly ActionRef[]): readonly Run[] => actions.map(compileAction);
  interface Compiled {
    readonly guard: ((ctx: GuillotineContext, event: MachineEvent) => boolean) | undefined;
    readonly target: string | undefined;
    readonly actions: readonly Run[];
  }
  const compileTransition = (t: TransitionRef): Compiled => {
    const g = t.guard && implementations.guards[t.guard.type]!;
    const params = t.guard?.params;
    return { guard: g && ((ctx, event) => g(ctx, event, params)), target: t.target, actions: compileActions(t.actions) };
  };
  /** Entry actions of each region's states. */
  const entries = regions.map((region) => new Map(region.states.map((state) => [state.name, compileActions(state.entry)])));
  // For each event type, the regions with a transition on it (in document order) and their
  // candidates per state: most events concern one region, so a microstep looks at one or two.
  const handlers = new Map<string, { index: number; byState: Map<string, readonly Compiled[]> }[]>();
  regions.forEach((region, index) => {
    for (const state of region.states) {
      for (const [type, candidates] of Object.entries(state.on)) {
        let list = handlers.get(type);
        if (list === undefined) handlers.set(type, (list = []));
        let entry = list.find((h) => h.index === index);
        if (entry === undefined) list.push((entry = { index, byState: new Map() }));
        entry.byState.set(state.name, candidates.map(compileTransition));
      }
    }
  });

  function runAll(actions: readonly Run[], ctx: GuillotineContext, event: MachineEvent, queue: MachineEvent[], effects: Effect[]): GuillotineContext {
    for (let i = 0; i < actions.length; i++) ctx = actions[i]!(ctx, event, queue, effects);
    return ctx;
  }

  /** The enabled transition of each region on the pre-state, or undefined when no region takes the event. */
  function select(value: Record<Region, string>, ctx: GuillotineContext, event: MachineEvent): { index: number; t: Compiled }[] | undefined {
    // Plain loops and no closures: this runs for every event the checker tries in every state.
    const handling = handlers.get(event.type);
    if (handling === undefined) return undefined;
    let selected: { index: number; t: Compiled }[] | undefined;
    for (let h = 0; h < handling.length; h++) {
      const { index, byState } = handling[h]!;
      const candidates = byState.get(value[REGIONS[index]!]);
      if (candidates === undefined) continue;
      for (let c = 0; c < candidates.length; c++) {
        const t = candidates[c]!;
        if (t.guard === undefined || t.guard(ctx, event)) {
          (selected ??= []).push({ index, t });
          break;
        }
      }
    }
    return selected;
  }

  /** One microstep: run the selected transitions' actions, then enter their targets. */
  function microstep(selected: readonly { index: number; t: Compiled }[], value: Record<Region, string>, ctx: GuillotineContext, event: MachineEvent, queue: MachineEvent[], effects: Effect[]) {
    let next = value;
    for (const { t } of selected) ctx = runAll(t.actions, ctx, event, queue, effects);
    for (const { index, t } of selected) {
      if (t.target === undefined) continue;
      next = { ...next, [REGIONS[index]!]: t.target };
      ctx = runAll(entries[index]!.get(t.target)!, ctx, event, queue, effects);
    }
    return { value: next, ctx };
  }

  function settle(value: Record<Region, string>, ctx: GuillotineContext, queue: MachineEvent[], effects: Effect[]) {
    while (queue.length > 0) {
      const internal = queue.shift()!;
      const selected = select(value, ctx, internal);
      if (selected !== undefined) ({ value, ctx } = microstep(selected, value, ctx, internal, queue, effects));
    }
    return { value, context: ctx };
  }

  return {
    name: 'compiled',
    policy,
    initial() {
      const queue: MachineEvent[] = [];
      const effects: Effect[] = [];
      let ctx = initialContext;
      const value = {} as Record<Region, string>;
      regions.forEach((region, index) => {
        value[region.name] = region.initial;
        ctx = runAll(entries[index]!.get(region.initial)!, ctx, { type: 'isolation.changed' }, queue, effects);
      });
      return settle(value, ctx, queue, effects);
    },
    step(state, event) {
      const selected = select(state.value as Record<Region, string>, state.context, event);
      if (selected === undefined) return { state, accepted: false, effects: explain ? [unhandled(event)] : UNHANDLED };
      const queue: MachineEvent[] = [];
      const effects: Effect[] = [];
      const first = microstep(selected, state.value as Record<Region, string>, state.context, event, queue, effects);
      const settled = settle(first.value, first.ctx, queue, effects);
      // Nothing changed (a rejection by a transition that only explains itself): the same state object.
      const same = settled.value === state.value && settled.context === state.context;
      return { state: same ? state : settled, accepted: accepted(effects), effects };
    },
  };
}

/** Both engines by name, for `--engine`. */
export const ENGINES = { compiled: compiledEngine, xstate: xstateEngine } as const;
export type EngineName = keyof typeof ENGINES;
