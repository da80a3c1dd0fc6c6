import assert from 'node:assert/strict';
import { findingNotes, levelsWith, policyFindings } from '../../checker/findings.ts';
import { LEVELS } from '../../spec/levels.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { DEFAULT_POLICY, scaledPolicy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

const withDefaults = (extra: Partial<PolicyInput>) => parsedPolicy({ admins: DEFAULT_POLICY.admins, ...extra });

describe('checker/findings: what a policy implies, in fewest admins', function () {
  this.timeout(60_000);

  it('shows that under onTimeout "restrictive" one admin reaches immolation alone, by waiting', () => {
    const f = policyFindings(referenceEngine(DEFAULT_POLICY))!;
    const by = Object.fromEntries(f.map((l) => [l.level, l]));
    assert.equal(by.immolation!.fewestToReach, 1);
    assert.equal(by.decapitation!.fewestToReach, 1);
    assert.equal(by.offline!.fewestToReach, 0, 'fail-safes reach offline with nobody');
    assert.equal(by.severed!.fewestToLeave, 5);
    assert.equal(by.immolation!.fewestToLeave, null);
    assert.ok(by.immolation!.notes.some((n) => /1 admin\(s\) can take the system to immolation.*waiting 600s/.test(n)), by.immolation!.notes.join('\n'));
  });

  it('needs the full escalation quorum for destruction under onTimeout "unchanged"', () => {
    const f = policyFindings(referenceEngine(withDefaults({ quorum: { onTimeout: 'unchanged' } })))!;
    assert.equal(f.find((l) => l.level === 'immolation')!.fewestToReach, 3);
    assert.ok(!findingNotes(f).some((n) => /immolation, fewer than/.test(n)));
  });

  it('gives the same answers with and without symmetry', () => {
    const engine = referenceEngine(withDefaults({ quorum: { escalate: 2, deescalate: 4 } }));
    assert.deepEqual(policyFindings(engine, true), policyFindings(engine, false));
  });

  it('finds by binary search over the admins the same answers as trying every count in turn (nine admins)', () => {
    const engine = referenceEngine(scaledPolicy(9));
    const every = Array.from({ length: 10 }, (_, k) => levelsWith(engine, k, true, Number.POSITIVE_INFINITY)!);
    const least = (holds: (r: (typeof every)[number]) => boolean) => {
      const k = every.findIndex(holds);
      return k < 0 ? null : k;
    };
    const expected = LEVELS.map((level) => [level, least((r) => r.reached.has(level)), least((r) => r.lowered.has(level))]);
    assert.deepEqual(policyFindings(engine)!.map((f) => [f.level, f.fewestToReach, f.fewestToLeave]), expected);
  });

  it('gives up (null, as unknown) rather than run past --max-states', () => {
    assert.equal(policyFindings(referenceEngine(DEFAULT_POLICY), true, 50), null);
  });
});
