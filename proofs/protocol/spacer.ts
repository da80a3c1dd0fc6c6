/**
 * Spacer (Z3's Horn-clause engine) on one Horn problem, in a worker thread with its own Z3. The
 * WASM heap of a Z3 instance only grows, and Spacer on these problems takes hundreds of megabytes:
 * measured here, two runs of three died with "memory access out of bounds" when every property's
 * Spacer query shared the process's instance. A worker's heap is gone when the worker ends, so each
 * property starts clean; a worker that overruns its hard bound is terminated, never waited for.
 */
import { Worker } from 'node:worker_threads';
import { ABANDON_GRACE_MS } from '../discharge.ts';

/** A variable of the Horn predicate `Inv`, in argument order. */
export interface InvArgument {
  readonly name: string;
  readonly sort: 'int' | 'bool';
}

/** What Spacer answered: an invariant (`sat`), a reachable failure (`unsat`) or nothing. */
export type SpacerAnswer =
  | { readonly answer: 'sat'; readonly invariant: string; readonly seconds: number }
  | { readonly answer: 'unsat'; readonly seconds: number }
  | { readonly answer: 'unknown'; readonly reason: string; readonly seconds: number };

// The worker: parse the problem, solve it under Z3's timeout, and read the model's `Inv` applied to
// constants named after its arguments, so the invariant reads `(<= missed missLimit)`, not `x!5`.
const WORKER = `
const { parentPort, workerData } = await import('node:worker_threads');
const { init } = await import(workerData.z3);
const api = await init();
try {
  const z = api.Context('spacer');
  const solver = new z.Solver('HORN');
  solver.set('timeout', workerData.timeoutMs);
  solver.fromString(workerData.text);
  const answer = await solver.check();
  if (answer === 'sat' && workerData.args.length === 0) parentPort.postMessage({ answer, invariant: '' });
  else if (answer === 'sat') {
    const sorts = workerData.args.map((a) => (a.sort === 'bool' ? z.Bool.sort() : z.Int.sort()));
    const consts = workerData.args.map((a) => (a.sort === 'bool' ? z.Bool.const(a.name) : z.Int.const(a.name)));
    const Inv = z.Function.declare('Inv', ...sorts, z.Bool.sort());
    parentPort.postMessage({ answer, invariant: String(solver.model().eval(Inv.call(...consts))) });
  } else if (answer === 'unsat') parentPort.postMessage({ answer });
  else parentPort.postMessage({ answer, reason: solver.reasonUnknown() });
} catch (error) {
  parentPort.postMessage({ answer: 'unknown', reason: String(error && error.message ? error.message : error) });
}
// Ending the worker ends its Z3 threads with it (killThreads here makes Emscripten print a warning).
process.exit(0);
`;

/**
 * Solves a Horn problem (SMT-LIB text declaring `Inv` over `args`; with no `args`, the invariant is
 * not read) in a fresh worker. Z3's timeout
 * gives `unknown` with its reason; a worker still running `ABANDON_GRACE_MS` past it is terminated
 * and the answer is `unknown` too. Never throws for what the solver does.
 */
export function runSpacer(text: string, args: readonly InvArgument[], timeoutMs: number): Promise<SpacerAnswer> {
  const started = performance.now();
  const seconds = () => Math.round(performance.now() - started) / 1000;
  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(WORKER, { eval: true, workerData: { z3: import.meta.resolve('z3-solver'), text, args, timeoutMs } });
    const finish = (a: SpacerAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(a);
    };
    const timer = setTimeout(() => {
      finish({ answer: 'unknown', reason: `Spacer was still running ${timeoutMs + ABANDON_GRACE_MS} ms into a query whose timeout is ${timeoutMs} ms; abandoned`, seconds: seconds() });
      void worker.terminate();
    }, timeoutMs + ABANDON_GRACE_MS);
    worker.on('message', (m: { answer: 'sat'; invariant: string } | { answer: 'unsat' } | { answer: 'unknown'; reason: string }) => {
      if (m.answer === 'unknown') finish({ answer: 'unknown', reason: m.reason === 'timeout' || m.reason === 'canceled' ? `timeout after ${timeoutMs} ms` : `Spacer gave up: ${m.reason}`, seconds: seconds() });
      else finish({ ...m, seconds: seconds() });
    });
    worker.on('error', (e) => finish({ answer: 'unknown', reason: `Spacer's worker failed: ${e.message}`, seconds: seconds() }));
    worker.on('exit', (code) => finish({ answer: 'unknown', reason: `Spacer's worker exited (code ${code}) without an answer`, seconds: seconds() }));
  });
}
