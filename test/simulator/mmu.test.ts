/**
 * Page tables under random writes: whatever (table, index, PTE) the model asks for, the set of
 * executable mappings never changes and every entry keeps the proofs' per-entry invariant
 * `pteInvariant`; an accepted write is one the proofs' `validatePteWrite` accepts, and a refused
 * one leaves the entry as it was.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concreteOps } from '../../proofs/bitvector.ts';
import { validatePteWrite, PTE_FIELD, type PteFlag } from '../../proofs/checks/validatePteWrite.ts';
import { DEFAULT_LAYOUT } from '../../proofs/layout.ts';
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
      }),
      { seed: SEED, numRuns: 300 },
    );
    assert.ok(accepted > 50 && refusedCount > 50, `the generator must produce both accepted and refused writes (accepted ${accepted}, refused ${refusedCount})`);
  });
});
