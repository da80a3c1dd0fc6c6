/**
 * `exec-pages-immutable`: the MMU rule of docs/protocol.md §1 as an inductive invariant over Sv39 page
 * tables. The invariant is per entry ({@link pteInvariant}); a write changes one entry, so the
 * invariant of the whole table follows from: it holds for the boot-time entries, and every write the
 * validator accepts, from an entry satisfying it, yields an entry satisfying it. The mapping-level
 * claims are stated per frame and per byte offset, with those as free 64-bit variables.
 */
import { concreteOps, type BitVecOps } from '../bitvector.ts';
import {
  bytesAtLevel,
  executableLeaf,
  frameIn,
  isExecutableLeaf,
  isPointer,
  LEVEL_BITS,
  leafMapsFrame,
  PTE_BITS,
  pointerEntry,
  pteFlag,
  pteInvariant,
  ptePpn,
  validatePteWrite,
  type PteRule,
} from '../checks/validatePteWrite.ts';
import { describePte, describePteChange, describeSlot, regionOfFrame } from '../describe.ts';
import { PAGE_SHIFT, type MemoryLayout } from '../layout.ts';
import { hex, obligation, type Bound, type Obligation } from '../obligation.ts';
import type { Theorem } from '../theorem.ts';

const WRITE = { level: LEVEL_BITS, oldPte: PTE_BITS, newPte: PTE_BITS, freshTable: 'bool' } as const;
type WriteVars = typeof WRITE;

/** The write is accepted and the entry it replaces satisfied the invariant. */
function acceptedFromInvariant<BV, B>(ops: BitVecOps<BV, B>, layout: MemoryLayout, omit: ReadonlySet<PteRule>, v: Bound<WriteVars, BV, B>): B {
  return ops.and(
    pteInvariant(ops, layout, v.level, v.oldPte),
    validatePteWrite(ops, layout, { level: v.level, oldPte: v.oldPte, newPte: v.newPte, freshTable: v.freshTable }, omit),
  );
}

/** Byte `offset` of the entry's span is mapped executable (by this entry). */
function execMapped<BV, B>(ops: BitVecOps<BV, B>, level: BV, pte: BV, offset: BV): B {
  return ops.and(isExecutableLeaf(ops, pte), ops.bvult(offset, bytesAtLevel(ops, level)));
}

/** The physical address byte `offset` of a leaf's span translates to. */
function translate<BV, B>(ops: BitVecOps<BV, B>, pte: BV, offset: BV): BV {
  return ops.bvadd(64, ops.bvshl(64, ptePpn(ops, pte), PAGE_SHIFT), offset);
}

function explainWrite(layout: MemoryLayout, v: { level: bigint; oldPte: bigint; newPte: bigint; freshTable: boolean }): Record<string, unknown> {
  return {
    slot: describeSlot(v.level),
    oldPte: describePte(layout, v.level, v.oldPte),
    newPte: describePte(layout, v.level, v.newPte),
    changedBits: describePteChange(v.oldPte, v.newPte),
    newTargetIsFreshTable: v.freshTable,
  };
}

/** The boot-time entries satisfy the invariant: the base case of the induction. */
function holdsInitially(layout: MemoryLayout): Obligation {
  return obligation({
    name: 'holds-initially',
    statement:
      'The boot-time tables satisfy the invariant: the empty entry at any level, the executable leaf the hypervisor installs in a level-0 table for each frame of the executable region, and the pointer it installs in a level-1 or level-2 table to any table frame of page-table memory.',
    mode: 'valid',
    vars: { level: LEVEL_BITS, frame: 64, table: 64 },
    formula: (ops, v) => {
      const pointerLevel = ops.or(ops.eq(v.level, ops.bv(LEVEL_BITS, 1n)), ops.eq(v.level, ops.bv(LEVEL_BITS, 2n)));
      return {
        assume: ops.and(frameIn(ops, v.frame, layout.executable), frameIn(ops, v.table, layout.pageTables)),
        goal: ops.and(
          pteInvariant(ops, layout, v.level, ops.bv(PTE_BITS, 0n)),
          pteInvariant(ops, layout, ops.bv(LEVEL_BITS, 0n), executableLeaf(ops, v.frame)),
          ops.implies(pointerLevel, pteInvariant(ops, layout, v.level, pointerEntry(ops, v.table))),
        ),
      };
    },
    explain: (v) => ({
      level: Number(v.level),
      codeFrame: hex(v.frame),
      bootExecutableLeaf: describePte(layout, 0n, executableLeaf(concreteOps, v.frame)),
      bootPointer: describePte(layout, v.level, pointerEntry(concreteOps, v.table)),
    }),
  });
}

/** Every accepted write keeps the invariant: the inductive step. */
function preservedByAcceptedWrites(layout: MemoryLayout, omit: ReadonlySet<PteRule>): Obligation {
  return obligation({
    name: 'preserved-by-accepted-writes',
    statement: 'Every write the validator accepts, to an entry satisfying the invariant, leaves an entry satisfying it.',
    mode: 'valid',
    vars: WRITE,
    formula: (ops, v) => ({ assume: acceptedFromInvariant(ops, layout, omit, v), goal: pteInvariant(ops, layout, v.level, v.newPte) }),
    explain: (v) => explainWrite(layout, v),
  });
}

/** The theorem's point, byte by byte: what is mapped executable, and where, does not change. */
function executableMappingsUnchanged(layout: MemoryLayout, omit: ReadonlySet<PteRule>): Obligation {
  return obligation({
    name: 'executable-mappings-unchanged',
    statement:
      'An accepted write changes no executable mapping: every byte of the entry\'s span is mapped executable before iff after, to the same physical address; a pointer entry is never changed, and a new pointer leads to a fresh, empty table.',
    mode: 'valid',
    vars: { ...WRITE, offset: 64 },
    formula: (ops, v) => {
      const before = execMapped(ops, v.level, v.oldPte, v.offset);
      const after = execMapped(ops, v.level, v.newPte, v.offset);
      const changed = ops.not(ops.eq(v.oldPte, v.newPte));
      return {
        assume: acceptedFromInvariant(ops, layout, omit, v),
        goal: ops.and(
          ops.iff(before, after),
          ops.implies(before, ops.eq(translate(ops, v.oldPte, v.offset), translate(ops, v.newPte, v.offset))),
          ops.implies(isPointer(ops, v.oldPte), ops.not(changed)),
          ops.implies(ops.and(isPointer(ops, v.newPte), changed), v.freshTable),
        ),
      };
    },
    explain: (v) => ({
      ...explainWrite(layout, v),
      byteOffsetInSpan: hex(v.offset),
      pointerEntryChanged: isPointer(concreteOps, v.oldPte) && v.oldPte !== v.newPte,
      executableBefore: execMapped(concreteOps, v.level, v.oldPte, v.offset),
      executableAfter: execMapped(concreteOps, v.level, v.newPte, v.offset),
      ...(execMapped(concreteOps, v.level, v.oldPte, v.offset) ? { translatedBefore: hex(translate(concreteOps, v.oldPte, v.offset)) } : {}),
      ...(execMapped(concreteOps, v.level, v.newPte, v.offset) ? { translatedAfter: hex(translate(concreteOps, v.newPte, v.offset)) } : {}),
    }),
  });
}

/** A claim about every frame a leaf left by an accepted write maps (with `flag` set, when one is named). */
interface LeafFrameClaim {
  readonly name: string;
  readonly statement: string;
  readonly flag?: 'W' | 'X';
  readonly goal: <BV, B>(ops: BitVecOps<BV, B>, frame: BV) => B;
}

function leafFrameObligation(layout: MemoryLayout, omit: ReadonlySet<PteRule>, claim: LeafFrameClaim): Obligation {
  return obligation({
    name: claim.name,
    statement: claim.statement,
    mode: 'valid',
    vars: { ...WRITE, frame: 64 },
    formula: (ops, v) => {
      const maps = [acceptedFromInvariant(ops, layout, omit, v), leafMapsFrame(ops, v.level, v.newPte, v.frame)];
      return { assume: ops.and(...maps, ...(claim.flag === undefined ? [] : [pteFlag(ops, v.newPte, claim.flag)])), goal: claim.goal(ops, v.frame) };
    },
    explain: (v) => ({ ...explainWrite(layout, v), frame: hex(v.frame), frameAddress: hex(v.frame << BigInt(PAGE_SHIFT)), frameIn: regionOfFrame(layout, v.frame) }),
  });
}

function obligations(layout: MemoryLayout, omit: ReadonlySet<PteRule>): Obligation[] {
  return [
    holdsInitially(layout),
    preservedByAcceptedWrites(layout, omit),
    executableMappingsUnchanged(layout, omit),
    leafFrameObligation(layout, omit, {
      name: 'no-writable-executable-frame',
      statement: 'No accepted write leaves a writable leaf that maps a frame of the executable region (superpages included).',
      flag: 'W',
      goal: (ops, frame) => ops.not(frameIn(ops, frame, layout.executable)),
    }),
    leafFrameObligation(layout, omit, {
      name: 'frames-in-model-memory',
      statement: 'No accepted write leaves a leaf mapping a frame outside model DRAM and shared I/O DRAM.',
      goal: (ops, frame) => ops.or(frameIn(ops, frame, layout.modelDram), frameIn(ops, frame, layout.sharedIoDram)),
    }),
    leafFrameObligation(layout, omit, {
      name: 'shared-io-never-executable',
      statement: 'No accepted write leaves an executable leaf mapping a frame of shared I/O DRAM.',
      flag: 'X',
      goal: (ops, frame) => ops.not(frameIn(ops, frame, layout.sharedIoDram)),
    }),
  ];
}

const CONTROLS: readonly { id: string; omit: PteRule; description: string }[] = [
  { id: 'validator-forgets-writable-alias', omit: 'no-writable-executable-alias', description: 'a validator that forgets the writable-alias check (a writable leaf may map code frames)' },
  { id: 'validator-rewrites-executable-entry', omit: 'executable-entry-immutable', description: 'a validator that lets an executable PTE be rewritten' },
  { id: 'validator-checks-4kib-extent', omit: 'superpage-extent', description: 'a validator that range-checks every leaf as if it were a 4 KiB page (superpages reach past their first frame)' },
  { id: 'validator-allows-new-executable', omit: 'no-new-executable', description: 'a validator that accepts writes creating new executable leaves' },
  { id: 'validator-rewrites-pointer', omit: 'pointer-immutable', description: 'a validator that lets a pointer entry be redirected (re-parenting a subtree that holds code mappings)' },
];

export const execPagesImmutableTheorem: Theorem = {
  id: 'exec-pages-immutable',
  summary: 'accepted Sv39 page-table writes keep executable mappings unchanged and code frames unwritable',
  statement:
    'The hypervisor validates every page-table write of a model core. Over real RISC-V Sv39 entries (all 2^64 values of the old and new entry, every table level), the per-entry invariant — leaves map only frames of model DRAM or shared I/O DRAM, executable leaves only code frames and never writably, writable leaves no code frame, pointers only page-table frames — holds for the boot-time tables and is preserved by every accepted write; every accepted write leaves the executable mappings unchanged, maps no frame of the executable region writable, maps nothing outside model DRAM and shared I/O DRAM, and never makes shared I/O DRAM executable.',
  assumptions: [
    'Page tables live in page-table memory that model cores cannot write (the address map theorem proves no model access reaches it); every change goes through this validator.',
    'The hypervisor records the level of each table frame it allocates, and whether a frame is a fresh, empty table referenced by no entry (the freshTable input).',
    'Entries with PBMT or N set are rejected rather than modelled; pointer entries are torn down only by the hypervisor itself.',
    'The invariant is per entry: a write changes one entry, so the whole table satisfies it when every entry does.',
  ],
  obligations: ({ layout }) => obligations(layout, new Set()),
  controls: ({ layout }) => CONTROLS.map((c) => ({ id: c.id, description: c.description, obligations: obligations(layout, new Set([c.omit])) })),
};
