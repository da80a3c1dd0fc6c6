/**
 * Exhaustive breadth-first exploration of a {@link Model}. Breadth-first, so the first
 * counterexample found for a property is a shortest one from an initial state. The queue is the
 * array of discovered states walked by an index (never `shift()`), states are identified by their
 * canonical key, and each state keeps only its parent and the action that reached it, from which
 * paths are rebuilt.
 */
import type { Model, Property } from './model.ts';
import { findFairCycle } from './liveness.ts';

export interface Progress {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
}

export interface ExploreOptions {
  /** Stop (with an `incomplete` outcome) after this many distinct states. */
  readonly maxStates?: number;
  /** Called about once a second while exploring. */
  readonly onProgress?: (progress: Progress) => void;
}

/** One property's outcome. Paths are lists of actions from an initial state. */
export type PropertyOutcome<A> =
  | { readonly name: string; readonly expectation: Property<unknown, A>['expectation']; readonly status: 'holds' }
  | { readonly name: string; readonly expectation: 'always' | 'progress'; readonly status: 'violated'; readonly path: readonly A[]; readonly reason: string }
  | { readonly name: string; readonly expectation: 'eventually'; readonly status: 'violated'; readonly path: readonly A[]; readonly cycle: readonly A[]; readonly reason: string }
  | { readonly name: string; readonly expectation: 'sometimes'; readonly status: 'witnessed'; readonly path: readonly A[] }
  | { readonly name: string; readonly expectation: 'sometimes'; readonly status: 'unwitnessed' };

export type ExploreOutcome<A> = {
  readonly status: 'complete' | 'incomplete';
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  readonly properties: readonly PropertyOutcome<A>[];
};

/** Explores every reachable state of `model` and judges each of its properties. */
export function explore<S, A>(model: Model<S, A>, options: ExploreOptions = {}): ExploreOutcome<A> {
  const started = performance.now();
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const ids = new Map<string, number>();
  const states: (S | undefined)[] = [];
  const parent: number[] = [];
  const via: (A | undefined)[] = [];
  const depthOf: number[] = [];

  const props = model.properties;
  const always = props.flatMap((p, i) => (p.expectation === 'always' ? [{ p, i }] : []));
  const sometimes = props.flatMap((p, i) => (p.expectation === 'sometimes' ? [{ p, i }] : []));
  const eventually = props.flatMap((p, i) => (p.expectation === 'eventually' ? [{ p, i }] : []));
  const wantsProgress = props.some((p) => p.expectation === 'progress');
  const found = new Map<number, { state: number; action?: A; reason: string }>();
  const witnessed = new Map<number, { state: number; action?: A }>();

  // Liveness bookkeeping: for states where some `eventually` condition is false, keep their
  // enabled edges so fair cycles can be searched after exploration.
  const pendingEdges = new Map<number, { action: A; to: number }[]>();
  let deadlock: number | undefined;
  let transitions = 0;
  let depth = 0;
  let lastReport = performance.now();

  const add = (state: S, from: number, action: A | undefined): number => {
    const id = states.length;
    ids.set(model.key(state), id);
    states.push(state);
    parent.push(from);
    via.push(action);
    depthOf.push(from < 0 ? 0 : depthOf[from]! + 1);
    return id;
  };
  const judge = (state: S, id: number, from: { id: number; state: S; action: A } | undefined) => {
    const v = from && { from: from.state, action: from.action };
    for (const { p, i } of always) {
      if (found.has(i) || p.expectation !== 'always') continue;
      const verdict = p.condition(state, v);
      if (verdict !== true) found.set(i, from ? { state: from.id, action: from.action, reason: verdict } : { state: id, reason: verdict });
    }
    for (const { p, i } of sometimes) {
      if (witnessed.has(i) || p.expectation !== 'sometimes') continue;
      if (p.condition(state, v)) witnessed.set(i, from ? { state: from.id, action: from.action } : { state: id });
    }
  };

  for (const init of model.initialStates()) {
    if (ids.has(model.key(init))) continue;
    const id = add(init, -1, undefined);
    judge(init, id, undefined);
  }

  let complete = true;
  for (let current = 0; current < states.length; current++) {
    if (states.length > maxStates) {
      complete = false;
      break;
    }
    const state = states[current]!;
    depth = Math.max(depth, depthOf[current]!);
    const unmet = eventually.some(({ p }) => p.expectation === 'eventually' && !p.condition(state));
    let anyEnabled = false;
    for (const action of model.actions(state)) {
      const next = model.next(state, action);
      transitions++;
      if (!next.enabled) continue; // a disabled action leaves the state unchanged: nothing to judge
      anyEnabled = true;
      const key = model.key(next.state);
      let to = ids.get(key);
      if (to === undefined) to = add(next.state, current, action);
      judge(next.state, to, { id: current, state, action });
      if (unmet) {
        let edges = pendingEdges.get(current);
        if (!edges) pendingEdges.set(current, (edges = []));
        edges.push({ action, to });
      }
    }
    if (!anyEnabled && wantsProgress && deadlock === undefined) deadlock = current;
    if (unmet && !pendingEdges.has(current)) pendingEdges.set(current, []);
    // The state object is no longer needed once expanded, unless a liveness search may want it.
    if (!unmet) states[current] = undefined;
    if (options.onProgress && performance.now() - lastReport > 1000) {
      lastReport = performance.now();
      options.onProgress({ states: states.length, transitions, depth, seconds: (lastReport - started) / 1000 });
    }
  }

  const pathTo = (id: number): A[] => {
    const path: A[] = [];
    for (let at = id; parent[at]! >= 0; at = parent[at]!) path.push(via[at]!);
    return path.reverse();
  };

  const outcomes: PropertyOutcome<A>[] = props.map((p, i): PropertyOutcome<A> => {
    switch (p.expectation) {
      case 'always': {
        const f = found.get(i);
        if (!f) return { name: p.name, expectation: 'always', status: 'holds' };
        return { name: p.name, expectation: 'always', status: 'violated', path: f.action === undefined ? pathTo(f.state) : [...pathTo(f.state), f.action], reason: f.reason };
      }
      case 'sometimes': {
        const w = witnessed.get(i);
        if (!w) return { name: p.name, expectation: 'sometimes', status: 'unwitnessed' };
        return { name: p.name, expectation: 'sometimes', status: 'witnessed', path: w.action === undefined ? pathTo(w.state) : [...pathTo(w.state), w.action] };
      }
      case 'progress':
        if (deadlock === undefined) return { name: p.name, expectation: 'progress', status: 'holds' };
        return { name: p.name, expectation: 'progress', status: 'violated', path: pathTo(deadlock), reason: 'no event is accepted in the last state' };
      case 'eventually': {
        const unmetHere = (id: number) => pendingEdges.has(id) && !p.condition(states[id]!);
        const lasso = findFairCycle(pendingEdges, unmetHere, model.actionName.bind(model));
        if (!lasso) return { name: p.name, expectation: 'eventually', status: 'holds' };
        const reason = lasso.cycle.length === 0 ? 'a state where the condition is false has no enabled event' : 'a fair cycle never reaches the condition';
        return { name: p.name, expectation: 'eventually', status: 'violated', path: pathTo(lasso.entry), cycle: lasso.cycle, reason };
      }
    }
  });

  return { status: complete ? 'complete' : 'incomplete', states: states.length, transitions, depth, seconds: (performance.now() - started) / 1000, properties: outcomes };
}
