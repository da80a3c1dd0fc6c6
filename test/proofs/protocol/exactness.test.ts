/**
 * The count abstraction is exact: for every number of admins N from 1 to 9, quorums the policy file
 * allows (docs/protocol.md §6: each from 1 to N) and a miss limit or two, the count system Z3 reasons
 * about — explored here in JavaScript from the same terms — reaches exactly the checker's
 * symmetry-reduced states read as counts, state for state, and refutes exactly the properties the
 * checker refutes, with counterexamples as short. docs/proofs.md, "Why the count abstraction is exact",
 * says why it must.
 *
 * By default a sample of the matrix runs (a few seconds): per N, the corner quorums and the default
 * policy's ratio (and for N ≤ 5 quorums that just intersect, escalate + deescalate = N + 1), with
 * miss limits of 1 and 3 and de-escalation steps of 1 and 2.
 * `npm run exactness` (GUILLOTINE_FULL_EXACTNESS=1) runs all of it: every quorum pair for N = 1..9,
 * miss limits 1 and 3 (570 assignments: 50 s of CPU, two minutes of wall time on a loaded 2-core machine).
 */
import assert from 'node:assert/strict';
import { scaledPolicy } from '../../../spec/policy.ts';
import type { KnobValues } from '../../../proofs/protocol/explore.ts';
import { compareAt, compiledCounts } from './countsAndChecker.ts';

const FULL = process.env.GUILLOTINE_FULL_EXACTNESS === '1';
const MAX_ADMINS = 9;

/** The assignments of the knobs to compare: the whole matrix, or a sample of it with every N. */
function matrix(): KnobValues[] {
  const out: KnobValues[] = [];
  const seen = new Set<string>();
  const add = (k: KnobValues) => {
    const id = JSON.stringify(k);
    if (!seen.has(id)) seen.add(id), out.push(k);
  };
  for (let admins = 1; admins <= MAX_ADMINS; admins++) {
    if (FULL) {
      for (let escalate = 1; escalate <= admins; escalate++)
        for (let deescalate = 1; deescalate <= admins; deescalate++) for (const missLimit of [1, 3]) add({ admins, escalate, deescalate, missLimit, maxStep: 1 });
      continue;
    }
    const scaled = scaledPolicy(admins).quorum;
    const majority = Math.floor(admins / 2) + 1;
    add({ admins, escalate: 1, deescalate: 1, missLimit: 1, maxStep: 1 });
    add({ admins, escalate: admins, deescalate: admins, missLimit: 3, maxStep: 1 });
    add({ admins, escalate: scaled.escalate, deescalate: scaled.deescalate, missLimit: 3, maxStep: admins % 2 === 0 ? 2 : 1 });
    if (admins <= 5) add({ admins, escalate: majority, deescalate: admins + 1 - majority, missLimit: 1, maxStep: 1 });
  }
  return out;
}

describe('proofs/protocol: the count abstraction is exact against the checker', () => {
  it(`reaches the checker's symmetry-reduced states as counts, state for state, and refutes what it refutes, for N = 1..${MAX_ADMINS}${FULL ? ' and every quorum pair' : ' (a sample of the quorum pairs; npm run exactness for all)'}`, () => {
    const c = compiledCounts();
    const cases = matrix();
    let states = 0;
    const failures: string[] = [];
    const refutedSomewhere = new Set<string>();
    for (const knobs of cases) {
      const r = compareAt(c, knobs);
      states += r.exploration.states.length;
      r.refuted.forEach((p) => refutedSomewhere.add(p));
      if (r.differences.length > 0) failures.push(`${JSON.stringify(knobs)}: ${r.differences.join('; ')}`);
    }
    assert.deepEqual(failures, [], `the count system and the checker differ at ${failures.length} of ${cases.length} assignments of the knobs`);
    // The correct machine breaks none of the properties the count system judges, at any quorum (the
    // quorums' own arithmetic, quorum-intersection, is a policy property, judged on the knobs alone).
    assert.deepEqual([...refutedSomewhere], []);
    assert.ok(states > cases.length * 50, `only ${states} states in ${cases.length} explorations: the comparison is not exploring`);
  });

  it('tells apart states that differ only in the miss limit, the quorums or the de-escalation step (the knobs reach the generated code)', () => {
    const c = compiledCounts();
    const base: KnobValues = { admins: 5, escalate: 3, deescalate: 4, missLimit: 3, maxStep: 1 };
    const count = (k: KnobValues) => {
      const r = compareAt(c, k);
      assert.deepEqual(r.differences, [], JSON.stringify(k));
      return r.exploration.states.length;
    };
    const at = count(base);
    for (const changed of [{ missLimit: 1 }, { escalate: 1 }, { deescalate: 5 }, { maxStep: 3 }]) {
      assert.notEqual(count({ ...base, ...changed }), at, `changing ${JSON.stringify(changed)} leaves ${at} states`);
    }
  });
});
