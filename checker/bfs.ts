/**
 * Exhaustive breadth-first exploration of a {@link Model}, on one thread. Breadth-first, so the
 * first counterexample found for a property is a shortest one from an initial state. States live
 * only as packed words in the search tree's table (their ids are their places in BFS order, so the
 * queue is the table walked by an index), and each keeps only its parent and the action that
 * reached it, from which paths are rebuilt. `parallelBfs.ts` is the same search over worker
 * threads and gives the same outcome.
 */
import type { Model } from './model.ts';
import { addInitialStates, outcomeOf, SearchTree, Verdicts, type ExploreOptions, type ExploreOutcome } from './search.ts';

export type { ExploreOptions, ExploreOutcome, Progress, PropertyOutcome } from './search.ts';

/** Explores every reachable state of `model` and judges each of its properties. */
export function explore<S, A>(model: Model<S, A>, options: ExploreOptions = {}): ExploreOutcome<A> {
  const started = performance.now();
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const codec = model.codec;
  const tree = new SearchTree<A>(codec.width);
  const verdicts = new Verdicts(model.properties);
  const scratch = new Uint32Array(codec.width);
  const wantsProgress = model.properties.some((p) => p.expectation === 'progress');
  // Liveness bookkeeping: for states where some `eventually` condition is false, keep their
  // enabled edges so fair cycles can be searched after exploration.
  const pendingEdges = new Map<number, { action: A; to: number }[]>();
  let deadlock: number | undefined;
  let transitions = 0;
  let lastReport = performance.now();

  const idOf = (state: S, from: number, action: A): number => {
    codec.encode(state, scratch, 0);
    return tree.add(scratch, 0, from, action);
  };

  addInitialStates(model, tree, verdicts);

  let complete = true;
  let depth = 0;
  let levelEnd = tree.size; // BFS: ids below levelEnd are at `depth` or less
  for (let current = 0; current < tree.size; current++) {
    if (tree.size > maxStates) {
      complete = false;
      break;
    }
    if (current === levelEnd) {
      depth++;
      levelEnd = tree.size;
    }
    const state = codec.decode(tree.table.row(current), 0);
    const unmet = verdicts.unmet(state);
    let anyEnabled = false;
    for (const action of model.actions(state)) {
      const next = model.next(state, action);
      if (next === undefined) continue; // a disabled action leaves the state unchanged: no transition, nothing to judge
      transitions++;
      anyEnabled = true;
      const to = idOf(next, current, action);
      verdicts.judge(next, to, current, state, action);
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
      options.onProgress({ states: tree.size, transitions, depth, seconds: (lastReport - started) / 1000 });
    }
  }

  return outcomeOf(model, tree, verdicts, { complete, transitions, depth, started, pendingEdges, deadlock });
}
