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

/** Starts Z3 on first call (≈ 0.4 s) and returns the shared session afterwards. */
export async function z3Session(): Promise<Z3Session> {
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
