/**
 * The physical memory layout the hardware checks are parameterised by (docs/protocol.md §1): where
 * model DRAM, shared I/O DRAM, the page-table memory, hypervisor DRAM and the control bus sit, and
 * the base and bound of the model's executable region. Ranges are half-open `[base, bound)` in
 * 4 KiB physical frames (Sv39 physical page numbers, 44 bits), so a frame number `f` covers the
 * byte addresses `[f << 12, (f + 1) << 12)` of the 56-bit physical address space.
 */

/** A half-open range of 4 KiB physical frames `[base, bound)`. */
export interface FrameRange {
  readonly base: bigint;
  readonly bound: bigint;
}

/** The regions of the physical address space, as the model core's bus decodes them. */
export interface MemoryLayout {
  /** DRAM the model cores run in. */
  readonly modelDram: FrameRange;
  /** DRAM shared by model and hypervisor: the port rings and payload areas. Never executable. */
  readonly sharedIoDram: FrameRange;
  /** The model's code: inside model DRAM; mapped executable, never writable. */
  readonly executable: FrameRange;
  /** Frames holding the model's page tables: read by the model MMU's walker, written only by the hypervisor. */
  readonly pageTables: FrameRange;
  /** The hypervisor's private DRAM. */
  readonly hypervisorDram: FrameRange;
  /** The hypervisor's private control bus (devices, kill switches, MMUs), memory-mapped. */
  readonly controlBus: FrameRange;
  /** Where the port payload area lies in shared I/O DRAM, as a byte address and a size in bytes. */
  readonly payloadArea: { readonly base: bigint; readonly bytes: bigint };
}

/** Sv39: 56-bit physical addresses, 44-bit physical page numbers, 4 KiB pages. */
export const PHYSICAL_ADDRESS_BITS = 56;
export const PPN_BITS = 44;
export const PAGE_SHIFT = 12;

/** The regions by name, in the order counterexamples list them. */
export const REGIONS = ['modelDram', 'sharedIoDram', 'pageTables', 'hypervisorDram', 'controlBus'] as const;
export type Region = (typeof REGIONS)[number];

/**
 * The reference machine of the workbench (the simulator uses it too). Deliberately not everything
 * is superpage-aligned: the executable region starts 64 KiB into model DRAM, so a 2 MiB megapage at
 * the base of model DRAM covers code frames — the case a 4 KiB-only range check gets wrong — and
 * hypervisor DRAM directly follows shared I/O DRAM, so an access straddling the end of shared I/O
 * DRAM lands in hypervisor DRAM.
 */
export const DEFAULT_LAYOUT: MemoryLayout = {
  controlBus: { base: 0x1_0000n, bound: 0x2_0000n }, //          0x1000_0000 .. 0x2000_0000 (256 MiB MMIO)
  pageTables: { base: 0x8_0000n, bound: 0x8_4000n }, //          0x8000_0000 .. 0x8400_0000 (64 MiB)
  sharedIoDram: { base: 0x10_0000n, bound: 0x14_0000n }, //     0x1_0000_0000 .. 0x1_4000_0000 (1 GiB)
  hypervisorDram: { base: 0x14_0000n, bound: 0x18_0000n }, //   0x1_4000_0000 .. 0x1_8000_0000 (1 GiB)
  modelDram: { base: 0x200_0000n, bound: 0x400_0000n }, //      0x20_0000_0000 .. 0x40_0000_0000 (128 GiB)
  executable: { base: 0x200_0010n, bound: 0x204_0010n }, //     1 GiB of code, 64 KiB into model DRAM
  payloadArea: { base: 0x1_0010_0000n, bytes: 0x3ff0_0000n }, // shared I/O DRAM after its first 1 MiB (the rings)
};

/**
 * Problems with a layout (regions empty, overlapping, out of the physical address space, the
 * executable region outside model DRAM, the payload area outside shared I/O DRAM); empty when sound.
 * The theorems assume a sound layout, so `prove` rejects an unsound one as bad input.
 */
export function layoutProblems(layout: MemoryLayout): string[] {
  const problems: string[] = [];
  const maxFrame = 1n << BigInt(PPN_BITS);
  const hex = (n: bigint) => '0x' + n.toString(16);
  for (const name of [...REGIONS, 'executable'] as const) {
    const r = layout[name];
    if (!(r.base < r.bound)) problems.push(`${name} is empty or reversed: [${hex(r.base)}, ${hex(r.bound)})`);
    if (r.base < 0n || r.bound > maxFrame) problems.push(`${name} lies outside the ${PPN_BITS}-bit frame space`);
  }
  for (let i = 0; i < REGIONS.length; i++) {
    for (let j = i + 1; j < REGIONS.length; j++) {
      const a = layout[REGIONS[i]!];
      const b = layout[REGIONS[j]!];
      if (a.base < b.bound && b.base < a.bound) problems.push(`${REGIONS[i]} and ${REGIONS[j]} overlap`);
    }
  }
  const { executable: x, modelDram: m } = layout;
  if (x.base < m.base || x.bound > m.bound) problems.push('executable region is not inside model DRAM');
  const p = layout.payloadArea;
  const sharedStart = layout.sharedIoDram.base << BigInt(PAGE_SHIFT);
  const sharedEnd = layout.sharedIoDram.bound << BigInt(PAGE_SHIFT);
  if (p.bytes < 1n || p.base < sharedStart || p.base + p.bytes > sharedEnd) problems.push('payload area is empty or not inside shared I/O DRAM');
  return problems;
}
