import assert from 'node:assert/strict';
import { checkPolicy, checkPolicyInParallel, type CheckReport } from '../../checker/index.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';

/** A report without its timing, the one field allowed to differ. */
const untimed = (r: CheckReport) => ({ ...r, seconds: 0 });

// The worker threads keep their own books of the states where an `eventually` condition is false
// (the edges the fair-cycle search needs). On a correct machine no reachable state has
// escalation-liveness's condition false, so only a liveness bug runs that bookkeeping at all.
describe('checker/parallelBfs: a liveness counterexample over worker threads', function () {
  this.timeout(180_000);
  it('finds the same fair lasso with 2 workers as with one thread, for a machine that drops its quorum\'s escalation', async () => {
    const options = { findings: false, mutant: 'quorum-never-applied' } as const;
    const one = checkPolicy(DEFAULT_POLICY, options);
    const liveness = one.properties.find((p) => p.id === 'escalation-liveness')!;
    assert.equal(liveness.status, 'fail');
    assert.ok((liveness.trace?.cycle?.length ?? 0) > 0, 'the counterexample is a lasso with a cycle');
    const two = await checkPolicyInParallel(DEFAULT_POLICY, 2, options);
    assert.deepEqual(untimed(two), untimed(one));
  });
});
