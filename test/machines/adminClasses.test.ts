import assert from 'node:assert/strict';
import fc from 'fast-check';
import { adminClasses, adminClassOf, representativeAdmins, type AdminMarks } from '../../machines/adminClasses.ts';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { referenceEngine, type SystemState } from '../../machines/engine.ts';
import { breadthFirst } from '../../machines/reachability.ts';
import { stateKey } from '../../machines/stateKey.ts';
import { canonicalMachineState } from '../../checker/symmetry.ts';
import { adminIds, type Policy } from '../../spec/policy.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { SEED } from '../seed.ts';

const ADMINS = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];

/** Marks over the admins and an outsider, in any order, and half the time in the usual shape (a prefix, votes the same or none). */
const marks: fc.Arbitrary<{ admins: string[]; marks: AdminMarks }> = fc.integer({ min: 0, max: ADMINS.length }).chain((n) => {
  const admins = ADMINS.slice(0, n);
  const anyList = fc.subarray([...ADMINS, 'outsider']).chain((l) => fc.shuffledSubarray(l, { minLength: l.length, maxLength: l.length }));
  const usual = fc.tuple(fc.integer({ min: 0, max: n }), fc.boolean()).map(([k, voted]) => ({ approvals: admins.slice(0, k), votes: voted ? admins.slice(0, k) : [] }));
  return fc.oneof(fc.record({ approvals: anyList, votes: anyList }), usual).map((m) => ({ admins, marks: m }));
});

describe(`machines/adminClasses: the one notion of admins the protocol cannot tell apart (fast-check seed ${SEED})`, () => {
  it('numbers the classes as the compiled checker counts them: 0 approved and voted, 1 approved only, 2 voted only, 3 neither', () => {
    assert.deepEqual([adminClassOf(true, true), adminClassOf(true, false), adminClassOf(false, true), adminClassOf(false, false)], [0, 1, 2, 3]);
  });

  it(`partitions the admins by class, each class in the admins' order (seed ${SEED})`, () => {
    fc.assert(
      fc.property(marks, ({ admins, marks: m }) => {
        const classes = adminClasses(admins, m);
        assert.deepEqual([...classes.flat()].sort(), [...admins].sort());
        classes.forEach((members, c) => {
          for (const id of members) assert.equal(adminClassOf(m.approvals.includes(id), m.votes.includes(id)), c);
          assert.deepEqual(members, admins.filter((id) => members.includes(id)));
        });
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it(`picks the first admin of each non-empty class, in the admins' order, on the fast path and off it (seed ${SEED})`, () => {
    fc.assert(
      fc.property(marks, ({ admins, marks: m }) => {
        const expected = admins.filter((id, i) => admins.findIndex((other) => adminClassOf(m.approvals.includes(other), m.votes.includes(other)) === adminClassOf(m.approvals.includes(id), m.votes.includes(id))) === i);
        assert.deepEqual(representativeAdmins(admins, m), expected);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('is sound for the machine: two admins of one class send the same event to states that are renamings of each other', () => {
    // Three admins, every reachable state, every proposal and approval: swapping the sender within
    // its class changes the successor only by a renaming of admins, and never the acceptance.
    const policy: Policy = parsedPolicy({ admins: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }], quorum: { escalate: 2, deescalate: 3 } });
    const engine = referenceEngine(policy);
    const ids = adminIds(policy);
    const alphabet = eventAlphabet(policy);
    const reached = breadthFirst({ initial: engine.initial(), events: () => alphabet, step: (s: SystemState, e: GuillotineEvent) => engine.step(s, e), successor: (step) => step.state, key: stateKey });
    assert.equal(reached.kind, 'explored');
    if (reached.kind !== 'explored') return;
    let compared = 0;
    for (const state of reached.states) {
      const classes = adminClasses(ids, { approvals: state.context.proposal?.approvals ?? [], votes: [] });
      for (const members of classes) {
        for (const other of members.slice(1)) {
          const first = members[0]!;
          const sends = (admin: string): GuillotineEvent[] => [{ type: 'approve', admin }, ...(['severed', 'standard'] as const).map((target): GuillotineEvent => ({ type: 'propose', admin, target }))];
          sends(first).forEach((e, i) => {
            const a = engine.step(state, e);
            const b = engine.step(state, sends(other)[i]!);
            assert.equal(a.accepted, b.accepted);
            assert.equal(stateKey(canonicalMachineState(policy, a.state)), stateKey(canonicalMachineState(policy, b.state)));
            compared++;
          });
        }
      }
    }
    assert.ok(compared > 100, `compared ${compared} pairs of steps`);
  });
});
