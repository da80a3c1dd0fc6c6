import assert from 'node:assert/strict';
import { findingNotes, levelsWith, policyFindings, type Findings } from '../../checker/findings.ts';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { canonicalMachineState } from '../../checker/symmetry.ts';
import { referenceEngine, type Engine, type SystemState } from '../../machines/engine.ts';
import { mutatedMachine, specMutant } from '../../machines/mutants.ts';
import { stateKey } from '../../machines/stateKey.ts';
import { adminIds, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

/** Four admins a1..a4 (small enough to explore in well under a second), with the given keys. */
function fourAdmins(extra: Partial<PolicyInput>): Policy {
  return parsedPolicy({ admins: Array.from({ length: 4 }, (_, i) => ({ id: `a${i + 1}` })), ...extra });
}

/** The engine `guillotine check --mutant NAME` runs for this policy. */
function mutantEngine(policy: Policy, name: string): Engine {
  const m = mutatedMachine(policy, specMutant(name)!);
  return referenceEngine(m.policy, m.rules, { effects: false });
}

const byLevel = (f: Findings) => Object.fromEntries(f.map((l) => [l.level, l]));
const table = (f: Findings) => f.map((l) => [l.level, l.fewestToReach, l.fewestToLeave]);

/** Every state reachable with only the first k admins acting, found by a plain search of the machine (the oracle). */
function reachable(engine: Engine, k: number): SystemState[] {
  const alphabet = eventAlphabet(engine.policy, { admins: adminIds(engine.policy).slice(0, k), outsider: false });
  const init = engine.initial();
  const seen = new Set([stateKey(init)]);
  const queue = [init];
  for (let i = 0; i < queue.length; i++) {
    for (const event of alphabet) {
      const step = engine.step(queue[i]!, event);
      if (step.accepted && !seen.has(stateKey(step.state))) {
        seen.add(stateKey(step.state));
        queue.push(step.state);
      }
    }
  }
  return queue;
}

describe('checker/findings: notes and limits a reviewer relies on', function () {
  this.timeout(60_000);

  it('lists the notes about escalation below quorum first, then every other note once, in level order', () => {
    const finding = (level: 'offline' | 'immolation', notes: string[]) => ({ level, fewestToReach: 1, fewestToLeave: null, notes });
    const f: Findings = [
      finding('offline', ['offline is reached with no admin at all (fail-safes)', '1 admin(s) can take the system to offline, fewer than the escalation quorum of 3']),
      finding('immolation', ['immolation can be left (by 2 admin(s)): it is not irreversible under this policy', '1 admin(s) can take the system to immolation, fewer than the escalation quorum of 3']),
    ];
    assert.deepEqual(findingNotes(f), [
      '1 admin(s) can take the system to offline, fewer than the escalation quorum of 3',
      '1 admin(s) can take the system to immolation, fewer than the escalation quorum of 3',
      'offline is reached with no admin at all (fail-safes)',
      'immolation can be left (by 2 admin(s)): it is not irreversible under this policy',
    ]);
    assert.deepEqual(findingNotes([]), []);
  });

  it('gives the fewest admins per level of a small policy: fail-safes need nobody, restrictive timeouts one admin, lowering the de-escalation quorum', () => {
    const p = fourAdmins({ quorum: { escalate: 2, deescalate: 3 }, irreversible: ['immolation'] });
    const f = policyFindings(referenceEngine(p))!;
    assert.deepEqual(table(f), [
      ['standard', 0, null], // where it starts; nothing is below it
      ['probation', 0, 3],
      ['severed', 0, 3],
      ['offline', 0, 3],
      ['decapitation', 1, 3],
      ['immolation', 1, null], // irreversible
    ]);
    const by = byLevel(f);
    assert.deepEqual(by.standard!.notes, [], 'the starting level is not "reached with no admin"');
    assert.ok(by.offline!.notes.some((n) => /offline is reached with no admin at all/.test(n)), by.offline!.notes.join('\n'));
    // Reversible destruction is worth a note; reversible severed is not.
    assert.ok(by.decapitation!.notes.some((n) => /decapitation can be left \(by 3 admin\(s\)\).*not irreversible/.test(n)), by.decapitation!.notes.join('\n'));
    assert.ok(!by.severed!.notes.some((n) => /can be left/.test(n)), by.severed!.notes.join('\n'));
    assert.ok(!by.immolation!.notes.some((n) => /can be left/.test(n)), by.immolation!.notes.join('\n'));
    assert.ok(by.immolation!.notes.some((n) => /1 admin\(s\) can take the system to immolation, fewer than the escalation quorum of 2 .*waiting 600s/.test(n)), by.immolation!.notes.join('\n'));
  });

  it('says when fewer admins than the escalation quorum suffice under onTimeout "unchanged", without blaming a timeout (proposer-counted-twice)', () => {
    const f = policyFindings(mutantEngine(fourAdmins({ quorum: { escalate: 3, deescalate: 3, onTimeout: 'unchanged' } }), 'proposer-counted-twice'))!;
    const notes = byLevel(f).immolation!.notes;
    assert.equal(byLevel(f).immolation!.fewestToReach, 2);
    // The note stops at the quorum: with onTimeout "unchanged" waiting escalates nothing, so no "how" follows.
    assert.ok(notes.some((n) => /^2 admin\(s\) can take the system to immolation, fewer than the escalation quorum of 3$/.test(n)), notes.join('\n'));
  });

  it('says when fewer admins than the de-escalation quorum can lower a level (deescalate-one-short)', () => {
    const f = policyFindings(mutantEngine(fourAdmins({ quorum: { escalate: 3, deescalate: 3 } }), 'deescalate-one-short'))!;
    const by = byLevel(f);
    assert.equal(by.severed!.fewestToLeave, 2);
    assert.ok(by.severed!.notes.some((n) => /2 admin\(s\) can lower the level from severed, fewer than the de-escalation quorum of 3/.test(n)), by.severed!.notes.join('\n'));
    // At the quorum itself there is nothing to say: the correct machine gets no such note.
    const correct = policyFindings(referenceEngine(fourAdmins({ quorum: { escalate: 3, deescalate: 3 } })))!;
    assert.equal(byLevel(correct).severed!.fewestToLeave, 3);
    assert.ok(!findingNotes(correct).some((n) => /fewer than the de-escalation quorum/.test(n)), findingNotes(correct).join('\n'));
  });

  it('calls a level that fail-safes reach by themselves "reached with no admin", not an escalation below quorum', () => {
    // Actuator faults escalate up to decapitation here: nobody needs to propose it.
    const f = policyFindings(referenceEngine(fourAdmins({ quorum: { escalate: 3, deescalate: 3 }, actuators: { escalateOnFailureUpTo: 'decapitation' } })))!;
    const decapitation = byLevel(f).decapitation!;
    assert.equal(decapitation.fewestToReach, 0);
    assert.ok(decapitation.notes.some((n) => /decapitation is reached with no admin at all/.test(n)), decapitation.notes.join('\n'));
    assert.ok(!decapitation.notes.some((n) => /escalation quorum/.test(n)), decapitation.notes.join('\n'));
  });

  it('says when a level is never reachable, even with every admin', () => {
    // A machine that refuses every proposal of immolation: no fail-safe goes past offline either.
    const base = referenceEngine(fourAdmins({ quorum: { escalate: 3, deescalate: 3 } }));
    const refusing: Engine = {
      name: base.name,
      policy: base.policy,
      initial: () => base.initial(),
      step: (s, e) => (e.type === 'propose' && e.target === 'immolation' ? { state: s, accepted: false, effects: [] } : base.step(s, e)),
    };
    const immolation = byLevel(policyFindings(refusing)!).immolation!;
    assert.equal(immolation.fewestToReach, null);
    assert.ok(immolation.notes.some((n) => /immolation is never reachable, even with all 4 admins/.test(n)), immolation.notes.join('\n'));
  });

  it('counts admins only: an outsider whose approval a buggy machine counts does not lower the answer, with or without symmetry', () => {
    // outsider-vote-counted lets a non-admin's approval complete a quorum; the findings say what
    // the policy's admins can do, so the outsider must not be one of the "k admins" explored.
    const engine = mutantEngine(fourAdmins({ quorum: { escalate: 3, deescalate: 3, onTimeout: 'unchanged' } }), 'outsider-vote-counted');
    for (const symmetry of [true, false]) {
      const f = policyFindings(engine, symmetry)!;
      assert.equal(byLevel(f).immolation!.fewestToReach, 3, `symmetry ${symmetry}`);
      assert.equal(byLevel(f).severed!.fewestToLeave, 3, `symmetry ${symmetry}`);
    }
  });

  it('gives up exactly past --max-states: the whole machine without symmetry, one state per orbit with it', () => {
    // Three of four admins acting: approvals by different admins split states that symmetry merges.
    const engine = referenceEngine(fourAdmins({ quorum: { escalate: 3, deescalate: 3 } }));
    const states = reachable(engine, 3);
    const orbits = new Set(states.map((s) => stateKey(canonicalMachineState(engine.policy, s)))).size;
    assert.ok(orbits < states.length, `${orbits} orbits < ${states.length} states`);
    for (const [symmetry, count] of [[false, states.length], [true, orbits]] as const) {
      assert.notEqual(levelsWith(engine, 3, symmetry, count), undefined, `symmetry ${symmetry}: ${count} states fit`);
      assert.equal(levelsWith(engine, 3, symmetry, count - 1), undefined, `symmetry ${symmetry}: ${count - 1} do not`);
    }
  });
});
