import assert from 'node:assert/strict';
import { replay, type ReplayReport, type ReplayStep } from '../../checker/replay.ts';
import type { EngineName } from '../../machines/engine.ts';
import { decodePath } from '../../spec/events.ts';
import type { Level } from '../../spec/levels.ts';
import { DEFAULT_POLICY, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

/**
 * Hand-written traces, replayed step by step, against the levels docs/protocol.md §3 prescribes for
 * the default policy. Each trace runs under both interpreters (XState, the reference, and the
 * checker's compiled one), and every replay is held to what holds of any replay: a rejected event
 * carries a reason and leaves the state as it was, and a trace of the default policy breaks no
 * property of §4.
 */

const ENGINES: readonly EngineName[] = ['xstate', 'reference'];

function policyWith(overrides: Omit<PolicyInput, 'admins'>): Policy {
  return parsedPolicy({ admins: DEFAULT_POLICY.admins, ...overrides });
}

/** Replays a compact path and checks what holds of every replay. */
function replayed(path: string, engine: EngineName, policy: Policy = DEFAULT_POLICY): ReplayReport {
  const decoded = decodePath(path);
  if (!decoded.ok) throw new Error(decoded.message);
  const report = replay(policy, decoded.events, { engine });
  report.steps.forEach((step, i) => {
    const before = i === 0 ? report.initial : report.steps[i - 1]!.state;
    if (step.accepted) {
      assert.equal(step.reason, undefined, `step ${i + 1} accepted with a reason`);
    } else {
      assert.ok(step.reason && step.reason.length > 0, `step ${i + 1} (${path.split(',')[i]}) is rejected without a reason`);
      assert.deepEqual(step.state, before, `step ${i + 1} (${path.split(',')[i]}) is rejected but changed the state`);
      assert.deepEqual(step.effects, [], `step ${i + 1} is rejected but has effects`);
    }
  });
  if (policy === DEFAULT_POLICY) assert.equal(report.firstViolation, null, `the default policy's trace ${path} violates ${JSON.stringify(report.steps.flatMap((s) => s.violations))}`);
  return report;
}

const levels = (r: ReplayReport): Level[] => r.steps.map((s) => s.level);
const accepted = (r: ReplayReport): boolean[] => r.steps.map((s) => s.accepted);
const last = (r: ReplayReport): ReplayStep => r.steps.at(-1)!;
const levelChanges = (s: ReplayStep) => s.effects.filter((e) => e.kind === 'level');

/** Reaches severed with the escalation quorum a1, a2, a3. */
const TO_SEVERED = 'propose:a1:severed,approve:a2,approve:a3';

for (const engine of ENGINES) {
  describe(`checker/replay under ${engine}: hand-written traces give the levels of docs/protocol.md §3`, () => {
    describe('escalation by administrators', () => {
      it('escalates at the third distinct approval, not the second, the proposer\'s opening counting as one', () => {
        const r = replayed(TO_SEVERED, engine);
        assert.deepEqual(levels(r), ['standard', 'standard', 'severed']);
        assert.deepEqual(levelChanges(last(r)), [{ kind: 'level', from: 'standard', to: 'severed', cause: 'quorum' }]);
        assert.deepEqual(r.steps[1]!.state.proposal, { from: 'standard', to: 'severed', approvals: ['a1', 'a2'] });
        assert.equal(last(r).state.proposal, null, 'an applied proposal closes');
      });

      it('counts a duplicate approval, the proposer again, or a non-admin for nothing', () => {
        const r = replayed('propose:a1:offline,approve:a2,approve:a2,approve:a1,approve:mallory,approve:a3', engine);
        assert.deepEqual(accepted(r), [true, true, false, false, false, true]);
        assert.deepEqual(levels(r), ['standard', 'standard', 'standard', 'standard', 'standard', 'offline']);
        assert.match(r.steps[2]!.reason!, /a2 already approved/);
        assert.match(r.steps[3]!.reason!, /a1 already approved/);
        assert.match(r.steps[4]!.reason!, /"mallory" is not an admin/);
        assert.deepEqual(r.steps[4]!.state.proposal?.approvals, ['a1', 'a2']);
      });

      it('refuses a proposal by a non-admin and one to the current level', () => {
        const r = replayed('propose:mallory:severed,propose:a1:standard', engine);
        assert.deepEqual(accepted(r), [false, false]);
        assert.match(r.steps[0]!.reason!, /"mallory" is not an admin/);
        assert.match(r.steps[1]!.reason!, /already standard/);
      });

      it('escalates straight to any higher level, destruction included', () => {
        const r = replayed('propose:a4:immolation,approve:a5,approve:a6', engine);
        assert.equal(last(r).level, 'immolation');
        assert.equal(r.final.modelCores, 'halted');
      });

      it('keeps at most one proposal open at a time', () => {
        const r = replayed('propose:a1:severed,propose:a2:offline,approve:a2,approve:a3', engine);
        assert.deepEqual(accepted(r), [true, false, true, true]);
        assert.match(r.steps[1]!.reason!, /already open; at most one at a time/);
        assert.equal(last(r).level, 'severed', 'the first proposal, not the refused one, is applied');
      });
    });

    describe('de-escalation', () => {
      it('de-escalates at the fifth distinct approval, not the fourth', () => {
        const r = replayed(`${TO_SEVERED},propose:a1:probation,approve:a2,approve:a3,approve:a4,approve:a5`, engine);
        assert.deepEqual(levels(r).slice(3), ['severed', 'severed', 'severed', 'severed', 'probation']);
        assert.deepEqual(levelChanges(last(r)), [{ kind: 'level', from: 'severed', to: 'probation', cause: 'quorum' }]);
      });

      it('drops at most one level per proposal', () => {
        const r = replayed(`${TO_SEVERED},propose:a1:standard`, engine);
        assert.equal(last(r).accepted, false);
        assert.match(last(r).reason!, /drops at most 1 level\(s\) per proposal \(asked 2\)/);
      });

      it('drops as many levels as deescalation.maxStep allows', () => {
        const r = replayed(`${TO_SEVERED},propose:a1:standard,approve:a2,approve:a3,approve:a4,approve:a5`, engine, policyWith({ deescalation: { maxStep: 2 } }));
        assert.equal(last(r).level, 'standard');
      });

      it('never leaves decapitation except up to immolation, and never leaves immolation', () => {
        const r = replayed('propose:a1:decapitation,approve:a2,approve:a3,propose:a1:offline,propose:a2:immolation,approve:a3,approve:a4,propose:a1:decapitation,propose:a1:immolation', engine);
        assert.deepEqual(levels(r), ['standard', 'standard', 'decapitation', 'decapitation', 'decapitation', 'decapitation', 'immolation', 'immolation', 'immolation']);
        assert.match(r.steps[3]!.reason!, /decapitation is irreversible/);
        assert.match(r.steps[7]!.reason!, /immolation is irreversible/);
        assert.match(r.steps[8]!.reason!, /already immolation/);
      });
    });

    describe('approvals bind to their proposal', () => {
      it('cancels the open proposal on any level change, so later approvals are rejected and a new proposal starts from one', () => {
        const r = replayed('propose:a1:severed,approve:a2,alarm:probation,approve:a3,propose:a4:severed,approve:a3,approve:a5', engine);
        assert.deepEqual(accepted(r), [true, true, true, false, true, true, true]);
        assert.equal(r.steps[2]!.level, 'probation');
        assert.equal(r.steps[2]!.state.proposal, null, 'the alarm cancelled the proposal');
        assert.ok(r.steps[2]!.effects.some((e) => e.kind === 'note' && /cancelled/.test(e.text)));
        assert.match(r.steps[3]!.reason!, /no proposal is open/);
        assert.deepEqual(r.steps[4]!.state.proposal, { from: 'probation', to: 'severed', approvals: ['a4'] }, 'a1 and a2 do not carry over');
        assert.equal(r.steps[5]!.level, 'probation', 'two approvals are not yet a quorum');
        assert.equal(last(r).level, 'severed');
      });

      it('cancels the open proposal when the hypervisor reboots, and refuses proposals until it is back', () => {
        const r = replayed('propose:a1:immolation,approve:a2,mce,approve:a3,propose:a3:immolation,reboot-complete,propose:a3:immolation', engine);
        assert.deepEqual(accepted(r), [true, true, true, false, false, true, true]);
        assert.equal(r.steps[2]!.state.proposal, null);
        assert.match(r.steps[4]!.reason!, /rebooting/);
        assert.deepEqual(last(r).state.proposal?.approvals, ['a3']);
      });
    });

    describe('quorum timeout', () => {
      it('applies an expired escalation under onTimeout "restrictive": one admin escalates alone by waiting', () => {
        const r = replayed('propose:a7:offline,timeout', engine);
        assert.deepEqual(levels(r), ['standard', 'offline']);
        assert.deepEqual(levelChanges(last(r)), [{ kind: 'level', from: 'standard', to: 'offline', cause: 'timeout' }]);
      });

      it('drops an expired de-escalation under "restrictive"', () => {
        const r = replayed(`${TO_SEVERED},propose:a1:probation,approve:a2,approve:a3,approve:a4,timeout,approve:a5`, engine);
        assert.equal(r.steps[7]!.level, 'severed');
        assert.equal(r.steps[7]!.state.proposal, null);
        assert.ok(r.steps[7]!.effects.some((e) => e.kind === 'note' && /dropped/.test(e.text)));
        assert.equal(last(r).accepted, false, 'the fifth approval comes too late');
        assert.equal(last(r).level, 'severed');
      });

      it('drops both an expired escalation and an expired de-escalation under "unchanged"', () => {
        const unchanged = policyWith({ quorum: { onTimeout: 'unchanged' } });
        const up = replayed('propose:a1:offline,approve:a2,timeout', engine, unchanged);
        assert.deepEqual(levels(up), ['standard', 'standard', 'standard']);
        assert.equal(up.final.proposal, null);
        const down = replayed(`${TO_SEVERED},propose:a1:probation,timeout`, engine, unchanged);
        assert.equal(last(down).level, 'severed');
        assert.equal(down.final.proposal, null);
      });

      it('rejects a timeout when no proposal is open', () => {
        const r = replayed('timeout', engine);
        assert.equal(last(r).accepted, false);
        assert.match(last(r).reason!, /no proposal is open/);
      });
    });

    describe('fail-safes only raise the level', () => {
      it('forces offline at the third consecutive missed heartbeat', () => {
        const r = replayed('heartbeat-missed,heartbeat-missed,heartbeat-missed', engine);
        assert.deepEqual(levels(r), ['standard', 'standard', 'offline']);
        assert.deepEqual(levelChanges(last(r)), [{ kind: 'level', from: 'standard', to: 'offline', cause: 'heartbeat' }]);
      });

      it('resets the count of missed heartbeats on a heartbeat in between', () => {
        const r = replayed('heartbeat-missed,heartbeat-missed,heartbeat,heartbeat-missed,heartbeat-missed,heartbeat-missed', engine);
        assert.deepEqual(levels(r), ['standard', 'standard', 'standard', 'standard', 'standard', 'offline']);
        assert.deepEqual(r.steps.map((s) => s.state.missedHeartbeats), [1, 2, 0, 1, 2, 0]);
      });

      it('honours heartbeat.missLimit', () => {
        const r = replayed('heartbeat-missed,heartbeat-missed,heartbeat-missed,heartbeat-missed,heartbeat-missed', engine, policyWith({ heartbeat: { missLimit: 5 } }));
        assert.deepEqual(levels(r), ['standard', 'standard', 'standard', 'standard', 'offline']);
      });

      it('reboots into offline on a machine-check exception or an assertion failure, and the level survives the reboot', () => {
        for (const fault of ['mce', 'assertion-failure']) {
          const r = replayed(`${fault},heartbeat,reboot-complete`, engine);
          assert.deepEqual(levels(r), ['offline', 'offline', 'offline']);
          assert.deepEqual(levelChanges(r.steps[0]!), [{ kind: 'level', from: 'standard', to: 'offline', cause: fault }]);
          assert.deepEqual(r.steps.map((s) => s.state.hypervisor), ['rebooting', 'rebooting', 'running']);
          assert.equal(r.steps[1]!.accepted, false, 'no heartbeat comes from a rebooting hypervisor');
        }
      });

      it('reboots into the current level when it is higher than offline, and refuses a second fault while rebooting', () => {
        const r = replayed('propose:a1:decapitation,approve:a2,approve:a3,assertion-failure,mce,reboot-complete', engine);
        assert.deepEqual(levels(r).slice(2), ['decapitation', 'decapitation', 'decapitation', 'decapitation']);
        assert.deepEqual(levelChanges(r.steps[3]!), [], 'no level change downwards or sideways');
        assert.match(r.steps[4]!.reason!, /already rebooting/);
      });

      it('caps an alarm at offline: destruction needs people', () => {
        const r = replayed('alarm:probation,alarm:immolation,alarm:decapitation', engine);
        assert.deepEqual(levels(r), ['probation', 'offline', 'offline']);
        assert.deepEqual(levelChanges(r.steps[1]!), [{ kind: 'level', from: 'probation', to: 'offline', cause: 'alarm' }]);
        assert.ok(r.steps[2]!.effects.some((e) => e.kind === 'note'), 'an alarm that asks for no more than the current level is noted');
      });

      it('never lowers the level on an alarm below the current level', () => {
        const r = replayed(`${TO_SEVERED},alarm:probation`, engine);
        assert.equal(last(r).level, 'severed');
      });

      it('escalates one level on an actuator fault, up to offline, and beyond that alerts the admins', () => {
        const r = replayed('alarm:severed,actuator-fault:network-relay,actuator-fault:model-power,actuator-fault:network-relay', engine);
        assert.deepEqual(r.steps[0]!.state.pendingActuators, ['network-relay'], 'severed commands the network relay open');
        assert.deepEqual(levels(r), ['severed', 'offline', 'offline', 'offline']);
        assert.deepEqual(levelChanges(r.steps[1]!), [{ kind: 'level', from: 'severed', to: 'offline', cause: 'actuator-fault' }]);
        for (const step of r.steps.slice(2)) {
          assert.ok(step.accepted);
          assert.deepEqual(levelChanges(step), []);
          assert.ok(step.effects.some((e) => e.kind === 'alert' && /admins are alerted/.test(e.text)), JSON.stringify(step.effects));
        }
      });

      it('escalates an actuator fault by exactly one level (probation → severed), not straight to offline', () => {
        // The relay, commanded open at severed and closed again at probation, is still unconfirmed.
        const r = replayed(`${TO_SEVERED},propose:a1:probation,approve:a2,approve:a3,approve:a4,approve:a5,actuator-fault:network-relay`, engine);
        assert.equal(r.steps[7]!.level, 'probation');
        assert.deepEqual(levelChanges(last(r)), [{ kind: 'level', from: 'probation', to: 'severed', cause: 'actuator-fault' }]);
      });

      it('rejects a fault or a confirmation of an actuator with no command pending, and a confirmed one stops being pending', () => {
        const r = replayed('actuator-fault:network-relay,alarm:severed,actuator-confirm:network-relay,actuator-fault:network-relay,actuator-confirm:model-power', engine);
        assert.deepEqual(accepted(r), [false, true, true, false, false]);
        assert.match(r.steps[0]!.reason!, /network-relay has no command awaiting confirmation/);
        assert.deepEqual(r.steps[2]!.state.pendingActuators, []);
        assert.equal(last(r).level, 'severed');
      });
    });

    it('reports the state a reviewer reads: ports and model cores follow §2 at each level', () => {
      const r = replayed('alarm:probation,alarm:severed,alarm:offline', engine);
      assert.deepEqual(r.steps.map((s) => [s.state.ports, s.state.modelCores]), [['allowlist', 'run'], ['local', 'run'], ['none', 'halted']]);
      assert.deepEqual([r.initial.ports, r.initial.modelCores], ['all', 'run']);
    });
  });
}

describe('checker/replay: a trace that breaks a property is reported at its first violating step', () => {
  it('names the property a step violates, under a policy whose detector may destroy', () => {
    const r = replay(policyWith({ detector: { maxLevel: 'immolation' } }), [{ type: 'heartbeat' }, { type: 'alarm', level: 'decapitation' }]);
    assert.equal(r.firstViolation, 2);
    assert.deepEqual(r.steps[0]!.violations, []);
    assert.ok(r.steps[1]!.violations.some((v) => v.property === 'failsafe-only-raises'), JSON.stringify(r.steps[1]!.violations));
  });

  it('gives the same report under both interpreters', () => {
    const decoded = decodePath('propose:a1:severed,approve:a2,alarm:probation,approve:a3,mce,reboot-complete,heartbeat-missed,actuator-fault:model-power');
    assert.ok(decoded.ok);
    assert.deepEqual(replay(DEFAULT_POLICY, decoded.events, { engine: 'reference' }), replay(DEFAULT_POLICY, decoded.events, { engine: 'xstate' }));
  });
});
