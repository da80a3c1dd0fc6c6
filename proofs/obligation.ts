/**
 * A proof obligation: one quantifier-free formula over named bit-vector and Boolean variables,
 * written generically over {@link BitVecOps} like the checks themselves. Z3 proves it; the concrete
 * interpretation re-evaluates the solver's counterexample (or witness), so a reported violation is
 * confirmed on plain `bigint`s before anyone reads it.
 */
import type { BitVecOps } from './bitvector.ts';

/** Variables of an obligation: a width in bits, or `'bool'`. */
export type Vars = Readonly<Record<string, number | 'bool'>>;

/** The value a variable of sort `S` takes in one interpretation (distributes over unions of sorts). */
type ValueOf<S, BV, B> = S extends 'bool' ? B : BV;

/** The variables bound to values of one interpretation. */
export type Bound<V extends Vars, BV, B> = { readonly [K in keyof V]: ValueOf<V[K], BV, B> };

/** Concrete values of an obligation's variables, as a counterexample or a witness. */
export type Assignment<V extends Vars = Vars> = Bound<V, bigint, boolean>;

/**
 * `valid`: for all values of the variables, `assume` implies `goal` (proved by unsatisfiability of
 * `assume ∧ ¬goal`; `assume` must itself be satisfiable, or the proof would be vacuous).
 * `satisfiable`: some values make `assume ∧ goal` true (a reachability claim, proved by a witness).
 */
export type Mode = 'valid' | 'satisfiable';

export interface Obligation<V extends Vars = Vars> {
  /** Stable name within its theorem, e.g. `preserved-by-accepted-writes`. */
  readonly name: string;
  /** What it says, in plain words. */
  readonly statement: string;
  readonly mode: Mode;
  readonly vars: V;
  /**
   * Bit-vector variables to make as small as possible (unsigned) in a counterexample, in this order,
   * after the others are zeroed where they can be: an access of 2 bytes reads better than one of
   * 2^56. Each costs up to its width in extra solver calls, and only when the obligation is refuted.
   */
  readonly minimise?: readonly (keyof V & string)[];
  /** The formula, under any interpretation. Declared as a method so obligations of different variables share one type. */
  formula<BV, B>(ops: BitVecOps<BV, B>, v: Bound<V, BV, B>): { readonly assume: B; readonly goal: B };
  /** A counterexample (or witness) in the reviewer's terms: which PTE, which bits, which address. */
  explain(values: Assignment<V>): Record<string, unknown>;
}

/** Infers an obligation's variables (identity at run time). */
export function obligation<const V extends Vars>(o: Obligation<V>): Obligation {
  return o as unknown as Obligation;
}

/** `0x`-prefixed hexadecimal, the way addresses and PTEs are written in the reports. */
export function hex(value: bigint): string {
  return '0x' + value.toString(16);
}
