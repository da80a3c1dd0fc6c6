/**
 * Determinism: a run is a pure function of its inputs and seed — the same seed gives the same
 * result, byte for byte, for every experiment; another seed gives another run. The PRNG's streams
 * are reproducible and independent of each other.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runScenario } from '../../simulator/index.ts';
import { runPortResilience } from '../../simulator/scenarios/portResilience.ts';
import { Prng } from '../../simulator/prng.ts';
import { SEED } from '../seed.ts';

describe('simulator determinism', () => {
  it('gives the same side-channel result, byte for byte, for the same seed (seeds 5 and 6)', () => {
    assert.equal(JSON.stringify(runScenario('side-channel', { seed: 5 })), JSON.stringify(runScenario('side-channel', { seed: 5 })));
    assert.notEqual(JSON.stringify(runScenario('side-channel', { seed: 5 }).layouts), JSON.stringify(runScenario('side-channel', { seed: 6 }).layouts));
  });

  it('gives the same soak result, byte for byte, for the same seed, and a different run for another (seeds 5 and 6, 12 h)', () => {
    const a = JSON.stringify(runScenario('soak', { seed: 5, hours: 12 }));
    const b = JSON.stringify(runScenario('soak', { seed: 5, hours: 12 }));
    assert.equal(a, b);
    assert.notEqual(JSON.stringify(runScenario('soak', { seed: 6, hours: 12 }).series), JSON.stringify(JSON.parse(a).series));
  });

  it('gives the same port-resilience figures for the same seed (seed 5, 100 ms per program)', () => {
    assert.equal(JSON.stringify(runPortResilience({ seed: 5, durationMs: 100 })), JSON.stringify(runPortResilience({ seed: 5, durationMs: 100 })));
  });

  it(`replays every PRNG stream from its seed, and forks independent streams by label (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }), (seed, x, y) => {
        const draw = (p: Prng) => Array.from({ length: 16 }, () => p.nextU32());
        assert.deepEqual(draw(new Prng(seed)), draw(new Prng(seed)));
        assert.deepEqual(draw(new Prng(seed).fork(x)), draw(new Prng(seed).fork(x)));
        // Drawing from one fork never shifts another.
        const parent = new Prng(seed);
        const other = parent.fork(y);
        draw(parent.fork(x));
        assert.deepEqual(draw(other), draw(new Prng(seed).fork(y)));
        if (x !== y) assert.notDeepEqual(draw(new Prng(seed).fork(x)), draw(new Prng(seed).fork(y)));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
