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
    clauses: [
      {
        holds: (o, _p, s) => o.or(o.not(s.context.open), o.eq(s.context.from, s.isolation)),
        says: (s) => `a proposal from ${s.machine.context.proposal?.from} is still open at ${levelOf(s.machine)}; a change of level must cancel it`,
      },
      {
        holds: (o, _p, s) => o.or(o.not(s.context.open), o.subset(s.context.approvals, s.history.votes)),
        says: (s) => {
          const p = s.machine.context.proposal!;
          const stale = p.approvals.filter((a) => !s.history.votes.includes(a));
          return `the proposal ${p.from} → ${p.to} counts approval(s) from ${stale.join(', ')} that were not given to it`;
        },
      },
    ],
  },
  vacuity: [{ name: 'a proposal holds two approvals', witness: (o, _p, s) => o.le(o.int(2), o.size(s.context.approvals)) }],
};
