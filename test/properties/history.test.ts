/**
 * The history variables are the checker's own books about a run — the votes really made for the
 * open proposal, the consecutive missed heartbeats, an escalation that gathered its quorum and is
 * not yet in force. Properties judge the machine against them, so wrong books would let a buggy
 * machine pass: here each is driven by hand-built steps, including steps only a buggy machine
 * takes (an approval from an id the policy does not know, a quorum reached while the level stays).
 */
import assert from 'node:assert/strict';
import { CAPABILITIES, type Level } from '../../spec/levels.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import type { Policy } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { REGIONS, type Step, type SystemState } from '../../machines/engine.ts';
import type { Proposal } from '../../machines/protocol.ts';
import {
  advanceHistory,
  completesEscalation,
  countedVotes,
  INITIAL_HISTORY,
  type CheckState,
  type History,
} from '../../properties/history.ts';

// Admins listed out of alphabetical order, so that "policy order" and "sorted" differ.
const POLICY: Policy = parsedPolicy({
  admins: ['zoe', 'max', 'amy', 'kim', 'bob', 'eve', 'dan'].map((id) => ({ id })),
  quorum: { escalate: 3, deescalate: 5 },
  heartbeat: { periodMs: 1000, missLimit: 3 },
});

function machineAt(level: Level, proposal: Proposal | null = null): SystemState {
  const value = Object.fromEntries(REGIONS.map((r) => [r, r === 'isolation' ? level : 'idle'])) as SystemState['value'];
  return {
    value,
    context: { level, rebooting: false, proposal, missedHeartbeats: 0, outputs: CAPABILITIES[level], pendingActuators: [] },
  };
}

function checked(machine: SystemState, history: Partial<History> = {}): CheckState {
  return { machine, history: { ...INITIAL_HISTORY, ...history } };
}

const acceptedStep = (state: SystemState): Step => ({ state, accepted: true, effects: [] });
const rejectedStep = (state: SystemState): Step => ({ state, accepted: false, effects: [{ kind: 'reject', reason: 'test' }] });
const propose = (admin: string, target: Level): GuillotineEvent => ({ type: 'propose', admin, target });
const approve = (admin: string): GuillotineEvent => ({ type: 'approve', admin });
const up = (approvals: readonly string[]): Proposal => ({ from: 'standard', to: 'severed', approvals });

describe('properties/history: the checker keeps its own books of a run, from observable steps only', () => {
  describe('votes for the open proposal', () => {
    it('start with the proposer when a proposal opens, whatever the machine records', () => {
      const before = checked(machineAt('standard'));
      const after = machineAt('standard', up([]));
      assert.deepEqual(advanceHistory(POLICY, before, propose('kim', 'severed'), acceptedStep(after)).votes, ['kim']);
    });

    it('add each approver once, kept in policy order rather than arrival or alphabetical order', () => {
      let state = checked(machineAt('standard', up(['kim'])), { votes: ['kim'] });
      for (const admin of ['amy', 'zoe', 'amy']) {
        const history = advanceHistory(POLICY, state, approve(admin), acceptedStep(state.machine));
        state = { machine: state.machine, history };
      }
      assert.deepEqual(state.history.votes, ['zoe', 'amy', 'kim']);
    });

    it('place ids the policy does not know after its admins, in a fixed order among themselves', () => {
      // Only a buggy machine accepts such an approval; the books must still record it, deterministically.
      const before = checked(machineAt('standard', up(['kim'])), { votes: ['kim'] });
      const once = advanceHistory(POLICY, before, approve('yan'), acceptedStep(before.machine));
      const twice = advanceHistory(POLICY, checked(before.machine, once), approve('abe'), acceptedStep(before.machine));
      assert.deepEqual(twice.votes, ['kim', 'abe', 'yan']);
      const otherWay = advanceHistory(
        POLICY,
        checked(before.machine, advanceHistory(POLICY, before, approve('abe'), acceptedStep(before.machine))),
        approve('yan'),
        acceptedStep(before.machine),
      );
      assert.deepEqual(otherWay.votes, twice.votes);
    });

    it('are forgotten when the proposal closes or the level changes, even if a proposal stays open', () => {
      const before = checked(machineAt('standard', up(['kim', 'amy'])), { votes: ['kim', 'amy'] });
      assert.deepEqual(advanceHistory(POLICY, before, { type: 'timeout' }, acceptedStep(machineAt('standard'))).votes, []);
      // A machine that changes level but keeps the proposal open: the votes were for the old level.
      const moved = machineAt('probation', up(['kim', 'amy']));
      assert.deepEqual(advanceHistory(POLICY, before, { type: 'alarm', level: 'probation' }, acceptedStep(moved)).votes, []);
    });

    it('are kept across events that neither vote nor close the proposal', () => {
      const before = checked(machineAt('standard', up(['kim', 'amy'])), { votes: ['kim', 'amy'] });
      assert.deepEqual(advanceHistory(POLICY, before, { type: 'heartbeat' }, acceptedStep(before.machine)).votes, ['kim', 'amy']);
    });
  });

  describe('consecutive missed heartbeats', () => {
    it('count up by one per miss and restart at zero when the miss limit fires the fail-safe', () => {
      const machine = machineAt('standard');
      const seen: number[] = [];
      let history = INITIAL_HISTORY;
      for (let i = 0; i < 4; i++) {
        history = advanceHistory(POLICY, checked(machine, history), { type: 'heartbeat-missed' }, acceptedStep(machine));
        seen.push(history.misses);
      }
      assert.deepEqual(seen, [1, 2, 0, 1]);
    });

    it('restart at zero on a heartbeat and are untouched by other events', () => {
      const machine = machineAt('standard');
      assert.equal(advanceHistory(POLICY, checked(machine, { misses: 2 }), { type: 'heartbeat' }, acceptedStep(machine)).misses, 0);
      assert.equal(advanceHistory(POLICY, checked(machine, { misses: 2 }), { type: 'mce' }, acceptedStep(machine)).misses, 2);
    });
  });

  describe('an escalation awaiting its level', () => {
    it('is recorded when the approval that completes the quorum is accepted but the level stays', () => {
      const before = checked(machineAt('standard', up(['kim', 'amy'])), { votes: ['kim', 'amy'] });
      const history = advanceHistory(POLICY, before, approve('zoe'), acceptedStep(machineAt('standard')));
      assert.equal(history.awaiting, 'severed');
    });

    it('is kept while the level is below it and dropped once the level reaches it or passes it', () => {
      const waiting = checked(machineAt('standard'), { awaiting: 'severed' });
      assert.equal(advanceHistory(POLICY, waiting, { type: 'heartbeat' }, acceptedStep(machineAt('standard'))).awaiting, 'severed');
      assert.equal(advanceHistory(POLICY, waiting, { type: 'alarm', level: 'probation' }, acceptedStep(machineAt('probation'))).awaiting, 'severed');
      assert.equal(advanceHistory(POLICY, waiting, { type: 'timeout' }, acceptedStep(machineAt('severed'))).awaiting, null);
      assert.equal(advanceHistory(POLICY, waiting, { type: 'mce' }, acceptedStep(machineAt('offline'))).awaiting, null);
    });
  });

  describe("the reboot's floor", () => {
    const faultPolicy = parsedPolicy({ admins: POLICY.admins, faults: { rebootLevel: 'severed' } });
    it('starts on an accepted fault at the level at the fault or faults.rebootLevel, whichever is higher, raised to the level after it', () => {
      for (const type of ['mce', 'assertion-failure'] as const) {
        assert.equal(advanceHistory(faultPolicy, checked(machineAt('probation')), { type }, acceptedStep(machineAt('severed'))).rebootFloor, 'severed');
        assert.equal(advanceHistory(faultPolicy, checked(machineAt('offline')), { type }, acceptedStep(machineAt('offline'))).rebootFloor, 'offline');
        // A machine that drops on the fault does not lower the floor: it stays what the level owed.
        assert.equal(advanceHistory(faultPolicy, checked(machineAt('offline')), { type }, acceptedStep(machineAt('standard'))).rebootFloor, 'offline');
        assert.equal(advanceHistory(faultPolicy, checked(machineAt('standard')), { type }, rejectedStep(machineAt('offline'))).rebootFloor, null);
      }
    });

    it('follows the level up while rebooting, never down, and is dropped by an accepted reboot-complete', () => {
      const rebooting = checked(machineAt('offline'), { rebootFloor: 'offline' });
      assert.equal(advanceHistory(POLICY, rebooting, { type: 'actuator-fault', actuator: 'model-power' }, acceptedStep(machineAt('decapitation'))).rebootFloor, 'decapitation');
      assert.equal(advanceHistory(POLICY, rebooting, approve('zoe'), acceptedStep(machineAt('severed'))).rebootFloor, 'offline');
      assert.equal(advanceHistory(POLICY, rebooting, { type: 'reboot-complete' }, acceptedStep(machineAt('offline'))).rebootFloor, null);
      assert.equal(advanceHistory(POLICY, rebooting, { type: 'reboot-complete' }, rejectedStep(machineAt('offline'))).rebootFloor, 'offline');
      assert.equal(advanceHistory(POLICY, checked(machineAt('severed')), { type: 'heartbeat' }, acceptedStep(machineAt('severed'))).rebootFloor, null);
    });
  });

  it('ignores a rejected step entirely', () => {
    const before = checked(machineAt('standard', up(['kim', 'amy'])), { votes: ['kim', 'amy'], misses: 1 });
    const after = advanceHistory(POLICY, before, approve('zoe'), rejectedStep(machineAt('severed')));
    assert.deepEqual(after, before.history);
  });

  describe('completesEscalation: whether the votes really made reach the escalation quorum', () => {
    const twoVotes = checked(machineAt('standard', up(['kim', 'amy'])), { votes: ['kim', 'amy'] });

    it('counts the approver with the recorded votes, and only once', () => {
      assert.equal(completesEscalation(POLICY, twoVotes, approve('zoe'), true), 'severed');
      assert.equal(completesEscalation(POLICY, twoVotes, approve('kim'), true), null);
    });

    it('counts the votes the checker recorded, not the approvals the machine claims', () => {
      const claimsThree = checked(machineAt('standard', up(['kim', 'amy', 'bob'])), { votes: ['kim'] });
      assert.equal(completesEscalation(POLICY, claimsThree, approve('zoe'), true), null);
    });

    it('ignores a rejected event, a de-escalation, and events that are not votes', () => {
      assert.equal(completesEscalation(POLICY, twoVotes, approve('zoe'), false), null);
      const down = checked(machineAt('severed', { from: 'severed', to: 'standard', approvals: ['kim', 'amy'] }), { votes: ['kim', 'amy'] });
      assert.equal(completesEscalation(POLICY, down, approve('zoe'), true), null);
      assert.equal(completesEscalation(POLICY, twoVotes, { type: 'timeout' }, true), null);
    });

    it('completes nothing for a proposal to the level it is at, whatever the votes', () => {
      // Only a buggy machine opens one; it must not leave an escalation "awaiting" the current level.
      const stay = checked(machineAt('severed', { from: 'severed', to: 'severed', approvals: ['kim', 'amy'] }), { votes: ['kim', 'amy'] });
      assert.equal(completesEscalation(POLICY, stay, approve('zoe'), true), null);
    });

    it('lets a proposal complete on its own only when one vote is the quorum, and only upwards', () => {
      const solo = parsedPolicy({ admins: POLICY.admins, quorum: { escalate: 1, deescalate: 5 } });
      const idle = checked(machineAt('severed'));
      assert.equal(completesEscalation(solo, idle, propose('kim', 'offline'), true), 'offline');
      assert.equal(completesEscalation(solo, idle, propose('kim', 'probation'), true), null);
      assert.equal(completesEscalation(solo, idle, propose('kim', 'severed'), true), null);
      assert.equal(completesEscalation(POLICY, idle, propose('kim', 'offline'), true), null);
      // A propose while a proposal is open opens nothing, so it completes nothing either.
      assert.equal(completesEscalation(solo, twoVotes, propose('kim', 'offline'), true), null);
    });
  });

  it('counts the distinct admins of the policy among the voters, in policy order', () => {
    assert.deepEqual(countedVotes(POLICY, ['amy', 'yan', 'zoe', 'amy'], 'kim'), ['zoe', 'amy', 'kim']);
    assert.deepEqual(countedVotes(POLICY, []), []);
  });
});
