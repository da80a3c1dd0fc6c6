/**
 * `ring-index-bounds`: the head/tail arithmetic of the port rings stays in bounds for all counter
 * values, wrap-around included, at 32 and 64 bits: slot indices are inside the ring, a producer
 * index the hypervisor accepts never makes more than `size` slots readable, the slots it reads are
 * distinct, consuming and producing keep the indices valid, and every legitimate state is accepted.
 */
import type { BitVecOps } from '../bitvector.ts';
import { isRingSize, producerIndexValid, readableCount, RING_WIDTHS, slotIndex } from '../checks/ringIndex.ts';
import { hex, obligation, type Obligation } from '../obligation.ts';
import type { Theorem } from '../theorem.ts';

/** The ring arithmetic under test: the real one, or a weakened control. */
interface RingArithmetic {
  valid<BV, B>(ops: BitVecOps<BV, B>, width: number, head: BV, tail: BV, size: BV): B;
}

const REAL: RingArithmetic = { valid: producerIndexValid };

function explain(width: number, v: Record<string, bigint | boolean>): Record<string, unknown> {
  const out: Record<string, unknown> = { counterBits: width };
  for (const [k, value] of Object.entries(v)) out[k] = typeof value === 'bigint' ? hex(value) : value;
  if (typeof v['head'] === 'bigint' && typeof v['tail'] === 'bigint') {
    out['readable'] = hex((v['tail'] - v['head']) & ((1n << BigInt(width)) - 1n));
  }
  return out;
}

/** The counters of a ring at one width: head, tail and size. */
const stateAt = (w: number) => ({ head: w, tail: w, size: w }) as const;

const one = <BV, B>(ops: BitVecOps<BV, B>, w: number) => ops.bv(w, 1n);

function slotInBounds(w: number): Obligation {
  return obligation({
    name: `slot-in-bounds@${w}`,
    statement: `At ${w} bits, every counter value masks to a slot index below the ring size.`,
    mode: 'valid',
    vars: { counter: w, size: w },
    formula: (ops, v) => ({ assume: isRingSize(ops, w, v.size), goal: ops.bvult(slotIndex(ops, w, v.counter, v.size), v.size) }),
    explain: (v) => explain(w, v),
  });
}

function readableAtMostSize(ring: RingArithmetic, w: number): Obligation {
  return obligation({
    name: `readable-at-most-size@${w}`,
    statement: `At ${w} bits, an accepted producer index never makes more slots readable than the ring has.`,
    mode: 'valid',
    vars: stateAt(w),
    minimise: ['size', 'head', 'tail'],
    formula: (ops, v) => ({
      assume: ops.and(isRingSize(ops, w, v.size), ring.valid(ops, w, v.head, v.tail, v.size)),
      goal: ops.bvule(readableCount(ops, w, v.head, v.tail), v.size),
    }),
    explain: (v) => explain(w, v),
  });
}

function distinctSlots(ring: RingArithmetic, w: number): Obligation {
  return obligation({
    name: `distinct-slots@${w}`,
    statement: `At ${w} bits, the readable entries of an accepted ring occupy distinct slots (no slot is read twice).`,
    mode: 'valid',
    vars: { ...stateAt(w), i: w, j: w },
    formula: (ops, v) => ({
      assume: ops.and(
        isRingSize(ops, w, v.size),
        ring.valid(ops, w, v.head, v.tail, v.size),
        ops.bvult(v.i, v.j),
        ops.bvult(v.j, readableCount(ops, w, v.head, v.tail)),
      ),
      goal: ops.not(ops.eq(slotIndex(ops, w, ops.bvadd(w, v.head, v.i), v.size), slotIndex(ops, w, ops.bvadd(w, v.head, v.j), v.size))),
    }),
    explain: (v) => explain(w, v),
  });
}

function consumeKeepsValid(ring: RingArithmetic, w: number): Obligation {
  return obligation({
    name: `consume-keeps-valid@${w}`,
    statement: `At ${w} bits, consuming one entry (head + 1, wrapping) keeps the indices valid and reduces the readable count by one.`,
    mode: 'valid',
    vars: stateAt(w),
    minimise: ['size', 'head', 'tail'],
    formula: (ops, v) => {
      const before = readableCount(ops, w, v.head, v.tail);
      const head = ops.bvadd(w, v.head, one(ops, w));
      return {
        assume: ops.and(isRingSize(ops, w, v.size), ring.valid(ops, w, v.head, v.tail, v.size), ops.bvugt(before, ops.bv(w, 0n))),
        goal: ops.and(ring.valid(ops, w, head, v.tail, v.size), ops.eq(ops.bvadd(w, readableCount(ops, w, head, v.tail), one(ops, w)), before)),
      };
    },
    explain: (v) => explain(w, v),
  });
}

function produceKeepsValid(ring: RingArithmetic, w: number): Obligation {
  return obligation({
    name: `produce-keeps-valid@${w}`,
    statement: `At ${w} bits, producing one entry into a ring that is not full (tail + 1, wrapping) keeps the indices valid and adds one readable entry.`,
    mode: 'valid',
    vars: stateAt(w),
    minimise: ['size', 'head', 'tail'],
    formula: (ops, v) => {
      const before = readableCount(ops, w, v.head, v.tail);
      const tail = ops.bvadd(w, v.tail, one(ops, w));
      return {
        assume: ops.and(isRingSize(ops, w, v.size), ring.valid(ops, w, v.head, v.tail, v.size), ops.bvult(before, v.size)),
        goal: ops.and(ring.valid(ops, w, v.head, tail, v.size), ops.eq(readableCount(ops, w, v.head, tail), ops.bvadd(w, before, one(ops, w)))),
      };
    },
    explain: (v) => explain(w, v),
  });
}

/** Completeness: the check refuses no state a correct producer can create. */
function acceptsEveryLegitimateState(ring: RingArithmetic, w: number): Obligation {
  return obligation({
    name: `accepts-every-legitimate-state@${w}`,
    statement: `At ${w} bits, for any head and any k from 0 to the ring size, tail = head + k (wrapping) is accepted with exactly k readable entries.`,
    mode: 'valid',
    vars: { head: w, k: w, size: w },
    formula: (ops, v) => {
      const tail = ops.bvadd(w, v.head, v.k);
      return {
        assume: ops.and(isRingSize(ops, w, v.size), ops.bvule(v.k, v.size)),
        goal: ops.and(ring.valid(ops, w, v.head, tail, v.size), ops.eq(readableCount(ops, w, v.head, tail), v.k)),
      };
    },
    explain: (v) => ({ ...explain(w, v), tail: hex((v.head + v.k) & ((1n << BigInt(w)) - 1n)) }),
  });
}

function obligations(ring: RingArithmetic): Obligation[] {
  return RING_WIDTHS.flatMap((w) => [
    slotInBounds(w),
    readableAtMostSize(ring, w),
    distinctSlots(ring, w),
    consumeKeepsValid(ring, w),
    produceKeepsValid(ring, w),
    acceptsEveryLegitimateState(ring, w),
  ]);
}

/** NEGATIVE CONTROL: `tail <= head + size`, computed with wrapping addition. */
const wrappingBound: RingArithmetic = {
  valid: (ops, width, head, tail, size) => ops.bvule(tail, ops.bvadd(width, head, size)),
};

/** NEGATIVE CONTROL: rejects a tail that has wrapped below the head (`tail >= head && tail - head <= size`). */
const forgetsWraparound: RingArithmetic = {
  valid: (ops, width, head, tail, size) => ops.and(ops.bvuge(tail, head), producerIndexValid(ops, width, head, tail, size)),
};

export const ringIndexBoundsTheorem: Theorem = {
  id: 'ring-index-bounds',
  summary: 'ring head/tail arithmetic stays in bounds at 32 and 64 bits, wrap-around included',
  statement:
    'Each port ring has a power-of-two number of slots and free-running head and tail counters that wrap around; the model writes the tail, so the hypervisor validates it against its own head before reading. For all head, tail and size values at 32 and at 64 bits, wrap-around included: slot indices stay below the ring size, an accepted tail never makes more than size slots readable, the readable slots are distinct, consuming and producing keep the indices valid, and every legitimate state is accepted.',
  assumptions: [
    'The ring size is a power of two from 1 to half the counter range (checked by isRingSize, part of every obligation\'s assumptions).',
    'The hypervisor reads the head from its own memory; only the tail comes from shared I/O DRAM.',
  ],
  obligations: () => obligations(REAL),
  controls: () => [
    { id: 'ring-tail-bound-wraps', description: 'a tail check written as tail <= head + size (the addition wraps)', obligations: obligations(wrappingBound) },
    { id: 'ring-rejects-wrapped-tail', description: 'a tail check that also demands tail >= head, so it rejects a ring whose counters have wrapped', obligations: obligations(forgetsWraparound) },
  ],
};
