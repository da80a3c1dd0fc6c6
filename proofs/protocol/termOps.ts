/**
 * {@link ProtocolOps} interpreted as terms over counts — the fourth interpretation of the protocol's
 * one definition, beside concrete values, the checker's JavaScript and the Promela/TLA+ text. Truth
 * values and integers are {@link Term}s; the knobs (`admins`, `escalate`, `deescalate`, `missLimit`,
 * `maxStep`) are integer variables, so a rule's result holds for every value of them; voters are
 * classes of admins and sets of voters class counts (`machines/classCounts.ts`), the checker's own
 * abstraction under symmetry.
 */
import type { Knob, ProtocolOps } from '../../machines/protocolOps.ts';
import { classSetOps, type ClassSet, type ScalarOps } from '../../machines/classCounts.ts';
import type { Term, TermBank } from './term.ts';

/** The knobs in the order the Horn predicate carries them. */
export const KNOBS: readonly Knob[] = ['admins', 'escalate', 'deescalate', 'missLimit', 'maxStep'];

/** Class-count sets over terms. */
export type TermSet = ClassSet<Term, Term>;

/** The operations over terms. */
export type TermOps = ProtocolOps<Term, Term, number, TermSet> & Pick<ScalarOps<Term, Term>, 'iteBool'>;

/** The scalar operations over terms of one bank, knobs as the variables named after them. */
export function termScalars(bank: TermBank): ScalarOps<Term, Term> {
  return {
    interpretation: 'horn',
    bool: (v) => bank.bool(v),
    and: (...bs) => bank.and(...bs),
    or: (...bs) => bank.or(...bs),
    not: (b) => bank.not(b),
    int: (v) => bank.int(v),
    add: (a, b) => bank.add(a, b),
    sub: (a, b) => bank.sub(a, b),
    eq: (a, b) => bank.eq(a, b),
    lt: (a, b) => bank.lt(a, b),
    le: (a, b) => bank.le(a, b),
    ite: (c, a, b) => bank.ite(c, a, b),
    iteBool: (c, a, b) => bank.iteBool(c, a, b),
    knob: (name) => bank.variable(name, 'int'),
  };
}

/** The protocol's operations over terms of one bank. */
export function termOps(bank: TermBank): TermOps {
  const s = termScalars(bank);
  return { ...s, ...classSetOps(s) };
}
