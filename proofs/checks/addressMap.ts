/**
 * The address map of a model core (docs/protocol.md §1): which physical accesses the core's bus port
 * lets through. A model core may touch model DRAM and shared I/O DRAM only — never hypervisor DRAM,
 * the control bus, or the page-table memory its MMU walks. Addresses are the 64-bit values a core
 * puts on its port; the interconnect decodes only the low {@link PHYSICAL_ADDRESS_BITS} bits, so an
 * address with high bits set would alias a lower one — which is why the check is an allow-list on
 * the full 64-bit access range rather than a deny-list.
 */
import type { BitVecOps } from '../bitvector.ts';
import { PAGE_SHIFT, PHYSICAL_ADDRESS_BITS, type FrameRange, type MemoryLayout, type Region } from '../layout.ts';
import { rangeInside } from './descriptorBounds.ts';

/** Width of the addresses and access sizes on a model core's bus port. */
export const ADDRESS_BITS = 64;

/** The region code {@link decodeRegion} returns, 3 bits wide; 0 is a hole in the address space. */
export const REGION_CODE: Readonly<Record<Region | 'unmapped', bigint>> = {
  unmapped: 0n,
  modelDram: 1n,
  sharedIoDram: 2n,
  pageTables: 3n,
  hypervisorDram: 4n,
  controlBus: 5n,
};
export const REGION_CODE_BITS = 3;

/** The region of a code, for decoding counterexamples. */
export function regionOfCode(code: bigint): Region | 'unmapped' {
  const entry = Object.entries(REGION_CODE).find(([, c]) => c === code);
  return (entry?.[0] as Region | 'unmapped' | undefined) ?? 'unmapped';
}

/** The byte range `[base << 12, bound << 12)` of a frame range, as 64-bit constants. */
export function byteRange<BV, B>(ops: BitVecOps<BV, B>, range: FrameRange): { readonly start: BV; readonly bytes: BV } {
  return {
    start: ops.bv(ADDRESS_BITS, range.base << BigInt(PAGE_SHIFT)),
    bytes: ops.bv(ADDRESS_BITS, (range.bound - range.base) << BigInt(PAGE_SHIFT)),
  };
}

function containsByte<BV, B>(ops: BitVecOps<BV, B>, range: FrameRange, address: BV): B {
  const { start, bytes } = byteRange(ops, range);
  return ops.and(ops.bvuge(address, start), ops.bvult(ops.bvsub(ADDRESS_BITS, address, start), bytes));
}

/**
 * Which region the interconnect routes a byte address to (a {@link REGION_CODE}, 3 bits). It models
 * the hardware decoder, not a check: only the low {@link PHYSICAL_ADDRESS_BITS} bits are decoded.
 */
export function decodeRegion<BV, B>(ops: BitVecOps<BV, B>, layout: MemoryLayout, address: BV): BV {
  const decoded = ops.zeroExtend(ADDRESS_BITS - PHYSICAL_ADDRESS_BITS, ops.extract(PHYSICAL_ADDRESS_BITS - 1, 0, address));
  const code = (region: Region | 'unmapped') => ops.bv(REGION_CODE_BITS, REGION_CODE[region]);
  let result = code('unmapped');
  for (const region of ['controlBus', 'hypervisorDram', 'pageTables', 'sharedIoDram', 'modelDram'] as const) {
    result = ops.ite(containsByte(ops, layout[region], decoded), code(region), result);
  }
  return result;
}

/**
 * Whether a model core may perform an access of `bytes` bytes at `address` (both 64-bit): the whole
 * range `[address, address + bytes)` must lie inside model DRAM or inside shared I/O DRAM, with no
 * wrap-around. Regions are below 2^56, so an allowed range never reaches the aliased high addresses.
 */
export function modelMayAccess<BV, B>(ops: BitVecOps<BV, B>, layout: MemoryLayout, address: BV, bytes: BV): B {
  const inside = (range: FrameRange) => {
    const r = byteRange(ops, range);
    return rangeInside(ops, ADDRESS_BITS, address, bytes, r.start, r.bytes);
  };
  return ops.or(inside(layout.modelDram), inside(layout.sharedIoDram));
}
