/**
 * `descriptor-bounds`: the hypervisor's descriptor check accepts exactly the descriptors whose
 * `[offset, offset + length)` lies inside the payload area, for all 64-bit values, wrap-around
 * included; and every byte an accepted descriptor names lies in shared I/O DRAM.
 */
import type { BitVecOps } from '../bitvector.ts';
import { decodeRegion, REGION_CODE, REGION_CODE_BITS } from '../checks/addressMap.ts';
import { DESCRIPTOR_BITS, descriptorInBounds, naiveDescriptorInBounds } from '../checks/descriptorBounds.ts';
import { regionOfAddress } from '../describe.ts';
import type { MemoryLayout } from '../layout.ts';
import { hex, obligation, type Obligation } from '../obligation.ts';
import type { Theorem } from '../theorem.ts';

type Check = <BV, B>(ops: BitVecOps<BV, B>, offset: BV, length: BV, size: BV) => B;

/** The specification, as mathematical integers: `offset + length <= size` computed in 65 bits, where it cannot wrap. */
function inside<BV, B>(ops: BitVecOps<BV, B>, offset: BV, length: BV, size: BV): B {
  const wide = (x: BV) => ops.zeroExtend(1, x);
  return ops.bvule(ops.bvadd(DESCRIPTOR_BITS + 1, wide(offset), wide(length)), wide(size));
}

function explain(v: { offset: bigint; length: bigint; size: bigint }): Record<string, unknown> {
  const sum = v.offset + v.length;
  return {
    offset: hex(v.offset),
    length: hex(v.length),
    payloadSize: hex(v.size),
    offsetPlusLength: hex(sum),
    offsetPlusLengthIn64Bits: hex(sum & ((1n << 64n) - 1n)),
    wrapsAround: sum >= 1n << 64n,
    endInsidePayload: sum <= v.size,
  };
}

function obligations(check: Check, layout: MemoryLayout): Obligation[] {
  const vars = { offset: DESCRIPTOR_BITS, length: DESCRIPTOR_BITS, size: DESCRIPTOR_BITS } as const;
  const payloadBase = layout.payloadArea.base;
  const payloadBytes = layout.payloadArea.bytes;
  return [
    obligation({
      name: 'accepts-only-ranges-inside',
      statement: 'Every accepted descriptor has offset + length <= size as integers (no wrap-around).',
      mode: 'valid',
      vars,
      minimise: ['size', 'length'],
      formula: (ops, v) => ({ assume: check(ops, v.offset, v.length, v.size), goal: inside(ops, v.offset, v.length, v.size) }),
      explain,
    }),
    obligation({
      name: 'accepts-every-range-inside',
      statement: 'Every descriptor with offset + length <= size as integers is accepted.',
      mode: 'valid',
      vars,
      formula: (ops, v) => ({ assume: inside(ops, v.offset, v.length, v.size), goal: check(ops, v.offset, v.length, v.size) }),
      explain,
    }),
    obligation({
      name: 'payload-bytes-in-shared-io-dram',
      statement: 'Every byte an accepted descriptor names in the payload area lies in shared I/O DRAM.',
      mode: 'valid',
      vars: { offset: DESCRIPTOR_BITS, length: DESCRIPTOR_BITS, byte: DESCRIPTOR_BITS },
      formula: (ops, v) => {
        const address = ops.bvadd(64, ops.bvadd(64, ops.bv(64, payloadBase), v.offset), v.byte);
        return {
          assume: ops.and(check(ops, v.offset, v.length, ops.bv(64, payloadBytes)), ops.bvult(v.byte, v.length)),
          goal: ops.eq(decodeRegion(ops, layout, address), ops.bv(REGION_CODE_BITS, REGION_CODE.sharedIoDram)),
        };
      },
      explain: (v) => {
        const address = (payloadBase + v.offset + v.byte) & ((1n << 64n) - 1n);
        return { ...explain({ ...v, size: payloadBytes }), byteIndex: hex(v.byte), address: hex(address), addressReaches: regionOfAddress(layout, address) };
      },
    }),
  ];
}

export const descriptorBoundsTheorem: Theorem = {
  id: 'descriptor-bounds',
  summary: 'the descriptor check accepts exactly [offset, offset+length) inside the payload area, no wrap-around',
  statement:
    'The hypervisor copies each port descriptor into its own memory and then accepts it only if the byte range [offset, offset + length) lies inside the payload area. For every 64-bit offset, length and payload size, the check accepts exactly the descriptors whose range lies inside, computed as integers with no wrap-around; and every byte of an accepted descriptor in the machine\'s payload area lies in shared I/O DRAM.',
  assumptions: [
    'The descriptor is validated on the hypervisor\'s private copy (no double fetch), so offset and length do not change between check and use.',
    'The payload area lies inside shared I/O DRAM (checked on the layout before proving).',
  ],
  obligations: ({ layout }) => obligations(descriptorInBounds, layout),
  controls: ({ layout }) => [
    {
      id: 'naive-descriptor-check',
      description: 'the naive check offset + length <= size, computed in 64 bits (it wraps)',
      obligations: obligations(naiveDescriptorInBounds, layout),
    },
  ],
};
