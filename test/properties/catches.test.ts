/**
 * Every property catches the design bug it exists for. The bugs are the spec-mutant catalogue's
 * (`machines/mutants.ts`, one definition used by every test that needs a broken machine): each
 * property explored on states is refuted by at least one of them, with a counterexample that, replayed
 * under XState itself, reaches a violation of that very property. `quorum-intersection` is policy
 * arithmetic (a policy breaks it, not a machine), and `no-deadlock` needs a machine that stops, which
 * no rule change of the statechart makes: both have their own case here.
 */
import assert from 'node:assert/strict';
import { checkPolicy, type CheckReport } from '../../checker/index.ts';
import { replay } from '../../checker/replay.ts';
import { explore } from '../../checker/bfs.ts';
import { guillotineModel } from '../../checker/guillotineModel.ts';
import { referenceEngine, levelOf, type Engine } from '../../machines/engine.ts';
import { SPEC_MUTANTS, mutatedMachine } from '../../machines/mutants.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { PROPERTIES } from '../../properties/index.ts';

describe('properties: each property refutes a design bug of the catalogue', function () {
  let clean: CheckReport;
  before(() => {
    clean = checkPolicy(DEFAULT_POLICY, { findings: false });
  });

  it('the default policy passes every property and witnesses every vacuity guard', () => {
    assert.deepEqual(clean.properties.map((p) => [p.id, p.status]), PROPERTIES.map((p) => [p.id, 'pass']));
    assert.ok(clean.vacuity.length >= PROPERTIES.length - 3);
    assert.ok(clean.vacuity.every((v) => v.status === 'witnessed'), JSON.stringify(clean.vacuity.filter((v) => v.status !== 'witnessed')));
  });

  for (const p of PROPERTIES.filter((q) => q.check.on !== 'policy' && q.check.on !== 'progress')) {
    it(`${p.id} is refuted by a mutant of the catalogue, with a counterexample XState replays to its violation`, () => {
      const mutant = SPEC_MUTANTS.find((m) => m.caughtBy.includes(p.id));
      assert.ok(mutant, `some mutant of the catalogue names ${p.id} in caughtBy`);
      const machine = mutatedMachine(mutant.shownUnder?.policy(DEFAULT_POLICY) ?? DEFAULT_POLICY, mutant);
      const report = checkPolicy(machine.policy, { findings: false, rules: machine.rules, properties: [p.id] });
      const failed = report.properties.find((x) => x.id === p.id)!;
      assert.equal(failed.status, 'fail', `${mutant.name} breaks ${p.id}`);
      const replayed = replay(machine.policy, failed.trace!.events, { rules: machine.rules, cycle: failed.trace!.cycle });
      const last = replayed.steps.at(-1)!;
      assert.ok(last.violations.some((v) => v.property === p.id), `the last step violates ${p.id}: ${JSON.stringify(last)}`);
    });
  }

  it('quorum-intersection catches a de-escalation quorum of 3 of 7, with two disjoint quorums as its witness', () => {
    const report = checkPolicy(parsedPolicy({ admins: DEFAULT_POLICY.admins, quorum: { deescalate: 3 } }), { findings: false, properties: ['quorum-intersection'] });
    const [p] = report.properties;
    assert.equal(p!.status, 'fail');
    assert.ok(p!.witness !== undefined && p!.trace === undefined);
  });

  it('no-deadlock catches a machine that rejects every event once immolated', () => {
    const base = referenceEngine(DEFAULT_POLICY);
    const stuck: Engine = { ...base, step: (s, e) => (levelOf(s) === 'immolation' ? { state: s, accepted: false, effects: [{ kind: 'reject', reason: 'stuck' }] } : base.step(s, e)) };
    const out = explore(guillotineModel(stuck, PROPERTIES.filter((p) => p.id === 'no-deadlock')));
    const result = out.properties.find((p) => p.name === 'no-deadlock')!;
    assert.equal(result.status, 'violated');
    assert.ok(result.status === 'violated' && 'path' in result);
    let s = base.initial();
    for (const e of result.path) s = base.step(s, e).state;
    assert.equal(levelOf(s), 'immolation');
  });
});
