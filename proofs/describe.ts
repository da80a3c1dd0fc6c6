/**
 * Counterexamples in the reviewer's terms: a PTE as its Sv39 fields and the frames it maps, an
 * address as the region the bus routes it to. Pure functions of concrete values.
 */
import { concreteOps } from './bitvector.ts';
import { decodeRegion, regionOfCode } from './checks/addressMap.ts';
import { framesAtLevel, isLeaf, isPointer, PTE_FIELD, ptePpn, type PteFlag } from './checks/validatePteWrite.ts';
import { PAGE_SHIFT, type MemoryLayout, type Region } from './layout.ts';
import { hex } from './obligation.ts';

/** The region a 4 KiB frame lies in (`unmapped` for a hole), by the bus decoder. */
export function regionOfFrame(layout: MemoryLayout, frame: bigint): Region | 'unmapped' | 'executable' {
  if (frame >= layout.executable.base && frame < layout.executable.bound) return 'executable';
  return regionOfAddress(layout, frame << BigInt(PAGE_SHIFT));
}

/** The region the bus routes a byte address to. */
export function regionOfAddress(layout: MemoryLayout, address: bigint): Region | 'unmapped' {
  return regionOfCode(decodeRegion(concreteOps, layout, address & ((1n << 64n) - 1n)));
}

const PAGE_SIZE = ['4 KiB', '2 MiB', '1 GiB', '(no such level)'] as const;

/**
 * A Sv39 entry in a table of the given level, decoded: kind, flags as `V R W X U G A D` letters
 * (`-` when clear), PPN, page size, the frames it maps and the regions of its first and last frame.
 */
export function describePte(layout: MemoryLayout, level: bigint, pte: bigint): Record<string, unknown> {
  const ops = concreteOps;
  const flags = (Object.keys(PTE_FIELD) as PteFlag[]).map((f) => ((pte >> BigInt(PTE_FIELD[f])) & 1n ? f : '-')).join('');
  const kind = isLeaf(ops, pte) ? 'leaf' : isPointer(ops, pte) ? 'pointer to next-level table' : 'invalid (V=0)';
  const ppn = ptePpn(ops, pte);
  const out: Record<string, unknown> = { raw: hex(pte), kind, flags, ppn: hex(ppn) };
  const high = pte >> 54n;
  if (high !== 0n) out['reservedPbmtN'] = `bits 63:54 = ${hex(high)} (reserved ${hex(high & 0x7fn)}, PBMT ${(high >> 7n) & 3n}, N ${high >> 9n})`;
  if (isLeaf(ops, pte)) {
    const count = level <= 2n ? framesAtLevel(ops, level) : 1n;
    out['pageSize'] = PAGE_SIZE[Number(level)] ?? '?';
    out['frames'] = `[${hex(ppn)}, ${hex(ppn + count)})`;
    out['physicalAddresses'] = `[${hex(ppn << BigInt(PAGE_SHIFT))}, ${hex((ppn + count) << BigInt(PAGE_SHIFT))})`;
    out['firstFrameIn'] = regionOfFrame(layout, ppn);
    out['lastFrameIn'] = regionOfFrame(layout, ppn + count - 1n);
  } else if (isPointer(ops, pte)) {
    out['tableAddress'] = hex(ppn << BigInt(PAGE_SHIFT));
    out['tableFrameIn'] = regionOfFrame(layout, ppn);
  }
  return out;
}

/** Virtual address bits an entry's index selects at each level (Sv39: VPN[0] = 20:12, VPN[1] = 29:21, VPN[2] = 38:30). */
const VPN_BITS = ['20:12', '29:21', '38:30'] as const;

/**
 * Which page-table slot a write targets, in Sv39 terms. The proofs quantify over every slot of a
 * table of the given level (the validator's verdict does not depend on the index), so the slot is
 * named by its level, the virtual-address bits that index it, and the span one entry maps.
 */
export function describeSlot(level: bigint): string {
  const span = PAGE_SIZE[Number(level)];
  if (level > 2n || span === undefined) return `an entry of a table at level ${level}, which Sv39 does not have (levels are 0 to 2)`;
  return `any of the 512 entries of a level-${level} page table (indexed by virtual address bits ${VPN_BITS[Number(level)]}; one entry spans ${span} of virtual addresses)`;
}

/**
 * What a write changes in an entry, field by field: each flag that flips (`W 0→1`), the PPN, and the
 * RSW, reserved, PBMT and N bits. Empty when the entry is rewritten with its own value.
 */
export function describePteChange(oldPte: bigint, newPte: bigint): string[] {
  const changes: string[] = [];
  for (const f of Object.keys(PTE_FIELD) as PteFlag[]) {
    const at = BigInt(PTE_FIELD[f]);
    const a = (oldPte >> at) & 1n;
    const b = (newPte >> at) & 1n;
    if (a !== b) changes.push(`${f} ${a}→${b} (bit ${at})`);
  }
  const field = (name: string, hi: bigint, lo: bigint) => {
    const m = (1n << (hi - lo + 1n)) - 1n;
    const a = (oldPte >> lo) & m;
    const b = (newPte >> lo) & m;
    if (a !== b) changes.push(`${name} ${hex(a)}→${hex(b)} (bits ${hi}:${lo})`);
  };
  field('RSW', 9n, 8n);
  field('PPN', 53n, 10n);
  field('reserved', 60n, 54n);
  field('PBMT', 62n, 61n);
  field('N', 63n, 63n);
  return changes;
}
