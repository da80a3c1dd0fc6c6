import { levelIndex } from '../spec/levels.ts';
import { isIrreversible } from '../spec/policy.ts';
import { describeEvent } from '../spec/events.ts';
import { levelOf } from '../machines/engine.ts';
import { countedVotes } from './history.ts';
import type { GuillotineProperty } from './property.ts';

/**
 * `deescalation-needs-quorum` (policy): every drop in level applies a de-escalation proposal
 * holding at least the de-escalation quorum of distinct admin approvals made *for that proposal*
 * (counted from the history, not from the machine's own books), drops at most
 * `deescalation.maxStep` levels, and never leaves a level the policy lists as irreversible (§3:
 * "never out of an irreversible level"; `irreversible-levels` holds decapitation and immolation to
 * that whatever the policy says, this holds every level the policy adds to them).
 */
export const deescalationNeedsQuorum: GuillotineProperty = {
  id: 'deescalation-needs-quorum',
  kind: 'policy',
  statement: 'Every drop in level applies a de-escalation proposal holding the de-escalation quorum of distinct approvals made for it, drops at most deescalation.maxStep levels, and never leaves a level the policy makes irreversible.',
  check: {
    on: 'transition',
    verdict: ({ policy, before, event, after }) => {
      const from = levelOf(before.machine);
      const to = levelOf(after.machine);
      const drop = levelIndex(from) - levelIndex(to);
      if (drop <= 0) return true;
      if (isIrreversible(policy, from)) return `the level dropped from ${from} to ${to}, but the policy makes ${from} irreversible`;
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
