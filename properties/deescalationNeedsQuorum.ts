import { levelIndex } from '../spec/levels.ts';
import { describeEvent } from '../spec/events.ts';
import { levelOf } from '../machines/engine.ts';
import { countedVotes } from './history.ts';
import type { GuillotineProperty } from './property.ts';

/**
 * `deescalation-needs-quorum` (policy): every drop in level applies a de-escalation proposal
 * holding at least the de-escalation quorum of distinct admin approvals made *for that proposal*
 * (counted from the history, not from the machine's own books), and drops at most
 * `deescalation.maxStep` levels.
 */
export const deescalationNeedsQuorum: GuillotineProperty = {
  id: 'deescalation-needs-quorum',
  kind: 'policy',
  statement: 'Every drop in level applies a de-escalation proposal holding the de-escalation quorum of distinct approvals made for it, and drops at most deescalation.maxStep levels.',
  check: {
    on: 'transition',
    verdict: ({ policy, before, event, after }) => {
      const from = levelOf(before.machine);
      const to = levelOf(after.machine);
      const drop = levelIndex(from) - levelIndex(to);
      if (drop <= 0) return true;
      if (drop > policy.deescalation.maxStep) return `the level dropped ${drop} levels (${from} → ${to}); at most ${policy.deescalation.maxStep} allowed`;
      const proposal = before.machine.context.proposal;
      let votes: string[];
      if (event.type === 'approve' && proposal !== null) {
        if (proposal.to !== to || proposal.from !== from) return `the level dropped to ${to}, but the open proposal was ${proposal.from} → ${proposal.to}`;
        votes = countedVotes(policy, before.history.votes, event.admin);
      } else if (event.type === 'propose' && proposal === null && event.target === to) {
        votes = countedVotes(policy, [], event.admin);
      } else {
        return `the level dropped from ${from} to ${to} on "${describeEvent(event)}", which applies no de-escalation proposal`;
      }
      if (votes.length < policy.quorum.deescalate) {
        return `the level dropped from ${from} to ${to} with ${votes.length} distinct admin approval(s) made for the proposal (${votes.join(', ') || 'none'}); the de-escalation quorum is ${policy.quorum.deescalate}`;
      }
      return true;
    },
  },
  vacuity: [{ name: 'a de-escalation is applied', witness: (s, via) => via !== undefined && levelIndex(levelOf(s.machine)) < levelIndex(levelOf(via.from.machine)) }],
};
