/**
 * Head/tail arithmetic of the port request and response rings in shared I/O DRAM (docs/protocol.md §1).
 * Each ring has `size` slots, a power of two; the producer and the consumer keep free-running
 * counters (`tail` and `head`) of `width` bits (32 or 64) that wrap modulo 2^width and are reduced to
 * a slot with a mask. The model produces requests, so the hypervisor must treat every `tail` it reads
 * from shared memory as hostile: {@link producerIndexValid} is the check it applies before reading slots.
 */
import type { BitVecOps } from '../bitvector.ts';

/** The counter widths the rings are proved for. */
export const RING_WIDTHS = [32, 64] as const;
export type RingWidth = (typeof RING_WIDTHS)[number];

/**
 * Whether `size` is a legal ring size: a power of two from 1 to 2^(width-1). (Beyond 2^(width-1)
 * the full and the empty ring would be indistinguishable.)
 */
export function isRingSize<BV, B>(ops: BitVecOps<BV, B>, width: number, size: BV): B {
  const one = ops.bv(width, 1n);
  return ops.and(
    ops.not(ops.eq(size, ops.bv(width, 0n))),
    ops.eq(ops.bvand(size, ops.bvsub(width, size, one)), ops.bv(width, 0n)),
    ops.bvule(size, ops.bv(width, 1n << BigInt(width - 1))),
  );
}

/** Number of filled slots: `tail - head mod 2^width` (correct across wrap-around of the counters). */
export function readableCount<BV, B>(ops: BitVecOps<BV, B>, width: number, head: BV, tail: BV): BV {
  return ops.bvsub(width, tail, head);
}

/** The slot a counter designates: `counter mod size`, as a mask (`size` must satisfy {@link isRingSize}). */
export function slotIndex<BV, B>(ops: BitVecOps<BV, B>, width: number, counter: BV, size: BV): BV {
  return ops.bvand(counter, ops.bvsub(width, size, ops.bv(width, 1n)));
}

/**
 * Whether a producer-written `tail` is consistent with the consumer's own `head`: at most `size`
 * slots readable. A tail that fails it is rejected (and the port faulted) before any slot is read.
 */
export function producerIndexValid<BV, B>(ops: BitVecOps<BV, B>, width: number, head: BV, tail: BV, size: BV): B {
  return ops.bvule(readableCount(ops, width, head, tail), size);
}
