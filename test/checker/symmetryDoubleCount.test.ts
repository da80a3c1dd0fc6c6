import assert from 'node:assert/strict';
import { canonicalCheckState, canonicalMachineState } from '../../checker/symmetry.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { INITIAL_HISTORY, type CheckState } from '../../properties/history.ts';
import { scaledPolicy } from '../../spec/policy.ts';

/**
 * A machine that counts one admin's approval twice (a bug that lets fewer admins than the quorum
 * decide) must still be caught when the checker explores representatives: renaming admins may change who
 * the twice-counted admin is, never turn the two entries into two admins — that would make the
 * buggy state look like a correct one with one more approver and hide the bug.
 */
describe('checker/symmetry: a representative keeps an approval counted twice as one admin counted twice', () => {
  const policy = scaledPolicy(5);
  const initial = referenceEngine(policy).initial();
  const withBooks = (approvals: string[], votes: string[]): CheckState => ({
    machine: { value: initial.value, context: { ...initial.context, proposal: { from: 'standard', to: 'severed', approvals } } },
    history: { ...INITIAL_HISTORY, votes },
  });

  it('renames a twice-counted approver who also voted twice to the first admin, twice', () => {
    const c = canonicalCheckState(policy, withBooks(['a3', 'a3'], ['a3', 'a3']));
    assert.deepEqual(c.machine.context.proposal?.approvals, ['a1', 'a1']);
    assert.deepEqual(c.history.votes, ['a1', 'a1']);
  });

  it('does the same for the approvals of a bare machine state, as the findings see it', () => {
    assert.deepEqual(canonicalMachineState(policy, withBooks(['a4', 'a4'], []).machine).context.proposal?.approvals, ['a1', 'a1']);
    assert.deepEqual(canonicalMachineState(policy, withBooks(['a2', 'a5', 'a5'], []).machine).context.proposal?.approvals, ['a1', 'a2', 'a2']);
  });
});
