import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StateTable } from '../../checker/stateTable.ts';
import { SEED } from '../seed.ts';

describe(`checker/stateTable: the packed visited set (fast-check seed ${SEED})`, () => {
  it('numbers distinct rows in insertion order and finds each again, across many rehashes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 5, maxLength: 5 }), { maxLength: 400 }), (width, rows) => {
        const table = new StateTable(width, 1); // tiny start: every run grows and rehashes
        const firstId = new Map<string, number>();
        for (const row of rows) {
          const words = Uint32Array.from(row.slice(0, width));
          const key = words.join(',');
          const id = table.add(words);
          if (!firstId.has(key)) firstId.set(key, firstId.size);
          assert.equal(id, firstId.get(key), `row ${key}`);
        }
        assert.equal(table.size, firstId.size);
        for (const [key, id] of firstId) {
          const words = Uint32Array.from(key.split(',').map(Number));
          assert.equal(table.find(words), id);
          assert.deepEqual([...table.row(id)], [...words]);
        }
        assert.equal(table.find(Uint32Array.from({ length: width }, () => 99)), -1);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('reads a row at an offset of a larger buffer and tells full 32-bit words apart', () => {
    const table = new StateTable(2);
    const buffer = Uint32Array.from([7, 0xffffffff, 0x80000000, 7]);
    assert.equal(table.add(buffer, 1), 0);
    assert.equal(table.add(Uint32Array.from([0xffffffff, 0x80000000])), 0);
    assert.equal(table.add(Uint32Array.from([0x80000000, 0xffffffff])), 1);
    assert.throws(() => table.row(2), /no state 2/);
  });
});
