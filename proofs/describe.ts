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
    out['firstFrameIn'] = regionOfFrame(layout, ppn);
    out['lastFrameIn'] = regionOfFrame(layout, ppn + count - 1n);
  } else if (isPointer(ops, pte)) {
    out['tableFrameIn'] = regionOfFrame(layout, ppn);
  }
  return out;
}
