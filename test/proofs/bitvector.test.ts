import assert from 'node:assert/strict';
import { concreteOps as c, type BitVecOps, type Z3BitVec, type Z3Bool } from '../../proofs/bitvector.ts';
import { z3Session, type Z3Session } from '../../proofs/z3.ts';

/**
 * The bit-vector algebra under which every hardware check is written once. The concrete laws are
 * stated against `BigInt.asUintN` (the standard library's own width truncation), not against a copy
 * of the implementation; the symbolic interpretation is then required to agree with the concrete one
 * on the same edge-value inputs, so the simulator and the prover cannot read a check differently.
 */

const pow2 = (w: number) => 1n << BigInt(w);
const u = (w: number, v: bigint) => BigInt.asUintN(w, v);

/** The values where bit-vector code goes wrong: 0, 1, the largest signed, the sign bit, all ones. */
function edges(w: number): bigint[] {
  return [...new Set([0n, 1n, pow2(w - 1) - 1n, pow2(w - 1), pow2(w) - 1n])];
}

/** Every ordered pair of edge values of width `w`. */
function edgePairs(w: number): [bigint, bigint][] {
  return edges(w).flatMap((a) => edges(w).map((b): [bigint, bigint] => [a, b]));
}

/** Shift amounts: none, one, up to the top bit, exactly the width and beyond it. */
function shifts(w: number): number[] {
  // 2^w and beyond included: the Z3 interpretation once built the amount as a w-bit constant, which
  // wrapped (bvshl(1, 1, 2) was 1 under Z3 but 0 concretely).
  return [...new Set([0, 1, w - 1, w, w + 1, 2 * w, 2 ** Math.min(w, 20), 2 ** Math.min(w, 20) + 1])];
}

const WIDTHS = [1, 8, 64] as const;

describe('proofs/bitvector: the concrete interpretation is width-truncated unsigned arithmetic', () => {
  it('bv(width, value) is value mod 2^width, for negative and oversized values too', () => {
    for (const w of [1, 8, 64, 1024]) {
      const m = pow2(w);
      for (const v of [0n, 1n, -1n, m - 1n, m, m + 1n, -m, -m - 1n, 3n * m + 5n, -3n * m - 5n]) {
        assert.equal(c.bv(w, v), u(w, v), `bv(${w}, ${v})`);
      }
    }
    assert.equal(c.bv(8, -1n), 255n);
    assert.equal(c.bv(8, 256n), 0n);
  });

  it('bv accepts every width from 1 to 1024 and rejects any other with a RangeError naming bv', () => {
    assert.equal(c.bv(1, 1n), 1n);
    assert.equal(c.bv(1024, -1n), pow2(1024) - 1n);
    for (const w of [0, -1, 1025, 1.5, Number.NaN]) {
      assert.throws(() => c.bv(w, 0n), (e: unknown) => e instanceof RangeError && /^bv: width/.test(e.message), `width ${w}`);
    }
  });

  it('bvadd and bvsub wrap modulo 2^width at the edges, with no signed saturation', () => {
    for (const w of WIDTHS) {
      for (const [a, b] of edgePairs(w)) {
        assert.equal(c.bvadd(w, a, b), u(w, a + b), `bvadd(${w}, ${a}, ${b})`);
        assert.equal(c.bvsub(w, a, b), u(w, a - b), `bvsub(${w}, ${a}, ${b})`);
      }
    }
    assert.equal(c.bvadd(8, 255n, 1n), 0n);
    assert.equal(c.bvadd(8, 127n, 1n), 128n);
    assert.equal(c.bvsub(8, 0n, 1n), 255n);
    assert.equal(c.bvsub(8, 128n, 1n), 127n);
  });

  it('bvnot complements exactly the width bits', () => {
    for (const w of WIDTHS) {
      for (const a of edges(w)) assert.equal(c.bvnot(w, a), u(w, ~a), `bvnot(${w}, ${a})`);
    }
    assert.equal(c.bvnot(8, 0n), 255n);
    assert.equal(c.bvnot(1, 1n), 0n);
  });

  it('shifts by 0 change nothing and shifts by the width or more leave 0', () => {
    for (const w of WIDTHS) {
      for (const a of edges(w)) {
        for (const n of [0, 1, w - 1, w, w + 1, 2 * w]) {
          assert.equal(c.bvshl(w, a, n), u(w, a << BigInt(n)), `bvshl(${w}, ${a}, ${n})`);
          assert.equal(c.bvlshr(a, n), a >> BigInt(n), `bvlshr(${a}, ${n})`);
        }
        assert.equal(c.bvshl(w, a, 0), a);
        assert.equal(c.bvshl(w, a, w), 0n);
        assert.equal(c.bvlshr(a, w), 0n);
      }
    }
    // The top bit shifted out is lost, not kept as a sign.
    assert.equal(c.bvshl(8, 0xc0n, 1), 0x80n);
    assert.equal(c.bvlshr(0x80n, 7), 1n);
  });

  it('comparisons are unsigned: the sign bit makes a value large, not negative', () => {
    for (const w of WIDTHS) {
      for (const [a, b] of edgePairs(w)) {
        assert.equal(c.bvult(a, b), a < b, `bvult(${a}, ${b})`);
        assert.equal(c.bvule(a, b), a <= b, `bvule(${a}, ${b})`);
        assert.equal(c.bvugt(a, b), a > b, `bvugt(${a}, ${b})`);
        assert.equal(c.bvuge(a, b), a >= b, `bvuge(${a}, ${b})`);
        assert.equal(c.eq(a, b), a === b);
      }
    }
    // 0x80 is -128 signed but 128 unsigned: above 0x7f.
    assert.ok(c.bvugt(0x80n, 0x7fn) && !c.bvult(0x80n, 0x7fn));
    assert.ok(BigInt.asIntN(8, 0x80n) < BigInt.asIntN(8, 0x7fn), 'the pair really is ordered the other way when signed');
    assert.ok(!c.bvugt(5n, 5n) && c.bvuge(5n, 5n) && !c.bvult(5n, 5n) && c.bvule(5n, 5n));
  });

  it('extract takes bits hi..lo inclusive, and zeroExtend keeps the value', () => {
    assert.equal(c.extract(7, 7, 0x80n), 1n);
    assert.equal(c.extract(6, 0, 0x80n), 0n);
    assert.equal(c.extract(3, 0, 0xabn), 0xbn);
    assert.equal(c.extract(7, 4, 0xabn), 0xan);
    assert.equal(c.extract(63, 0, pow2(64) - 1n), pow2(64) - 1n);
    assert.equal(c.extract(63, 63, pow2(63)), 1n);
    assert.equal(c.zeroExtend(20, 0xabn), 0xabn);
    assert.equal(c.zeroExtend(0, 0xabn), 0xabn);
  });

  it('extract rejects reversed, negative or fractional bit positions with a RangeError naming extract', () => {
    // Each of these would otherwise compute a silent wrong value (reversed, negative) or fail inside
    // BigInt with a message that does not name the operation (fractional).
    for (const [hi, lo] of [[3, 4], [3, -1], [1.5, 0], [3, 0.5]] as const) {
      assert.throws(() => c.extract(hi, lo, 0xffn), (e: unknown) => e instanceof RangeError && /^extract: bad bit positions/.test(e.message), `extract(${hi}, ${lo})`);
    }
  });

  it('width-dependent operations reject an operand outside the width with a RangeError naming the operation', () => {
    const bad = [256n, -1n];
    const named = (op: string) => (e: unknown) => e instanceof RangeError && e.message.startsWith(`${op}: operand`);
    for (const v of bad) {
      assert.throws(() => c.bvadd(8, v, 0n), named('bvadd'), `bvadd first ${v}`);
      assert.throws(() => c.bvadd(8, 0n, v), named('bvadd'), `bvadd second ${v}`);
      assert.throws(() => c.bvsub(8, v, 0n), named('bvsub'), `bvsub first ${v}`);
      assert.throws(() => c.bvsub(8, 0n, v), named('bvsub'), `bvsub second ${v}`);
      assert.throws(() => c.bvnot(8, v), named('bvnot'), `bvnot ${v}`);
      assert.throws(() => c.bvshl(8, v, 1), named('bvshl'), `bvshl ${v}`);
    }
    // The largest value of the width is still in range.
    assert.equal(c.bvadd(8, 255n, 255n), 254n);
  });

  it('the truth-value operations follow their truth tables', () => {
    for (const a of [false, true]) {
      assert.equal(c.not(a), !a);
      assert.equal(c.bool(a), a);
      for (const b of [false, true]) {
        assert.equal(c.and(a, b), a && b);
        assert.equal(c.or(a, b), a || b);
        assert.equal(c.implies(a, b), !a || b);
        assert.equal(c.iff(a, b), a === b);
        assert.equal(c.ite(a, 1n, 2n), a ? 1n : 2n);
      }
    }
    assert.equal(c.and(), true);
    assert.equal(c.or(), false);
  });
});

/** A computation written once over the algebra, as the checks are. */
type Applied = <BV, B>(ops: BitVecOps<BV, B>) => BV | B;

interface Case {
  readonly what: string;
  readonly apply: Applied;
}

/** The cases of one operation over edge values of widths 1, 8 and 64. */
function unary(op: string, f: <BV, B>(ops: BitVecOps<BV, B>, w: number, a: BV) => BV | B): Case[] {
  return WIDTHS.flatMap((w) => edges(w).map((a) => ({ what: `${op}(${w}, ${a})`, apply: (ops) => f(ops, w, ops.bv(w, a)) })));
}

function binary(op: string, f: <BV, B>(ops: BitVecOps<BV, B>, w: number, a: BV, b: BV) => BV | B): Case[] {
  return WIDTHS.flatMap((w) => edgePairs(w).map(([a, b]) => ({ what: `${op}(${w}, ${a}, ${b})`, apply: (ops) => f(ops, w, ops.bv(w, a), ops.bv(w, b)) })));
}

function shifted(op: string, f: <BV, B>(ops: BitVecOps<BV, B>, w: number, a: BV, n: number) => BV): Case[] {
  return WIDTHS.flatMap((w) => edges(w).flatMap((a) => shifts(w).map((n) => ({ what: `${op}(${w}, ${a}, ${n})`, apply: (ops) => f(ops, w, ops.bv(w, a), n) }))));
}

function truth(op: string, f: <BV, B>(ops: BitVecOps<BV, B>, a: B, b: B) => BV | B): Case[] {
  return [false, true].flatMap((a) => [false, true].map((b) => ({ what: `${op}(${a}, ${b})`, apply: (ops) => f(ops, ops.bool(a), ops.bool(b)) })));
}

const OPERATIONS: Record<string, Case[]> = {
  bv: WIDTHS.flatMap((w) => [-1n, pow2(w), pow2(w) + 1n, -pow2(w) - 1n].map((v) => ({ what: `bv(${w}, ${v})`, apply: (ops) => ops.bv(w, v) }))),
  bvadd: binary('bvadd', (ops, w, a, b) => ops.bvadd(w, a, b)),
  bvsub: binary('bvsub', (ops, w, a, b) => ops.bvsub(w, a, b)),
  bvnot: unary('bvnot', (ops, w, a) => ops.bvnot(w, a)),
  bvshl: shifted('bvshl', (ops, w, a, n) => ops.bvshl(w, a, n)),
  bvlshr: shifted('bvlshr', (ops, _w, a, n) => ops.bvlshr(a, n)),
  bvand: binary('bvand', (ops, _w, a, b) => ops.bvand(a, b)),
  bvor: binary('bvor', (ops, _w, a, b) => ops.bvor(a, b)),
  bvxor: binary('bvxor', (ops, _w, a, b) => ops.bvxor(a, b)),
  'extract and zeroExtend': WIDTHS.flatMap((w) =>
    edges(w).flatMap((a): Case[] => [
      { what: `extract(${w - 1}, ${w - 1}, ${a})`, apply: (ops) => ops.extract(w - 1, w - 1, ops.bv(w, a)) },
      { what: `extract(${w - 1}, 0, ${a})`, apply: (ops) => ops.extract(w - 1, 0, ops.bv(w, a)) },
      { what: `zeroExtend(0, ${a})`, apply: (ops) => ops.zeroExtend(0, ops.bv(w, a)) },
      { what: `zeroExtend(8, ${a})`, apply: (ops) => ops.zeroExtend(8, ops.bv(w, a)) },
    ]),
  ),
  bvult: binary('bvult', (ops, _w, a, b) => ops.bvult(a, b)),
  bvule: binary('bvule', (ops, _w, a, b) => ops.bvule(a, b)),
  bvugt: binary('bvugt', (ops, _w, a, b) => ops.bvugt(a, b)),
  bvuge: binary('bvuge', (ops, _w, a, b) => ops.bvuge(a, b)),
  eq: binary('eq', (ops, _w, a, b) => ops.eq(a, b)),
  ite: WIDTHS.flatMap((w) => [false, true].map((k) => ({ what: `ite(${k}, 1, all ones) at ${w}`, apply: (ops) => ops.ite(ops.bool(k), ops.bv(w, 1n), ops.bv(w, -1n)) }))),
  and: truth('and', (ops, a, b) => ops.and(a, b)),
  or: truth('or', (ops, a, b) => ops.or(a, b)),
  not: truth('not', (ops, a) => ops.not(a)),
  implies: truth('implies', (ops, a, b) => ops.implies(a, b)),
  iff: truth('iff', (ops, a, b) => ops.iff(a, b)),
};

describe('proofs/bitvector: the Z3 interpretation agrees with the concrete one', () => {
  let z: Z3Session;
  before(async () => {
    z = await z3Session();
  });

  /** The Z3 statement "the symbolic result equals the concrete one". */
  function matches(symbolic: Z3BitVec | Z3Bool, concrete: bigint | boolean): Z3Bool {
    if (typeof concrete === 'boolean') return (symbolic as Z3Bool).eq(z.ctx.Bool.val(concrete));
    const bv = symbolic as Z3BitVec;
    return bv.eq(z.ctx.BitVec.val(concrete, bv.size()));
  }

  for (const [op, cases] of Object.entries(OPERATIONS)) {
    it(`${op} gives the same value symbolically as concretely, at the edges of widths 1, 8 and 64`, async () => {
      const each = cases.map((k) => ({ what: k.what, concrete: k.apply(c), agree: matches(k.apply(z.ops), k.apply(c)) }));
      // One simplification per operation keeps Z3 use small; only on failure is each case examined.
      if (z.ctx.isTrue(await z.ctx.simplify(z.ctx.And(...each.map((k) => k.agree))))) return;
      for (const k of each) {
        const verdict = await z.ctx.simplify(k.agree);
        assert.ok(z.ctx.isTrue(verdict), `${k.what}: concrete ${k.concrete}, Z3 disagrees (${verdict.sexpr()})`);
      }
      assert.fail(`${op}: Z3 did not reduce the agreement to true, yet no single case disagrees`);
    });
  }

  it('the symbolic result has the width the concrete law promises', () => {
    assert.equal(z.ops.bv(1024, -1n).size(), 1024);
    assert.equal(z.ops.extract(10, 3, z.ops.bv(64, 0n)).size(), 8);
    assert.equal(z.ops.zeroExtend(20, z.ops.bv(44, 0n)).size(), 64);
    assert.equal(z.ops.zeroExtend(0, z.ops.bv(44, 0n)).size(), 44);
  });

  it('bv rejects a width outside 1 to 1024 with a RangeError naming bv', () => {
    for (const w of [0, 1025, 2.5]) {
      assert.throws(() => z.ops.bv(w, 0n), (e: unknown) => e instanceof RangeError && /^bv: width/.test(e.message), `width ${w}`);
    }
  });

  it('a term of the wrong width is rejected when the term is built, naming the operation', () => {
    // Z3 itself would happily add two 32-bit terms declared as 64-bit: the width written in the
    // check is what the concrete interpretation truncates to, so a mismatch must not pass silently.
    const narrow = z.ops.bv(32, 5n);
    const wide = z.ops.bv(64, 5n);
    const named = (op: string) => (e: unknown) => e instanceof RangeError && e.message.startsWith(`${op}: operand has`);
    assert.throws(() => z.ops.bvadd(64, narrow, narrow), named('bvadd'));
    assert.throws(() => z.ops.bvadd(64, wide, narrow), named('bvadd'));
    assert.throws(() => z.ops.bvsub(64, narrow, narrow), named('bvsub'));
    assert.throws(() => z.ops.bvsub(64, wide, narrow), named('bvsub'));
    assert.throws(() => z.ops.bvnot(64, narrow), named('bvnot'));
    assert.throws(() => z.ops.bvshl(64, narrow, 1), named('bvshl'));
    assert.equal(z.ops.bvadd(64, wide, wide).size(), 64);
  });
});
