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
 * Guards, context updates, raised events and effects are named and implemented in
 * {@link machineImplementations} over the pure functions of `protocol.ts`, so that both XState
 * and the checker's compiled interpreter run the very same definition.
 */
import { assign, raise, setup } from 'xstate';
import { LEVELS, levelIndex, type Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import {
  actuatorPending, alarmRaisesLevel, alarmTarget, approvalCompletesQuorum, approvalRefusal, enteredLevel, faultEscalates, faultTarget,
  heartbeatTarget, initialContext, missLimitReached, moveAllowed, openedProposal, proposalCompletesQuorum, proposalRefusal, rebootTarget,
  timeoutApplies, withApproval, type GuillotineContext, type InternalEvent, type LevelCause, type MachineEvent,
} from './protocol.ts';

/** What a step reports besides its new state: rejections with reasons, notes, alerts, level changes. */
export type Effect =
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'alert'; readonly text: string }
  | { readonly kind: 'level'; readonly from: Level; readonly to: Level; readonly cause: LevelCause };

type Params = Readonly<Record<string, string>> | undefined;
type Guard = (ctx: GuillotineContext, event: MachineEvent, params: Params) => boolean;
type Update = (ctx: GuillotineContext, event: MachineEvent, params: Params) => GuillotineContext;
type Raise = (ctx: GuillotineContext, event: MachineEvent, params: Params) => InternalEvent;
type EffectOf = (ctx: GuillotineContext, event: MachineEvent, params: Params) => Effect;

/** The named implementations of the machine's guards and actions, for one policy. */
export interface MachineImplementations {
  readonly guards: Readonly<Record<string, Guard>>;
  readonly updates: Readonly<Record<string, Update>>;
  readonly raises: Readonly<Record<string, Raise>>;
  readonly effects: Readonly<Record<string, EffectOf>>;
  /** The effects that reject the event (so an interpreter can tell acceptance without building reasons). */
  readonly rejections: ReadonlySet<string>;
}

const external = (event: MachineEvent): GuillotineEvent => event as GuillotineEvent;
const param = (params: Params, key: string): string => {
  const value = params?.[key];
  if (value === undefined) throw new Error(`machine action or guard is missing its "${key}" parameter`);
  return value;
};

/** Builds the guard and action implementations that the statechart names. */
export function machineImplementations(policy: Policy): MachineImplementations {
  const reject = (reason: string): Effect => ({ kind: 'reject', reason });
  return {
    guards: {
      proposalAllowed: (ctx, e) => proposalRefusal(policy, ctx, external(e)) === null,
      proposalCompletesQuorum: (ctx, e) => proposalCompletesQuorum(policy, ctx, external(e)),
      approvalRefused: (ctx, e) => approvalRefusal(policy, ctx, external(e)) !== null,
      approvalCompletesQuorum: (ctx, e) => approvalCompletesQuorum(policy, ctx, external(e)),
      timeoutApplies: (ctx) => timeoutApplies(policy, ctx),
      hypervisorRebooting: (ctx) => ctx.rebooting,
      missLimitReached: (ctx) => missLimitReached(policy, ctx),
      alarmRaisesLevel: (ctx, e) => alarmRaisesLevel(policy, ctx, external(e)),
      actuatorPending: (ctx, e) => actuatorPending(ctx, external(e)),
      actuatorIdle: (ctx, e) => !actuatorPending(ctx, external(e)),
      faultEscalates: (ctx) => faultEscalates(policy, ctx),
      setsLevel: (_ctx, e, params) => e.type === 'isolation.set' && e.to === param(params, 'level'),
    },
    updates: {
      enterLevel: (ctx, _e, params) => enteredLevel(ctx, param(params, 'level') as Level),
      openProposal: (ctx, e) => ({ ...ctx, proposal: openedProposal(ctx, external(e)) }),
      recordApproval: (ctx, e) => (ctx.proposal === null || e.type !== 'approve' ? ctx : { ...ctx, proposal: withApproval(policy, ctx.proposal, e.admin) }),
      clearProposal: (ctx) => (ctx.proposal === null ? ctx : { ...ctx, proposal: null }),
      resetWatchdog: (ctx) => (ctx.missedHeartbeats === 0 ? ctx : { ...ctx, missedHeartbeats: 0 }),
      countMissedHeartbeat: (ctx) => ({ ...ctx, missedHeartbeats: ctx.missedHeartbeats + 1 }),
      markRebooting: (ctx) => ({ ...ctx, rebooting: true }),
      markRunning: (ctx) => ({ ...ctx, rebooting: false }),
      confirmActuator: (ctx, e) => ({ ...ctx, pendingActuators: ctx.pendingActuators.filter((a) => e.type !== 'actuator-confirm' || a !== e.actuator) }),
    },
    raises: {
      applyProposal: (ctx) => ({ type: 'isolation.set', to: ctx.proposal?.to ?? ctx.level, cause: 'quorum' }),
      applyProposedTarget: (_ctx, e) => ({ type: 'isolation.set', to: e.type === 'propose' ? e.target : 'standard', cause: 'quorum' }),
      applyExpiredProposal: (ctx) => ({ type: 'isolation.set', to: ctx.proposal?.to ?? ctx.level, cause: 'timeout' }),
      heartbeatFailsafe: (ctx) => ({ type: 'isolation.set', to: heartbeatTarget(ctx), cause: 'heartbeat' }),
      rebootFailsafe: (ctx, e) => ({ type: 'isolation.set', to: rebootTarget(policy, ctx), cause: e.type === 'mce' ? 'mce' : 'assertion-failure' }),
      alarmFailsafe: (_ctx, e) => ({ type: 'isolation.set', to: alarmTarget(policy, external(e)), cause: 'alarm' }),
      actuatorFailsafe: (ctx) => ({ type: 'isolation.set', to: faultTarget(ctx), cause: 'actuator-fault' }),
      levelChanged: () => ({ type: 'isolation.changed' }),
      hypervisorDown: () => ({ type: 'hypervisor.down' }),
    },
    effects: {
      rejectProposal: (ctx, e) => reject(proposalRefusal(policy, ctx, external(e)) ?? 'refused'),
      rejectApproval: (ctx, e) => reject(approvalRefusal(policy, ctx, external(e)) ?? 'refused'),
      rejectAs: (_ctx, _e, params) => reject(param(params, 'reason')),
      rejectUnpendingActuator: (_ctx, e) => reject(`${'actuator' in e ? e.actuator : 'the actuator'} has no command awaiting confirmation`),
      note: (_ctx, _e, params) => ({ kind: 'note', text: param(params, 'text') }),
      alarmBelowLevel: (ctx, e) => ({ kind: 'note', text: `the alarm asks for ${alarmTarget(policy, external(e))} (after the detector cap), not above ${ctx.level}` }),
      alertAdmins: (ctx, e) => ({ kind: 'alert', text: `${'actuator' in e ? e.actuator : 'an actuator'} did not confirm at ${ctx.level}; escalation stops at ${policy.actuators.escalateOnFailureUpTo}, so the admins are alerted` }),
      levelSet: (ctx, e) => ({ kind: 'level', from: ctx.level, to: e.type === 'isolation.set' ? e.to : ctx.level, cause: e.type === 'isolation.set' ? e.cause : 'alarm' }),
    },
    rejections: new Set(['rejectProposal', 'rejectApproval', 'rejectAs', 'rejectUnpendingActuator']),
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
 */
export function machineConfig(policy: Policy) {
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
  const e = policy.quorum.escalate;
  const d = policy.quorum.deescalate;
  const n = policy.admins.length;
  const onTimeout = policy.quorum.onTimeout;
  return {
    id: 'guillotine',
    type: 'parallel',
    context: initialContext(),
    states: {
      isolation: { initial: 'standard', states: levelStates },
      proposal: {
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
      },
      watchdog: {
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
      },
      hypervisor: {
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
      },
      detector: {
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
      },
      actuators: {
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
