import assert from 'node:assert/strict';
import fc from 'fast-check';
import { guillotineCodec } from '../../checker/guillotineCodec.ts';
import { outsiderId } from '../../machines/alphabet.ts';
import { encoded } from '../../checker/model.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { INITIAL_HISTORY, type CheckState } from '../../properties/history.ts';
import { ACTUATORS } from '../../spec/levels.ts';
import { adminIds, scaledPolicy } from '../../spec/policy.ts';
import { SEED } from '../seed.ts';

/**
 * The words of a correct machine's state depend on the state alone. The side table of irregular
 * lists numbers lists in the order a codec first meets them, so a state stored there packs to
 * different words in two codecs — or in one codec before and after it met other lists. Each
 * worker thread of the parallel search packs with its own codec, so that is only sound while a
 * correct machine's lists (distinct admins in policy order, and the outsider last) all go into
 * the bit sets and the side table stays empty, as the codec's header promises.
 */
describe(`checker/guillotineCodec: a correct machine's state packs to the same words in every codec (fast-check seed ${SEED})`, () => {
  const policy = scaledPolicy(9);
  const voters = [...adminIds(policy), outsiderId(policy)];
  const initial = referenceEngine(policy).initial();

  /** Any subset of the voters, in policy order (as the machine and the history keep them). */
  const voterSubset = fc.array(fc.boolean(), { minLength: voters.length, maxLength: voters.length }).map((keep) => voters.filter((_, i) => keep[i]));
  const actuatorSubset = fc.array(fc.boolean(), { minLength: ACTUATORS.length, maxLength: ACTUATORS.length }).map((keep) => ACTUATORS.filter((_, i) => keep[i]));
  const correctState = fc.record({ approvals: voterSubset, votes: voterSubset, pending: actuatorSubset }).map(
    ({ approvals, votes, pending }): CheckState => ({
      machine: { value: initial.value, context: { ...initial.context, proposal: { from: 'standard', to: 'severed', approvals }, pendingActuators: pending } },
      history: { ...INITIAL_HISTORY, votes },
    }),
  );
  /** States a buggy machine writes, which do go to the side table: a list out of order, a duplicate, a stranger. */
  const irregular: CheckState[] = [['a3', 'a2'], ['a4', 'a4'], ['nobody']].map((approvals) => ({
    machine: { value: initial.value, context: { ...initial.context, proposal: { from: 'standard', to: 'offline', approvals } } },
    history: { ...INITIAL_HISTORY, votes: approvals },
  }));

  it('packs any subset of the voters, and of the kill switches, to the same words in a fresh codec and in one that has met irregular lists', () => {
    const seasoned = guillotineCodec(policy);
    for (const s of irregular) encoded(seasoned, s);
    fc.assert(
      fc.property(correctState, (s) => {
        const fresh = encoded(guillotineCodec(policy), s);
        assert.deepEqual([...encoded(seasoned, s)], [...fresh]);
        assert.deepEqual(seasoned.decode(fresh, 0), s);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('does depend on the codec for what a buggy machine writes: that is what the side table is for', () => {
    const [outOfOrder, duplicate] = irregular as [CheckState, CheckState];
    const first = guillotineCodec(policy);
    const second = guillotineCodec(policy);
    encoded(second, duplicate);
    assert.notDeepEqual([...encoded(first, outOfOrder)], [...encoded(second, outOfOrder)], 'numbered 0 in one codec and 1 in the other');
  });
});
