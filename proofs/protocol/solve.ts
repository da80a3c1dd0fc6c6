/**
 * One solver query under the protocol proofs' limits: Z3's own timeout (cooperative, reported as
 * `unknown`), and a hard bound past it after which the query is abandoned (`SolverAbandoned`, as for
 * the hardware proofs: Z3 is then unusable in this process, and every later query is `unknown`).
 */
import type { Context } from 'z3-solver';
import { ABANDON_GRACE_MS, raceAgainstBound } from '../discharge.ts';
import { letProcessExit } from '../z3.ts';

type Ctx = Context<'main'>;
type Solver = InstanceType<Ctx['Solver']>;
type Bool = ReturnType<Ctx['Bool']['const']>;

export interface SolverLimits {
  /** Z3's timeout per query, in milliseconds. */
  readonly timeoutMs: number;
  /** The hard bound per query (default: the timeout plus 10 s). */
  readonly abandonAfterMs?: number;
}

/** `solver.check(...assumptions)` under the limits; throws {@link SolverAbandoned} when the hard bound wins. */
export async function checkWithin(solver: Solver, assumptions: readonly Bool[], limits: SolverLimits): Promise<'sat' | 'unsat' | 'unknown'> {
  solver.set('timeout', limits.timeoutMs);
  try {
    return await raceAgainstBound(solver.check(...assumptions), limits.abandonAfterMs ?? limits.timeoutMs + ABANDON_GRACE_MS, limits.timeoutMs);
  } finally {
    await letProcessExit();
  }
}
