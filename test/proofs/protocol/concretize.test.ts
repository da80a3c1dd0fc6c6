import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../../spec/policy.ts';
import { decodePath } from '../../../spec/events.ts';
import { specMutant, mutatedMachine } from '../../../machines/mutants.ts';
import { replay } from '../../../checker/replay.ts';
import { exploreCounts, type AbstractStep, type KnobValues } from '../../../proofs/protocol/explore.ts';
import { abstractCounterexample, concretize, policyForKnobs } from '../../../proofs/protocol/concretize.ts';
import { slotWords } from '../../../proofs/protocol/refute.ts';
import type { PropertyId } from '../../../properties/property.ts';
import { compiledCounts } from './countsAndChecker.ts';

const knobs = (admins: number, escalate: number, deescalate: number): KnobValues => ({ admins, escalate, deescalate, missLimit: 3, maxStep: 1 });

/** The shortest abstract counterexample of a machine (by mutant name) at the knobs, which must exist. */
function refutation(mutant: string, k: KnobValues, property: PropertyId): readonly AbstractStep[] {
  const path = abstractCounterexample(exploreCounts(compiledCounts(mutant), k, { stopAt: property }), property);
  assert.ok(path !== undefined, `${mutant} is not refuted by ${property} at ${JSON.stringify(k)}`);
  return path;
}

describe('proofs/protocol: concretize turns a counterexample on counts into a replayable one', () => {
  it('names real admins, first of their class, and gives the handle replay takes (deescalate-one-short, 3 admins, quorums 2/3)', () => {
    const k = knobs(3, 2, 3);
    const path = refutation('deescalate-one-short', k, 'deescalation-needs-quorum');
    assert.deepEqual(path.map((s) => slotWords(s.slot)), ['alarm probation', 'propose standard by an admin who neither approved nor voted', 'approve by an admin who neither approved nor voted']);
    const r = concretize(compiledCounts('deescalate-one-short').system, k, path, 'deescalation-needs-quorum');
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.handle, 'alarm:probation,propose:a1:standard,approve:a2');
    assert.deepEqual(r.policy.admins.map((a) => a.id), ['a1', 'a2', 'a3']);
    assert.deepEqual([r.policy.quorum.escalate, r.policy.quorum.deescalate], [2, 3]);
    assert.match(r.reason, /2 distinct admin approval\(s\).*the de-escalation quorum is 3/);
    // The handle decodes to the events, and XState (replay's default engine) running the mutant's
    // rules shows the violation at the last step: the confirmation does not rest on the reference engine alone.
    const decoded = decodePath(r.handle);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.events, r.events);
    const rules = mutatedMachine(r.policy, specMutant('deescalate-one-short')!).rules;
    const replayed = replay(r.policy, decoded.events, { rules });
    assert.ok(replayed.steps.at(-1)!.violations.some((v) => v.property === 'deescalation-needs-quorum'));
    assert.equal(replay(r.policy, decoded.events).steps.at(-1)!.violations.length, 0, 'the correct machine refuses the early de-escalation');
  });

  it("sends the outsider's events as the policy's outsider (outsider-vote-counted)", () => {
    const k = knobs(3, 2, 3);
    const r = concretize(compiledCounts('outsider-vote-counted').system, k, refutation('outsider-vote-counted', k, 'escalation-has-cause'), 'escalation-has-cause');
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.handle, 'propose:a1:probation,approve:outsider');
  });

  it('keeps the fixed parameters of the machine and takes admins, quorums, miss limit and step from the knobs', () => {
    const template = { ...DEFAULT_POLICY, irreversible: ['immolation' as const], faults: { rebootLevel: 'severed' as const } };
    const made = policyForKnobs(template, { admins: 4, escalate: 1, deescalate: 4, missLimit: 7, maxStep: 2 });
    assert.ok(made.ok);
    assert.deepEqual(made.policy.admins, [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }, { id: 'a4' }]);
    assert.deepEqual(made.policy.quorum, { ...DEFAULT_POLICY.quorum, escalate: 1, deescalate: 4 });
    assert.equal(made.policy.heartbeat.missLimit, 7);
    assert.equal(made.policy.deescalation.maxStep, 2);
    assert.deepEqual(made.policy.irreversible, ['immolation']);
    assert.equal(made.policy.faults.rebootLevel, 'severed');
  });

  it('refuses knobs that are no policy, naming the key and what §6 allows', () => {
    const made = policyForKnobs(DEFAULT_POLICY, { admins: 2, escalate: 3, deescalate: 1, missLimit: 3, maxStep: 1 });
    assert.ok(!made.ok);
    assert.match(made.message, /quorum\.escalate: 3 is larger than the number of admins \(2\)/);
    const r = concretize(compiledCounts().system, { admins: 0, escalate: 1, deescalate: 1, missLimit: 3, maxStep: 1 }, [], 'level-capabilities');
    assert.ok(!r.ok);
    assert.match(r.message, /admins: a policy needs at least one admin/);
  });

  it('refuses a path the concrete machine does not follow, naming the step and the variable that drifts', () => {
    const k = knobs(3, 2, 3);
    const path = refutation('deescalate-one-short', k, 'deescalation-needs-quorum');
    const sig = compiledCounts('deescalate-one-short').system.signature;
    const at = sig.vars.findIndex((v) => v.name === 'approved_voted');
    const state = path[1]!.state.slice();
    state[at] = state[at]! + 1;
    const tampered = [path[0]!, { ...path[1]!, state }, path[2]!];
    const r = concretize(compiledCounts('deescalate-one-short').system, k, tampered, 'deescalation-needs-quorum');
    assert.ok(!r.ok);
    assert.match(r.message, /^step 2 \(propose standard by an admin who neither approved nor voted\): after propose:a1:standard the concrete approved_voted is 1, the count system's 2$/);
  });

  it('refuses a path whose last step breaks nothing, and properties no path can show', () => {
    const k = knobs(3, 2, 3);
    // The mutant's counterexample run on the correct machine's count system: every step is taken, nothing is broken.
    const path = refutation('escalation-applied-late', k, 'decisions-take-effect');
    const correct = compiledCounts().system;
    const accepted = concretize(correct, k, path.slice(0, 1), 'decisions-take-effect');
    assert.ok(!accepted.ok);
    assert.match(accepted.message, /finds nothing wrong there/);
    const notDead = concretize(correct, k, [], 'no-deadlock');
    assert.ok(!notDead.ok);
    assert.match(notDead.message, /finds nothing wrong/);
    for (const p of ['escalation-liveness', 'quorum-intersection'] as const) {
      const r = concretize(correct, k, [], p);
      assert.ok(!r.ok);
      assert.match(r.message, new RegExp(`^${p} is not a property the count system judges on a path`));
    }
  });
});
