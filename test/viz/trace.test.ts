import assert from 'node:assert/strict';
import fc from 'fast-check';
import { referenceEngine, levelOf } from '../../machines/engine.ts';
import { ACTUATORS, LEVELS } from '../../spec/levels.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { replay } from '../../viz/trace.ts';
import { traceViewOfPath } from '../../viz/reviewModel.ts';
import { SEED } from '../seed.ts';

const admin = fc.constantFrom('a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'mallory');
const event: fc.Arbitrary<GuillotineEvent> = fc.oneof(
  fc.record({ type: fc.constant('propose' as const), admin, target: fc.constantFrom(...LEVELS) }),
  fc.record({ type: fc.constant('approve' as const), admin }),
  fc.constantFrom<GuillotineEvent>({ type: 'timeout' }, { type: 'heartbeat' }, { type: 'heartbeat-missed' }, { type: 'mce' }, { type: 'assertion-failure' }, { type: 'reboot-complete' }),
  fc.record({ type: fc.constant('alarm' as const), level: fc.constantFrom(...LEVELS) }),
  fc.record({ type: fc.constantFrom('actuator-confirm' as const, 'actuator-fault' as const), actuator: fc.constantFrom(...ACTUATORS) }),
);

describe(`viz/trace (fast-check seed ${SEED})`, () => {
  it('shows_after_each_step_exactly_the_state_and_effects_the_engine_computes', () => {
    const engine = referenceEngine(DEFAULT_POLICY);
    fc.assert(
      fc.property(fc.array(event, { maxLength: 25 }), (events) => {
        const r = replay(DEFAULT_POLICY, events);
        assert.equal(r.frames.length, events.length + 1);
        let state = engine.initial();
        assert.deepEqual(r.frames[0]!.state, state);
        events.forEach((e, i) => {
          const step = engine.step(state, e);
          const f = r.frames[i + 1]!;
          assert.deepEqual(f.state, step.state);
          assert.deepEqual(f.effects, step.effects);
          assert.equal(f.accepted, step.accepted);
          assert.equal(f.level, levelOf(step.state));
          assert.deepEqual(f.changed, Object.keys(step.state.value).filter((k) => step.state.value[k as keyof typeof step.state.value] !== state.value[k as keyof typeof state.value]));
          state = step.state;
        });
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('reports_each_rejected_event_with_the_machines_reason_and_keeps_the_state', () => {
    const r = replay(DEFAULT_POLICY, [{ type: 'propose', admin: 'a1', target: 'severed' }, { type: 'approve', admin: 'a1' }, { type: 'approve', admin: 'mallory' }, { type: 'approve', admin: 'a2' }, { type: 'approve', admin: 'a3' }]);
    assert.equal(r.rejected, 2);
    assert.deepEqual(r.frames[2]!.effects, [{ kind: 'reject', reason: 'a1 already approved this proposal' }]);
    assert.deepEqual(r.frames[3]!.effects, [{ kind: 'reject', reason: '"mallory" is not an admin of this policy' }]);
    assert.deepEqual(r.frames[3]!.state, r.frames[1]!.state);
    assert.equal(r.frames[5]!.level, 'severed');
    assert.deepEqual(r.frames[5]!.changed, ['isolation', 'proposal']);
    assert.ok(r.frames[5]!.effects.some((e) => e.kind === 'level' && e.cause === 'quorum' && e.to === 'severed'));
  });

  it('marks_the_step_where_an_unsafe_policy_violates_a_property', () => {
    const loaded = loadPolicyFile('test/fixtures/policies/unsafe.json');
    assert.ok(loaded.ok);
    // irreversible: [] and a de-escalation quorum of 3: three admins bring immolation back down.
    const view = traceViewOfPath(loaded.policy, 'propose:a1:immolation,approve:a2,approve:a3,propose:a1:decapitation,approve:a2,approve:a3');
    assert.ok(view.ok);
    assert.equal(view.firstViolation, 6);
    assert.ok(view.frames[6]!.violations.some((v) => v.property === 'irreversible-levels'));
    assert.deepEqual(view.frames.slice(0, 6).flatMap((f) => f.violations), []);
  });

  it('gives_the_quorum_the_open_proposal_needs', () => {
    const view = traceViewOfPath(DEFAULT_POLICY, 'propose:a1:severed,approve:a2,propose:a1:severed');
    assert.ok(view.ok);
    assert.equal(view.frames[2]!.quorum, 3);
    assert.deepEqual(view.frames[2]!.state.context.proposal?.approvals, ['a1', 'a2']);
    assert.equal(view.frames[0]!.quorum, null);
  });

  it('refuses_a_malformed_path_with_a_message_naming_the_event', () => {
    const view = traceViewOfPath(DEFAULT_POLICY, 'propose:a1:severed,aprove:a2');
    assert.equal(view.ok, false);
    assert.match(view.ok ? '' : view.message, /event 2 "aprove:a2": unknown event type/);
  });
});
