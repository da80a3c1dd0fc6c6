/**
 * The protocol's decisions as pure functions of (policy, context, event): who may propose, which
 * approvals count, when a quorum is reached, what a fail-safe raises the level to. The statechart
 * in `guillotine.ts` names these as its guards and context updates; nothing else decides them.
 *
 * Keeping them pure (no XState types) lets two interpreters run the same machine: XState itself,
 * and the checker's compiled interpreter, which a test proves equivalent on the reachable graph.
 */
import { ACTUATORS, CAPABILITIES, actuatorPositions, levelAt, levelIndex, maxLevel, minLevel, type Actuator, type Capabilities, type Level } from '../spec/levels.ts';
import { adminIds, isIrreversible, quorumFor, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';

/** An open proposal: approvals are bound to it, from-level and to-level included. */
export interface Proposal {
  readonly from: Level;
  readonly to: Level;
  /** Distinct admins who approved, in policy order; the proposer's opening counts as one. */
  readonly approvals: readonly string[];
}

/** The machine's extended state. `level` and `rebooting` mirror the active states of their regions. */
export interface GuillotineContext {
  readonly level: Level;
  readonly rebooting: boolean;
  readonly proposal: Proposal | null;
  readonly missedHeartbeats: number;
  /** What the hypervisor currently commands: the capability row of the level it last entered. */
  readonly outputs: Capabilities;
  /** Actuators commanded to a new position that have not yet confirmed, in ACTUATORS order. */
  readonly pendingActuators: readonly Actuator[];
}

/** Why a level change happened; every internal `isolation.set` carries one. */
export type LevelCause = 'quorum' | 'timeout' | 'heartbeat' | 'mce' | 'assertion-failure' | 'alarm' | 'actuator-fault';

/** Events the machine raises to itself; they never come from outside. */
export type InternalEvent =
  | { readonly type: 'isolation.set'; readonly to: Level; readonly cause: LevelCause }
  | { readonly type: 'isolation.changed' }
  | { readonly type: 'hypervisor.down' };

export type MachineEvent = GuillotineEvent | InternalEvent;

export function initialContext(): GuillotineContext {
  return { level: 'standard', rebooting: false, proposal: null, missedHeartbeats: 0, outputs: CAPABILITIES.standard, pendingActuators: [] };
}

/** Whether the isolation region has an edge from one level to another (irreversible levels only go up). */
export function moveAllowed(policy: Policy, from: Level, to: Level): boolean {
  if (from === to) return false;
  return levelIndex(to) > levelIndex(from) || !isIrreversible(policy, from);
}

// ---------------------------------------------------------------- proposals and quorums

/** Why a proposal is refused, or null when it may open. */
export function proposalRefusal(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): string | null {
  if (event.type !== 'propose') return 'not a proposal';
  if (ctx.rebooting) return 'the hypervisor is rebooting; proposals resume after reboot-complete';
  if (ctx.proposal !== null) return `a proposal (${ctx.proposal.from} → ${ctx.proposal.to}) is already open; at most one at a time`;
  if (!adminIds(policy).includes(event.admin)) return `${JSON.stringify(event.admin)} is not an admin of this policy`;
  if (event.target === ctx.level) return `the level is already ${ctx.level}`;
  const down = levelIndex(ctx.level) - levelIndex(event.target);
  if (down > 0 && isIrreversible(policy, ctx.level)) return `${ctx.level} is irreversible; nothing lowers it`;
  if (down > policy.deescalation.maxStep) return `a de-escalation drops at most ${policy.deescalation.maxStep} level(s) per proposal (asked ${down})`;
  return null;
}

/** The proposal an accepted `propose` opens, with the proposer's approval. */
export function openedProposal(ctx: GuillotineContext, event: GuillotineEvent): Proposal {
  if (event.type !== 'propose') throw new TypeError('openedProposal needs a propose event');
  return { from: ctx.level, to: event.target, approvals: [event.admin] };
}

/** Whether opening this proposal already meets its quorum (a quorum of 1). */
export function proposalCompletesQuorum(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): boolean {
  if (event.type !== 'propose' || proposalRefusal(policy, ctx, event) !== null) return false;
  return 1 >= quorumFor(policy, ctx.level, event.target);
}

/** Why an approval does not count, or null when it counts for the open proposal. */
export function approvalRefusal(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): string | null {
  if (event.type !== 'approve') return 'not an approval';
  if (ctx.proposal === null) return 'no proposal is open';
  if (!adminIds(policy).includes(event.admin)) return `${JSON.stringify(event.admin)} is not an admin of this policy`;
  if (ctx.proposal.approvals.includes(event.admin)) return `${event.admin} already approved this proposal`;
  return null;
}

/** Whether this approval brings the open proposal to its quorum. */
export function approvalCompletesQuorum(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): boolean {
  if (approvalRefusal(policy, ctx, event) !== null || ctx.proposal === null) return false;
  return ctx.proposal.approvals.length + 1 >= quorumFor(policy, ctx.proposal.from, ctx.proposal.to);
}

/** The proposal with one more approval, kept in policy order so equal sets have equal keys. */
export function withApproval(policy: Policy, proposal: Proposal, admin: string): Proposal {
  const approvals = adminIds(policy).filter((id) => id === admin || proposal.approvals.includes(id));
  return { ...proposal, approvals };
}

/** Whether an expiring proposal is applied: an escalation under `onTimeout: "restrictive"`. */
export function timeoutApplies(policy: Policy, ctx: GuillotineContext): boolean {
  return ctx.proposal !== null && policy.quorum.onTimeout === 'restrictive' && levelIndex(ctx.proposal.to) > levelIndex(ctx.proposal.from);
}

// ---------------------------------------------------------------- fail-safes

/** The level a fault (MCE or assertion failure) reboots into: never lower than the current one. */
export function rebootTarget(policy: Policy, ctx: GuillotineContext): Level {
  return maxLevel(ctx.level, policy.faults.rebootLevel);
}

/** The level the physical hypervisor forces when heartbeats stop. */
export function heartbeatTarget(ctx: GuillotineContext): Level {
  return maxLevel(ctx.level, 'offline');
}

export function missLimitReached(policy: Policy, ctx: GuillotineContext): boolean {
  return ctx.missedHeartbeats + 1 >= policy.heartbeat.missLimit;
}

/** The level a detector alarm asks for, capped by the policy. */
export function alarmTarget(policy: Policy, event: GuillotineEvent): Level {
  if (event.type !== 'alarm') throw new TypeError('alarmTarget needs an alarm event');
  return minLevel(event.level, policy.detector.maxLevel);
}

export function alarmRaisesLevel(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): boolean {
  return event.type === 'alarm' && levelIndex(alarmTarget(policy, event)) > levelIndex(ctx.level);
}

export function actuatorPending(ctx: GuillotineContext, event: GuillotineEvent): boolean {
  return (event.type === 'actuator-confirm' || event.type === 'actuator-fault') && ctx.pendingActuators.includes(event.actuator);
}

/** Whether an actuator fault escalates (below the policy's cap) rather than alerting the admins. */
export function faultEscalates(policy: Policy, ctx: GuillotineContext): boolean {
  return levelIndex(ctx.level) < levelIndex(policy.actuators.escalateOnFailureUpTo) && levelIndex(ctx.level) < levelIndex('immolation');
}

/** One level up from the current one: where an actuator fault escalates to. */
export function faultTarget(ctx: GuillotineContext): Level {
  return levelAt(Math.min(levelIndex(ctx.level) + 1, levelIndex('immolation')));
}

// ---------------------------------------------------------------- entering a level

/**
 * The context after entering a level: the new capability row is commanded, and every actuator
 * whose position changes is pending until it confirms.
 */
export function enteredLevel(ctx: GuillotineContext, level: Level): GuillotineContext {
  const before = positionsOf(ctx.outputs);
  const after = actuatorPositions(level);
  const pending = ACTUATORS.filter((a) => ctx.pendingActuators.includes(a) || before[a] !== after[a]);
  return { ...ctx, level, outputs: CAPABILITIES[level], pendingActuators: pending };
}

function positionsOf(outputs: Capabilities): Record<Actuator, 'engaged' | 'released'> {
  return {
    'network-relay': outputs.networkRelay === 'open' ? 'engaged' : 'released',
    'model-power': outputs.modelPower === 'off' ? 'engaged' : 'released',
    'hardware-destruction': outputs.modelHardware === 'destroyed' ? 'engaged' : 'released',
    'facility-destruction': outputs.facility === 'destroyed' ? 'engaged' : 'released',
  };
}
