import assert from 'node:assert/strict';
import { checkPolicy, checkPolicyInParallel, type CheckReport } from '../../checker/index.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { fixture } from './fixtures.ts';

/** A report without its timing, the one field allowed to differ. */
const untimed = (r: CheckReport) => ({ ...r, seconds: 0 });

describe('checker/parallelBfs: the search over worker threads gives the one-thread outcome', function () {
  this.timeout(180_000);
  const cases: [string, Policy, Parameters<typeof checkPolicy>[1]][] = [
    ['the default policy, symmetry on', DEFAULT_POLICY, { findings: false }],
    ['an unsafe policy, symmetry off (counterexamples for four properties)', fixture('unsafe-small.json'), { findings: false, symmetry: false }],
    ['a spec mutant: the proposer counted twice', DEFAULT_POLICY, { findings: false, mutant: 'proposer-counted-twice' }],
  ];
  for (const [name, policy, options] of cases) {
    it(`same states, transitions, verdicts and counterexamples with 2 workers: ${name}`, async () => {
      const one = checkPolicy(policy, options);
      const two = await checkPolicyInParallel(policy, 2, options);
      assert.deepEqual(untimed(two), untimed(one));
    });
  }
});

describe('checker/parallelBfs: a parallel check takes the same limits as a one-thread one', function () {
  this.timeout(180_000);
  it('stops near maxStates with the explored properties unknown and no findings', async () => {
    const whole = checkPolicy(DEFAULT_POLICY, { findings: false });
    const stopped = await checkPolicyInParallel(DEFAULT_POLICY, 2, { maxStates: 50 });
    assert.equal(stopped.complete, false);
    // The limit is checked between chunks (at most 2,048 states each), so it may stop a chunk late.
    assert.ok(stopped.states >= 50 && stopped.states < whole.states, `${stopped.states} of ${whole.states} states`);
    assert.ok(stopped.properties.some((p) => p.status === 'unknown'));
    assert.equal(stopped.findings, null);
  });
});
