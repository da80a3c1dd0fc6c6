/**
 * The hypervisor's MMU rule (docs/protocol.md §1) as a check on one page-table write, over real RISC-V
 * Sv39 entries. Model page tables live in page-table memory the model cannot write; the model asks
 * the hypervisor (through a port) to write an entry, and the hypervisor applies
 * {@link validatePteWrite} first. It rejects every write that would create an executable mapping,
 * change or remove an existing one, map a frame of the executable region writable, or map any frame
 * outside model DRAM and shared I/O DRAM (superpages included); shared I/O DRAM is never executable.
 *
 * Sv39 PTE (riscv-isa-manual, supervisor.adoc): bit 0 V, 1 R, 2 W, 3 X, 4 U, 5 G, 6 A, 7 D, 9:8 RSW,
 * 53:10 PPN (44 bits), 60:54 reserved (must be 0), 62:61 PBMT (Svpbmt), 63 N (Svnapot). R=W=X=0 is a
 * pointer to the next-level table; W=1 with R=0 is reserved. A leaf in a level-1 table is a 2 MiB
 * megapage, in a level-2 table a 1 GiB gigapage, and must be aligned. Levels count as in the
 * manual: the root table is level 2, leaves of 4 KiB pages sit in level-0 tables.
 *
 * Known limits, on purpose: PBMT≠0 and N≠0 are rejected rather than modelled; a pointer entry can
 * only be installed (to a fresh, empty table the hypervisor allocated) and never changed or removed
 * at the model's request — tearing down a subtree is the hypervisor's own business, outside this check.
 */
import type { BitVecOps } from '../bitvector.ts';
import { PAGE_SHIFT, type FrameRange, type MemoryLayout } from '../layout.ts';

/** Width of a page-table entry. */
export const PTE_BITS = 64;
/** Width of the table-level operand (0, 1 or 2; 3 is not a level and is rejected). */
export const LEVEL_BITS = 2;
/** Frame numbers and frame counts are computed in 64 bits, so `ppn + pages` cannot wrap. */
const FRAME_BITS = 64;

/** Bit positions of the Sv39 PTE fields. */
export const PTE_FIELD = { V: 0, R: 1, W: 2, X: 3, U: 4, G: 5, A: 6, D: 7 } as const;
export type PteFlag = keyof typeof PTE_FIELD;

/**
 * One page-table write, as the hypervisor sees it after copying the request into its own memory.
 * `level` is the level of the table holding the entry (the hypervisor records it for every table
 * frame it allocates); `oldPte` is the entry's current value, read from page-table memory;
 * `freshTable` says whether `newPte`'s frame is a table the hypervisor allocated for level
 * `level - 1`, that holds no valid entry and that no other entry points to (hypervisor bookkeeping).
 */
export interface PteWrite<BV, B> {
  readonly level: BV;
  readonly oldPte: BV;
  readonly newPte: BV;
  readonly freshTable: B;
}

/**
 * The rules the validator is the conjunction of. Each has a name so a negative control can switch
 * one off (`omit`) without a second, hand-copied validator existing anywhere.
 */
export const PTE_RULES = [
  /** An executable leaf is never changed or removed (only rewritten with its own value). */
  'executable-entry-immutable',
  /** A valid pointer entry is never changed or removed by a model request. */
  'pointer-immutable',
  /** No write creates an executable leaf: X=0 in every new leaf. */
  'no-new-executable',
  /** Reserved bits 0, PBMT 0, N 0, no W-without-R, a real level, aligned superpages. */
  'well-formed-encoding',
  /** A leaf's frames (all of them, for a superpage) lie inside model DRAM or inside shared I/O DRAM. */
  'frames-in-model-memory',
  /** A writable leaf maps no frame of the executable region. */
  'no-writable-executable-alias',
  /** Range checks use the full extent of a superpage (512 or 262144 frames), not one 4 KiB frame. */
  'superpage-extent',
  /** A new pointer entry is in a level-1 or level-2 table and points to a fresh page-table frame. */
  'fresh-table-pointer',
] as const;
export type PteRule = (typeof PTE_RULES)[number];

const NO_OMISSIONS: ReadonlySet<PteRule> = new Set();

function bit<BV, B>(ops: BitVecOps<BV, B>, pte: BV, position: number): B {
  return ops.eq(ops.extract(position, position, pte), ops.bv(1, 1n));
}

/** A flag of a PTE as a truth value. */
export function pteFlag<BV, B>(ops: BitVecOps<BV, B>, pte: BV, flag: PteFlag): B {
  return bit(ops, pte, PTE_FIELD[flag]);
}

/** The 44-bit physical page number of a PTE, zero-extended to 64 bits. */
export function ptePpn<BV, B>(ops: BitVecOps<BV, B>, pte: BV): BV {
  return ops.zeroExtend(FRAME_BITS - 44, ops.extract(53, 10, pte));
}

/** Valid, with R, W or X set: a leaf (a mapping). */
export function isLeaf<BV, B>(ops: BitVecOps<BV, B>, pte: BV): B {
  return ops.and(pteFlag(ops, pte, 'V'), ops.or(pteFlag(ops, pte, 'R'), pteFlag(ops, pte, 'W'), pteFlag(ops, pte, 'X')));
}

/** Valid, with R=W=X=0: a pointer to a next-level table. */
export function isPointer<BV, B>(ops: BitVecOps<BV, B>, pte: BV): B {
  return ops.and(pteFlag(ops, pte, 'V'), ops.not(ops.or(pteFlag(ops, pte, 'R'), pteFlag(ops, pte, 'W'), pteFlag(ops, pte, 'X'))));
}

/** A valid executable leaf. */
export function isExecutableLeaf<BV, B>(ops: BitVecOps<BV, B>, pte: BV): B {
  return ops.and(isLeaf(ops, pte), pteFlag(ops, pte, 'X'));
}

/** Number of 4 KiB frames a leaf at `level` maps (1, 512 or 262144), as a 64-bit value. */
export function framesAtLevel<BV, B>(ops: BitVecOps<BV, B>, level: BV): BV {
  const at = (l: bigint) => ops.eq(level, ops.bv(LEVEL_BITS, l));
  return ops.ite(at(0n), ops.bv(FRAME_BITS, 1n), ops.ite(at(1n), ops.bv(FRAME_BITS, 512n), ops.bv(FRAME_BITS, 1n << 18n)));
}

/** Bytes a leaf at `level` maps (4 KiB, 2 MiB or 1 GiB), as a 64-bit value. */
export function bytesAtLevel<BV, B>(ops: BitVecOps<BV, B>, level: BV): BV {
  return ops.bvshl(FRAME_BITS, framesAtLevel(ops, level), PAGE_SHIFT);
}

function frameConst<BV, B>(ops: BitVecOps<BV, B>, frame: bigint): BV {
  return ops.bv(FRAME_BITS, frame);
}

/** `[first, first + count)` inside `range` (no wrap: all values are far below 2^64). */
function framesInside<BV, B>(ops: BitVecOps<BV, B>, first: BV, count: BV, range: FrameRange): B {
  return ops.and(ops.bvuge(first, frameConst(ops, range.base)), ops.bvule(ops.bvadd(FRAME_BITS, first, count), frameConst(ops, range.bound)));
}

/** `[first, first + count)` shares a frame with `range`. */
function framesOverlap<BV, B>(ops: BitVecOps<BV, B>, first: BV, count: BV, range: FrameRange): B {
  return ops.and(ops.bvult(first, frameConst(ops, range.bound)), ops.bvugt(ops.bvadd(FRAME_BITS, first, count), frameConst(ops, range.base)));
}

/** Whether frame `frame` (64-bit) is one of the frames a leaf `pte` at `level` maps. */
export function leafMapsFrame<BV, B>(ops: BitVecOps<BV, B>, level: BV, pte: BV, frame: BV): B {
  const first = ptePpn(ops, pte);
  return ops.and(isLeaf(ops, pte), ops.bvuge(frame, first), ops.bvult(ops.bvsub(FRAME_BITS, frame, first), framesAtLevel(ops, level)));
}

/** Whether `frame` lies in a frame range of the layout. */
export function frameIn<BV, B>(ops: BitVecOps<BV, B>, frame: BV, range: FrameRange): B {
  return ops.and(ops.bvuge(frame, frameConst(ops, range.base)), ops.bvult(frame, frameConst(ops, range.bound)));
}

function encodingWellFormed<BV, B>(ops: BitVecOps<BV, B>, level: BV, pte: BV): B {
  const zero = (hi: number, lo: number) => ops.eq(ops.extract(hi, lo, pte), ops.bv(hi - lo + 1, 0n));
  return ops.and(zero(60, 54), zero(62, 61), zero(63, 63), ops.bvule(level, ops.bv(LEVEL_BITS, 2n)));
}

function leafWellFormed<BV, B>(ops: BitVecOps<BV, B>, level: BV, pte: BV): B {
  const aligned = ops.eq(ops.bvand(ptePpn(ops, pte), ops.bvsub(FRAME_BITS, framesAtLevel(ops, level), ops.bv(FRAME_BITS, 1n))), ops.bv(FRAME_BITS, 0n));
  const writeWithoutRead = ops.and(pteFlag(ops, pte, 'W'), ops.not(pteFlag(ops, pte, 'R')));
  return ops.and(encodingWellFormed(ops, level, pte), ops.not(writeWithoutRead), aligned);
}

function pointerWellFormed<BV, B>(ops: BitVecOps<BV, B>, layout: MemoryLayout, level: BV, pte: BV): B {
  return ops.and(
    encodingWellFormed(ops, level, pte),
    ops.not(ops.eq(level, ops.bv(LEVEL_BITS, 0n))),
    // U, A and D are reserved in pointer entries and must be clear.
    ops.not(ops.or(pteFlag(ops, pte, 'U'), pteFlag(ops, pte, 'A'), pteFlag(ops, pte, 'D'))),
    frameIn(ops, ptePpn(ops, pte), layout.pageTables),
  );
}

/**
 * The per-entry invariant every entry of the model's page tables satisfies (the inductive invariant
 * of `exec-pages-immutable`): an invalid entry is anything; a pointer is well formed and points into
 * page-table memory from a level-1 or level-2 table; a leaf is well formed, all its frames lie inside
 * model DRAM or inside shared I/O DRAM, an executable leaf maps only frames of the executable region
 * and is not writable, and a writable leaf maps no frame of the executable region.
 */
export function pteInvariant<BV, B>(ops: BitVecOps<BV, B>, layout: MemoryLayout, level: BV, pte: BV): B {
  const first = ptePpn(ops, pte);
  const count = framesAtLevel(ops, level);
  const leafOk = ops.and(
    leafWellFormed(ops, level, pte),
    ops.or(framesInside(ops, first, count, layout.modelDram), framesInside(ops, first, count, layout.sharedIoDram)),
    ops.implies(pteFlag(ops, pte, 'X'), ops.and(framesInside(ops, first, count, layout.executable), ops.not(pteFlag(ops, pte, 'W')))),
    ops.implies(pteFlag(ops, pte, 'W'), ops.not(framesOverlap(ops, first, count, layout.executable))),
  );
  return ops.and(ops.implies(isLeaf(ops, pte), leafOk), ops.implies(isPointer(ops, pte), pointerWellFormed(ops, layout, level, pte)));
}

/**
 * The executable leaf the hypervisor installs at boot for code frame `ppn` (64-bit, a frame of the
 * executable region) in a level-0 table: V, R, X, U and A set, not writable.
 */
export function executableLeaf<BV, B>(ops: BitVecOps<BV, B>, ppn: BV): BV {
  const flags = (1n << BigInt(PTE_FIELD.V)) | (1n << BigInt(PTE_FIELD.R)) | (1n << BigInt(PTE_FIELD.X)) | (1n << BigInt(PTE_FIELD.U)) | (1n << BigInt(PTE_FIELD.A));
  const ppnField = ops.bvshl(PTE_BITS, ops.bvand(ppn, ops.bv(FRAME_BITS, (1n << 44n) - 1n)), 10);
  return ops.bvor(ppnField, ops.bv(PTE_BITS, flags));
}

/**
 * The pointer entry the hypervisor writes at boot (and when it links a fresh table) for the
 * next-level table at frame `ppn` (64-bit, a frame of page-table memory): V set, R=W=X=0, and
 * U, A, D clear as Sv39 requires of non-leaf entries.
 */
export function pointerEntry<BV, B>(ops: BitVecOps<BV, B>, ppn: BV): BV {
  const ppnField = ops.bvshl(PTE_BITS, ops.bvand(ppn, ops.bv(FRAME_BITS, (1n << 44n) - 1n)), 10);
  return ops.bvor(ppnField, ops.bv(PTE_BITS, 1n << BigInt(PTE_FIELD.V)));
}

/**
 * Whether the hypervisor accepts a page-table write. Rewriting an entry with its current value is
 * always accepted (it changes nothing). Otherwise every rule of {@link PTE_RULES} must hold.
 * `omit` switches rules off — only for negative controls; the hypervisor passes nothing.
 */
export function validatePteWrite<BV, B>(ops: BitVecOps<BV, B>, layout: MemoryLayout, write: PteWrite<BV, B>, omit: ReadonlySet<PteRule> = NO_OMISSIONS): B {
  const { level, oldPte, newPte } = write;
  const rule = (name: PteRule, holds: () => B) => (omit.has(name) ? ops.bool(true) : holds());
  const first = ptePpn(ops, newPte);
  const count = omit.has('superpage-extent') ? ops.bv(FRAME_BITS, 1n) : framesAtLevel(ops, level);
  const leafRules = ops.and(
    rule('no-new-executable', () => ops.not(pteFlag(ops, newPte, 'X'))),
    rule('well-formed-encoding', () => leafWellFormed(ops, level, newPte)),
    rule('frames-in-model-memory', () => ops.or(framesInside(ops, first, count, layout.modelDram), framesInside(ops, first, count, layout.sharedIoDram))),
    rule('no-writable-executable-alias', () => ops.implies(pteFlag(ops, newPte, 'W'), ops.not(framesOverlap(ops, first, count, layout.executable)))),
  );
  const pointerRules = ops.and(
    rule('well-formed-encoding', () => encodingWellFormed(ops, level, newPte)),
    rule('fresh-table-pointer', () => ops.and(pointerWellFormed(ops, layout, level, newPte), write.freshTable)),
  );
  const accepted = ops.and(
    rule('executable-entry-immutable', () => ops.not(isExecutableLeaf(ops, oldPte))),
    rule('pointer-immutable', () => ops.not(isPointer(ops, oldPte))),
    ops.implies(isLeaf(ops, newPte), leafRules),
    ops.implies(isPointer(ops, newPte), pointerRules),
  );
  return ops.or(ops.eq(oldPte, newPte), accepted);
}
