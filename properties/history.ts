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
import { levelIndex, maxLevel, type Level } from '../spec/levels.ts';
import { adminIds, quorumFor, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { levelOf, type Step, type SystemState } from '../machines/engine.ts';

export interface History {
  /** Admins whose accepted proposal or approval was given to the open proposal, in policy order. */
  readonly votes: readonly string[];
  /** Consecutive heartbeat-missed events since the last accepted heartbeat or fail-safe. */
  readonly misses: number;
  /** An escalation target whose proposal gathered its quorum and is not yet in force. */
  readonly awaiting: Level | null;
  /**
   * While the hypervisor reboots (from an accepted `mce` or `assertion-failure` to the accepted
   * `reboot-complete`), the lowest level allowed: the level at the fault or `faults.rebootLevel`,
   * whichever is higher, raised to every level reached since. Null while the hypervisor runs.
   */
  readonly rebootFloor: Level | null;
}

export interface CheckState {
  readonly machine: SystemState;
  readonly history: History;
}

export const INITIAL_HISTORY: History = { votes: [], misses: 0, awaiting: null, rebootFloor: null };

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

/**
 * The floor a transition is judged against for `reboot-keeps-level`: the reboot's floor before the
 * step, or — on a fault, which starts a reboot — the level at the fault or `faults.rebootLevel`,
 * whichever is higher. Null when the hypervisor neither reboots nor starts to.
 */
export function rebootFloorOf(policy: Policy, before: CheckState, event: GuillotineEvent): Level | null {
  const floor = before.history.rebootFloor;
  if (event.type !== 'mce' && event.type !== 'assertion-failure') return floor;
  const atFault = maxLevel(levelOf(before.machine), policy.faults.rebootLevel);
  return floor === null ? atFault : maxLevel(floor, atFault);
}

/** A decision a step makes about the open proposal (or a proposal it opens), and its target. */
export interface Decision {
  readonly target: Level;
  /** What decided it, in words: "a5's approval brought the proposal to its quorum of 5". */
  readonly how: string;
}

/**
 * The decision an accepted step makes, by the votes really made (the history's, not the machine's
 * approvals): a proposal that is its own quorum, an approval that brings the open proposal to its
 * quorum, or the timeout of an escalation under `onTimeout: "restrictive"`. Null for any other step.
 */
export function decisionOf(policy: Policy, before: CheckState, event: GuillotineEvent): Decision | null {
  const proposal = before.machine.context.proposal;
  const level = levelOf(before.machine);
  if (event.type === 'propose' && proposal === null && event.target !== level) {
    const quorum = quorumFor(policy, level, event.target);
    return countedVotes(policy, [], event.admin).length >= quorum ? { target: event.target, how: `${event.admin}'s proposal is a quorum of ${quorum} on its own` } : null;
  }
  if (event.type === 'approve' && proposal !== null) {
    const quorum = quorumFor(policy, proposal.from, proposal.to);
    const votes = countedVotes(policy, before.history.votes, event.admin);
    const reached = votes.length >= quorum && !before.history.votes.includes(event.admin);
    return reached ? { target: proposal.to, how: `${event.admin}'s approval brought the proposal ${proposal.from} → ${proposal.to} to its quorum of ${quorum}` } : null;
  }
  if (event.type === 'timeout' && proposal !== null && policy.quorum.onTimeout === 'restrictive' && levelIndex(proposal.to) > levelIndex(proposal.from)) {
    return { target: proposal.to, how: `the escalation ${proposal.from} → ${proposal.to} expired under onTimeout "restrictive"` };
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

  // The reboot's floor follows the level up and is dropped once the hypervisor runs again.
  let rebootFloor = event.type === 'reboot-complete' ? null : rebootFloorOf(policy, before, event);
  if (rebootFloor !== null) rebootFloor = maxLevel(rebootFloor, levelOf(after));

  return votes === h.votes && misses === h.misses && awaiting === h.awaiting && rebootFloor === h.rebootFloor ? h : { votes, misses, awaiting, rebootFloor };
}

function byPolicyOrder(policy: Policy) {
  const ids = adminIds(policy);
  const rank = (id: string) => {
    const i = ids.indexOf(id);
    return i < 0 ? ids.length : i;
  };
  return (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
