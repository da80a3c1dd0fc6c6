/**
 * The one Z3 instance of the process (the WASM build of z3-solver): started on first use, shared by
 * every proof (terms of two contexts cannot mix), and shut down explicitly. The WASM build runs
 * solver calls on Emscripten worker threads that keep Node alive; {@link shutdownZ3} terminates them,
 * and in between, idle workers are unreferenced so a caller that forgets to shut down still exits.
 */
import { init, killThreads, type Context } from 'z3-solver';
import { z3Ops, type BitVecOps, type Z3BitVec, type Z3Bool } from './bitvector.ts';

/** A started Z3: its context and the bit-vector interpretation over it. */
export interface Z3Session {
  readonly ctx: Context<'main'>;
  readonly ops: BitVecOps<Z3BitVec, Z3Bool>;
}

type Api = Awaited<ReturnType<typeof init>>;

let started: Promise<{ readonly api: Api; readonly session: Z3Session }> | undefined;

/** Set once a query was abandoned (see `SolverAbandoned`): z3-solver's lock is lost for good. */
let abandoned = false;

/** Whether Z3 can still answer queries in this process (false once a query had to be abandoned). */
export function z3Usable(): boolean {
  return !abandoned;
}

/**
 * Starts Z3 on first call (≈ 0.4 s) and returns the shared session afterwards. Throws once a query
 * has been abandoned: every later query would wait forever for the lock the abandoned one holds.
 */
export async function z3Session(): Promise<Z3Session> {
  if (abandoned) throw new Error('Z3 was abandoned in this process after overrunning its timeout; start a new process to prove more');
  started ??= init().then((api) => {
    const ctx = api.Context('main');
    return { api, session: { ctx, ops: z3Ops(ctx) } };
  });
  const { api, session } = await started;
  releaseWorkers(api);
  return session;
}

/**
 * Lets the process exit while Z3 sits idle: Emscripten's pthread workers are `worker_threads`
 * Workers, and an unreferenced Worker does not keep the event loop alive. Called after each use.
 */
export async function letProcessExit(): Promise<void> {
  if (started !== undefined) releaseWorkers((await started).api);
}

interface PThreadPool {
  readonly PThread?: { readonly unusedWorkers?: readonly { unref?: () => void }[]; readonly runningWorkers?: readonly { unref?: () => void }[] };
}

function releaseWorkers(api: Api): void {
  const pool = (api.em as PThreadPool).PThread;
  for (const worker of [...(pool?.unusedWorkers ?? []), ...(pool?.runningWorkers ?? [])]) worker.unref?.();
}

/** Whether Z3 has been started in this process (and not shut down since). */
export function z3Started(): boolean {
  return started !== undefined;
}

/**
 * Terminates Z3's worker threads. Cheap and harmless when Z3 was never started; a later
 * {@link z3Session} starts a fresh instance. Terms and solvers of the old session must not be reused.
 */
export async function shutdownZ3(): Promise<void> {
  if (started === undefined) return;
  const pending = started;
  started = undefined;
  const { api } = await pending;
  await killThreads(api.em);
}

/**
 * Gives up on the running Z3 after a query overran its hard bound, and refuses further sessions
 * (z3-solver serialises queries with a module-wide lock that the abandoned query never releases,
 * so even a fresh instance would wait forever). Its threads are unreferenced, not terminated:
 * measured with z3-solver 5.2.0, terminating a worker busy in a check leaves Node unable to exit,
 * while an unreferenced one lets it exit at once.
 */
export async function abandonZ3(): Promise<void> {
  abandoned = true;
  if (started === undefined) return;
  const pending = started;
  started = undefined;
  releaseWorkers((await pending).api);
}
