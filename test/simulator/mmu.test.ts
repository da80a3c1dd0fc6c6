/**
 * Page tables under random writes: whatever (table, index, PTE) the model asks for, the set of
 * executable mappings never changes and every entry keeps the proofs' per-entry invariant
 * `pteInvariant`; an accepted write is one the proofs' `validatePteWrite` accepts, and a refused
 * one leaves the entry as it was. Then the laws at their boundaries: the boot layout, the
 * hypervisor's freshness bookkeeping for pointer entries (one level down, empty, never linked, so
 * the tables stay a tree), what a refusal tells the user, and the invariant check itself.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concreteOps } from '../../proofs/bitvector.ts';
import { executableLeaf, ptePpn, validatePteWrite, PTE_FIELD, type PteFlag } from '../../proofs/checks/validatePteWrite.ts';
import { DEFAULT_LAYOUT, type MemoryLayout } from '../../proofs/layout.ts';
import { ENTRIES_PER_TABLE, PageTables, leafPte, pointerPte } from '../../simulator/mmu.ts';
import { SEED } from '../seed.ts';

const L = DEFAULT_LAYOUT;
const FLAGS = Object.keys(PTE_FIELD).filter((f) => f !== 'V') as Exclude<PteFlag, 'V'>[];

/** Frames near every region boundary of the layout, where range checks go wrong. */
const frameArb = fc.oneof(
  ...[L.modelDram, L.sharedIoDram, L.executable, L.pageTables, L.hypervisorDram, L.controlBus].flatMap((r) => [
    fc.bigInt(-2n, 2n).map((d) => r.base + d),
    fc.bigInt(-2n, 2n).map((d) => r.bound + d),
    fc.bigInt(r.base, r.bound - 1n),
  ]),
);

function pteArb(tables: readonly bigint[]): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(frameArb, fc.subarray(FLAGS)).map(([frame, flags]) => leafPte(frame < 0n ? 0n : frame, flags)) },
    { weight: 2, arbitrary: fc.constantFrom(...tables).map(pointerPte) },
    { weight: 1, arbitrary: fc.bigInt(0n, 2n ** 64n - 1n) },
    { weight: 1, arbitrary: fc.constant(0n) },
  );
}

describe(`page tables under random writes (fast-check seed ${SEED})`, () => {
  it(`never create, change or remove an executable mapping and keep every entry valid (seed ${SEED})`, () => {
    let accepted = 0;
    let refusedCount = 0;
    const probe = new PageTables(L);
    const frames = probe.tableFrames().map((t) => t.frame);
    const writeArb = fc.record({
      table: fc.oneof(fc.constantFrom(...frames), frameArb),
      index: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: ENTRIES_PER_TABLE + 2 })).map(BigInt),
      pte: pteArb(frames),
    });
    fc.assert(
      fc.property(fc.array(writeArb, { minLength: 1, maxLength: 60 }), (writes) => {
        const tables = new PageTables(L);
        const boot = tables.executableMappings();
        for (const w of writes) {
          const level = tables.levelOf(w.table);
          const before = tables.entry(w.table, w.index);
          const result = tables.apply(w);
          if (result.ok) {
            accepted++;
            assert.ok(level !== null && before !== null);
            // Accepted only if the proofs' validator accepts it (with the most permissive bookkeeping).
            assert.ok(validatePteWrite(concreteOps, L, { level, oldPte: before, newPte: w.pte, freshTable: true }), `accepted a write validatePteWrite refuses: ${JSON.stringify(w, (_, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
            assert.equal(tables.entry(w.table, w.index), w.pte);
          } else {
            refusedCount++;
            assert.equal(tables.entry(w.table, w.index), before, 'a refused write changed the entry');
          }
          assert.deepEqual(tables.executableMappings(), boot, 'the executable mappings changed');
          assert.ok(tables.invariantHolds(), 'an entry broke pteInvariant');
        }
        // Checked once per run (a full scan is too slow per write): the tables stay a tree.
        assertTree(tables);
      }),
      { seed: SEED, numRuns: 300 },
    );
    assert.ok(accepted > 50 && refusedCount > 50, `the generator must produce both accepted and refused writes (accepted ${accepted}, refused ${refusedCount})`);
  });
});

/** Every valid pointer entry, as the frame it points to, over all tables. */
function pointerTargets(tables: PageTables): bigint[] {
  const targets: bigint[] = [];
  for (const { frame } of tables.tableFrames()) {
    for (let i = 0n; i < BigInt(ENTRIES_PER_TABLE); i++) {
      const pte = tables.entry(frame, i)!;
      // V=1, R=W=X=0 (Sv39's pointer), tested on the bits: the proofs' isPointer is too slow for a scan per run.
      if ((pte & 0b1111n) === 1n) targets.push((pte >> 10n) & ((1n << 44n) - 1n));
    }
  }
  return targets;
}

/** The page tables form a tree: no table is the target of two pointers (an alias would let one subtree be edited through another), and nothing points to the root. */
function assertTree(tables: PageTables): void {
  const targets = pointerTargets(tables);
  assert.equal(new Set(targets).size, targets.length, `a table is linked twice: ${targets.map((t) => t.toString(16)).join(', ')}`);
  assert.ok(!targets.includes(tables.root), 'a pointer to the root table');
}

/** The boot tables found by walking from the root: root[0] → l1, l1[0] → l0. */
function bootTables(codePages?: number, spareTables?: number) {
  const tables = new PageTables(L, codePages, spareTables);
  const l1 = ptePpn(concreteOps, tables.entry(tables.root, 0n)!);
  const l0 = ptePpn(concreteOps, tables.entry(l1, 0n)!);
  return { tables, root: tables.root, l1, l0 };
}

/** The spare tables of one level, in the order the hypervisor offers them. */
const sparesAt = (tables: PageTables, level: bigint) => tables.spare.filter((f) => tables.levelOf(f) === level);

/** A writable data page in model DRAM, clear of the code: a leaf every level-0 table accepts. */
const DATA_LEAF = leafPte(L.executable.bound + 5n, ['R', 'W', 'U', 'A', 'D']);

describe('page tables at boot', () => {
  it('link the root to one level-1 table and that to the level-0 table holding the code pages, executable from index 0', () => {
    for (const codePages of [16, 3]) {
      const { tables, root, l1, l0 } = bootTables(codePages);
      assert.equal(tables.levelOf(root), 2n);
      assert.equal(tables.entry(root, 0n), pointerPte(l1), 'root[0] points to the level-1 table');
      assert.equal(tables.levelOf(l1), 1n);
      assert.equal(tables.entry(l1, 0n), pointerPte(l0), 'l1[0] points to the level-0 table');
      assert.equal(tables.levelOf(l0), 0n);
      for (let i = 0n; i < BigInt(codePages); i++) assert.equal(tables.entry(l0, i), executableLeaf(concreteOps, L.executable.base + i), `code page ${i}`);
      assert.equal(tables.entry(l0, BigInt(codePages)), 0n, `exactly ${codePages} code pages`);
      assert.ok(tables.invariantHolds());
      assertTree(tables);
    }
  });

  it('list exactly the code pages as executable mappings, each naming its table, index and PTE', () => {
    const { tables, l0 } = bootTables(16);
    const listing = tables.executableMappings();
    assert.equal(listing.length, 16);
    // Each mapping is told apart from the others, or a before/after comparison would miss a change.
    const parsed = listing.map((m) => /^([0-9a-f]+):(\d+)=([0-9a-f]+)$/.exec(m));
    parsed.forEach((match, i) => {
      assert.ok(match !== null, `"${listing[i]}" is no "table:index=pte"`);
      assert.deepEqual([BigInt('0x' + match[1]!), BigInt(match[2]!), BigInt('0x' + match[3]!)], [l0, BigInt(i), executableLeaf(concreteOps, L.executable.base + BigInt(i))]);
    });
    assert.deepEqual(new PageTables(L, 0).executableMappings(), [], 'no code pages, no executable mappings');
  });

  it('offer the requested number of spare tables, alternately level 0 and level 1, all empty and unlinked', () => {
    // Both kinds are needed: a level-1 table under the root and a level-0 table under that.
    for (const [count, level0, level1] of [[4, 2, 2], [3, 2, 1], [0, 0, 0]] as const) {
      const { tables } = bootTables(16, count);
      assert.equal(tables.spare.length, count);
      assert.deepEqual([sparesAt(tables, 0n).length, sparesAt(tables, 1n).length], [level0, level1], `${count} spares`);
      for (const frame of tables.spare) {
        for (let i = 0n; i < BigInt(ENTRIES_PER_TABLE); i++) assert.equal(tables.entry(frame, i), 0n);
      }
      const targets = pointerTargets(tables);
      assert.ok(tables.spare.every((f) => !targets.includes(f) && f !== tables.root), 'a spare table is already linked');
    }
  });
});

describe('page tables: linking a table', () => {
  it('accept a pointer to a spare table one level down, from the root and from a newly linked level-1 table', () => {
    const { tables, root } = bootTables();
    const [newL1] = sparesAt(tables, 1n);
    const [newL0] = sparesAt(tables, 0n);
    assert.deepEqual(tables.apply({ table: root, index: 1n, pte: pointerPte(newL1!) }), { ok: true });
    assert.equal(tables.entry(root, 1n), pointerPte(newL1!));
    assert.deepEqual(tables.apply({ table: newL1!, index: 511n, pte: pointerPte(newL0!) }), { ok: true });
    assert.deepEqual(tables.apply({ table: newL0!, index: 0n, pte: DATA_LEAF }), { ok: true }, 'the new level-0 table takes a leaf');
    assert.ok(tables.invariantHolds());
    assertTree(tables);
  });

  it('refuse a pointer to a table that is not exactly one level down', () => {
    const { tables, root, l1 } = bootTables();
    const [spareL1] = sparesAt(tables, 1n);
    const [spareL0] = sparesAt(tables, 0n);
    for (const [table, target] of [[root, spareL0!], [l1, spareL1!], [root, root]] as const) {
      assert.equal(tables.apply({ table, index: 7n, pte: pointerPte(target) }).ok, false, `level ${tables.levelOf(table)} → level ${tables.levelOf(target)}`);
      assert.equal(tables.entry(table, 7n), 0n);
    }
  });

  it('link a table only once: a pointer to an already-referenced table is refused', () => {
    const { tables, root, l1, l0 } = bootTables();
    const [spareL1] = sparesAt(tables, 1n);
    assert.equal(tables.apply({ table: root, index: 1n, pte: pointerPte(spareL1!) }).ok, true);
    assert.equal(tables.apply({ table: root, index: 2n, pte: pointerPte(spareL1!) }).ok, false, 'a spare linked a second time');
    assert.equal(tables.apply({ table: root, index: 3n, pte: pointerPte(l1) }).ok, false, 'the boot level-1 table linked a second time');
    assert.equal(tables.apply({ table: spareL1!, index: 0n, pte: pointerPte(l0) }).ok, false, 'the boot level-0 table linked a second time');
    assertTree(tables);
  });

  it('keep a boot table unlinkable after the model has emptied it', () => {
    // Without code pages the boot level-0 table holds only the data page, which the model may remove.
    const { tables, l1, l0 } = bootTables(0);
    for (let i = 0n; i < BigInt(ENTRIES_PER_TABLE); i++) assert.equal(tables.apply({ table: l0, index: i, pte: 0n }).ok, true);
    assert.equal(tables.apply({ table: l1, index: 1n, pte: pointerPte(l0) }).ok, false, 'the emptied boot level-0 table was linked again');
    assertTree(tables);
  });

  it('refuse a spare table that holds a valid entry, even one in its last slot, and accept it once emptied again', () => {
    const { tables, l1 } = bootTables();
    const [spareL0] = sparesAt(tables, 0n);
    // The model may fill an unlinked spare; linking it then would bring in entries no pointer check saw.
    assert.equal(tables.apply({ table: spareL0!, index: 511n, pte: DATA_LEAF }).ok, true);
    assert.equal(tables.apply({ table: l1, index: 1n, pte: pointerPte(spareL0!) }).ok, false, 'a non-empty table was linked');
    assert.equal(tables.apply({ table: spareL0!, index: 511n, pte: 0n }).ok, true);
    assert.equal(tables.apply({ table: l1, index: 1n, pte: pointerPte(spareL0!) }).ok, true, 'an emptied, unlinked spare is fresh');
  });

  it('refuse, without failing, a pointer to a page-table frame that holds no table', () => {
    const { tables, root } = bootTables();
    const frame = L.pageTables.base + 0x100n;
    assert.equal(tables.levelOf(frame), null);
    const pte = pointerPte(frame);
    const result = tables.apply({ table: root, index: 1n, pte });
    assert.equal(result.ok, false);
    assert.equal(tables.entry(root, 1n), 0n);
  });

  it('do not count an invalid entry whose PPN field names a spare table as a link to it', () => {
    const { tables, root } = bootTables();
    const [spareL1] = sparesAt(tables, 1n);
    const invalid = pointerPte(spareL1!) & ~1n; // V = 0: no pointer, whatever the other bits say
    assert.equal(tables.apply({ table: root, index: 1n, pte: invalid }).ok, true);
    assert.equal(tables.apply({ table: root, index: 2n, pte: pointerPte(spareL1!) }).ok, true, 'the spare was used up by an invalid entry');
  });
});

describe('page tables: refusals', () => {
  it('refuse a write to no entry (no table, negative or too large index), naming the frame and index asked for', () => {
    const { tables, root } = bootTables();
    for (const [table, index] of [[L.modelDram.base, 0n], [root, -1n], [root, BigInt(ENTRIES_PER_TABLE)]] as const) {
      assert.equal(tables.entry(table, index), null, `entry(0x${table.toString(16)}, ${index})`);
      const result = tables.apply({ table, index, pte: DATA_LEAF });
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.ok(result.reason.includes(`0x${table.toString(16)}`), `reason names the frame: ${result.reason}`);
        assert.ok(result.reason.includes(String(index)), `reason names the index: ${result.reason}`);
      }
    }
    assert.equal(tables.entry(root, BigInt(ENTRIES_PER_TABLE) - 1n), 0n, 'the last index is an entry');
  });

  it('refuse a write the MMU rule forbids, naming the PTE and the level, and leave the entry as it was', () => {
    const { tables, l0 } = bootTables();
    const pte = leafPte(L.executable.base + 40n, ['R', 'X', 'U', 'A']); // a new executable mapping
    const result = tables.apply({ table: l0, index: 40n, pte });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.ok(result.reason.includes(pte.toString(16)), `reason names the PTE: ${result.reason}`);
      assert.ok(/level 0\b/.test(result.reason), `reason names the level: ${result.reason}`);
    }
    assert.equal(tables.entry(l0, 40n), 0n);
  });
});

describe('page tables: the invariant check', () => {
  /** The default layout with an executable region of `frames` frames. */
  const withCode = (frames: bigint): MemoryLayout => ({ ...L, executable: { base: L.executable.base, bound: L.executable.base + frames } });

  it('flag boot code pages that overrun the executable region, and only then', () => {
    assert.equal(new PageTables(withCode(4n), 5).invariantHolds(), false, 'code page 4 lies outside a 4-frame executable region');
    assert.equal(new PageTables(withCode(4n), 4).invariantHolds(), true);
  });

  it('flag a boot data page outside model DRAM', () => {
    // The data page sits at executable.bound + 1: just outside model DRAM when the code ends one frame before it.
    const edge = (gap: bigint): MemoryLayout => ({ ...L, executable: { base: L.modelDram.bound - 32n, bound: L.modelDram.bound - gap } });
    assert.equal(new PageTables(edge(1n), 4).invariantHolds(), false);
    assert.equal(new PageTables(edge(2n), 4).invariantHolds(), true);
  });
});
