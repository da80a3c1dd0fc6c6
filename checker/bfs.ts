/**
 * Exhaustive breadth-first exploration of a {@link Model}. Breadth-first, so the first
 * counterexample found for a property is a shortest one from an initial state. The queue is the
 * array of discovered states walked by an index (never `shift()`), states are identified by their
 * packed words (the model's codec) in an open-addressing table, and each state keeps only its
 * parent and the action that reached it, from which paths are rebuilt.
 */
import type { Model, Property } from './model.ts';
import { findFairCycle } from './liveness.ts';
import { StateTable } from './stateTable.ts';

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
  /** Bytes the search holds per state: its packed words, hash slots, parent and action. */
  readonly bytesPerState: number;
  readonly properties: readonly PropertyOutcome<A>[];
};

/** Explores every reachable state of `model` and judges each of its properties. */
export function explore<S, A>(model: Model<S, A>, options: ExploreOptions = {}): ExploreOutcome<A> {
  const started = performance.now();
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const codec = model.codec;
  // Every discovered state lives only as words in the table; its id is its place in BFS order.
  const table = new StateTable(codec.width);
  const scratch = new Uint32Array(codec.width);
  let parent = new Int32Array(1024);
  const via: (A | undefined)[] = [];

  const props = model.properties;
  const always = props.flatMap((p, i) => (p.expectation === 'always' ? [{ condition: p.condition, i }] : []));
  const sometimes = props.flatMap((p, i) => (p.expectation === 'sometimes' ? [{ condition: p.condition, i }] : []));
  const eventually = props.flatMap((p) => (p.expectation === 'eventually' ? [p.condition] : []));
  const wantsProgress = props.some((p) => p.expectation === 'progress');
  const found = new Map<number, { state: number; action?: A; reason: string }>();
  const witnessed = new Map<number, { state: number; action?: A }>();

  // Liveness bookkeeping: for states where some `eventually` condition is false, keep their
  // enabled edges so fair cycles can be searched after exploration.
  const pendingEdges = new Map<number, { action: A; to: number }[]>();
  let deadlock: number | undefined;
  let transitions = 0;
  let lastReport = performance.now();

  /** The id of `state`, recording how it was reached when it is new. */
  const idOf = (state: S, from: number, action: A | undefined): number => {
    codec.encode(state, scratch, 0);
    const known = table.size;
    const id = table.add(scratch);
    if (id === known) {
      if (id === parent.length) {
        const grown = new Int32Array(parent.length * 2);
        grown.set(parent);
        parent = grown;
      }
      parent[id] = from;
      via.push(action);
    }
    return id;
  };
  const judge = (state: S, id: number, fromId: number, from: S | undefined, action: A | undefined) => {
    const v = from === undefined ? undefined : { from, action: action! };
    for (const { condition, i } of always) {
      if (found.has(i)) continue;
      const verdict = condition(state, v);
      if (verdict !== true) found.set(i, v ? { state: fromId, action, reason: verdict } : { state: id, reason: verdict });
    }
    for (const { condition, i } of sometimes) {
      if (witnessed.has(i)) continue;
      if (condition(state, v)) witnessed.set(i, v ? { state: fromId, action } : { state: id });
    }
  };

  for (const init of model.initialStates()) {
    const known = table.size;
    const id = idOf(init, -1, undefined);
    if (id === known) judge(init, id, -1, undefined, undefined);
  }

  let complete = true;
  let depth = 0;
  let levelEnd = table.size; // BFS: ids below levelEnd are at `depth` or less
  for (let current = 0; current < table.size; current++) {
    if (table.size > maxStates) {
      complete = false;
      break;
    }
    if (current === levelEnd) {
      depth++;
      levelEnd = table.size;
    }
    const state = codec.decode(table.row(current), 0);
    const unmet = eventually.some((condition) => !condition(state));
    let anyEnabled = false;
    for (const action of model.actions(state)) {
      transitions++;
      const next = model.next(state, action);
      if (next === undefined) continue; // a disabled action leaves the state unchanged: nothing to judge
      anyEnabled = true;
      const to = idOf(next, current, action);
      judge(next, to, current, state, action);
      if (unmet) {
        let edges = pendingEdges.get(current);
        if (!edges) pendingEdges.set(current, (edges = []));
        edges.push({ action, to });
      }
    }
    if (!anyEnabled && wantsProgress && deadlock === undefined) deadlock = current;
    if (unmet && !pendingEdges.has(current)) pendingEdges.set(current, []);
    if (options.onProgress && performance.now() - lastReport > 1000) {
      lastReport = performance.now();
      options.onProgress({ states: table.size, transitions, depth, seconds: (lastReport - started) / 1000 });
    }
  }

  const pathTo = (id: number): A[] => {
    const path: A[] = [];
    for (let at = id; parent[at]! >= 0; at = parent[at]!) path.push(via[at]!);
    return path.reverse();
  };
  const stateAt = (id: number): S => codec.decode(table.row(id), 0);

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
        const unmetHere = (id: number) => pendingEdges.has(id) && !p.condition(stateAt(id));
        const lasso = findFairCycle(pendingEdges, unmetHere, model.actionName.bind(model));
        if (!lasso) return { name: p.name, expectation: 'eventually', status: 'holds' };
        const reason = lasso.cycle.length === 0 ? 'a state where the condition is false has no enabled event' : 'a fair cycle never reaches the condition';
        return { name: p.name, expectation: 'eventually', status: 'violated', path: pathTo(lasso.entry), cycle: lasso.cycle, reason };
      }
    }
  });

  return {
    status: complete ? 'complete' : 'incomplete',
    states: table.size,
    transitions,
    depth,
    seconds: (performance.now() - started) / 1000,
    bytesPerState: (table.bytes + parent.byteLength) / Math.max(1, table.size) + 8 /* a `via` reference */,
    properties: outcomes,
  };
}
