/**
 * The model's page tables (Sv39) as the hypervisor keeps them: table frames in page-table memory,
 * each with its level, and the hypervisor's bookkeeping of fresh tables. The model cannot write
 * them; it asks through the `mmu` port, and {@link PageTables.apply} runs the proofs'
 * `validatePteWrite` on the request before it changes anything.
 *
 * Known limit: address translation itself (the walk) is not simulated — model accesses are
 * checked on physical addresses by the address map; the page tables matter here for what the
 * MMU rule protects: the set of executable mappings, which no accepted write may change.
 */
import { concreteOps } from '../proofs/bitvector.ts';
import { PTE_FIELD, executableLeaf, isExecutableLeaf, isPointer, ptePpn, pteInvariant, validatePteWrite } from '../proofs/checks/validatePteWrite.ts';
import type { MemoryLayout } from '../proofs/layout.ts';

export const ENTRIES_PER_TABLE = 512;

/** A page-table write as the model requests it. */
export interface PteWriteRequest {
  readonly table: bigint;
  readonly index: bigint;
  readonly pte: bigint;
}

export type PteWriteResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const flag = (name: keyof typeof PTE_FIELD) => 1n << BigInt(PTE_FIELD[name]);

/** A leaf PTE for frame `ppn` with the given flags (V is added). */
export function leafPte(ppn: bigint, flags: readonly (keyof typeof PTE_FIELD)[]): bigint {
  return (ppn << 10n) | flag('V') | flags.reduce((acc, f) => acc | flag(f), 0n);
}

/** A pointer PTE to the table at frame `ppn`. */
export function pointerPte(ppn: bigint): bigint {
  return (ppn << 10n) | flag('V');
}

export class PageTables {
  private readonly tables = new Map<bigint, { level: bigint; entries: BigUint64Array }>();
  private readonly referenced = new Set<bigint>();
  readonly root: bigint;
  /** Table frames the hypervisor allocated and the model may link in with a pointer entry. */
  readonly spare: bigint[] = [];

  /** Boot: a root table, one level-1 and one level-0 table mapping `codePages` code frames executable, and spare tables. */
  constructor(private readonly layout: MemoryLayout, codePages = 16, spareTables = 4) {
    let next = layout.pageTables.base;
    const alloc = (level: bigint) => {
      const frame = next++;
      this.tables.set(frame, { level, entries: new BigUint64Array(ENTRIES_PER_TABLE) });
      return frame;
    };
    this.root = alloc(2n);
    const l1 = alloc(1n);
    const l0 = alloc(0n);
    this.set(this.root, 0n, pointerPte(l1));
    this.set(l1, 0n, pointerPte(l0));
    this.referenced.add(l1).add(l0);
    for (let i = 0n; i < BigInt(codePages); i++) this.set(l0, i, executableLeaf(concreteOps, layout.executable.base + i));
    // A data page in model DRAM, read-write, above the code.
    this.set(l0, 100n, leafPte(layout.executable.bound + 1n, ['R', 'W', 'U', 'A', 'D']));
    for (let i = 0; i < spareTables; i++) this.spare.push(alloc(i % 2 === 0 ? 0n : 1n));
  }

  private set(table: bigint, index: bigint, pte: bigint): void {
    this.tables.get(table)!.entries[Number(index)] = pte;
  }

  /** The level of a table frame, or null if the frame is no table. */
  levelOf(table: bigint): bigint | null {
    return this.tables.get(table)?.level ?? null;
  }

  /** Table frames with their levels, for generators of adversarial writes. */
  tableFrames(): { frame: bigint; level: bigint }[] {
    return [...this.tables].map(([frame, t]) => ({ frame, level: t.level }));
  }

  /** The entry at (table, index), or null when that is no entry. */
  entry(table: bigint, index: bigint): bigint | null {
    const t = this.tables.get(table);
    if (t === undefined || index < 0n || index >= BigInt(ENTRIES_PER_TABLE)) return null;
    return t.entries[Number(index)]!;
  }

  /** Whether `frame` is a table the hypervisor allocated one level below `level`, empty and unreferenced. */
  private fresh(frame: bigint, level: bigint): boolean {
    const t = this.tables.get(frame);
    return t !== undefined && t.level === level - 1n && !this.referenced.has(frame) && t.entries.every((e) => (e & 1n) === 0n);
  }

  /** Validates a write with the proofs' `validatePteWrite` and applies it only when accepted. */
  apply(request: PteWriteRequest): PteWriteResult {
    const level = this.levelOf(request.table);
    const oldPte = this.entry(request.table, request.index);
    if (level === null || oldPte === null) return { ok: false, reason: `no page-table entry at table frame 0x${request.table.toString(16)} index ${request.index}` };
    const newPte = request.pte & ((1n << 64n) - 1n);
    const freshTable = isPointer(concreteOps, newPte) && this.fresh(ptePpn(concreteOps, newPte), level);
    if (!validatePteWrite(concreteOps, this.layout, { level, oldPte, newPte, freshTable })) {
      return { ok: false, reason: `the MMU rule refuses PTE 0x${newPte.toString(16)} at level ${level}` };
    }
    this.set(request.table, request.index, newPte);
    if (isPointer(concreteOps, newPte)) this.referenced.add(ptePpn(concreteOps, newPte));
    return { ok: true };
  }

  /** Every executable mapping, as "table:index=pte" strings in a fixed order (to compare before/after). */
  executableMappings(): string[] {
    const out: string[] = [];
    for (const [frame, t] of this.tables) {
      t.entries.forEach((pte, i) => {
        // V and X set is necessary; the proofs' predicate decides.
        if ((pte & 0b1001n) === 0b1001n && isExecutableLeaf(concreteOps, pte)) out.push(`${frame.toString(16)}:${i}=${pte.toString(16)}`);
      });
    }
    return out;
  }

  /** Whether every entry satisfies the proofs' per-entry invariant `pteInvariant`. */
  invariantHolds(): boolean {
    for (const t of this.tables.values()) {
      // An invalid entry (V = 0) satisfies the invariant trivially; the proofs' predicate decides the rest.
      for (const pte of t.entries) if ((pte & 1n) === 1n && !pteInvariant(concreteOps, this.layout, t.level, pte)) return false;
    }
    return true;
  }
}
