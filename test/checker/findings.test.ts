import assert from 'node:assert/strict';
import { findingNotes, policyFindings } from '../../checker/findings.ts';
import { compiledEngine } from '../../machines/engine.ts';
import { DEFAULT_POLICY, parsePolicy, type PolicyInput } from '../../spec/policy.ts';

const withDefaults = (extra: Partial<PolicyInput>) => {
  const r = parsePolicy({ admins: DEFAULT_POLICY.admins, ...extra });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
};

describe('checker/findings: what a policy implies, in fewest admins', function () {
  this.timeout(60_000);

  it('shows that under onTimeout "restrictive" one admin reaches immolation alone, by waiting', () => {
    const f = policyFindings(compiledEngine(DEFAULT_POLICY));
    const by = Object.fromEntries(f.map((l) => [l.level, l]));
    assert.equal(by.immolation!.fewestToReach, 1);
    assert.equal(by.decapitation!.fewestToReach, 1);
    assert.equal(by.offline!.fewestToReach, 0, 'fail-safes reach offline with nobody');
    assert.equal(by.severed!.fewestToLeave, 5);
    assert.equal(by.immolation!.fewestToLeave, null);
    assert.ok(by.immolation!.notes.some((n) => /1 admin\(s\) can take the system to immolation.*waiting 600s/.test(n)), by.immolation!.notes.join('\n'));
  });

  it('needs the full escalation quorum for destruction under onTimeout "unchanged"', () => {
    const f = policyFindings(compiledEngine(withDefaults({ quorum: { onTimeout: 'unchanged' } })));
    assert.equal(f.find((l) => l.level === 'immolation')!.fewestToReach, 3);
    assert.ok(!findingNotes(f).some((n) => /immolation, fewer than/.test(n)));
  });

  it('gives the same answers with and without symmetry', () => {
    const engine = compiledEngine(withDefaults({ quorum: { escalate: 2, deescalate: 4 } }));
    assert.deepEqual(policyFindings(engine, true), policyFindings(engine, false));
  });
});
