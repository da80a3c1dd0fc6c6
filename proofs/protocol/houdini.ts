/**
 * Houdini (Flanagan and Leino, FME 2001): the largest inductive subset of a set of candidate
 * lemmas. Start from all candidates; drop every one the initial states can falsify; then, as long as
 * some step from a state satisfying every remaining candidate can falsify one, drop it. What remains
 * holds initially and is preserved by every step — an inductive invariant, for every value of the
 * knobs in the region, whatever the samples the candidates were mined from.
 *
 * Each query asks Z3 for a step (one path of the count system) from a state where the remaining
 * candidates hold to one where some of them fail; the model falsifies at least one, and every
 * candidate it falsifies is dropped at once (evaluated on the model's values, by the terms'
 * evaluator). A candidate's successor is its term with the path's successor substituted, folded: most
 * fold to a remaining candidate or to true and cost nothing.
 */
import type { Context } from 'z3-solver';
import type { CountSystem } from './countSystem.ts';
import { pathCondition, pathsOf } from './paths.ts';
import { evaluate, isConst, type Term } from './term.ts';
import { Z3Terms } from './z3Terms.ts';
import { checkWithin, type SolverLimits } from './solve.ts';

type Ctx = Context<'main'>;

export type HoudiniOutcome =
  | { readonly status: 'done'; readonly lemmas: readonly Term[]; readonly queries: number; readonly seconds: number }
  | { readonly status: 'unknown'; readonly reason: string; readonly queries: number; readonly seconds: number };

/**
 * The largest inductive subset of `candidates` (terms over the state's variables and the knobs),
 * for every value of the knobs satisfying `region` (a term over the knobs). Every Z3 object it
 * makes is held by `z` (see `z3Garbage.ts`): the caller decides when they may be freed.
 */
export async function houdini(z: Z3Terms, sys: CountSystem, candidates: readonly Term[], region: Term, limits: SolverLimits): Promise<HoudiniOutcome> {
  const started = performance.now();
  const bank = sys.bank;
  const ctx: Ctx = z.ctx;
  let queries = 0;
  const alive = new Map(candidates.map((c) => [c.id, c]));
  const seconds = () => Math.round(performance.now() - started) / 1000;
  const names = [...sys.vars, ...sys.knobs];

  /** The values a model gives every variable, by name. */
  const valuesIn = (model: ReturnType<InstanceType<Ctx['Solver']>['model']>) => {
    const values = new Map<string, number | boolean>();
    for (const v of names) {
      const x = z.hold(model.eval(z.variable(v), true));
      values.set(v.name!, ctx.isIntVal(x) ? Number(x.value()) : ctx.isTrue(x));
    }
    return (name: string) => {
      const value = values.get(name);
      if (value === undefined) throw new Error(`houdini: no value for ${name}`);
      return value;
    };
  };

  // Initiation: the initial state (terms over the knobs) satisfies each survivor, for every knob value in the region.
  const initBinding = new Map(sys.vars.map((v, i) => [v.id, sys.initial[i]!]));
  const initial = new Map([...alive.values()].map((c) => [c.id, bank.substitute(c, initBinding)]));
  const first = new ctx.Solver();
  try {
    first.add(z.bool(region));
    for (;;) {
      const open = [...alive.keys()].filter((id) => !isTrue(initial.get(id)!));
      if (open.length === 0) break;
      first.push();
      first.add(z.hold(ctx.Or(...open.map((id) => z.hold(ctx.Not(z.bool(initial.get(id)!)))))));
      queries++;
      const answer = await checkWithin(first, [], limits);
      if (answer === 'unknown') return { status: 'unknown', reason: reasonOf(first, limits), queries, seconds: seconds() };
      if (answer === 'unsat') {
        first.pop();
        break;
      }
      const value = valuesIn(z.hold(first.model()));
      first.pop();
      for (const id of open) if (evaluate(initial.get(id)!, value) === false) alive.delete(id);
    }
  } finally {
    first.release();
  }

  // Consecution: every path from a state satisfying the survivors keeps them. One query per event
  // asks about all its paths at once; a model names the path it took (its condition holds there).
  const events = sys.events.map(({ tree }) =>
    pathsOf(tree).flatMap((p) => {
      if (!p.outcome.accepted) return [];
      const condition = pathCondition(bank, p);
      const after = p.outcome.after;
      return isConst(condition) && condition.value === false ? [] : [{ condition, binding: new Map(sys.vars.map((v, i) => [v.id, after[i]!])), memo: new Map<number, Term>() }];
    }),
  );
  const solver = new ctx.Solver();
  try {
    solver.add(z.bool(region));
    const flag = new Map<number, ReturnType<Ctx['Bool']['const']>>();
    for (const c of alive.values()) {
      const f = z.hold(ctx.Bool.const(`candidate!${c.id}`));
      flag.set(c.id, f);
      solver.add(z.hold(ctx.Implies(f, z.bool(c))));
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const paths of events) {
        for (;;) {
          // A successor that is true, or is itself a survivor (assumed of the state before), needs no query.
          const open = paths.map((p) =>
            [...alive.values()].flatMap((c) => {
              const t = bank.substitute(c, p.binding, p.memo);
              return isTrue(t) || alive.has(t.id) ? [] : [{ id: c.id, next: t }];
            }),
          );
          const asked = paths.flatMap((p, j) => (open[j]!.length === 0 ? [] : [z.hold(ctx.And(z.bool(p.condition), z.hold(ctx.Or(...open[j]!.map((x) => z.hold(ctx.Not(z.bool(x.next))))))))]));
          if (asked.length === 0) break;
          solver.push();
          solver.add(z.hold(ctx.Or(...asked)));
          queries++;
          const answer = await checkWithin(solver, [...alive.keys()].map((id) => flag.get(id)!), limits);
          if (answer === 'unknown') {
            const reason = reasonOf(solver, limits);
            solver.pop();
            return { status: 'unknown', reason, queries, seconds: seconds() };
          }
          if (answer === 'unsat') {
            solver.pop();
            break;
          }
          const model = z.hold(solver.model());
          const value = valuesIn(model);
          solver.pop();
          let dropped = 0;
          paths.forEach((p, j) => {
            if (evaluate(p.condition, value) !== true) return;
            for (const x of open[j]!) {
              if (alive.has(x.id) && evaluate(x.next, value) === false) {
                alive.delete(x.id);
                dropped++;
              }
            }
          });
          if (dropped === 0) throw new Error('houdini: Z3 found a step that breaks a candidate, but the terms evaluate otherwise on its model');
          changed = true;
        }
      }
    }
  } finally {
    solver.release();
  }
  return { status: 'done', lemmas: [...alive.values()], queries, seconds: seconds() };
}

const isTrue = (t: Term) => isConst(t) && t.value === true;

function reasonOf(solver: InstanceType<Ctx['Solver']>, limits: SolverLimits): string {
  const reason = solver.reasonUnknown();
  return reason === 'timeout' || reason === 'canceled' ? `timeout after ${limits.timeoutMs} ms` : `solver gave up: ${reason}`;
}
