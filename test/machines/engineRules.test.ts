/**
 * The engines' rules at their edges (machines/engine.ts), and the protocol decision the
 * reachable-graph comparison of engine.test.ts cannot reach with the default policy: what a
 * step does with an event no region handles, what the checker's fast mode (`effects: false`)
 * still guarantees, and who a config that cannot be read is refused by.
 * Every engine is built inside its `it`, so the code under test runs in the test.
 */
import assert from 'node:assert/strict';
import { referenceEngine, xstateEngine, type Engine, type Step } from '../../machines/engine.ts';
import { enteredLevel, initialContext, type GuillotineContext } from '../../machines/protocol.ts';
import { stateKey } from '../../machines/stateKey.ts';
import { CAPABILITIES, type Level } from '../../spec/levels.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';

/** An event type the statechart has no transition for (decoding never yields one; a caller bug could). */
const stray = { type: 'no-such-event' } as unknown as GuillotineEvent;

/** A step's acceptance is what its effects say: refused exactly when some effect is a rejection. */
function consistent(step: Step): void {
  assert.equal(step.accepted, !step.effects.some((e) => e.kind === 'reject'), `accepted=${step.accepted} but effects ${JSON.stringify(step.effects)}`);
}

function rejectionReasons(step: Step): string[] {
  return step.effects.flatMap((e) => (e.kind === 'reject' ? [e.reason] : []));
}

describe('machines/engine: the rules of a step', () => {
  it('refuses an event no region handles, naming it, and leaves the state unchanged (both engines)', () => {
    const engines: Engine[] = [xstateEngine(DEFAULT_POLICY), referenceEngine(DEFAULT_POLICY)];
    for (const engine of engines) {
      const start = engine.initial();
      const step = engine.step(start, stray);
      assert.equal(step.accepted, false, engine.name);
      consistent(step);
      const reasons = rejectionReasons(step);
      assert.equal(reasons.length, 1, `${engine.name}: one refusal`);
      assert.match(reasons[0]!, /no-such-event/, `${engine.name}: the refusal names the event`);
      assert.equal(stateKey(step.state), stateKey(start), engine.name);
    }
  });

  it('in fast mode (effects off) still refuses an unhandled event with a rejection, so acceptance and effects never disagree', () => {
    const fast = referenceEngine(DEFAULT_POLICY, undefined, { effects: false });
    const step = fast.step(fast.initial(), stray);
    assert.equal(step.accepted, false);
    consistent(step);
    assert.equal(rejectionReasons(step).length, 1);
  });

  it('in fast mode accepts and refuses exactly as with effects on, builds no notes or level changes, and never gives a blank reason', () => {
    const full = referenceEngine(DEFAULT_POLICY);
    const fast = referenceEngine(DEFAULT_POLICY, undefined, { effects: false });
    const events: GuillotineEvent[] = [
      { type: 'alarm', level: 'standard' }, // accepted with a note: the alarm does not raise the level
      { type: 'alarm', level: 'severed' }, // accepted with a level change
      { type: 'approve', admin: 'a1' }, // refused: no proposal is open
      { type: 'reboot-complete' }, // refused: no reboot in progress
    ];
    for (const e of events) {
      const withEffects = full.step(full.initial(), e);
      const without = fast.step(fast.initial(), e);
      assert.equal(without.accepted, withEffects.accepted, e.type);
      assert.equal(stateKey(without.state), stateKey(withEffects.state), e.type);
      consistent(without);
      if (withEffects.accepted) {
        assert.ok(withEffects.effects.length > 0, `${e.type}: with effects on, the step explains itself`);
        assert.deepEqual(without.effects, [], `${e.type}: fast mode builds no effects`);
      } else {
        for (const reason of rejectionReasons(without)) assert.ok(reason.trim().length > 0, `${e.type}: a refusal has a reason`);
      }
    }
  });

  it('builds the real reasons by default: a refused approval says no proposal is open', () => {
    const engine = referenceEngine(DEFAULT_POLICY, undefined, {});
    const step = engine.step(engine.initial(), { type: 'approve', admin: 'a1' });
    assert.equal(step.accepted, false);
    assert.match(rejectionReasons(step).join(' '), /no proposal is open/);
  });

  it('refuses a config it cannot interpret with a message naming the reference engine as the reader to teach', () => {
    assert.throws(() => referenceEngine(DEFAULT_POLICY, { guards: {}, updates: {}, raises: {}, refusals: { proposal: [], approval: [] } }), /referenceEngine/);
  });
});

describe('machines/protocol: leaving a level commands its actuators back', () => {
  /** A context at a level, with the outputs of that level and nothing pending (as after all confirmations). */
  const at = (level: Level): GuillotineContext => ({ ...initialContext(), level, outputs: CAPABILITIES[level] });

  it('leaving immolation (a policy may make it reversible) leaves the facility-destruction actuator pending until it confirms', () => {
    assert.deepEqual(enteredLevel(DEFAULT_POLICY, at('immolation'), 'decapitation').pendingActuators, ['facility-destruction']);
    assert.deepEqual(enteredLevel(DEFAULT_POLICY, at('decapitation'), 'immolation').pendingActuators, ['facility-destruction'], 'and entering it too');
    assert.deepEqual(enteredLevel(DEFAULT_POLICY, at('immolation'), 'immolation').pendingActuators, [], 'no position changes, nothing pending');
  });
});
