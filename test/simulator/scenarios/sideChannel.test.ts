/**
 * The side-channel experiment: its claims hold for the default policy, and the experiment has the
 * power it claims — the conventional layout leaks far above chance while Guillotine's sits inside
 * the chance band.
 */
import assert from 'node:assert/strict';
import { runSideChannel } from '../../../simulator/scenarios/sideChannel.ts';
import { DEFAULT_SEED } from '../../../simulator/index.ts';

describe(`side-channel experiment (seed ${DEFAULT_SEED} and 1)`, () => {
  for (const seed of [DEFAULT_SEED, 1]) {
    it(`recovers the key with a shared cache and sits at chance with separate hierarchies (seed ${seed})`, () => {
      const r = runSideChannel({ seed });
      assert.ok(r.holds, r.claims.filter((c) => !c.holds).map((c) => `${c.id}: ${c.evidence}`).join('; '));
      const [conventional, guillotine] = r.layouts;
      assert.equal(conventional!.layout, 'conventional');
      assert.ok(conventional!.accuracy >= 0.9, `conventional accuracy ${conventional!.accuracy}`);
      assert.ok(conventional!.keyBitsRecovered >= r.bits * 0.95);
      assert.ok(guillotine!.accuracy >= r.chanceBand.low && guillotine!.accuracy <= r.chanceBand.high, `guillotine accuracy ${guillotine!.accuracy}`);
      assert.ok(r.observationsIndependentOfKey);
    });
  }
});
