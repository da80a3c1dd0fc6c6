/**
 * The protocol's decisions (machines/protocol.ts), each at its boundary: the statechart only names
 * them, so a wrong comparison here is a wrong machine. Reasons for refusal are what a user reads
 * in a rejected step, so they are checked to name the level, admin or limit involved.
 */
import assert from 'node:assert/strict';
import { ACTUATORS, CAPABILITIES, LEVELS, type Level } from '../../spec/levels.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { DEFAULT_POLICY, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import {
  actuatorPending, alarmRaisesLevel, alarmTarget, approvalCompletesQuorum, approvalRefusal, enteredLevel, faultEscalates, faultTarget,
  heartbeatTarget, initialContext, missLimitReached, moveAllowed, openedProposal, proposalCompletesQuorum, proposalRefusal, rebootTarget,
  timeoutApplies, withApproval, type GuillotineContext, type Proposal,
} from '../../machines/protocol.ts';

function policy(extra: Partial<PolicyInput>): Policy {
  return parsedPolicy({ admins: DEFAULT_POLICY.admins, ...extra });
}

/** A context at a level, with the outputs of that level (as the machine keeps them). */
function ctx(level: Level, extra: Partial<GuillotineContext> = {}): GuillotineContext {
  return { ...initialContext(), level, outputs: CAPABILITIES[level], ...extra };
}

const propose = (admin: string, target: Level): GuillotineEvent => ({ type: 'propose', admin, target });
const approve = (admin: string): GuillotineEvent => ({ type: 'approve', admin });
const open = (from: Level, to: Level, approvals: readonly string[]): Proposal => ({ from, to, approvals });

/** A refusal that names each fragment. */
function refused(reason: string | null, ...mentions: readonly (string | number)[]): void {
  assert.equal(typeof reason, 'string', 'expected a refusal');
  assert.ok((reason as string).length > 0, 'a refusal says why');
  for (const m of mentions) assert.ok((reason as string).includes(String(m)), `"${reason}" should mention ${m}`);
}

describe('machines/protocol: each decision at its boundary', () => {
  it('starts in standard with no proposal, no missed heartbeat, nothing pending, and standard outputs', () => {
    assert.deepEqual(initialContext(), { level: 'standard', rebooting: false, proposal: null, missedHeartbeats: 0, outputs: CAPABILITIES.standard, pendingActuators: [] });
  });

  it('allows every move up, no move to the same level, and moves down only out of reversible levels', () => {
    for (const from of LEVELS) {
      for (const to of LEVELS) {
        const expected = from !== to && (LEVELS.indexOf(to) > LEVELS.indexOf(from) || (from !== 'decapitation' && from !== 'immolation'));
        assert.equal(moveAllowed(DEFAULT_POLICY, from, to), expected, `${from} → ${to}`);
      }
    }
    assert.equal(moveAllowed(policy({ irreversible: [] }), 'immolation', 'offline'), true, 'irreversibility is the policy\'s');
    assert.equal(moveAllowed(policy({ irreversible: ['severed'] }), 'severed', 'probation'), false);
  });

  describe('proposals', () => {
    it('opens a proposal from the current level with the proposer as its first approval', () => {
      assert.deepEqual(openedProposal(ctx('severed'), propose('a3', 'offline')), { from: 'severed', to: 'offline', approvals: ['a3'] });
      assert.throws(() => openedProposal(ctx('severed'), approve('a3')), /propose/);
    });

    it('refuses a proposal while rebooting, while another is open, from a non-admin, or to the current level, saying why', () => {
      refused(proposalRefusal(DEFAULT_POLICY, ctx('offline', { rebooting: true }), propose('a1', 'decapitation')), 'reboot');
      refused(proposalRefusal(DEFAULT_POLICY, ctx('standard', { proposal: open('standard', 'severed', ['a2']) }), propose('a1', 'offline')), 'standard', 'severed');
      refused(proposalRefusal(DEFAULT_POLICY, ctx('standard'), propose('mallory', 'severed')), 'mallory');
      refused(proposalRefusal(DEFAULT_POLICY, ctx('severed'), propose('a1', 'severed')), 'severed');
      refused(proposalRefusal(DEFAULT_POLICY, ctx('standard'), approve('a1')));
    });

    it('refuses lowering an irreversible level, and a de-escalation of more than maxStep, but not of exactly maxStep', () => {
      refused(proposalRefusal(DEFAULT_POLICY, ctx('decapitation'), propose('a1', 'offline')), 'decapitation', 'irreversible');
      assert.equal(proposalRefusal(DEFAULT_POLICY, ctx('decapitation'), propose('a1', 'immolation')), null);
      refused(proposalRefusal(DEFAULT_POLICY, ctx('offline'), propose('a1', 'probation')), 1, 2);
      assert.equal(proposalRefusal(DEFAULT_POLICY, ctx('offline'), propose('a1', 'severed')), null);
      assert.equal(proposalRefusal(policy({ deescalation: { maxStep: 2 } }), ctx('offline'), propose('a1', 'probation')), null);
      assert.equal(proposalRefusal(DEFAULT_POLICY, ctx('standard'), propose('a7', 'immolation')), null, 'escalation has no step limit');
    });

    it('completes a quorum on opening only when the quorum for its direction is 1 and the proposal is allowed', () => {
      const escalateAlone = policy({ quorum: { escalate: 1 } });
      assert.equal(proposalCompletesQuorum(escalateAlone, ctx('standard'), propose('a1', 'severed')), true);
      assert.equal(proposalCompletesQuorum(escalateAlone, ctx('severed'), propose('a1', 'probation')), false, 'a de-escalation needs its own quorum');
      assert.equal(proposalCompletesQuorum(DEFAULT_POLICY, ctx('standard'), propose('a1', 'severed')), false);
      const both = policy({ quorum: { escalate: 1, deescalate: 1 } });
      assert.equal(proposalCompletesQuorum(both, ctx('severed'), propose('a1', 'probation')), true);
      assert.equal(proposalCompletesQuorum(both, ctx('standard'), propose('mallory', 'severed')), false, 'a refused proposal completes nothing');
      assert.equal(proposalCompletesQuorum(both, ctx('standard'), approve('a1')), false);
    });
  });

  describe('approvals', () => {
    const up = ctx('standard', { proposal: open('standard', 'severed', ['a1', 'a2']) });
    const down = ctx('severed', { proposal: open('severed', 'probation', ['a1', 'a2', 'a3', 'a4']) });

    it('refuses an approval with no proposal open, from a non-admin, or repeated, saying why', () => {
      refused(approvalRefusal(DEFAULT_POLICY, ctx('standard'), approve('a1')), 'no proposal');
      refused(approvalRefusal(DEFAULT_POLICY, up, approve('eve')), 'eve');
      refused(approvalRefusal(DEFAULT_POLICY, up, approve('a2')), 'a2', 'already');
      refused(approvalRefusal(DEFAULT_POLICY, up, propose('a3', 'offline')));
      assert.equal(approvalRefusal(DEFAULT_POLICY, up, approve('a3')), null);
    });

    it('completes an escalation at the escalation quorum and a de-escalation at the de-escalation quorum, not one short', () => {
      assert.equal(approvalCompletesQuorum(DEFAULT_POLICY, up, approve('a3')), true);
      assert.equal(approvalCompletesQuorum(DEFAULT_POLICY, ctx('standard', { proposal: open('standard', 'severed', ['a1']) }), approve('a3')), false);
      assert.equal(approvalCompletesQuorum(DEFAULT_POLICY, down, approve('a5')), true);
      assert.equal(approvalCompletesQuorum(DEFAULT_POLICY, ctx('severed', { proposal: open('severed', 'probation', ['a1', 'a2', 'a3']) }), approve('a5')), false);
      assert.equal(approvalCompletesQuorum(DEFAULT_POLICY, down, approve('a4')), false, 'a repeated approval completes nothing');
      assert.equal(approvalCompletesQuorum(DEFAULT_POLICY, down, approve('mallory')), false);
      assert.equal(approvalCompletesQuorum(DEFAULT_POLICY, ctx('standard'), approve('a1')), false);
    });

    it('adds an approval once, in policy order, keeping the proposal\'s levels', () => {
      assert.deepEqual(withApproval(DEFAULT_POLICY, open('severed', 'offline', ['a2', 'a5']), 'a3'), { from: 'severed', to: 'offline', approvals: ['a2', 'a3', 'a5'] });
      assert.deepEqual(withApproval(DEFAULT_POLICY, open('severed', 'offline', ['a2']), 'a2').approvals, ['a2']);
      assert.deepEqual(withApproval(DEFAULT_POLICY, open('severed', 'offline', ['a7']), 'a1').approvals, ['a1', 'a7']);
    });

    it('applies an expired proposal only if it escalates and the policy is restrictive', () => {
      assert.equal(timeoutApplies(DEFAULT_POLICY, up), true);
      assert.equal(timeoutApplies(DEFAULT_POLICY, down), false);
      assert.equal(timeoutApplies(policy({ quorum: { onTimeout: 'unchanged' } }), up), false);
      assert.equal(timeoutApplies(DEFAULT_POLICY, ctx('standard')), false);
    });
  });

  describe('fail-safes', () => {
    it('reboots into the reboot level or the current level, whichever is higher', () => {
      assert.equal(rebootTarget(DEFAULT_POLICY, ctx('standard')), 'offline');
      assert.equal(rebootTarget(DEFAULT_POLICY, ctx('decapitation')), 'decapitation');
      assert.equal(rebootTarget(policy({ faults: { rebootLevel: 'severed' } }), ctx('probation')), 'severed');
    });

    it('forces offline on lost heartbeats, never lower than the current level', () => {
      assert.equal(heartbeatTarget(DEFAULT_POLICY, ctx('probation')), 'offline');
      assert.equal(heartbeatTarget(DEFAULT_POLICY, ctx('immolation')), 'immolation');
    });

    it('reaches the heartbeat limit on the miss that makes missLimit, not before', () => {
      assert.equal(missLimitReached(DEFAULT_POLICY, ctx('standard', { missedHeartbeats: 2 })), true);
      assert.equal(missLimitReached(DEFAULT_POLICY, ctx('standard', { missedHeartbeats: 1 })), false);
      assert.equal(missLimitReached(policy({ heartbeat: { missLimit: 1 } }), ctx('standard')), true);
    });

    it('caps an alarm at the detector\'s maximum and raises only when the capped level is higher', () => {
      assert.equal(alarmTarget(DEFAULT_POLICY, { type: 'alarm', level: 'immolation' }), 'offline');
      assert.equal(alarmTarget(DEFAULT_POLICY, { type: 'alarm', level: 'probation' }), 'probation');
      assert.throws(() => alarmTarget(DEFAULT_POLICY, { type: 'mce' }), /alarm/);
      assert.equal(alarmRaisesLevel(DEFAULT_POLICY, ctx('standard'), { type: 'alarm', level: 'severed' }), true);
      assert.equal(alarmRaisesLevel(DEFAULT_POLICY, ctx('severed'), { type: 'alarm', level: 'severed' }), false);
      assert.equal(alarmRaisesLevel(DEFAULT_POLICY, ctx('offline'), { type: 'alarm', level: 'immolation' }), false, 'capped at offline');
      assert.equal(alarmRaisesLevel(DEFAULT_POLICY, ctx('standard'), { type: 'mce' }), false);
    });

    it('knows an actuator is pending only for its own confirm or fault', () => {
      const c = ctx('severed', { pendingActuators: ['network-relay'] });
      assert.equal(actuatorPending(DEFAULT_POLICY, c, { type: 'actuator-confirm', actuator: 'network-relay' }), true);
      assert.equal(actuatorPending(DEFAULT_POLICY, c, { type: 'actuator-fault', actuator: 'network-relay' }), true);
      assert.equal(actuatorPending(DEFAULT_POLICY, c, { type: 'actuator-fault', actuator: 'model-power' }), false);
      assert.equal(actuatorPending(DEFAULT_POLICY, c, { type: 'heartbeat' }), false);
    });

    it('escalates an actuator fault below the cap, one level up, and alerts instead at the cap', () => {
      assert.equal(faultEscalates(DEFAULT_POLICY, ctx('severed')), true);
      assert.equal(faultEscalates(DEFAULT_POLICY, ctx('offline')), false);
      const toTheTop = policy({ actuators: { escalateOnFailureUpTo: 'immolation' } });
      assert.equal(faultEscalates(toTheTop, ctx('decapitation')), true);
      assert.equal(faultEscalates(toTheTop, ctx('immolation')), false);
      assert.equal(faultTarget(DEFAULT_POLICY, ctx('standard')), 'probation');
      assert.equal(faultTarget(DEFAULT_POLICY, ctx('decapitation')), 'immolation');
      assert.equal(faultTarget(DEFAULT_POLICY, ctx('immolation')), 'immolation');
    });
  });

  describe('entering a level', () => {
    it('commands the new row and makes pending exactly the actuators whose position changes, in actuator order', () => {
      const expected: Record<string, readonly string[]> = {
        'standard>probation': [],
        'standard>severed': ['network-relay'],
        'standard>offline': ['network-relay', 'model-power'],
        'severed>offline': ['model-power'],
        'offline>decapitation': ['hardware-destruction'],
        'decapitation>immolation': ['facility-destruction'],
        'standard>immolation': ['network-relay', 'model-power', 'hardware-destruction', 'facility-destruction'],
        'offline>severed': ['model-power'],
        'severed>standard': ['network-relay'],
      };
      for (const [move, pending] of Object.entries(expected)) {
        const [from, to] = move.split('>') as [Level, Level];
        const next = enteredLevel(DEFAULT_POLICY, ctx(from), to);
        assert.equal(next.level, to, move);
        assert.deepEqual(next.outputs, CAPABILITIES[to], move);
        assert.deepEqual(next.pendingActuators, pending, move);
      }
    });

    it('keeps an actuator pending that has not confirmed yet, and keeps the rest of the context', () => {
      const c = ctx('severed', { pendingActuators: ['network-relay'], missedHeartbeats: 2, proposal: open('severed', 'offline', ['a1']) });
      const next = enteredLevel(DEFAULT_POLICY, c, 'offline');
      assert.deepEqual(next.pendingActuators, ['network-relay', 'model-power']);
      assert.equal(next.missedHeartbeats, 2);
      assert.deepEqual(next.proposal, c.proposal);
      assert.deepEqual(ACTUATORS.filter((a) => next.pendingActuators.includes(a)), next.pendingActuators);
    });
  });
});
