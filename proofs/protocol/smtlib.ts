/**
 * A property's Horn problem as SMT-LIB 2 text, written from the count system's terms: one
 * predicate `Inv` over the state's variables and the knobs; a clause for the initial state, one per
 * accepted path of every event's step, and one per way the property can fail. The text is what
 * Spacer (`spacer.ts`) solves and what `--emit-smt2` writes for a native `z3`; it names every
 * variable after the count state's own, so a model reads in the protocol's words.
 *
 * `sat` means an interpretation of `Inv` exists that contains the initial states, is closed under
 * every step and excludes every failure: the property holds for every knob value in the region.
 * `unsat` means a failure is reachable for some knob value in the region.
 */
import type { CountSystem } from './countSystem.ts';
import { pathCondition, pathsOf } from './paths.ts';
import { isConst, subterms, type Term } from './term.ts';

/** What makes the property fail, as terms over the state's variables and the knobs (each one clause). */
export type Failures = readonly Term[];

/** A term as SMT-LIB, its shared subterms bound once with `let`. */
export function smtTerm(root: Term): string {
  const uses = new Map<number, number>();
  const nodes = subterms([root]);
  for (const t of nodes) for (const a of t.args) uses.set(a.id, (uses.get(a.id) ?? 0) + 1);
  const shared = nodes.filter((t) => (uses.get(t.id) ?? 0) > 1 && t.op !== 'const' && t.op !== 'var');
  const bound = new Set<number>();
  const write = (t: Term): string => {
    if (bound.has(t.id)) return `s${t.id}`;
    if (isConst(t)) return typeof t.value === 'boolean' ? String(t.value) : t.value < 0 ? `(- ${-t.value})` : String(t.value);
    if (t.op === 'var') return t.name!;
    const a = t.args.map(write);
    const op = SMT_OP[t.op as Exclude<Term['op'], 'const' | 'var'>];
    return `(${op} ${a.join(' ')})`;
  };
  let opened = '';
  let closing = '';
  for (const t of shared) {
    opened += `(let ((s${t.id} ${write(t)})) `;
    bound.add(t.id);
    closing += ')';
  }
  return opened + write(root) + closing;
}

const sortOf = (t: Term) => (t.sort === 'bool' ? 'Bool' : 'Int');
const binders = (ts: readonly Term[]) => ts.map((t) => `(${t.name} ${sortOf(t)})`).join(' ');

/**
 * The Horn problem of one property: `Inv` holds initially (for knobs in `region`), is preserved by
 * every accepted path from a state where it and `strengthen` hold (the region and the Houdini
 * lemmas, which are inductive on their own), and excludes each of `failures`.
 */
export function hornProblem(sys: CountSystem, region: Term, strengthen: Term, failures: Failures, comment: string): string {
  const bank = sys.bank;
  const state = [...sys.vars, ...sys.knobs];
  const inv = (args: readonly string[]) => `(Inv ${args.join(' ')})`;
  const knobNames = sys.knobs.map((k) => k.name!);
  const pre = inv(state.map((v) => v.name!));
  const all = binders(state);
  // The region and the lemmas once, as a macro: repeated in every clause they made a problem of 20 MB.
  const given = `(Given ${state.map((v) => v.name!).join(' ')})`;
  const lines = [`; ${comment}`, '(set-logic HORN)', `(declare-fun Inv (${state.map(sortOf).join(' ')}) Bool)`, `(define-fun Given (${all}) Bool ${smtTerm(strengthen)})`];
  lines.push(`(assert (forall (${binders(sys.knobs)}) (=> ${smtTerm(region)} ${inv([...sys.initial.map(smtTerm), ...knobNames])})))`);
  for (const { tree } of sys.events) {
    for (const path of pathsOf(tree)) {
      if (!path.outcome.accepted) continue;
      const condition = pathCondition(bank, path);
      if (isConst(condition) && condition.value === false) continue;
      lines.push(`(assert (forall (${all}) (=> (and ${pre} ${given} ${smtTerm(condition)}) ${inv([...path.outcome.after.map(smtTerm), ...knobNames])})))`);
    }
  }
  for (const bad of failures) lines.push(`(assert (forall (${all}) (=> (and ${pre} ${given} ${smtTerm(bad)}) false)))`);
  lines.push('(check-sat)', '');
  return lines.join('\n');
}

const SMT_OP: Readonly<Record<Exclude<Term['op'], 'const' | 'var'>, string>> = { not: 'not', and: 'and', or: 'or', add: '+', sub: '-', eq: '=', lt: '<', le: '<=', ite: 'ite' };
