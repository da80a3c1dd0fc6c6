import assert from 'node:assert/strict';
import { referenceEngine, xstateEngine, type Engine } from '../../machines/engine.ts';
import { stateKey } from '../../machines/stateKey.ts';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { canonicalMachineState } from '../../checker/symmetry.ts';
import { encodeEvent } from '../../spec/events.ts';
import { DEFAULT_POLICY, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

function policy(input: PolicyInput): Policy {
  return parsedPolicy(input);
}
const three = (extra: Partial<PolicyInput> = {}) => policy({ admins: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }], quorum: { escalate: 2, deescalate: 2 }, ...extra });

/**
 * The reachable graph as a sorted list of edges `from --event--> to [effects]`, explored with
 * one engine; with `reduce`, one state per renaming of admins (the same reduction for both).
 */
function graph(engine: Engine, reduce: boolean): string[] {
  const canon = (s: ReturnType<Engine['initial']>) => (reduce ? canonicalMachineState(engine.policy, s) : s);
  const alphabet = eventAlphabet(engine.policy);
  const start = canon(engine.initial());
  const seen = new Set([stateKey(start)]);
  const queue = [start];
  const edges: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    for (const e of alphabet) {
      const step = engine.step(s, e);
      const next = canon(step.state);
      const key = stateKey(next);
      edges.push(`${stateKey(s)} --${encodeEvent(e)}--> ${key} ${step.accepted ? 'accepted' : 'rejected'} ${JSON.stringify(step.effects)}`);
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(next);
      }
    }
  }
  return edges.sort();
}

describe('machines/engine: the compiled interpreter and XState run the statechart identically', function () {
  this.timeout(120_000);
  const cases: [string, Policy, boolean][] = [
    ['three admins, every state', three(), false],
    ['three admins, unsafe policy (reversible destruction, detector may destroy, reboot to standard)', three({ irreversible: [], detector: { maxLevel: 'immolation' }, faults: { rebootLevel: 'standard' }, quorum: { escalate: 1, deescalate: 1, onTimeout: 'unchanged' } }), false],
    ['three admins, two-step de-escalation and a lenient actuator cap', three({ deescalation: { maxStep: 2 }, actuators: { escalateOnFailureUpTo: 'immolation' }, heartbeat: { missLimit: 1 } }), false],
    ['the default policy, one state per renaming of admins', DEFAULT_POLICY, true],
  ];
  for (const [name, p, reduce] of cases) {
    it(`same reachable graph, acceptance and effects: ${name}`, () => {
      const fast = graph(referenceEngine(p), reduce);
      const reference = graph(xstateEngine(p), reduce);
      assert.equal(fast.length, reference.length, 'edge counts differ');
      for (let i = 0; i < fast.length; i++) assert.equal(fast[i], reference[i], `edge ${i} differs`);
    });
  }

  it('refuses a config it cannot interpret instead of misreading it', () => {
    assert.throws(() => referenceEngine(DEFAULT_POLICY, { guards: {}, updates: {}, raises: {}, refusals: { proposal: [], approval: [] } }), /unknown (guard|action)/);
  });
});
