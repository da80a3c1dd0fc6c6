import assert from 'node:assert/strict';
import { guillotineCodec } from '../../checker/guillotineCodec.ts';
import { guillotineModel } from '../../checker/guillotineModel.ts';
import { eventAlphabet, outsiderId } from '../../machines/alphabet.ts';
import { encoded } from '../../checker/model.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { stateKey } from '../../machines/stateKey.ts';
import type { CheckState, History } from '../../properties/history.ts';
import { PROPERTIES } from '../../properties/index.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { fixture } from './fixtures.ts';

/** The history part of the string key (admin ids cannot contain '+' or '|'). */
const historyKey = (h: History) => `${h.votes.join('+')}|${h.misses}|${h.awaiting ?? '-'}`;
/** The canonical string key the checker used before states were packed: the reference. */
const referenceKey = (s: CheckState) => `${stateKey(s.machine)}#${historyKey(s.history)}`;

/** Every reachable checked state of a policy's full (unreduced) model, by the reference key. */
function reachable(policy: Policy): CheckState[] {
  const model = guillotineModel(referenceEngine(policy, undefined, { effects: false }), PROPERTIES, eventAlphabet(policy));
  const seen = new Map<string, CheckState>();
  const queue = [...model.initialStates()];
  for (const s of queue) seen.set(referenceKey(s), s);
  for (let i = 0; i < queue.length; i++) {
    for (const a of model.actions(queue[i]!)) {
      const next = model.next(queue[i]!, a);
      if (next === undefined || seen.has(referenceKey(next))) continue;
      seen.set(referenceKey(next), next);
      queue.push(next);
    }
  }
  return queue;
}

describe('checker/guillotineCodec: checked states packed into words', function () {
  this.timeout(120_000);
  for (const [name, policy] of [['the default policy', DEFAULT_POLICY], ['an unsafe policy', fixture('unsafe-small.json')]] as const) {
    it(`decodes every reachable state to itself and gives distinct states distinct words: ${name}`, () => {
      const codec = guillotineCodec(policy);
      const states = reachable(policy);
      const byWords = new Map<string, string>();
      for (const s of states) {
        const words = encoded(codec, s);
        const back = codec.decode(words, 0);
        assert.equal(referenceKey(back), referenceKey(s));
        assert.deepEqual(back, s);
        const previous = byWords.get(words.join(','));
        assert.equal(previous, undefined, `two states share words: ${previous} and ${referenceKey(s)}`);
        byWords.set(words.join(','), referenceKey(s));
      }
      assert.equal(byWords.size, states.length);
    });
  }

  it("keeps what a buggy machine writes that a bit set cannot: duplicates, order, strangers' ids", () => {
    const codec = guillotineCodec(DEFAULT_POLICY);
    const init = guillotineModel(referenceEngine(DEFAULT_POLICY), PROPERTIES).initialStates()[0];
    const withLists = (approvals: string[], votes: string[], pending: CheckState['machine']['context']['pendingActuators']): CheckState => ({
      machine: { value: init!.machine.value, context: { ...init!.machine.context, proposal: { from: 'standard', to: 'severed', approvals }, pendingActuators: pending } },
      history: { ...init!.history, votes },
    });
    const odd = [
      withLists(['a1', 'a1'], ['a1'], []),
      withLists(['a2', 'a1'], ['a1', 'a2'], ['model-power', 'network-relay']),
      withLists([outsiderId(DEFAULT_POLICY), 'stranger'], [], ['network-relay', 'network-relay']),
      withLists(['a1', 'a2'], ['a1', 'a2'], ['network-relay', 'model-power']),
    ];
    const words = odd.map((s) => encoded(codec, s).join(','));
    assert.equal(new Set(words).size, odd.length, 'all distinct');
    for (const s of odd) assert.deepEqual(codec.decode(encoded(codec, s), 0), s);
  });

  it('packs the seven admins of the default policy into five words', () => {
    assert.equal(guillotineCodec(DEFAULT_POLICY).width, 5);
  });
});
