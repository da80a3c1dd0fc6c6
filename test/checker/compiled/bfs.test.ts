import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withUnmet } from '../../../checker/compiled/bfs.ts';
import { SEED } from '../../seed.ts';

describe(`checker/compiled/bfs: the search over generated code (fast-check seed ${SEED})`, () => {
  it('keeps the unmet eventually-conditions of every state it numbers, across the growth of their array', () => {
    // A state whose conditions were dropped could be part of a fair cycle that never reaches one,
    // and the liveness check would not see it.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 }), (initial, bits) => {
        let unmet: Uint32Array = new Uint32Array(initial);
        bits.forEach((b, id) => (unmet = withUnmet(unmet, id, b)));
        assert.deepEqual([...unmet.subarray(0, bits.length)], bits);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
