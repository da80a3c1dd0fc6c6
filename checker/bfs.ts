/**
 * Exhaustive breadth-first exploration of a {@link Model}, on one thread. Breadth-first, so the
 * first counterexample found for a property is a shortest one from an initial state. States live
 * only as packed words in the search tree's table (their ids are their places in BFS order, so the
 * queue is the table walked by an index), and each keeps only its parent and the action that
 * reached it, from which paths are rebuilt. `compiled/bfs.ts` is the same search over the
 * generated code and gives the same outcome.
 */
import type { Model } from './model.ts';
import { SearchBooks, type ExploreOptions, type ExploreOutcome } from './search.ts';

export type { ExploreOptions, ExploreOutcome, Progress, PropertyOutcome } from './search.ts';

/** Explores every reachable state of `model` and judges each of its properties. */
export function explore<S, A>(model: Model<S, A>, options: ExploreOptions = {}): ExploreOutcome<A> {
  const started = performance.now();
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const codec = model.codec;
  const books = new SearchBooks(model);
  const { tree, verdicts } = books;
  const scratch = new Uint32Array(codec.width);
  let lastReport = performance.now();

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
    // Liveness: the enabled edges of a state where some `eventually` condition is false are kept
    // so fair cycles can be searched after exploration.
    const unmet = verdicts.unmet(state);
    const edges: { action: A; to: number }[] = [];
    let enabled = 0;
    for (const action of model.actions(state)) {
      const next = model.next(state, action);
      if (next === undefined) continue; // a disabled action leaves the state unchanged: no transition, nothing to judge
      enabled++;
      codec.encode(next, scratch, 0);
      const to = tree.add(scratch, 0, current, action);
      verdicts.judge(next, to, current, state, action);
      if (unmet) edges.push({ action, to });
    }
    books.expanded(current, enabled, unmet, edges);
    if (options.onProgress && performance.now() - lastReport > 1000) {
      lastReport = performance.now();
      options.onProgress({ states: tree.size, transitions: books.transitions, depth, seconds: (lastReport - started) / 1000 });
    }
  }

  return books.outcome(complete, depth, started);
}
