/**
 * What every `prove` run shares, hardware or protocol: whoever starts Z3 stops it (a process running
 * `prove` once shuts it down so Node can exit; an embedding that already runs it — the test suite, a
 * long-lived caller — keeps it), and an `--emit-smt2` file that cannot be written is bad input.
 */
import { shutdownZ3, z3Started } from '../proofs/z3.ts';
import { WriteFailed } from '../spec/atomicWrite.ts';
import { BadInput } from './command.ts';

/** Runs `prove` under those two rules. */
export async function runProof<T>(prove: () => Promise<T>): Promise<T> {
  const ownsSolver = !z3Started();
  try {
    return await prove();
  } catch (error) {
    if (error instanceof WriteFailed) throw new BadInput(`--emit-smt2: ${error.message}`);
    throw error;
  } finally {
    if (ownsSolver) await shutdownZ3();
  }
}
