/**
 * The port-descriptor bounds check (docs/protocol.md §1, port API): after copying a request descriptor
 * into its own memory, the hypervisor accepts its `offset` and `length` only if the byte range
 * `[offset, offset + length)` lies inside the payload area of `size` bytes — with no integer
 * overflow, for all 64-bit values. The `descriptor-bounds` theorem proves it exact (sound and
 * complete); {@link naiveDescriptorInBounds} is the classic wrong version, kept as its negative control.
 */
import type { BitVecOps } from '../bitvector.ts';

/** Width of descriptor offsets, lengths and payload sizes. */
export const DESCRIPTOR_BITS = 64;

/**
 * Whether `[offset, offset + length)` lies inside `[0, size)`, computed without overflow: the
 * subtraction `size - length` is only evaluated where `length <= size`, so it cannot wrap.
 * All three operands are {@link DESCRIPTOR_BITS}-bit unsigned values; a zero length is accepted
 * for any `offset <= size` (an empty range touches nothing).
 */
export function descriptorInBounds<BV, B>(ops: BitVecOps<BV, B>, offset: BV, length: BV, size: BV): B {
  return ops.and(ops.bvule(length, size), ops.bvule(offset, ops.bvsub(DESCRIPTOR_BITS, size, length)));
}

/**
 * NEGATIVE CONTROL — do not use in the hypervisor. The naive `offset + length <= size`, which wraps
 * modulo 2^64 and so accepts, for example, `offset = 2^64 - 1, length = 2`. `guillotine prove
 * --controls` must refute it with such a counterexample.
 */
export function naiveDescriptorInBounds<BV, B>(ops: BitVecOps<BV, B>, offset: BV, length: BV, size: BV): B {
  return ops.bvule(ops.bvadd(DESCRIPTOR_BITS, offset, length), size);
}

/**
 * Whether the byte range `[start, start + length)` lies inside `[regionStart, regionStart + regionBytes)`,
 * all values of `width` bits, with no overflow (the same reasoning as {@link descriptorInBounds},
 * relative to the region's start). Used by the model core's address map.
 */
export function rangeInside<BV, B>(ops: BitVecOps<BV, B>, width: number, start: BV, length: BV, regionStart: BV, regionBytes: BV): B {
  return ops.and(
    ops.bvuge(start, regionStart),
    ops.bvule(length, regionBytes),
    ops.bvule(ops.bvsub(width, start, regionStart), ops.bvsub(width, regionBytes, length)),
  );
}
