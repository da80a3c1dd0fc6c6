import { levelOf } from '../machines/engine.ts';
import type { GuillotineProperty } from './property.ts';

/**
 * `approvals-bound-to-proposal` (policy): the open proposal is bound to the current level (any
 * change of level cancels it), and every approval it holds was given to it — never carried over
 * from an earlier proposal or a level that has since changed.
 */
export const approvalsBoundToProposal: GuillotineProperty = {
  id: 'approvals-bound-to-proposal',
  kind: 'policy',
  statement: 'No approval is ever counted for a proposal it was not given to.',
  check: {
    on: 'state',
    verdict: (s) => {
      const proposal = s.machine.context.proposal;
      if (proposal === null) return true;
      const level = levelOf(s.machine);
      if (proposal.from !== level) return `a proposal from ${proposal.from} is still open at ${level}; a change of level must cancel it`;
      const votes = s.history.votes;
      // Both lists are kept in policy order, so equal lists (the usual case) are seen in one pass.
      if (proposal.approvals.length === votes.length && proposal.approvals.every((a, i) => a === votes[i])) return true;
      const stale = proposal.approvals.filter((a) => !s.history.votes.includes(a));
      if (stale.length > 0) return `the proposal ${proposal.from} → ${proposal.to} counts approval(s) from ${stale.join(', ')} that were not given to it`;
      return true;
    },
  },
  vacuity: [{ name: 'a proposal holds two approvals', witness: (s) => (s.machine.context.proposal?.approvals.length ?? 0) >= 2 }],
};
