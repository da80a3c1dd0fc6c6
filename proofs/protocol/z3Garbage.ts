/**
 * Z3's garbage, collected only while no query runs. z3-solver frees a Z3 object when V8 collects its
 * JavaScript wrapper, from a FinalizationRegistry callback on the main thread, while `check()` runs
 * on one of Emscripten's threads: measured here, a finalizer's `Z3_dec_ref` during a Houdini query
 * died with "memory access out of bounds" in `ast_manager::delete_node`, one run in three. So the
 * protocol proofs keep every wrapper they make reachable until their last query (`Z3Terms.hold`)
 * and collect garbage only between phases, with nothing running: before the first query (what
 * earlier proofs left) and after the last (what this one leaves).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | undefined | null;

/** V8's collector, made callable without `--expose-gc` (null where the runtime refuses). */
function gc(): (() => void) | null {
  if (collector === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collector = runInNewContext('gc') as () => void;
    } catch {
      collector = null;
    }
  }
  return collector;
}

/**
 * Collects garbage and lets the finalizers it schedules run (they are tasks of the event loop), so
 * that none is left to run during the next query. Call only while no Z3 query is running.
 */
export async function collectZ3Garbage(): Promise<void> {
  const run = gc();
  if (run === null) return;
  run();
  // Finalization callbacks are queued as tasks after the collection: two turns of the loop run them.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}
