/**
 * The checked state: a machine state plus history variables that some properties need and that
 * the machine itself does not (and must not) keep. They are updated from what is observable —
 * the event, whether the machine accepted it, and the states before and after — never from the
 * machine's internals, so a buggy machine cannot hide a violation by keeping wrong books.
 *
 * In a correct machine each history variable is a function of the machine state (votes equal the
 * proposal's approvals, misses equal the watchdog counter, nothing awaits, the reboot's floor is the
 * level while rebooting), so they do not enlarge the state space; they only split states where the
 * machine goes wrong.
 *
 * The update is written once over the protocol's operations ({@link nextHistory}), so the checker's
 * generated code and the exports keep the same books as {@link advanceHistory} does on objects.
 */
import { LEVELS, type Level } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { levelOf, type Step, type SystemState } from '../machines/engine.ts';
import { LEVEL, NO_LEVEL, maxOf, ne, quorumOf, type ContextView, type EventView, type HistoryView, type ProtocolOps, type StateView } from '../machines/protocolOps.ts';
import { concreteOps, contextView, eventView, type VoterList } from '../machines/concreteOps.ts';

export interface History {
  /** Voters whose accepted proposal or approval was given to the open proposal: admins in policy order, then others. */
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

// ---------------------------------------------------------------- over the operations

/**
 * The escalation target whose quorum an accepted step reaches, by the votes really made (the
 * history's, not the machine's approvals), or `NO_LEVEL`.
 */
export function escalationCompleted<B, N, V, S>(o: ProtocolOps<B, N, V, S>, before: StateView<B, N, S>, e: EventView<N, V>): N {
  const none = o.int(NO_LEVEL);
  const c = before.context;
  if (e.type === 'propose') {
    const reached = o.and(o.not(c.open), o.lt(before.isolation, e.target), o.le(o.knob('escalate'), o.countAdmins(o.onlyVoter(e.admin))));
    return o.ite(reached, e.target, none);
  }
  if (e.type === 'approve') {
    const reached = o.and(c.open, o.lt(c.from, c.to), o.le(o.knob('escalate'), o.countAdmins(o.withVoter(before.history.votes, e.admin))));
    return o.ite(reached, c.to, none);
  }
  return none;
}

/**
 * Whether an accepted step makes a decision about the level, and its target: a proposal that is its
 * own quorum, an approval that brings the open proposal to its quorum (a voter counted once), or the
 * timeout of an escalation under `onTimeout: "restrictive"`.
 */
export function decision<B, N, V, S>(o: ProtocolOps<B, N, V, S>, policy: Policy, before: StateView<B, N, S>, e: EventView<N, V>): { readonly decided: B; readonly target: N } {
  const c = before.context;
  if (e.type === 'propose') {
    return { decided: o.and(o.not(c.open), ne(o, e.target, before.isolation), o.le(quorumOf(o, before.isolation, e.target), o.countAdmins(o.onlyVoter(e.admin)))), target: e.target };
  }
  if (e.type === 'approve') {
    const votes = before.history.votes;
    return { decided: o.and(c.open, o.not(o.has(votes, e.admin)), o.le(quorumOf(o, c.from, c.to), o.countAdmins(o.withVoter(votes, e.admin)))), target: c.to };
  }
  if (e.type === 'timeout') return { decided: o.and(c.open, o.bool(policy.quorum.onTimeout === 'restrictive'), o.lt(c.from, c.to)), target: c.to };
  return { decided: o.bool(false), target: before.isolation };
}

/**
 * The floor a step is judged against for `reboot-keeps-level`: the reboot's floor before the
 * step, or — on a fault, which starts a reboot — the level at the fault or `faults.rebootLevel`,
 * whichever is higher. `NO_LEVEL` when the hypervisor neither reboots nor starts to.
 */
export function rebootFloorFor<B, N, V, S>(o: ProtocolOps<B, N, V, S>, policy: Policy, before: StateView<B, N, S>, e: EventView<N, V>): N {
  const floor = before.history.floor;
  if (e.type !== 'mce' && e.type !== 'assertion-failure') return floor;
  const atFault = maxOf(o, before.isolation, o.int(LEVEL[policy.faults.rebootLevel]));
  return o.ite(o.eq(floor, o.int(NO_LEVEL)), atFault, maxOf(o, floor, atFault));
}

/** The history after an accepted step, from the states before and after it and the event. */
export function nextHistory<B, N, V, S>(
  o: ProtocolOps<B, N, V, S>,
  policy: Policy,
  before: StateView<B, N, S>,
  e: EventView<N, V>,
  after: { readonly isolation: N; readonly context: ContextView<B, N, S> },
): HistoryView<N, S> {
  const h = before.history;
  const none = o.int(NO_LEVEL);
  const changed = ne(o, after.isolation, before.isolation);

  const given = e.type === 'propose' ? o.onlyVoter(e.admin) : e.type === 'approve' ? o.withVoter(h.votes, e.admin) : h.votes;
  const votes = o.iteSet(o.or(o.not(after.context.open), changed), o.noVoters(), given);

  const misses = e.type === 'heartbeat' ? o.int(0) : e.type === 'heartbeat-missed' ? o.ite(o.le(o.knob('missLimit'), o.add(h.misses, o.int(1))), o.int(0), o.add(h.misses, o.int(1))) : h.misses;

  const awaited = o.ite(o.eq(h.awaiting, none), escalationCompleted(o, before, e), h.awaiting);
  const awaiting = o.ite(o.and(ne(o, awaited, none), o.le(awaited, after.isolation)), none, awaited);

  // The reboot's floor follows the level up and is dropped once the hypervisor runs again.
  const floorNow = rebootFloorFor(o, policy, before, e);
  const floor = e.type === 'reboot-complete' ? none : o.ite(o.eq(floorNow, none), none, maxOf(o, floorNow, after.isolation));

  return { votes, misses, awaiting, floor };
}

// ---------------------------------------------------------------- on objects

const optionalLevel = (n: number): Level | null => (n === NO_LEVEL ? null : LEVELS[n]!);
const optionalNumber = (l: Level | null): number => (l === null ? NO_LEVEL : LEVEL[l]);

const views = new WeakMap<CheckState, StateView<boolean, number, VoterList>>();

/** A checked state as the rules read it (one view per state object: states are immutable). */
export function stateView(s: CheckState): StateView<boolean, number, VoterList> {
  let view = views.get(s);
  if (view === undefined) views.set(s, (view = readState(s)));
  return view;
}

function readState(s: CheckState): StateView<boolean, number, VoterList> {
  const h = s.history;
  return {
    isolation: LEVEL[levelOf(s.machine)],
    context: contextView(s.machine.context),
    history: { votes: h.votes, misses: h.misses, awaiting: optionalNumber(h.awaiting), floor: optionalNumber(h.rebootFloor) },
  };
}

/** The history after a transition (unchanged by a rejected one). */
export function advanceHistory(policy: Policy, before: CheckState, event: GuillotineEvent, step: Step): History {
  const h = before.history;
  if (!step.accepted) return h;
  const after = { isolation: LEVEL[levelOf(step.state)], context: contextView(step.state.context) };
  const next = nextHistory(concreteOps(policy), policy, stateView(before), eventView(event), after);
  const votes = next.votes.length === h.votes.length && next.votes.every((v, i) => v === h.votes[i]) ? h.votes : next.votes;
  const awaiting = optionalLevel(next.awaiting);
  const rebootFloor = optionalLevel(next.floor);
  return votes === h.votes && next.misses === h.misses && awaiting === h.awaiting && rebootFloor === h.rebootFloor ? h : { votes, misses: next.misses, awaiting, rebootFloor };
}

/** Distinct admins of the policy among `voters`, plus `extra` (the current event's admin), in policy order. */
export function countedVotes(policy: Policy, voters: readonly string[], extra?: string): string[] {
  return adminIds(policy).filter((id) => voters.includes(id) || id === extra);
}

/** Whether a transition completes an escalation quorum by the votes really made for the proposal. */
export function completesEscalation(policy: Policy, before: CheckState, event: GuillotineEvent, accepted: boolean): Level | null {
  if (!accepted) return null;
  return optionalLevel(escalationCompleted(concreteOps(policy), stateView(before), eventView(event)));
}

/** A decision a step makes about the level, and its target, in words for a report. */
export interface Decision {
  readonly target: Level;
  readonly how: string;
}

/** The decision an accepted step makes ({@link decision}), or null for any other step. */
export function decisionOf(policy: Policy, before: CheckState, event: GuillotineEvent): Decision | null {
  const d = decision(concreteOps(policy), policy, stateView(before), eventView(event));
  if (!d.decided) return null;
  const target = LEVELS[d.target]!;
  const p = before.machine.context.proposal;
  switch (event.type) {
    case 'propose':
      return { target, how: `${event.admin}'s proposal is a quorum of ${quorumWord(policy, levelOf(before.machine), target)} on its own` };
    case 'approve':
      return { target, how: `${event.admin}'s approval brought the proposal ${p?.from} → ${p?.to} to its quorum of ${quorumWord(policy, p!.from, p!.to)}` };
    default:
      return { target, how: `the escalation ${p?.from} → ${p?.to} expired under onTimeout "restrictive"` };
  }
}

function quorumWord(policy: Policy, from: Level, to: Level): number {
  return LEVEL[to] > LEVEL[from] ? policy.quorum.escalate : policy.quorum.deescalate;
}
