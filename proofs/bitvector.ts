/**
 * A minimal bit-vector algebra, and its two interpretations: concrete (`bigint` + `boolean`, what the
 * simulator runs) and symbolic (Z3 `BitVec` + `Bool` terms, what `guillotine prove` proves).
 *
 * Every hardware check of `proofs/checks/` is written once, generic over {@link BitVecOps}, so the
 * simulator and the prover run the very same definition ("one definition, two interpretations",
 * as in Serval). There is no second encoding of a check anywhere.
 *
 * ## For the simulator engineer
 * ```ts
 * import { concreteOps } from '../proofs/bitvector.ts';
 * import { validatePteWrite } from '../proofs/checks/validatePteWrite.ts';
 * import { DEFAULT_LAYOUT } from '../proofs/layout.ts';
 * const ok: boolean = validatePteWrite(concreteOps, DEFAULT_LAYOUT, { level: 0n, oldPte, newPte, freshTable: false });
 * ```
 * Concrete values are unsigned `bigint`s in `[0, 2^width)`. Operations whose result depends on the
 * width (`bvadd`, `bvsub`, `bvnot`, `bvshl`, `bv`) take the width explicitly and wrap modulo `2^width`,
 * exactly like hardware registers; a value outside its width's range is a programming error and
 * throws a `RangeError` naming the operation (so an unmasked simulator value cannot silently
 * disagree with the proof). Comparisons are unsigned. Shift amounts and extract positions are plain
 * numbers (constants), which keeps every query in pure quantifier-free bit-vector logic.
 *
 * The names follow SMT-LIB (`bvadd`, `bvult`, `extract`, `zero_extend` → `zeroExtend`) so a reviewer
 * can read a check next to the emitted `.smt2` file.
 */
import type { BitVec, Bool, Context } from 'z3-solver';

/**
 * The operations a hardware check may use. `BV` is a bit-vector value, `B` a truth value.
 * Widths are at most 1024 bits; positions are counted from bit 0 (least significant).
 */
export interface BitVecOps<BV, B> {
  /** Which interpretation this is (for messages and tests; checks must not branch on it). */
  readonly interpretation: 'concrete' | 'z3';
  /** The constant `value mod 2^width` of the given width. */
  bv(width: number, value: bigint): BV;
  /** A truth constant. */
  bool(value: boolean): B;
  /** `a + b mod 2^width`. */
  bvadd(width: number, a: BV, b: BV): BV;
  /** `a - b mod 2^width`. */
  bvsub(width: number, a: BV, b: BV): BV;
  /** Bitwise complement within `width` bits. */
  bvnot(width: number, a: BV): BV;
  /** `a << n mod 2^width`, for a constant `n`. */
  bvshl(width: number, a: BV, n: number): BV;
  /** Logical shift right by a constant `n`. */
  bvlshr(a: BV, n: number): BV;
  bvand(a: BV, b: BV): BV;
  bvor(a: BV, b: BV): BV;
  bvxor(a: BV, b: BV): BV;
  /** Bits `hi..lo` of `a` (inclusive), as a value of width `hi - lo + 1`. */
  extract(hi: number, lo: number, a: BV): BV;
  /** `a` widened by `extra` zero bits on the left (same value, wider width). */
  zeroExtend(extra: number, a: BV): BV;
  /** Unsigned comparisons; both operands must have the same width. */
  bvult(a: BV, b: BV): B;
  bvule(a: BV, b: BV): B;
  bvugt(a: BV, b: BV): B;
  bvuge(a: BV, b: BV): B;
  /** Equality of two bit-vectors of the same width. */
  eq(a: BV, b: BV): B;
  /** `c ? a : b` on bit-vectors of the same width. */
  ite(c: B, a: BV, b: BV): BV;
  and(...bs: B[]): B;
  or(...bs: B[]): B;
  not(b: B): B;
  implies(a: B, b: B): B;
  /** Equality of truth values. */
  iff(a: B, b: B): B;
}

function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

function checkWidth(op: string, width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > 1024) throw new RangeError(`${op}: width ${width} is not an integer from 1 to 1024`);
}

function inRange(op: string, width: number, value: bigint): bigint {
  if (value < 0n || value > mask(width)) {
    throw new RangeError(`${op}: operand ${value} does not fit in ${width} unsigned bits; mask it to [0, 2^${width}) first`);
  }
  return value;
}

/**
 * The concrete interpretation: bit-vectors are unsigned `bigint`s, truth values are `boolean`s.
 * Pure and deterministic; throws `RangeError` on an operand outside its declared width.
 */
export const concreteOps: BitVecOps<bigint, boolean> = {
  interpretation: 'concrete',
  bv: (width, value) => {
    checkWidth('bv', width);
    return ((value % (1n << BigInt(width))) + (1n << BigInt(width))) & mask(width);
  },
  bool: (value) => value,
  bvadd: (width, a, b) => (inRange('bvadd', width, a) + inRange('bvadd', width, b)) & mask(width),
  bvsub: (width, a, b) => (inRange('bvsub', width, a) - inRange('bvsub', width, b)) & mask(width),
  bvnot: (width, a) => inRange('bvnot', width, a) ^ mask(width),
  bvshl: (width, a, n) => (inRange('bvshl', width, a) << BigInt(n)) & mask(width),
  bvlshr: (a, n) => a >> BigInt(n),
  bvand: (a, b) => a & b,
  bvor: (a, b) => a | b,
  bvxor: (a, b) => a ^ b,
  extract: (hi, lo, a) => {
    if (!(Number.isInteger(hi) && Number.isInteger(lo) && hi >= lo && lo >= 0)) throw new RangeError(`extract: bad bit positions ${hi}..${lo}`);
    return (a >> BigInt(lo)) & mask(hi - lo + 1);
  },
  zeroExtend: (_extra, a) => a,
  bvult: (a, b) => a < b,
  bvule: (a, b) => a <= b,
  bvugt: (a, b) => a > b,
  bvuge: (a, b) => a >= b,
  eq: (a, b) => a === b,
  ite: (c, a, b) => (c ? a : b),
  and: (...bs) => bs.every(Boolean),
  or: (...bs) => bs.some(Boolean),
  not: (b) => !b,
  implies: (a, b) => !a || b,
  iff: (a, b) => a === b,
};

/** A Z3 bit-vector term of the workbench's context. */
export type Z3BitVec = BitVec<number, 'main'>;
/** A Z3 Boolean term of the workbench's context. */
export type Z3Bool = Bool<'main'>;

function sameWidth(op: string, width: number, ...terms: Z3BitVec[]): void {
  for (const t of terms) {
    if (t.size() !== width) throw new RangeError(`${op}: operand has ${t.size()} bits, expected ${width}`);
  }
}

/**
 * The symbolic interpretation over one Z3 context: every operation builds a term. Width mismatches
 * throw `RangeError` at construction time (a bug in the check, not in the input).
 */
export function z3Ops(ctx: Context<'main'>): BitVecOps<Z3BitVec, Z3Bool> {
  return {
    interpretation: 'z3',
    bv: (width, value) => {
      checkWidth('bv', width);
      return ctx.BitVec.val(concreteOps.bv(width, value), width);
    },
    bool: (value) => ctx.Bool.val(value),
    bvadd: (width, a, b) => (sameWidth('bvadd', width, a, b), a.add(b)),
    bvsub: (width, a, b) => (sameWidth('bvsub', width, a, b), a.sub(b)),
    bvnot: (width, a) => (sameWidth('bvnot', width, a), a.not()),
    // The amount is a constant of the operand's width: one of 2^width or more would wrap (bvshl by 2
    // on 1 bit became a shift by 0), while the concrete shift gives 0. Any amount from the width up
    // gives 0 in SMT-LIB, so it is capped at the width, which always fits.
    bvshl: (width, a, n) => (sameWidth('bvshl', width, a), a.shl(ctx.BitVec.val(BigInt(Math.min(n, width)), width))),
    bvlshr: (a, n) => a.lshr(ctx.BitVec.val(BigInt(Math.min(n, a.size())), a.size())),
    bvand: (a, b) => a.and(b),
    bvor: (a, b) => a.or(b),
    bvxor: (a, b) => a.xor(b),
    extract: (hi, lo, a) => a.extract(hi, lo),
    // Stryker disable next-line ConditionalExpression: zeroExtend by 0 is the same value either way: Z3's (_ zero_extend 0) returns its argument
    zeroExtend: (extra, a) => (extra === 0 ? a : a.zeroExt(extra)),
    bvult: (a, b) => a.ult(b),
    bvule: (a, b) => a.ule(b),
    bvugt: (a, b) => a.ugt(b),
    bvuge: (a, b) => a.uge(b),
    eq: (a, b) => a.eq(b),
    ite: (c, a, b) => ctx.If(c, a, b) as Z3BitVec,
    and: (...bs) => ctx.And(...bs),
    or: (...bs) => ctx.Or(...bs),
    not: (b) => ctx.Not(b),
    implies: (a, b) => ctx.Implies(a, b),
    iff: (a, b) => a.eq(b),
  };
}
