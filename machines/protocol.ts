/**
 * The machine's extended state as objects (`GuillotineContext`), the events it raises to itself, and
 * the protocol's decisions asked in concrete terms: who may propose, which approvals count, when a
 * quorum is reached, what a fail-safe raises the level to. Each decision here is the rule of
 * `rules.ts` run by the concrete interpretation (`concreteOps.ts`) — a question a test, a reviewer
 * or the visualizer can ask of the one definition, never a second copy of it.
 */
import { CAPABILITIES, LEVELS, levelIndex, type Actuator, type Capabilities, type Level } from '../spec/levels.ts';
import { isIrreversible, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { LevelCause } from './protocolOps.ts';
import { PROTOCOL_RULES, type GuardRule, type RefusalClause } from './rules.ts';
import type { RuleParams } from './protocolOps.ts';
import { applyUpdate, concreteOps, contextView, eventView } from './concreteOps.ts';

export type { LevelCause } from './protocolOps.ts';

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

/** Events the machine raises to itself; they never come from outside. */
export type InternalEvent =
  | { readonly type: 'isolation.set'; readonly to: Level; readonly cause: LevelCause }
  | { readonly type: 'isolation.changed' }
  | { readonly type: 'hypervisor.down' };

export type MachineEvent = GuillotineEvent | InternalEvent;

export function initialContext(): GuillotineContext {
  return { level: 'standard', rebooting: false, proposal: null, missedHeartbeats: 0, outputs: CAPABILITIES.standard, pendingActuators: [] };
}

/**
 * Whether the isolation region has an edge from one level to another (irreversible levels only go
 * up). This is the statechart's shape, not a rule: `machineConfig` draws the edges from it.
 */
export function moveAllowed(policy: Policy, from: Level, to: Level): boolean {
  if (from === to) return false;
  return levelIndex(to) > levelIndex(from) || !isIrreversible(policy, from);
}

// ---------------------------------------------------------------- the rules, asked concretely

function guard(rule: GuardRule, policy: Policy, ctx: GuillotineContext, event: GuillotineEvent, params?: RuleParams): boolean {
  return rule(concreteOps(policy), policy, contextView(ctx), eventView(event), params);
}

/** The reason of the first clause that fails, or null when all hold. */
export function refusalOf(clauses: readonly RefusalClause[], policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): string | null {
  const o = concreteOps(policy);
  const c = contextView(ctx);
  const e = eventView(event);
  for (const clause of clauses) if (!clause.holds(o, policy, c, e, undefined)) return clause.says(policy, ctx, event);
  return null;
}

/** Why a proposal is refused, or null when it may open. */
export function proposalRefusal(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): string | null {
  if (event.type !== 'propose') return 'not a proposal';
  return refusalOf(PROTOCOL_RULES.refusals.proposal, policy, ctx, event);
}

/** The proposal an accepted `propose` opens, with the proposer's approval. */
export function openedProposal(ctx: GuillotineContext, event: GuillotineEvent): Proposal {
  if (event.type !== 'propose') throw new TypeError('openedProposal needs a propose event');
  return { from: ctx.level, to: event.target, approvals: [event.admin] };
}

/** Whether opening this proposal already meets its quorum (a quorum of 1). */
export function proposalCompletesQuorum(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): boolean {
  return guard(PROTOCOL_RULES.guards.proposalCompletesQuorum!, policy, ctx, event);
}

/** Why an approval does not count, or null when it counts for the open proposal. */
export function approvalRefusal(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): string | null {
  if (event.type !== 'approve') return 'not an approval';
  return refusalOf(PROTOCOL_RULES.refusals.approval, policy, ctx, event);
}

/** Whether this approval brings the open proposal to its quorum. */
export function approvalCompletesQuorum(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): boolean {
  return event.type === 'approve' && guard(PROTOCOL_RULES.guards.approvalCompletesQuorum!, policy, ctx, event);
}

/** The proposal with one more approval (a non-admin's counts for nothing), in policy order. */
export function withApproval(policy: Policy, proposal: Proposal, admin: string): Proposal {
  const ctx: GuillotineContext = { ...initialContext(), level: proposal.from, proposal };
  const o = concreteOps(policy);
  const update = PROTOCOL_RULES.updates.recordApproval!(o, policy, contextView(ctx), eventView({ type: 'approve', admin }), undefined);
  return applyUpdate(ctx, update).proposal ?? proposal;
}

/** Whether an expiring proposal is applied: an escalation under `onTimeout: "restrictive"`. */
export function timeoutApplies(policy: Policy, ctx: GuillotineContext): boolean {
  return guard(PROTOCOL_RULES.guards.timeoutApplies!, policy, ctx, { type: 'timeout' });
}

/** The level a raise rule asks for. */
function raisedLevel(name: string, policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): Level {
  const raised = PROTOCOL_RULES.raises[name]!(concreteOps(policy), policy, contextView(ctx), eventView(event), undefined);
  if (raised.type !== 'isolation.set') throw new Error(`${name} raises no level change`);
  return LEVELS[raised.to]!;
}

/** The level a fault (MCE or assertion failure) reboots into: never lower than the current one. */
export function rebootTarget(policy: Policy, ctx: GuillotineContext): Level {
  return raisedLevel('rebootFailsafe', policy, ctx, { type: 'mce' });
}

/** The level the physical hypervisor forces when heartbeats stop. */
export function heartbeatTarget(policy: Policy, ctx: GuillotineContext): Level {
  return raisedLevel('heartbeatFailsafe', policy, ctx, { type: 'heartbeat-missed' });
}

export function missLimitReached(policy: Policy, ctx: GuillotineContext): boolean {
  return guard(PROTOCOL_RULES.guards.missLimitReached!, policy, ctx, { type: 'heartbeat-missed' });
}

/** The level a detector alarm asks for, capped by the policy. */
export function alarmTarget(policy: Policy, event: GuillotineEvent): Level {
  if (event.type !== 'alarm') throw new TypeError('alarmTarget needs an alarm event');
  return raisedLevel('alarmFailsafe', policy, initialContext(), event);
}

export function alarmRaisesLevel(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): boolean {
  return guard(PROTOCOL_RULES.guards.alarmRaisesLevel!, policy, ctx, event);
}

export function actuatorPending(policy: Policy, ctx: GuillotineContext, event: GuillotineEvent): boolean {
  return guard(PROTOCOL_RULES.guards.actuatorPending!, policy, ctx, event);
}

/** Whether an actuator fault escalates (below the policy's cap) rather than alerting the admins. */
export function faultEscalates(policy: Policy, ctx: GuillotineContext): boolean {
  return guard(PROTOCOL_RULES.guards.faultEscalates!, policy, ctx, { type: 'actuator-fault', actuator: 'network-relay' });
}

/** One level up from the current one: where an actuator fault escalates to. */
export function faultTarget(policy: Policy, ctx: GuillotineContext): Level {
  return raisedLevel('actuatorFailsafe', policy, ctx, { type: 'actuator-fault', actuator: 'network-relay' });
}

/**
 * The context after entering a level: the new capability row is commanded, and every actuator
 * whose position changes is pending until it confirms.
 */
export function enteredLevel(policy: Policy, ctx: GuillotineContext, level: Level): GuillotineContext {
  const update = PROTOCOL_RULES.updates.enterLevel!(concreteOps(policy), policy, contextView(ctx), { type: 'isolation.changed' }, { level });
  return applyUpdate(ctx, update);
}
