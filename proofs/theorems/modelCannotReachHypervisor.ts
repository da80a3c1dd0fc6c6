/**
 * `model-cannot-reach-hypervisor`: no address a model core can form reaches hypervisor DRAM, the
 * control bus, or page-table memory — neither a raw access its bus port lets through (every 64-bit
 * address and size, aliasing high bits included) nor any translation of a page-table entry that
 * satisfies the MMU invariant of `exec-pages-immutable`.
 */
import type { BitVecOps } from '../bitvector.ts';
import { ADDRESS_BITS, byteRange, decodeRegion, modelMayAccess, REGION_CODE, REGION_CODE_BITS, regionOfCode } from '../checks/addressMap.ts';
import { bytesAtLevel, isLeaf, LEVEL_BITS, PTE_BITS, pteInvariant, ptePpn } from '../checks/validatePteWrite.ts';
import { describePte } from '../describe.ts';
import { concreteOps } from '../bitvector.ts';
import { PAGE_SHIFT, type MemoryLayout } from '../layout.ts';
import { hex, obligation, type Obligation } from '../obligation.ts';
import type { Theorem } from '../theorem.ts';

type AccessCheck = <BV, B>(ops: BitVecOps<BV, B>, layout: MemoryLayout, address: BV, bytes: BV) => B;

/** The region a byte reaches is model DRAM or shared I/O DRAM. */
function reachesModelMemory<BV, B>(ops: BitVecOps<BV, B>, layout: MemoryLayout, address: BV): B {
  const region = decodeRegion(ops, layout, address);
  const is = (code: bigint) => ops.eq(region, ops.bv(REGION_CODE_BITS, code));
  return ops.or(is(REGION_CODE.modelDram), is(REGION_CODE.sharedIoDram));
}

/** The region a byte reaches is hypervisor DRAM, the control bus or page-table memory. */
function reachesHypervisor<BV, B>(ops: BitVecOps<BV, B>, layout: MemoryLayout, address: BV): B {
  const region = decodeRegion(ops, layout, address);
  const is = (code: bigint) => ops.eq(region, ops.bv(REGION_CODE_BITS, code));
  return ops.or(is(REGION_CODE.hypervisorDram), is(REGION_CODE.controlBus), is(REGION_CODE.pageTables));
}

/** The physical address byte `offset` of a leaf's page translates to: `(ppn << 12) + offset`. */
function translated<BV, B>(ops: BitVecOps<BV, B>, pte: BV, offset: BV): BV {
  return ops.bvadd(ADDRESS_BITS, ops.bvshl(ADDRESS_BITS, ptePpn(ops, pte), PAGE_SHIFT), offset);
}

function regionOf(layout: MemoryLayout, address: bigint) {
  return regionOfCode(decodeRegion(concreteOps, layout, address));
}

function obligations(layout: MemoryLayout, mayAccess: AccessCheck): Obligation[] {
  const explainAccess = (v: { address: bigint; bytes: bigint; byte: bigint }) => {
    const reached = (v.address + v.byte) & ((1n << 64n) - 1n);
    return {
      access: `${v.bytes} byte(s) at ${hex(v.address)}, i.e. [${hex(v.address)}, ${hex(v.address + v.bytes)})`,
      startReaches: regionOf(layout, v.address),
      byteAddress: hex(reached),
      decodedPhysicalAddress: hex(reached & ((1n << 56n) - 1n)),
      byteReaches: regionOf(layout, reached),
    };
  };
  // `byte` first: counterexamples are simplified by zeroing variables in this order, and a
  // violation at the first byte of an access is the easiest to read.
  const access = { byte: ADDRESS_BITS, address: ADDRESS_BITS, bytes: ADDRESS_BITS } as const;
  return [
    obligation({
      name: 'never-reaches-hypervisor',
      statement: 'No byte of any access the bus port lets through (any 64-bit address, any size) reaches hypervisor DRAM, the control bus or page-table memory.',
      mode: 'valid',
      vars: access,
      minimise: ['bytes', 'byte'],
      formula: (ops, v) => ({
        assume: ops.and(mayAccess(ops, layout, v.address, v.bytes), ops.bvult(v.byte, v.bytes)),
        goal: ops.not(reachesHypervisor(ops, layout, ops.bvadd(ADDRESS_BITS, v.address, v.byte))),
      }),
      explain: explainAccess,
    }),
    obligation({
      name: 'allowed-accesses-stay-in-model-memory',
      statement: 'Every byte of every access the bus port lets through (any 64-bit address, any size) reaches model DRAM or shared I/O DRAM — not even a hole in the address space.',
      mode: 'valid',
      vars: access,
      minimise: ['bytes', 'byte'],
      formula: (ops, v) => ({
        assume: ops.and(mayAccess(ops, layout, v.address, v.bytes), ops.bvult(v.byte, v.bytes)),
        goal: reachesModelMemory(ops, layout, ops.bvadd(ADDRESS_BITS, v.address, v.byte)),
      }),
      explain: explainAccess,
    }),
    obligation({
      name: 'translations-stay-in-model-memory',
      statement: 'Every byte a leaf entry satisfying the MMU invariant translates to (any level, any offset in its page) is let through by the bus port and reaches model DRAM or shared I/O DRAM.',
      mode: 'valid',
      vars: { level: LEVEL_BITS, pte: PTE_BITS, offset: ADDRESS_BITS },
      formula: (ops, v) => {
        const physical = translated(ops, v.pte, v.offset);
        return {
          assume: ops.and(pteInvariant(ops, layout, v.level, v.pte), isLeaf(ops, v.pte), ops.bvult(v.offset, bytesAtLevel(ops, v.level))),
          goal: ops.and(mayAccess(ops, layout, physical, ops.bv(ADDRESS_BITS, 1n)), reachesModelMemory(ops, layout, physical)),
        };
      },
      explain: (v) => {
        const physical = translated(concreteOps, v.pte, v.offset);
        return { pte: describePte(layout, v.level, v.pte), offsetInPage: hex(v.offset), physicalAddress: hex(physical), reaches: regionOf(layout, physical) };
      },
    }),
  ];
}

/** NEGATIVE CONTROL: a deny-list on the 64-bit start address — forgets aliasing high bits and the access size. */
const denyList: AccessCheck = (ops, layout, address) => {
  const outside = (range: MemoryLayout['hypervisorDram']) => {
    const r = byteRange(ops, range);
    return ops.not(ops.and(ops.bvuge(address, r.start), ops.bvult(ops.bvsub(ADDRESS_BITS, address, r.start), r.bytes)));
  };
  return ops.and(outside(layout.hypervisorDram), outside(layout.controlBus), outside(layout.pageTables));
};

/** NEGATIVE CONTROL: the right allow-list, applied to the first byte only — forgets the access size. */
const firstByteOnly: AccessCheck = (ops, layout, address) => modelMayAccess(ops, layout, address, ops.bv(ADDRESS_BITS, 1n));

export const modelCannotReachHypervisorTheorem: Theorem = {
  id: 'model-cannot-reach-hypervisor',
  summary: 'no address a model core can form reaches hypervisor DRAM, the control bus or page tables',
  statement:
    'A model core reaches memory in two ways: physical accesses its bus port lets through, and the translations of its page-table entries. For every 64-bit address and access size, every byte of an allowed access lands in model DRAM or shared I/O DRAM, as the interconnect decodes it (it ignores address bits 63:56, so high bits must not alias); and every page-table leaf satisfying the MMU invariant translates only to bytes the port allows. So no address a model core can form reaches hypervisor DRAM, the control bus or page-table memory.',
  assumptions: [
    'The interconnect decodes the low 56 bits of an address (Sv39 physical addresses) against the layout\'s regions, which are disjoint (checked on the layout before proving).',
    'Model cores share no cache, TLB or predictor with hypervisor cores (docs/protocol.md §1): the only paths to memory are the bus port and the MMU.',
    'Page-table entries satisfy the invariant that exec-pages-immutable proves is kept.',
  ],
  obligations: ({ layout }) => obligations(layout, modelMayAccess),
  controls: ({ layout }) => [
    { id: 'deny-list-bus-filter', description: 'a bus filter that only denies start addresses inside hypervisor DRAM, the control bus or page-table memory (64-bit compare)', obligations: obligations(layout, denyList) },
    { id: 'first-byte-only-bus-filter', description: 'the allow-list applied to the first byte of an access only (a wide access straddles the end of shared I/O DRAM)', obligations: obligations(layout, firstByteOnly) },
  ],
};
