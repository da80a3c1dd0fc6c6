/**
 * The breadth-first search of `bfs.ts` over worker threads, level by level. Each level of the
 * search (the states first reached at one depth) is cut into chunks; workers expand chunks
 * (decode, step every action, encode successors, judge properties), which is nearly all of the
 * work; the main thread takes the chunks' results back in chunk order and numbers new states in
 * its one table. Taking them in order makes the outcome — state ids, counts, counterexamples —
 * identical to the one-thread search's, whatever the number of workers or their timing.
 *
 * It pays once a level holds thousands of states (more admins, no symmetry); for small models
 * the cost of starting workers (each loads the workbench, about half a second) dominates.
 * `--max-states` is checked between chunks, so it may stop a chunk later than one thread would.
 */
import { Worker } from 'node:worker_threads';
import type { GuillotineEvent } from '../spec/events.ts';
import { checkedModel, type CheckedModel, type ModelRecipe } from './checkedModel.ts';
import { SearchBooks, Verdicts, type ExploreOptions, type ExploreOutcome } from './search.ts';

/** A state's header word in a chunk result: its number of enabled actions, and this bit when an `eventually` condition is false in it. */
export const UNMET = 0x80000000;

export interface ChunkRequest {
  readonly chunk: number;
  /** `count` states' packed words, one after another. */
  readonly rows: Uint32Array;
  readonly count: number;
}

export interface ChunkResult {
  readonly chunk: number;
  /** Per state: a header word, then per enabled action its index in the alphabet and the successor's words. */
  readonly out: Uint32Array;
  /** [property index, state index in the chunk, action index, reason] of each first violation in the chunk. */
  readonly violations: readonly [number, number, number, string][];
  readonly witnesses: readonly [number, number, number][];
}

/**
 * Explores the recipe's model with `workers` worker threads; the same outcome as `explore`.
 * `checked` is the recipe's model on this thread (built by the caller, who reports on it too).
 */
export async function exploreInParallel(recipe: ModelRecipe, workers: number, options: ExploreOptions = {}, checked: CheckedModel = checkedModel(recipe)): Promise<ExploreOutcome<GuillotineEvent>> {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`exploreInParallel: workers must be a positive integer, not ${workers}`);
  const started = performance.now();
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const { explored: model, actions } = checked;
  const width = model.codec.width;
  const books = new SearchBooks(model);
  const { tree, verdicts } = books;
  let lastReport = performance.now();

  const pool = startWorkers(recipe, workers);
  let complete = true;
  let depth = 0;
  try {
    let levelStart = 0;
    for (let level = 0; levelStart < tree.size && complete; level++) {
      depth = level;
      const levelEnd = tree.size;
      // Enough chunks to keep every worker busy, none so small that messages dominate.
      const size = Math.min(2048, Math.max(32, Math.ceil((levelEnd - levelStart) / (workers * 4))));
      const pending: Promise<ChunkResult>[] = [];
      for (let first = levelStart, chunk = 0; first < levelEnd; first += size, chunk++) {
        const count = Math.min(size, levelEnd - first);
        const rows = new Uint32Array(count * width);
        for (let k = 0; k < count; k++) rows.set(tree.table.row(first + k), k * width);
        pending.push(pool.expand(chunk % workers, { chunk, rows, count }));
      }
      for (let chunk = 0, first = levelStart; chunk < pending.length; chunk++, first += size) {
        if (tree.size > maxStates) {
          complete = false;
          break;
        }
        merge(await pending[chunk]!, first);
        if (options.onProgress && performance.now() - lastReport > 1000) {
          lastReport = performance.now();
          options.onProgress({ states: tree.size, transitions: books.transitions, depth, seconds: (lastReport - started) / 1000 });
        }
      }
      levelStart = levelEnd;
    }
  } finally {
    await pool.stop();
  }
  return books.outcome(complete, depth, started);

  /** Numbers a chunk's successors in order, as the one-thread search would have met them. */
  function merge(result: ChunkResult, first: number) {
    const out = result.out;
    let at = 0;
    for (let from = first; at < out.length; from++) {
      const header = out[at++]!;
      const enabled = header & ~UNMET;
      const unmet = (header & UNMET) !== 0;
      const edges: { action: GuillotineEvent; to: number }[] = [];
      for (let j = 0; j < enabled; j++) {
        const action = actions[out[at++]!]!;
        const to = tree.add(out, at, from, action);
        at += width;
        if (unmet) edges.push({ action, to });
      }
      books.expanded(from, enabled, unmet, edges);
    }
    const violations: Verdicts<unknown, GuillotineEvent>['violations'] = new Map(result.violations.map(([i, k, a, reason]) => [i, { state: first + k, action: actions[a]!, reason }]));
    const witnesses: Verdicts<unknown, GuillotineEvent>['witnesses'] = new Map(result.witnesses.map(([i, k, a]) => [i, { state: first + k, action: actions[a]! }]));
    verdicts.merge(violations, witnesses);
  }
}

/** Worker threads that expand chunks; each answers its requests in the order it received them. */
function startWorkers(recipe: ModelRecipe, count: number) {
  const boot = new URL('./tsWorker.js', import.meta.url);
  const module = new URL('./exploreWorker.ts', import.meta.url).href;
  const workers = Array.from({ length: count }, () => {
    const worker = new Worker(boot, { workerData: { module, recipe } });
    const state = { worker, waiting: [] as { resolve: (r: ChunkResult) => void; reject: (e: unknown) => void }[], failure: undefined as unknown };
    worker.on('message', (result: ChunkResult) => state.waiting.shift()!.resolve(result));
    // A worker that fails (its model does not build, a step throws) fails every request, now and later.
    worker.on('error', (error) => {
      state.failure = error;
      for (const w of state.waiting.splice(0)) w.reject(error);
    });
    return state;
  });
  return {
    expand(index: number, request: ChunkRequest): Promise<ChunkResult> {
      const { worker, waiting, failure } = workers[index]!;
      return new Promise((resolve, reject) => {
        if (failure !== undefined) return reject(failure);
        waiting.push({ resolve, reject });
        worker.postMessage(request, [request.rows.buffer as ArrayBuffer]);
      });
    },
    async stop() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
