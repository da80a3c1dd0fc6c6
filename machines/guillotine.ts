/**
 * The Guillotine system statechart, generated from a policy: the single source of truth of the
 * protocol. Six regions run in parallel:
 *
 * - `isolation`: the six levels (irreversible ones have edges only upwards);
 * - `proposal`: idle / open, with the quorum rules of docs/protocol.md §3;
 * - `watchdog`: the physical hypervisor's heartbeat counter;
 * - `hypervisor`: running / rebooting after a machine-check exception or assertion failure;
 * - `detector`: alarms, capped by the policy;
 * - `actuators`: kill-switch confirmations and faults.
 *
 * Every external event is owned by exactly one region, and in every state that region either
 * takes a transition or rejects the event with a reason (the `reject` effect), so no event is
 * ever silently dropped. Level changes go through one internal event, `isolation.set`, whose
 * `cause` says why; entering a level raises `isolation.changed`, which cancels any open proposal.
 *
 * Guards, context updates and raised events are named here and defined once in `rules.ts`, over
 * the operations of `protocolOps.ts`; XState runs them through {@link machineImplementations}, the
 * other interpreters (the reference engine, the checker's generated code, the exports) read the same
 * rules. Effects — refusal reasons, notes, alerts — are reports for people ({@link EFFECTS}).
 */
import { assign, raise, setup } from 'xstate';
import { LEVELS, levelIndex, type Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { initialContext, moveAllowed, refusalOf, type GuillotineContext, type InternalEvent, type MachineEvent } from './protocol.ts';
import type { LevelCause } from './protocolOps.ts';
import { PROTOCOL_RULES, type ProtocolRules } from './rules.ts';
import type { RuleParams } from './protocolOps.ts';
import { applyUpdate, concreteOps, contextView, eventView, raisedEvent } from './concreteOps.ts';

/** What a step reports besides its new state: rejections with reasons, notes, alerts, level changes. */
export type Effect =
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'alert'; readonly text: string }
  | { readonly kind: 'level'; readonly from: Level; readonly to: Level; readonly cause: LevelCause };

type Params = RuleParams;
type Guard = (ctx: GuillotineContext, event: MachineEvent, params: Params) => boolean;
type Update = (ctx: GuillotineContext, event: MachineEvent, params: Params) => GuillotineContext;
type Raise = (ctx: GuillotineContext, event: MachineEvent, params: Params) => InternalEvent;
/** An effect reads the machine's objects: it is a report for people, never a decision. */
export type EffectOf = (policy: Policy, rules: ProtocolRules, ctx: GuillotineContext, event: MachineEvent, params: Params) => Effect;

/** The named implementations of the machine's guards and actions, for one policy, over the machine's objects. */
export interface MachineImplementations {
  readonly guards: Readonly<Record<string, Guard>>;
  readonly updates: Readonly<Record<string, Update>>;
  readonly raises: Readonly<Record<string, Raise>>;
  readonly effects: Readonly<Record<string, (ctx: GuillotineContext, event: MachineEvent, params: Params) => Effect>>;
  /** The effects that reject the event (so an interpreter can tell acceptance without building reasons). */
  readonly rejections: ReadonlySet<string>;
}

const external = (event: MachineEvent): GuillotineEvent => event as GuillotineEvent;
const param = (params: Params, key: string): string => {
  const value = params?.[key];
  if (value === undefined) throw new Error(`machine action or guard is missing its "${key}" parameter`);
  return value;
};
const reject = (reason: string): Effect => ({ kind: 'reject', reason });

/** The level an alarm asks for after the detector's cap, by the rules' own alarm fail-safe. */
function alarmAsks(policy: Policy, rules: ProtocolRules, ctx: GuillotineContext, event: MachineEvent): Level {
  const raised = rules.raises['alarmFailsafe']!(concreteOps(policy), policy, contextView(ctx), eventView(event), undefined);
  return raised.type === 'isolation.set' ? LEVELS[raised.to]! : ctx.level;
}

/**
 * The effects the statechart names: what a step reports to people (a refusal's reason, a note, an
 * alert, a level change). They decide nothing; the rules do.
 */
export const EFFECTS: Readonly<Record<string, EffectOf>> = {
  rejectProposal: (policy, rules, ctx, e) => reject(refusalOf(rules.refusals.proposal, policy, ctx, external(e)) ?? 'refused'),
  rejectApproval: (policy, rules, ctx, e) => reject(refusalOf(rules.refusals.approval, policy, ctx, external(e)) ?? 'refused'),
  rejectAs: (_policy, _rules, _ctx, _e, params) => reject(param(params, 'reason')),
  rejectUnpendingActuator: (_policy, _rules, _ctx, e) => reject(`${'actuator' in e ? e.actuator : 'the actuator'} has no command awaiting confirmation`),
  note: (_policy, _rules, _ctx, _e, params) => ({ kind: 'note', text: param(params, 'text') }),
  alarmBelowLevel: (policy, rules, ctx, e) => ({ kind: 'note', text: `the alarm asks for ${alarmAsks(policy, rules, ctx, e)} (after the detector cap), not above ${ctx.level}` }),
  alertAdmins: (policy, _rules, ctx, e) => ({ kind: 'alert', text: `${'actuator' in e ? e.actuator : 'an actuator'} did not confirm at ${ctx.level}; escalation stops at ${policy.actuators.escalateOnFailureUpTo}, so the admins are alerted` }),
  levelSet: (_policy, _rules, ctx, e) => ({ kind: 'level', from: ctx.level, to: e.type === 'isolation.set' ? e.to : ctx.level, cause: e.type === 'isolation.set' ? e.cause : 'alarm' }),
};

/** The effects that reject the event. */
export const REJECTIONS: ReadonlySet<string> = new Set(['rejectProposal', 'rejectApproval', 'rejectAs', 'rejectUnpendingActuator']);

/** Binds the rules (the correct ones, or a mutant's) to the machine's objects, for XState. */
export function machineImplementations(policy: Policy, rules: ProtocolRules = PROTOCOL_RULES): MachineImplementations {
  const o = concreteOps(policy);
  const map = <R, T>(table: Readonly<Record<string, R>>, bind: (rule: R) => T) => Object.fromEntries(Object.entries(table).map(([name, rule]) => [name, bind(rule)]));
  return {
    guards: map(rules.guards, (g) => (ctx, e, params) => g(o, policy, contextView(ctx), eventView(e), params)),
    updates: map(rules.updates, (u) => (ctx, e, params) => applyUpdate(ctx, u(o, policy, contextView(ctx), eventView(e), params))),
    raises: map(rules.raises, (r) => (ctx, e, params) => raisedEvent(r(o, policy, contextView(ctx), eventView(e), params))),
    effects: map(EFFECTS, (effect) => (ctx, e, params) => effect(policy, rules, ctx, e, params)),
    rejections: REJECTIONS,
  };
}

/** A transition in the config: guard and actions by name, so either interpreter can run it. */
interface TransitionSpec {
  readonly guard?: { readonly type: string; readonly params?: Record<string, string> };
  readonly target?: string;
  readonly actions?: readonly { readonly type: string; readonly params?: Record<string, string> }[];
  readonly description?: string;
}

const act = (type: string, params?: Record<string, string>) => (params ? { type, params } : { type });
const rejectAs = (reason: string) => act('rejectAs', { reason });

/**
 * The statechart config for a policy: plain data naming guards and actions. `description`
 * fields carry the human reading of each guard (quorum thresholds, caps) for the visualizer.
 * One function per region, in `REGIONS` order (`statechart.ts`).
 */
export function machineConfig(policy: Policy) {
  return {
    id: 'guillotine',
    type: 'parallel',
    context: initialContext(),
    states: {
      isolation: isolationRegion(policy),
      proposal: proposalRegion(policy),
      watchdog: watchdogRegion(policy),
      hypervisor: hypervisorRegion(policy),
      detector: detectorRegion(policy),
      actuators: actuatorsRegion(policy),
    },
  } as const;
}

/** The six levels; each has an edge to every level `moveAllowed` lets it reach, taken on `isolation.set`. */
function isolationRegion(policy: Policy) {
  const levelStates = Object.fromEntries(
    LEVELS.map((level) => {
      const moves: TransitionSpec[] = LEVELS.filter((to) => moveAllowed(policy, level, to)).map((to) => ({
        guard: { type: 'setsLevel', params: { level: to } },
        target: to,
        actions: [act('levelSet')],
        description: levelIndex(to) > levelIndex(level) ? `raise to ${to}` : `lower to ${to}`,
      }));
      return [level, { entry: [act('enterLevel', { level }), act('levelChanged')], on: { 'isolation.set': moves }, ...(policy.irreversible.includes(level) ? { tags: ['irreversible'] } : {}) }];
    }),
  );
  return { initial: 'standard', states: levelStates } as const;
}

/** Idle or open: proposals, approvals and the quorum timer (docs/protocol.md §3). */
function proposalRegion(policy: Policy) {
  const e = policy.quorum.escalate;
  const d = policy.quorum.deescalate;
  const n = policy.admins.length;
  const onTimeout = policy.quorum.onTimeout;
  return {
    initial: 'idle',
    states: {
      idle: {
        entry: [act('clearProposal')],
        on: {
          propose: [
            { guard: { type: 'proposalCompletesQuorum' }, actions: [act('applyProposedTarget')], description: 'the proposer alone is a quorum' },
            { guard: { type: 'proposalAllowed' }, target: 'open', actions: [act('openProposal')], description: `an admin proposes another level (down: at most ${policy.deescalation.maxStep}, never out of ${policy.irreversible.join(', ') || 'no level'})` },
            { actions: [act('rejectProposal')] },
          ],
          approve: [{ actions: [rejectAs('no proposal is open')] }],
          timeout: [{ actions: [rejectAs('no proposal is open, so no quorum timer is armed')] }],
        },
      },
      open: {
        on: {
          propose: [{ actions: [act('rejectProposal')] }],
          approve: [
            { guard: { type: 'approvalRefused' }, actions: [act('rejectApproval')] },
            { guard: { type: 'approvalCompletesQuorum' }, target: 'idle', actions: [act('applyProposal')], description: `quorum: ${e} of ${n} to escalate, ${d} of ${n} to de-escalate` },
            { actions: [act('recordApproval')], description: 'a distinct admin approves' },
          ],
          timeout: [
            { guard: { type: 'timeoutApplies' }, target: 'idle', actions: [act('applyExpiredProposal')], description: `after ${policy.quorum.timeoutSeconds}s an escalation short of quorum is applied (onTimeout: ${onTimeout})` },
            { target: 'idle', actions: [act('note', { text: 'the proposal expired short of its quorum and is dropped' })], description: `after ${policy.quorum.timeoutSeconds}s the proposal is dropped` },
          ],
          'isolation.changed': [{ target: 'idle', actions: [act('note', { text: 'the level changed, so the open proposal is cancelled' })] }],
          'hypervisor.down': [{ target: 'idle', actions: [act('note', { text: 'the hypervisor went down, so the open proposal is cancelled' })] }],
        },
      },
    },
  } as const;
}

/** The physical hypervisor's heartbeat counter. */
function watchdogRegion(policy: Policy) {
  return {
    initial: 'watching',
    states: {
      watching: {
        on: {
          heartbeat: [
            { guard: { type: 'hypervisorRebooting' }, actions: [rejectAs('the hypervisor is rebooting, so no heartbeat can come from it')] },
            { actions: [act('resetWatchdog')] },
          ],
          'heartbeat-missed': [
            { guard: { type: 'missLimitReached' }, actions: [act('resetWatchdog'), act('heartbeatFailsafe')], description: `${policy.heartbeat.missLimit} consecutive misses force offline` },
            { actions: [act('countMissedHeartbeat')] },
          ],
        },
      },
    },
  } as const;
}

/** Running, or rebooting after a machine-check exception or an assertion failure. */
function hypervisorRegion(policy: Policy) {
  return {
    initial: 'running',
    states: {
      running: {
        entry: [act('markRunning')],
        on: {
          mce: [{ target: 'rebooting', actions: [act('rebootFailsafe')], description: `reboot into ${policy.faults.rebootLevel} or higher` }],
          'assertion-failure': [{ target: 'rebooting', actions: [act('rebootFailsafe')], description: `reboot into ${policy.faults.rebootLevel} or higher` }],
          'reboot-complete': [{ actions: [rejectAs('the hypervisor is running; no reboot is in progress')] }],
        },
      },
      rebooting: {
        entry: [act('markRebooting'), act('hypervisorDown')],
        on: {
          mce: [{ actions: [rejectAs('the hypervisor is already rebooting')] }],
          'assertion-failure': [{ actions: [rejectAs('the hypervisor is already rebooting')] }],
          'reboot-complete': [{ target: 'running' }],
        },
      },
    },
  } as const;
}

/** Alarms, capped by the policy. */
function detectorRegion(policy: Policy) {
  return {
    initial: 'listening',
    states: {
      listening: {
        on: {
          alarm: [
            { guard: { type: 'alarmRaisesLevel' }, actions: [act('alarmFailsafe')], description: `raise, capped at ${policy.detector.maxLevel}` },
            { actions: [act('alarmBelowLevel')] },
          ],
        },
      },
    },
  } as const;
}

/** Kill-switch confirmations and faults. */
function actuatorsRegion(policy: Policy) {
  return {
    initial: 'commanding',
    states: {
      commanding: {
        on: {
          'actuator-confirm': [{ guard: { type: 'actuatorPending' }, actions: [act('confirmActuator')] }, { actions: [act('rejectUnpendingActuator')] }],
          'actuator-fault': [
            { guard: { type: 'actuatorIdle' }, actions: [act('rejectUnpendingActuator')] },
            { guard: { type: 'faultEscalates' }, actions: [act('actuatorFailsafe')], description: `a commanded actuator missed its deadline: one level up, up to ${policy.actuators.escalateOnFailureUpTo}` },
            { actions: [act('alertAdmins')], description: `at or beyond ${policy.actuators.escalateOnFailureUpTo} the admins are alerted instead` },
          ],
        },
      },
    },
  } as const;
}

/**
 * Creates the XState machine for a policy. Guards and actions are bound to the pure
 * implementations of {@link machineImplementations}; effects are no-ops that the caller reads
 * from the actions `transition()` returns.
 */
export function createGuillotineMachine(policy: Policy, implementations: MachineImplementations = machineImplementations(policy)) {
  const guards = Object.fromEntries(
    Object.entries(implementations.guards).map(([name, g]) => [name, ({ context, event }: { context: GuillotineContext; event: MachineEvent }, params: Params) => g(context, event, params)]),
  );
  const actions = {
    ...Object.fromEntries(Object.entries(implementations.updates).map(([name, u]) => [name, assign(({ context, event }: { context: GuillotineContext; event: MachineEvent }, params: Params) => u(context, event, params))])),
    ...Object.fromEntries(Object.entries(implementations.raises).map(([name, r]) => [name, raise(({ context, event }: { context: GuillotineContext; event: MachineEvent }, params: Params) => r(context, event, params))])),
    ...Object.fromEntries(Object.keys(implementations.effects).map((name) => [name, () => {}])),
  };
  return setup({
    types: { context: {} as GuillotineContext, events: {} as MachineEvent },
    guards: guards as never,
    actions: actions as never,
  }).createMachine(machineConfig(policy) as never);
}

export type GuillotineMachine = ReturnType<typeof createGuillotineMachine>;
