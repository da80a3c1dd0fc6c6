/**
 * The protocol's rules (docs/protocol.md §3), written once over {@link ProtocolOps}: every guard,
 * context update and raised level change the statechart names (`machineConfig` in `guillotine.ts`
 * names them; this file says what each one is), and the clauses behind the two refusals that
 * explain themselves, proposals and approvals. Nothing else in the workbench decides these things:
 * XState, the reference engine, the checker's generated code, the Promela and TLA+ exports and the
 * Horn clauses all interpret these functions.
 *
 * A spec mutant (`mutants.ts`) is a change to one of these named rules, so every interpretation —
 * the exports included — checks the same broken machine.
 */
import { ACTUATORS, CAPABILITIES, LEVELS, actuatorPositions, levelIndex, type Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import {
  LEVEL, NO_LEVEL, maxOf, minOf, ne, oneOf, pendingAt, quorumOf,
  type ContextUpdate, type ContextView, type EventView, type ProtocolOps, type RaisedEvent, type RuleParams,
} from './protocolOps.ts';
import type { GuillotineContext } from './protocol.ts';

/** A guard: whether a transition is enabled, on the state before the microstep. */
export interface GuardRule {
  <B, N, V, S>(o: ProtocolOps<B, N, V, S>, policy: Policy, c: ContextView<B, N, S>, e: EventView<N, V>, params: RuleParams): B;
}

/** A context update: the fields an action changes, from the context as the previous action left it. */
export interface UpdateRule {
  <B, N, V, S>(o: ProtocolOps<B, N, V, S>, policy: Policy, c: ContextView<B, N, S>, e: EventView<N, V>, params: RuleParams): ContextUpdate<B, N, S>;
}

/** A raised event: what a transition tells the other regions, computed when the action runs. */
export interface RaiseRule {
  <B, N, V, S>(o: ProtocolOps<B, N, V, S>, policy: Policy, c: ContextView<B, N, S>, e: EventView<N, V>, params: RuleParams): RaisedEvent<N>;
}

/** One condition of a refusal, and what the refusal says when it fails (in concrete terms, for people). */
export interface RefusalClause {
  readonly holds: GuardRule;
  readonly says: (policy: Policy, ctx: GuillotineContext, event: GuillotineEvent) => string;
}

/** The named rules of one machine: the correct one ({@link PROTOCOL_RULES}) or a mutant of it. */
export interface ProtocolRules {
  readonly guards: Readonly<Record<string, GuardRule>>;
  readonly updates: Readonly<Record<string, UpdateRule>>;
  readonly raises: Readonly<Record<string, RaiseRule>>;
  /** The clauses of the refusals that explain themselves, in the order a refusal names the first failing one. */
  readonly refusals: { readonly proposal: readonly RefusalClause[]; readonly approval: readonly RefusalClause[] };
}

/** A parameter the config gives a guard or an action; its absence is a config error. */
export function param(params: RuleParams, key: string): string {
  const value = params?.[key];
  if (value === undefined) throw new Error(`machine action or guard is missing its "${key}" parameter`);
  return value;
}

/** A level parameter, as a level number. */
function levelParam(params: RuleParams, key: string): number {
  const name = param(params, key);
  const i = LEVELS.indexOf(name as Level);
  if (i < 0) throw new Error(`machine action or guard parameter "${key}" is ${JSON.stringify(name)}, not a level`);
  return i;
}

/** The levels a policy makes irreversible, as level numbers. */
export function irreversibleLevels(policy: Policy): number[] {
  return policy.irreversible.map(levelIndex);
}

const describeProposal = (ctx: GuillotineContext) => (ctx.proposal === null ? 'none' : `${ctx.proposal.from} → ${ctx.proposal.to}`);
const adminOf = (event: GuillotineEvent) => ('admin' in event ? event.admin : '?');

// ---------------------------------------------------------------- proposals and approvals

/** A proposal opens only when every clause holds; the first that fails is its refusal's reason. */
const PROPOSAL_CLAUSES: readonly RefusalClause[] = [
  { holds: (o, _p, c) => o.not(c.rebooting), says: () => 'the hypervisor is rebooting; proposals resume after reboot-complete' },
  { holds: (o, _p, c) => o.not(c.open), says: (_p, ctx) => `a proposal (${describeProposal(ctx)}) is already open; at most one at a time` },
  { holds: (o, _p, _c, e) => (e.type === 'propose' ? o.isAdmin(e.admin) : o.bool(false)), says: (_p, _ctx, e) => `${JSON.stringify(adminOf(e))} is not an admin of this policy` },
  { holds: (o, _p, c, e) => (e.type === 'propose' ? ne(o, e.target, c.level) : o.bool(false)), says: (_p, ctx) => `the level is already ${ctx.level}` },
  {
    holds: (o, p, c, e) => (e.type === 'propose' ? o.not(o.and(o.lt(e.target, c.level), oneOf(o, c.level, irreversibleLevels(p)))) : o.bool(false)),
    says: (_p, ctx) => `${ctx.level} is irreversible; nothing lowers it`,
  },
  {
    holds: (o, _p, c, e) => (e.type === 'propose' ? o.le(o.sub(c.level, e.target), o.knob('maxStep')) : o.bool(false)),
    says: (p, ctx, e) => `a de-escalation drops at most ${p.deescalation.maxStep} level(s) per proposal (asked ${e.type === 'propose' ? levelIndex(ctx.level) - levelIndex(e.target) : '?'})`,
  },
];

/** An approval counts only when every clause holds; the first that fails is its refusal's reason. */
const APPROVAL_CLAUSES: readonly RefusalClause[] = [
  { holds: (_o, _p, c) => c.open, says: () => 'no proposal is open' },
  { holds: (o, _p, _c, e) => (e.type === 'approve' ? o.isAdmin(e.admin) : o.bool(false)), says: (_p, _ctx, e) => `${JSON.stringify(adminOf(e))} is not an admin of this policy` },
  { holds: (o, _p, c, e) => (e.type === 'approve' ? o.not(o.has(c.approvals, e.admin)) : o.bool(false)), says: (_p, _ctx, e) => `${adminOf(e)} already approved this proposal` },
];

/** Whether every clause holds. */
function allHold(clauses: readonly RefusalClause[]): GuardRule {
  return (o, p, c, e, params) => o.and(...clauses.map((clause) => clause.holds(o, p, c, e, params)));
}

const proposalAllowed: GuardRule = allHold(PROPOSAL_CLAUSES);
const approvalCounts: GuardRule = allHold(APPROVAL_CLAUSES);

// ---------------------------------------------------------------- entering a level

/** The levels at which an actuator is engaged (its output in the capability row moved). */
const ENGAGED_AT: readonly (readonly number[])[] = ACTUATORS.map((a) => LEVELS.flatMap((level, i) => (actuatorPositions(level)[a] === 'engaged' ? [i] : [])));

/**
 * Entering a level commands its capability row; every actuator whose position changes from the row
 * commanded before becomes pending until it confirms (and one already pending stays so).
 */
const enterLevel: UpdateRule = (o, _p, c, _e, params) => {
  const level = levelParam(params, 'level');
  const pending = c.pending.map((p, a) => {
    const engagedBefore = oneOf(o, c.commanded, ENGAGED_AT[a]!);
    return o.or(p, ENGAGED_AT[a]!.includes(level) ? o.not(engagedBefore) : engagedBefore);
  });
  return { level: o.int(level), commanded: o.int(level), pending };
};

// ---------------------------------------------------------------- the rules

/** The rules of the correct machine. */
export const PROTOCOL_RULES: ProtocolRules = {
  guards: {
    proposalAllowed,
    /** The proposer alone is a quorum: a quorum of 1 for the proposal's direction. */
    proposalCompletesQuorum: (o, p, c, e, params) => (e.type === 'propose' ? o.and(proposalAllowed(o, p, c, e, params), o.le(quorumOf(o, c.level, e.target), o.int(1))) : o.bool(false)),
    approvalRefused: (o, p, c, e, params) => o.not(approvalCounts(o, p, c, e, params)),
    /** The approval brings the open proposal's distinct approvals to its quorum. */
    approvalCompletesQuorum: (o, p, c, e, params) => o.and(approvalCounts(o, p, c, e, params), o.le(quorumOf(o, c.from, c.to), o.add(o.size(c.approvals), o.int(1)))),
    /** An expiring proposal is applied when it escalates and the policy resolves to the more restrictive level. */
    timeoutApplies: (o, p, c) => o.and(c.open, o.bool(p.quorum.onTimeout === 'restrictive'), o.lt(c.from, c.to)),
    hypervisorRebooting: (_o, _p, c) => c.rebooting,
    missLimitReached: (o, _p, c) => o.le(o.knob('missLimit'), o.add(c.missed, o.int(1))),
    /** The alarm, capped by the detector's maximum, asks for more than the current level. */
    alarmRaisesLevel: (o, p, c, e) => (e.type === 'alarm' ? o.lt(c.level, minOf(o, e.level, o.int(LEVEL[p.detector.maxLevel]))) : o.bool(false)),
    actuatorPending: (o, _p, c, e) => (e.type === 'actuator-confirm' || e.type === 'actuator-fault' ? pendingAt(o, c.pending, e.actuator) : o.bool(false)),
    actuatorIdle: (o, _p, c, e) => (e.type === 'actuator-confirm' || e.type === 'actuator-fault' ? o.not(pendingAt(o, c.pending, e.actuator)) : o.bool(true)),
    /** An actuator fault escalates below the policy's cap; at or beyond it the admins are alerted. */
    faultEscalates: (o, p, c) => o.and(o.lt(c.level, o.int(LEVEL[p.actuators.escalateOnFailureUpTo])), o.lt(c.level, o.int(LEVEL.immolation))),
    setsLevel: (o, _p, _c, e, params) => (e.type === 'isolation.set' ? o.eq(e.to, o.int(levelParam(params, 'level'))) : o.bool(false)),
  },
  updates: {
    enterLevel,
    openProposal: (o, _p, c, e) => (e.type === 'propose' ? { open: o.bool(true), from: c.level, to: e.target, approvals: o.onlyVoter(e.admin) } : {}),
    /** A distinct admin's approval joins the proposal; a non-admin never does. */
    recordApproval: (o, _p, c, e) => (e.type === 'approve' ? { approvals: o.iteSet(o.and(c.open, o.isAdmin(e.admin)), o.withVoter(c.approvals, e.admin), c.approvals) } : {}),
    clearProposal: (o) => ({ open: o.bool(false), from: o.int(0), to: o.int(0), approvals: o.noVoters() }),
    resetWatchdog: (o) => ({ missed: o.int(0) }),
    countMissedHeartbeat: (o, _p, c) => ({ missed: o.add(c.missed, o.int(1)) }),
    markRebooting: (o) => ({ rebooting: o.bool(true) }),
    markRunning: (o) => ({ rebooting: o.bool(false) }),
    confirmActuator: (o, _p, c, e) => (e.type === 'actuator-confirm' ? { pending: c.pending.map((p, i) => o.and(p, ne(o, e.actuator, o.int(i)))) } : {}),
  },
  raises: {
    applyProposal: (o, _p, c) => ({ type: 'isolation.set', to: o.ite(c.open, c.to, c.level), cause: 'quorum' }),
    applyProposedTarget: (o, _p, c, e) => ({ type: 'isolation.set', to: e.type === 'propose' ? e.target : c.level, cause: 'quorum' }),
    applyExpiredProposal: (o, _p, c) => ({ type: 'isolation.set', to: o.ite(c.open, c.to, c.level), cause: 'timeout' }),
    /** The physical hypervisor forces offline when heartbeats stop, never lower than the current level. */
    heartbeatFailsafe: (o, _p, c) => ({ type: 'isolation.set', to: maxOf(o, c.level, o.int(LEVEL.offline)), cause: 'heartbeat' }),
    /** A fault reboots into the reboot level, never lower than the current one. */
    rebootFailsafe: (o, p, c, e) => ({ type: 'isolation.set', to: maxOf(o, c.level, o.int(LEVEL[p.faults.rebootLevel])), cause: e.type === 'mce' ? 'mce' : 'assertion-failure' }),
    /** The level an alarm asks for, capped by the detector's maximum. */
    alarmFailsafe: (o, p, c, e) => ({ type: 'isolation.set', to: e.type === 'alarm' ? minOf(o, e.level, o.int(LEVEL[p.detector.maxLevel])) : c.level, cause: 'alarm' }),
    /** One level up from the current one. */
    actuatorFailsafe: (o, _p, c) => ({ type: 'isolation.set', to: minOf(o, o.add(c.level, o.int(1)), o.int(LEVEL.immolation)), cause: 'actuator-fault' }),
    levelChanged: () => ({ type: 'isolation.changed' }),
    hypervisorDown: () => ({ type: 'hypervisor.down' }),
  },
  refusals: { proposal: PROPOSAL_CLAUSES, approval: APPROVAL_CLAUSES },
};

/**
 * The capability row a context commands, as a level number (the rows of §2 are pairwise distinct),
 * or `NO_LEVEL` when the outputs are no row at all — a mixture no machine of the rules commands,
 * but one an implementation's log can report; `level-capabilities` then refuses it by name.
 */
export function commandedLevel(outputs: GuillotineContext['outputs']): number {
  const row = LEVELS.findIndex((level) => CAPABILITIES[level] === outputs);
  if (row >= 0) return row;
  const i = LEVELS.findIndex((level) => sameRow(CAPABILITIES[level], outputs));
  return i < 0 ? NO_LEVEL : i;
}

function sameRow(a: GuillotineContext['outputs'], b: GuillotineContext['outputs']): boolean {
  return a.modelCores === b.modelCores && a.ports === b.ports && a.networkRelay === b.networkRelay && a.modelPower === b.modelPower && a.modelHardware === b.modelHardware && a.facility === b.facility;
}
