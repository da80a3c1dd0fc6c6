/**
 * The generated statechart (machines/guillotine.ts) and the canonical state key (machines/stateKey.ts),
 * checked where a user sees them: the transitions the visualizer labels, the levels it marks
 * irreversible, the actuators still pending after a confirmation, the note an alarm below the level
 * leaves, the checker's fast mode telling a refusal from an acceptance, and distinct states getting
 * distinct keys. Everything under test is built inside each `it` (the mutation run activates a
 * mutant only while a test runs, so a value built at load time would see the original code).
 */
import assert from 'node:assert/strict';
import { referenceEngine, xstateEngine, type Engine, type SystemState } from '../../machines/engine.ts';
import { PROTOCOL_RULES } from '../../machines/rules.ts';
import { machineConfig, machineImplementations } from '../../machines/guillotine.ts';
import { initialContext, type MachineEvent } from '../../machines/protocol.ts';
import { stateKey } from '../../machines/stateKey.ts';
import { ACTUATORS, LEVELS, levelIndex, type Actuator, type Level } from '../../spec/levels.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { DEFAULT_POLICY, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

function policy(input: PolicyInput): Policy {
  return parsedPolicy(input);
}
const three = (extra: Partial<PolicyInput> = {}) => policy({ admins: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }], quorum: { escalate: 2, deescalate: 2 }, ...extra });

/** Both interpreters: whatever a user relies on must hold for the reference and the fast one alike. */
const engines = (p: Policy): Engine[] => [xstateEngine(p), referenceEngine(p)];

/** Sends events in order, failing with the refusal if one is not accepted. */
function run(engine: Engine, events: readonly GuillotineEvent[], from: SystemState = engine.initial()): SystemState {
  let s = from;
  for (const e of events) {
    const step = engine.step(s, e);
    assert.ok(step.accepted, `${engine.name}: ${JSON.stringify(e)} was refused: ${JSON.stringify(step.effects)}`);
    s = step.state;
  }
  return s;
}

/** The isolation-region config of one level, as the visualizer and exporters read it. */
type LevelConfig = { on: { 'isolation.set': readonly { target?: string; description?: string }[] }; tags?: readonly string[] };
const levelConfig = (p: Policy, level: Level): LevelConfig =>
  (machineConfig(p).states.isolation.states as unknown as Record<Level, LevelConfig>)[level];

describe('machines/guillotine: the generated statechart as users see it', () => {
  it('labels every level edge "raise to X" when X is higher and "lower to X" when it is lower', () => {
    // The visualizer shows these labels; a raise shown as a lowering misleads whoever reviews the design.
    const p = three({ irreversible: [] });
    for (const level of LEVELS) {
      const moves = levelConfig(p, level).on['isolation.set'];
      assert.equal(moves.length, LEVELS.length - 1, `${level}: with nothing irreversible every other level is an edge`);
      for (const m of moves) {
        const to = m.target as Level;
        const expected = levelIndex(to) > levelIndex(level) ? `raise to ${to}` : `lower to ${to}`;
        assert.equal(m.description, expected, `${level} → ${to}`);
      }
    }
  });

  it('tags exactly the policy\'s irreversible levels "irreversible", and none when the policy lists none', () => {
    for (const p of [DEFAULT_POLICY, three({ irreversible: ['offline'] }), three({ irreversible: [] })]) {
      for (const level of LEVELS) {
        const tags = levelConfig(p, level).tags ?? [];
        assert.deepEqual(tags, p.irreversible.includes(level) ? ['irreversible'] : [], `${level} with irreversible ${JSON.stringify(p.irreversible)}`);
      }
    }
  });

  it('a confirmation clears only the confirming actuator; the others stay pending', () => {
    const p = three();
    for (const engine of engines(p)) {
      const s0 = engine.initial();
      const pending: Actuator[] = ['network-relay', 'model-power', 'hardware-destruction'];
      const s = { value: s0.value, context: { ...s0.context, pendingActuators: pending } };
      const step = engine.step(s, { type: 'actuator-confirm', actuator: 'model-power' });
      assert.ok(step.accepted, engine.name);
      assert.deepEqual(step.state.context.pendingActuators, ['network-relay', 'hardware-destruction'], engine.name);
    }
  });

  it('an alarm that does not raise the level leaves a note naming the capped target and the current level', () => {
    const p = DEFAULT_POLICY; // detector capped at offline
    for (const engine of engines(p)) {
      const atOffline = run(engine, [{ type: 'alarm', level: 'offline' }]);
      assert.equal(atOffline.context.level, 'offline', engine.name);
      const step = engine.step(atOffline, { type: 'alarm', level: 'severed' });
      assert.ok(step.accepted, `${engine.name}: an alarm is never refused`);
      assert.equal(step.state.context.level, 'offline', engine.name);
      const notes = step.effects.filter((e) => e.kind === 'note');
      assert.equal(notes.length, 1, `${engine.name}: ${JSON.stringify(step.effects)}`);
      const text = (notes[0] as { text: string }).text;
      assert.ok(text.includes('severed') && text.includes('offline'), `${engine.name}: "${text}" should name severed and offline`);
    }
  });

  it('the checker\'s fast mode (no reasons built) still tells every refusal from an acceptance', () => {
    // The checker runs the compiled engine with effects off; a refusal it counted as accepted
    // would add edges the design does not have.
    const p = three();
    const fast = referenceEngine(p, PROTOCOL_RULES, { effects: false });
    const full = referenceEngine(p);
    const open = run(full, [{ type: 'propose', admin: 'a1', target: 'offline' }]);
    const cases: [string, SystemState, GuillotineEvent][] = [
      ['a repeated approval (rejectApproval)', open, { type: 'approve', admin: 'a1' }],
      ['an approval from a non-admin (rejectApproval)', open, { type: 'approve', admin: 'mallory' }],
      ['a second proposal while one is open (rejectProposal)', open, { type: 'propose', admin: 'a2', target: 'severed' }],
      ['an approval with no proposal open (rejectAs)', full.initial(), { type: 'approve', admin: 'a1' }],
      ['a confirmation from an actuator with nothing pending (rejectUnpendingActuator)', full.initial(), { type: 'actuator-confirm', actuator: 'model-power' }],
      ['a fault from an actuator with nothing pending (rejectUnpendingActuator)', full.initial(), { type: 'actuator-fault', actuator: 'network-relay' }],
    ];
    for (const [name, state, event] of cases) {
      assert.equal(full.step(state, event).accepted, false, `${name}: the explaining engine refuses it`);
      assert.equal(fast.step(state, event).accepted, false, `${name}: the fast mode refuses it too`);
    }
    assert.equal(fast.step(open, { type: 'approve', admin: 'a2' }).accepted, true, 'a distinct admin\'s approval is accepted');
  });

  it('an action or guard run without its parameter fails naming the missing parameter', () => {
    // A config edit that drops a parameter must fail loudly, saying what is missing.
    const impl = machineImplementations(DEFAULT_POLICY);
    const ctx = initialContext();
    const set: MachineEvent = { type: 'isolation.set', to: 'offline', cause: 'alarm' };
    assert.throws(() => impl.guards.setsLevel!(ctx, set, undefined), /missing its "level" parameter/);
    assert.throws(() => impl.updates.enterLevel!(ctx, set, {}), /missing its "level" parameter/);
    assert.throws(() => impl.effects.rejectAs!(ctx, set, undefined), /missing its "reason" parameter/);
    assert.throws(() => impl.effects.note!(ctx, set, {}), /missing its "text" parameter/);
  });
});

describe('machines/stateKey: distinct states get distinct keys', () => {
  it('states differing only in which actuators are pending get different keys', () => {
    const s0 = referenceEngine(DEFAULT_POLICY).initial();
    const sets: Actuator[][] = [[], [ACTUATORS[0]], [ACTUATORS[1]], [ACTUATORS[0], ACTUATORS[1]], [...ACTUATORS]];
    const keys = sets.map((pendingActuators) => stateKey({ value: s0.value, context: { ...s0.context, pendingActuators } }));
    assert.equal(new Set(keys).size, sets.length, keys.join('\n'));
    // The same set gives the same key (the key is canonical, not a counter).
    assert.equal(stateKey({ value: s0.value, context: { ...s0.context, pendingActuators: [ACTUATORS[1]] } }), keys[2]);
  });
});
