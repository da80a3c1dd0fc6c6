/**
 * The checked state: a machine state plus history variables that some properties need and that
 * the machine itself does not (and must not) keep. They are updated from what is observable —
 * the event, whether the machine accepted it, and the states before and after — never from the
 * machine's internals, so a buggy machine cannot hide a violation by keeping wrong books.
 *
 * In a correct machine each history variable is a function of the machine state (votes equal the
 * proposal's approvals, misses equal the watchdog counter, nothing awaits), so they do not enlarge
 * the state space; they only split states where the machine goes wrong.
 */
import { levelIndex, type Level } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { levelOf, type Step, type SystemState } from '../machines/engine.ts';

export interface History {
  /** Admins whose accepted proposal or approval was given to the open proposal, in policy order. */
  readonly votes: readonly string[];
  /** Consecutive heartbeat-missed events since the last accepted heartbeat or fail-safe. */
  readonly misses: number;
  /** An escalation target whose proposal gathered its quorum and is not yet in force. */
  readonly awaiting: Level | null;
}

export interface CheckState {
  readonly machine: SystemState;
  readonly history: History;
}

export const INITIAL_HISTORY: History = { votes: [], misses: 0, awaiting: null };

/** Distinct admins of the policy among `voters`, plus `extra` (the current event's admin). */
export function countedVotes(policy: Policy, voters: readonly string[], extra?: string): string[] {
  return adminIds(policy).filter((id) => voters.includes(id) || id === extra);
}

/** Whether a transition completes an escalation quorum by the votes really made for the proposal. */
export function completesEscalation(policy: Policy, before: CheckState, event: GuillotineEvent, accepted: boolean): Level | null {
  if (!accepted) return null;
  const proposal = before.machine.context.proposal;
  const level = levelOf(before.machine);
  if (event.type === 'propose' && proposal === null) {
    const up = levelIndex(event.target) > levelIndex(level);
    return up && countedVotes(policy, [], event.admin).length >= policy.quorum.escalate ? event.target : null;
  }
  if (event.type === 'approve' && proposal !== null && levelIndex(proposal.to) > levelIndex(proposal.from)) {
    return countedVotes(policy, before.history.votes, event.admin).length >= policy.quorum.escalate ? proposal.to : null;
  }
  return null;
}

/** The history after a transition. */
export function advanceHistory(policy: Policy, before: CheckState, event: GuillotineEvent, step: Step): History {
  const h = before.history;
  if (!step.accepted) return h;
  const after = step.state;
  const changed = levelOf(after) !== levelOf(before.machine);

  let votes = h.votes;
  if (after.context.proposal === null || changed) votes = [];
  else if (event.type === 'propose') votes = [event.admin];
  else if (event.type === 'approve') votes = [...h.votes.filter((v) => v !== event.admin), event.admin].sort(byPolicyOrder(policy));

  let misses = h.misses;
  if (event.type === 'heartbeat') misses = 0;
  else if (event.type === 'heartbeat-missed') misses = h.misses + 1 >= policy.heartbeat.missLimit ? 0 : h.misses + 1;

  let awaiting = h.awaiting ?? completesEscalation(policy, before, event, step.accepted);
  if (awaiting !== null && levelIndex(levelOf(after)) >= levelIndex(awaiting)) awaiting = null;

  return votes === h.votes && misses === h.misses && awaiting === h.awaiting ? h : { votes, misses, awaiting };
}

function byPolicyOrder(policy: Policy) {
  const ids = adminIds(policy);
  const rank = (id: string) => {
    const i = ids.indexOf(id);
    return i < 0 ? ids.length : i;
  };
  return (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
