/**
 * Discharging one obligation with Z3: a vacuity check of its assumptions, then the query itself,
 * under a per-query timeout. `unknown` is its own outcome, never a pass. A counterexample from the
 * solver is re-evaluated with the concrete interpretation before it is reported, so the report never
 * shows a model that does not really violate the property.
 */
import { concreteOps, type Z3BitVec, type Z3Bool } from './bitvector.ts';
import type { Assignment, Bound, Obligation, Vars } from './obligation.ts';
import { abandonZ3, letProcessExit, type Z3Session } from './z3.ts';

/** One SMT-LIB 2 query as sent to Z3, with the verdict Z3 gave it. */
export interface EmittedQuery {
  /** `<obligation>` or `<obligation>.assumptions` (the vacuity check). */
  readonly name: string;
  readonly smt2: string;
  readonly verdict: 'sat' | 'unsat' | 'unknown';
}

export type Outcome =
  | { readonly status: 'proved'; readonly seconds: number; readonly witness?: Record<string, unknown> }
  | {
      readonly status: 'refuted';
      readonly seconds: number;
      readonly counterexample: Record<string, unknown>;
      /** The raw values (absent when a `satisfiable` obligation has no witness at all). */
      readonly assignment?: Assignment;
    }
  | {
      readonly status: 'unknown';
      readonly seconds: number;
      readonly reason: string;
      /** Z3 overran its timeout and was abandoned: no further query can run in this process. */
      readonly abandoned?: true;
    };

export interface DischargeOptions {
  /** Per query, in milliseconds (Z3's cooperative timeout; reported as `unknown`, reason `timeout`). */
  readonly timeoutMs: number;
  /** Receives every query sent to Z3, when the caller wants them written out as `.smt2`. */
  readonly onQuery?: (query: EmittedQuery) => void;
  /**
   * Hard bound per query, in milliseconds (default `timeoutMs` + {@link ABANDON_GRACE_MS}). Z3's timeout
   * is cooperative; a query still running at this bound is abandoned and reported `unknown`, so a
   * solver that ignores its timeout costs a verdict, never a hang.
   */
  readonly abandonAfterMs?: number;
}

/** How long past its own timeout a query may run before it is abandoned. */
export const ABANDON_GRACE_MS = 10_000;

/**
 * Z3 was abandoned mid-query. Its check runs on a worker thread holding z3-solver's module-wide
 * lock, which is never released, so no later query in this process could run: the session is
 * marked unusable and its threads terminated (see `abandonZ3`).
 */
export class SolverAbandoned extends Error {
  override readonly name = 'SolverAbandoned';
}

type Solver = InstanceType<Z3Session['ctx']['Solver']>;

/** `solver.check()`, raced against the hard bound; throws {@link SolverAbandoned} when the bound wins. */
async function checkWithin(solver: Solver, options: DischargeOptions): Promise<'sat' | 'unsat' | 'unknown'> {
  return raceAgainstBound(solver.check(), options.abandonAfterMs ?? options.timeoutMs + ABANDON_GRACE_MS, options.timeoutMs);
}

/**
 * A running Z3 check raced against a hard bound of `limitMs`: its answer, or {@link SolverAbandoned}
 * when the bound wins (Z3's own `timeoutMs` is cooperative and can be overrun). The check may still
 * settle, or reject when its thread is terminated, after the bound: that is ignored.
 */
export async function raceAgainstBound<T extends string>(running: Promise<T>, limitMs: number, timeoutMs: number): Promise<T> {
  running.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<'abandoned'>((resolve) => {
    timer = setTimeout(() => resolve('abandoned'), limitMs);
  });
  try {
    const answer = await Promise.race([running, bound]);
    if (answer === 'abandoned') throw new SolverAbandoned(`Z3 was still running ${limitMs} ms into a query whose timeout is ${timeoutMs} ms; abandoned`);
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

type Verdict = { readonly verdict: 'sat'; readonly values: Assignment } | { readonly verdict: 'unsat' } | { readonly verdict: 'unknown'; readonly reason: string };

type Model = ReturnType<Solver['model']>;

/**
 * Checks `formula`. On `sat` with `simplify`, replaces the solver's first model by the smallest one
 * ({@link smallestModel}). The emitted query is the one before that step.
 */
async function solve(
  z: Z3Session,
  name: string,
  formula: Z3Bool,
  terms: Bound<Vars, Z3BitVec, Z3Bool>,
  options: DischargeOptions,
  simplify: boolean,
  minimise: readonly string[] = [],
): Promise<Verdict> {
  const solver = new z.ctx.Solver();
  let abandoned = false;
  try {
    solver.set('timeout', options.timeoutMs);
    solver.add(formula);
    const verdict = await checkWithin(solver, options);
    await letProcessExit();
    options.onQuery?.({ name, smt2: solver.toSmtlib2(verdict), verdict });
    if (verdict === 'unsat') return { verdict };
    if (verdict === 'unknown') {
      const reason = solver.reasonUnknown();
      return { verdict, reason: reason === 'timeout' || reason === 'canceled' ? `timeout after ${options.timeoutMs} ms` : `solver gave up: ${reason}` };
    }
    const model = simplify ? await smallestModel(z, solver, name, terms, minimise, options) : solver.model();
    return { verdict, values: modelValues(z, model, terms) };
  } catch (error) {
    abandoned = error instanceof SolverAbandoned;
    throw error;
  } finally {
    // An abandoned solver is still in use by its thread: releasing it from here would race with it.
    if (!abandoned) solver.release();
  }
}

/**
 * The smallest model of a satisfiable solver, instead of its first one — noise, and not even the
 * same from run to run, since Z3's choice depends on its internal state. Variables are taken in
 * turn (those named in `minimise` first, then the rest in declaration order), Booleans made false
 * and bit-vectors as small (unsigned) as the formula allows, by binary search, each then pinned. The
 * result depends only on which queries are satisfiable, so the same obligation always gets the same
 * counterexample, and it reads well: `oldPte = 0`, an access of 2 bytes rather than 2^56. A probe
 * the solver cannot answer stops the search with the model found so far.
 */
async function smallestModel(z: Z3Session, solver: Solver, name: string, terms: Bound<Vars, Z3BitVec, Z3Bool>, minimise: readonly string[], options: DischargeOptions): Promise<Model> {
  for (const key of minimise) if (!(key in terms)) throw new Error(`${name}: cannot minimise ${key}, which is not a variable`);
  const order = [...minimise, ...Object.keys(terms).filter((k) => !minimise.includes(k))];
  let model = solver.model();
  /** Whether the formula, with what is pinned so far and `extra`, is satisfiable; on sat the model is kept. */
  const satisfiableWith = async (extra: Z3Bool): Promise<'sat' | 'unsat' | 'unknown'> => {
    solver.push();
    solver.add(extra);
    const answer = await checkWithin(solver, options);
    if (answer === 'sat') model = solver.model();
    solver.pop();
    return answer;
  };
  smallest: for (const key of order) {
    const term = terms[key]!;
    if (!z.ctx.isBitVec(term)) {
      const b = term as Z3Bool;
      const answer = await satisfiableWith(z.ctx.Not(b));
      if (answer === 'unknown') break smallest;
      solver.add(answer === 'sat' ? z.ctx.Not(b) : b);
      continue;
    }
    const valueIn = (m: Model) => {
      const v = m.eval(term, true);
      return z.ctx.isBitVecVal(v) ? v.value() : undefined;
    };
    let best = valueIn(model);
    if (best === undefined) break;
    // Invariant: satisfiable with `term = best` (the current model), unsatisfiable with `term < low`.
    // The first probe is 0, the common answer.
    let low = 0n;
    let probe = 0n;
    while (low < best) {
      const answer = await satisfiableWith(term.ule(z.ctx.BitVec.val(probe, term.size())));
      if (answer === 'unknown') break smallest;
      if (answer === 'sat') best = valueIn(model) ?? best;
      else low = probe + 1n;
      probe = (low + best) / 2n;
    }
    solver.add(term.eq(z.ctx.BitVec.val(best, term.size())));
  }
  await letProcessExit();
  return model;
}

/** Every variable's value in a model, as bigints and Booleans. */
function modelValues(z: Z3Session, model: Model, terms: Bound<Vars, Z3BitVec, Z3Bool>): Assignment {
  const values: Record<string, bigint | boolean> = {};
  for (const [key, term] of Object.entries(terms)) {
    const value = model.eval(term, true);
    if (z.ctx.isBitVecVal(value)) values[key] = value.value();
    else if (z.ctx.isTrue(value)) values[key] = true;
    else if (z.ctx.isFalse(value)) values[key] = false;
    else throw new Error(`Z3's model gives no value to ${key}: ${String(value)}`);
  }
  return values as Assignment;
}

/** Declares the obligation's variables as fresh Z3 constants named after them. */
function declare(z: Z3Session, vars: Vars): Bound<Vars, Z3BitVec, Z3Bool> {
  const terms: Record<string, Z3BitVec | Z3Bool> = {};
  for (const [key, sort] of Object.entries(vars)) terms[key] = sort === 'bool' ? z.ctx.Bool.const(key) : z.ctx.BitVec.const(key, sort);
  return terms as Bound<Vars, Z3BitVec, Z3Bool>;
}

function secondsSince(start: number): number {
  return Math.round(performance.now() - start) / 1000;
}

/**
 * Proves or refutes one obligation. `valid`: checks the assumptions are satisfiable (a vacuous
 * proof is reported `unknown`), then that `assume ∧ ¬goal` is unsatisfiable. `satisfiable`: looks
 * for a witness of `assume ∧ goal`. Never throws for a solver outcome; throws only on a programming
 * error (a formula whose concrete and symbolic readings disagree on the solver's own model).
 */
export async function discharge(z: Z3Session, o: Obligation, options: DischargeOptions): Promise<Outcome> {
  const start = performance.now();
  try {
    return await dischargeOnce(z, o, options, start);
  } catch (error) {
    if (!(error instanceof SolverAbandoned)) throw error;
    await abandonZ3();
    return { status: 'unknown', seconds: secondsSince(start), reason: error.message, abandoned: true };
  }
}

async function dischargeOnce(z: Z3Session, o: Obligation, options: DischargeOptions, start: number): Promise<Outcome> {
  const terms = declare(z, o.vars);
  const { assume, goal } = o.formula(z.ops, terms);
  const concretely = (values: Assignment) => o.formula(concreteOps, values);

  if (o.mode === 'satisfiable') {
    const found = await solve(z, o.name, z.ops.and(assume, goal), terms, options, true);
    if (found.verdict === 'unknown') return { status: 'unknown', seconds: secondsSince(start), reason: found.reason };
    if (found.verdict === 'unsat') return { status: 'refuted', seconds: secondsSince(start), counterexample: { obligation: o.name, statement: o.statement, finding: 'no values satisfy it' } };
    const check = concretely(found.values);
    if (!(check.assume && check.goal)) throw new Error(`${o.name}: Z3's witness does not satisfy the formula concretely — the two interpretations disagree`);
    return { status: 'proved', seconds: secondsSince(start), witness: o.explain(found.values) };
  }

  const vacuity = await solve(z, `${o.name}.assumptions`, assume, terms, options, false);
  if (vacuity.verdict === 'unknown') return { status: 'unknown', seconds: secondsSince(start), reason: `assumptions of ${o.name}: ${vacuity.reason}` };
  if (vacuity.verdict === 'unsat') return { status: 'unknown', seconds: secondsSince(start), reason: `the assumptions of ${o.name} are unsatisfiable, so a proof would be vacuous` };

  const found = await solve(z, o.name, z.ops.and(assume, z.ops.not(goal)), terms, options, true, o.minimise ?? []);
  if (found.verdict === 'unknown') return { status: 'unknown', seconds: secondsSince(start), reason: found.reason };
  if (found.verdict === 'unsat') return { status: 'proved', seconds: secondsSince(start) };
  const check = concretely(found.values);
  if (!(check.assume && !check.goal)) throw new Error(`${o.name}: Z3's counterexample does not violate the formula concretely — the two interpretations disagree`);
  return {
    status: 'refuted',
    seconds: secondsSince(start),
    counterexample: { obligation: o.name, statement: o.statement, ...o.explain(found.values), confirmedConcretely: true },
    assignment: found.values,
  };
}
