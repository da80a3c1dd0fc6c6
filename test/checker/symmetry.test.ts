import assert from 'node:assert/strict';
import { checkPolicy } from '../../checker/index.ts';
import { guillotineModel } from '../../checker/guillotineModel.ts';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { encoded, type Model } from '../../checker/model.ts';
import { canonicalCheckState, symmetric } from '../../checker/symmetry.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { SPEC_MUTANT_NAMES } from '../../machines/mutants.ts';
import type { CheckState } from '../../properties/history.ts';
import { PROPERTIES } from '../../properties/index.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { replay } from '../../checker/replay.ts';
import { DEFAULT_POLICY, scaledPolicy, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

function policy(input: Partial<PolicyInput>, n = 7): Policy {
  return parsedPolicy({ admins: Array.from({ length: n }, (_, i) => ({ id: `a${i + 1}` })), ...input });
}

describe('checker/symmetry: one state per renaming of admins', function () {
  this.timeout(120_000);
  const cases: [string, Policy][] = [
    ['the default policy', DEFAULT_POLICY],
    ['an unsafe policy (five admins, quorums 3/2, reversible destruction, detector may destroy, reboot to standard)', policy({ quorum: { escalate: 3, deescalate: 2 }, irreversible: [], detector: { maxLevel: 'immolation' }, faults: { rebootLevel: 'standard' } }, 5)],
    ['five admins with quorum 1 and onTimeout unchanged', policy({ quorum: { escalate: 1, deescalate: 3, onTimeout: 'unchanged' } }, 5)],
  ];
  for (const [name, p] of cases) {
    it(`gives the same verdicts with and without symmetry, with fewer states: ${name}`, () => {
      const reduced = checkPolicy(p, { findings: false });
      const full = checkPolicy(p, { findings: false, symmetry: false });
      assert.deepEqual(reduced.properties.map((x) => [x.id, x.status]), full.properties.map((x) => [x.id, x.status]));
      assert.deepEqual(reduced.vacuity.map((x) => x.status), full.vacuity.map((x) => x.status));
      assert.ok(reduced.states < full.states, `${reduced.states} < ${full.states}`);
      // Counterexamples found on representatives are concrete: they replay to the same violation.
      for (const f of reduced.properties.filter((x) => x.trace)) {
        const r = replay(p, f.trace!.events);
        assert.ok(r.steps.at(-1)!.violations.some((v) => v.property === f.id), `${f.id} trace replays to its violation`);
        assert.equal(f.trace!.events.length, full.properties.find((x) => x.id === f.id)!.trace!.events.length, 'and is as short as the unreduced one');
      }
    });
  }

  it('gives the same verdicts with and without symmetry on every spec mutant (four admins)', () => {
    const four = scaledPolicy(4);
    for (const mutant of SPEC_MUTANT_NAMES) {
      const verdicts = (symmetry: boolean) => checkPolicy(four, { findings: false, symmetry, mutant }).properties.map((x) => `${x.id}:${x.status}`);
      assert.deepEqual(verdicts(true), verdicts(false), mutant);
    }
  });

  it('reaches, trying one admin per class, exactly the orbits that the full model reaches', () => {
    // The full model explored state by state, each state then mapped to its orbit's representative...
    const p = policy({ quorum: { escalate: 3, deescalate: 4 } }, 6);
    const full = guillotineModel(referenceEngine(p, undefined, { effects: false }), PROPERTIES);
    const reduced = symmetric(p, full, (admins) => eventAlphabet(p, { admins }));
    const orbitsOf = (model: Model<CheckState, GuillotineEvent>, canonicalize: boolean) => {
      const key = (s: CheckState) => encoded(full.codec, canonicalize ? canonicalCheckState(p, s) : s).join(',');
      const seen = new Set<string>();
      const queue = [...model.initialStates()];
      const keys = new Set(queue.map(key));
      for (let i = 0; i < queue.length; i++) {
        seen.add(key(queue[i]!));
        for (const a of model.actions(queue[i]!)) {
          const next = model.next(queue[i]!, a);
          if (next === undefined) continue;
          const k = encoded(full.codec, next).join(',');
          if (keys.has(k)) continue;
          keys.add(k);
          queue.push(next);
        }
      }
      return seen;
    };
    const fromFull = orbitsOf(full, true);
    const fromReduced = orbitsOf(reduced, false);
    assert.ok(reduced.actions(reduced.initialStates()[0]!).length < full.actions(full.initialStates()[0]!).length, 'fewer actions per state');
    assert.deepEqual([...fromReduced].sort(), [...fromFull].sort());
  });

  it('keeps the state count of scaled policies polynomial in the number of admins', () => {
    const counts = [7, 9, 11].map((n) => checkPolicy(scaledPolicy(n), { findings: false }).states);
    // Quadratic growth at most: the ratio between successive sizes stays small.
    assert.ok(counts[2]! / counts[0]! < 3, JSON.stringify(counts));
  });
});
