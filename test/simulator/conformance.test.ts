/**
 * Conformance: the simulator (through its SystemUnderTest adapter) and the statechart (the
 * compiled engine over `machines/guillotine.ts`) receive the same random sequences of §7 events;
 * after every step they must agree on acceptance, level, open proposal (approvals in policy
 * order), hypervisor state, the capability row enforced (§2's table: cores, ports, relay, power,
 * hardware, facility), the actuators awaiting confirmation, and the missed-heartbeat count.
 *
 * The model (the statechart) is much simpler than the simulator: it abstracts time, signatures,
 * nonces, the level record and the actuators' mechanics. The adapter's `scripted` mode is what
 * makes one step of each comparable (see `simulator/sut.ts`).
 *
 * The second half runs the same test against each test-only mutant and requires it to fail: the
 * conformance test can see every one of those bugs.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { referenceEngine, levelOf, xstateEngine, type Engine, type SystemState } from '../../machines/engine.ts';
import { ACTUATORS, CAPABILITIES, LEVELS } from '../../spec/levels.ts';
import { DEFAULT_POLICY, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { encodeEvent, type GuillotineEvent } from '../../spec/events.ts';
import { createSimulatorSut, type SimulatorSut } from '../../simulator/sut.ts';
import { SIMULATOR_MUTANTS, SIMULATOR_MUTANT_NAMES, mutantSut, type SimulatorMutantName } from './mutants.ts';
import { SEED } from '../seed.ts';

function policy(input: PolicyInput): Policy {
  return parsedPolicy(input);
}
const admins = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `a${i + 1}` }));

/** Policies under test: the default, and variants that move each knob the simulator reads. */
const POLICIES: readonly (readonly [string, Policy])[] = [
  ['default', DEFAULT_POLICY],
  ['three admins, 2/2', policy({ admins: admins(3), quorum: { escalate: 2, deescalate: 2 } })],
  ['lone escalator, timeout unchanged, maxStep 2', policy({ admins: admins(4), quorum: { escalate: 1, deescalate: 3, onTimeout: 'unchanged' }, deescalation: { maxStep: 2 } })],
  ['five admins, 3/4, expired proposals dropped', policy({ admins: admins(5), quorum: { escalate: 3, deescalate: 4, onTimeout: 'unchanged' } })],
  ['unsafe knobs', policy({ admins: admins(3), quorum: { escalate: 1, deescalate: 1 }, irreversible: ['immolation'], heartbeat: { missLimit: 1 }, detector: { maxLevel: 'immolation' }, faults: { rebootLevel: 'standard' }, actuators: { escalateOnFailureUpTo: 'decapitation' } })],
];

const ACTORS = ['a1', 'a2', 'a3', 'a4', 'a5', 'mallory'] as const;

/** Random §7 events, weighted toward the ones that move the protocol. */
const eventArb: fc.Arbitrary<GuillotineEvent> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('propose' as const), admin: fc.constantFrom(...ACTORS), target: fc.constantFrom(...LEVELS) }) },
  { weight: 10, arbitrary: fc.record({ type: fc.constant('approve' as const), admin: fc.constantFrom(...ACTORS) }) },
  { weight: 2, arbitrary: fc.constant({ type: 'timeout' as const }) },
  { weight: 2, arbitrary: fc.constant({ type: 'heartbeat' as const }) },
  { weight: 3, arbitrary: fc.constant({ type: 'heartbeat-missed' as const }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('alarm' as const), level: fc.constantFrom(...LEVELS) }) },
  { weight: 1, arbitrary: fc.constantFrom({ type: 'mce' as const }, { type: 'assertion-failure' as const }) },
  { weight: 2, arbitrary: fc.constant({ type: 'reboot-complete' as const }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constantFrom('actuator-confirm' as const, 'actuator-fault' as const), actuator: fc.constantFrom(...ACTUATORS) }) },
);

interface Model {
  readonly engine: Engine;
  state: SystemState;
}

/** Asserts the simulator and the machine agree after a step. */
function assertAgree(model: Model, sut: SimulatorSut, accepted: boolean, simAccepted: boolean, reason: string): void {
  const where = `(after ${model.engine.policy.admins.length} admins' policy step)`;
  assert.equal(simAccepted, accepted, `acceptance differs: machine ${accepted ? 'accepted' : 'rejected'}, simulator ${simAccepted ? 'accepted' : `rejected (${reason})`} ${where}`);
  const observed = sut.observe();
  const ctx = model.state.context;
  assert.equal(observed.level, levelOf(model.state), 'level');
  assert.deepEqual(observed.proposal, ctx.proposal === null ? null : { from: ctx.proposal.from, to: ctx.proposal.to, approvals: [...ctx.proposal.approvals] }, 'open proposal');
  assert.equal(observed.hypervisor, model.state.value.hypervisor, 'hypervisor running/rebooting');
  assert.deepEqual(observed.capabilities, ctx.outputs, 'capability row enforced (outputs)');
  assert.deepEqual(observed.capabilities, CAPABILITIES[observed.level], "capability row is §2's row of the level");
  assert.deepEqual(sut.system.physical.pending(), [...ctx.pendingActuators], 'actuators awaiting confirmation');
  assert.equal(sut.system.physical.missedPeriods, ctx.missedHeartbeats, 'consecutive missed heartbeats');
}

class EventCommand implements fc.Command<Model, SimulatorSut> {
  constructor(readonly event: GuillotineEvent) {}
  check(): boolean {
    return true; // every event may be sent in every state: rejection is behaviour to compare
  }
  run(model: Model, sut: SimulatorSut): void {
    const step = model.engine.step(model.state, this.event);
    model.state = step.state;
    const r = sut.send(this.event);
    assertAgree(model, sut, step.accepted, r.accepted, r.accepted ? '' : r.reason);
  }
  toString(): string {
    return encodeEvent(this.event);
  }
}

const commandsArb = fc.commands([eventArb.map((e) => new EventCommand(e))], { maxCommands: 40 });

function conformance(bug?: SimulatorMutantName, makeEngine: (policy: Policy) => Engine = referenceEngine) {
  return fc.property(fc.constantFrom(...POLICIES), commandsArb, ([, p], commands) => {
    const engine = makeEngine(p);
    const sut = bug ? mutantSut(bug, 7) : createSimulatorSut({ seed: 7 });
    sut.reset(p);
    const model: Model = { engine, state: engine.initial() };
    assertAgree(model, sut, true, true, '');
    fc.modelRun(() => ({ model, real: sut }), commands);
    assert.deepEqual(sut.system.escapes, bug ? sut.system.escapes : [], 'the escape monitor saw no escape');
  });
}

describe(`simulator conforms to the statechart (fast-check seed ${SEED})`, () => {
  it(`agrees with the machine after every step of random event sequences on ${POLICIES.length} policies (seed ${SEED})`, () => {
    fc.assert(conformance(), { seed: SEED, numRuns: 250 });
  });

  it(`agrees with XState itself (the reference interpreter, not only the compiled one) on random event sequences (seed ${SEED})`, () => {
    fc.assert(conformance(undefined, (p) => xstateEngine(p)), { seed: SEED, numRuns: 60 });
  });

  it('agrees on hand-picked paths that cross every fail-safe (seed-free)', () => {
    const paths = [
      'propose:a1:offline,approve:a2,approve:a3,propose:a1:severed,approve:a2,approve:a3,approve:a4,approve:a5',
      'heartbeat-missed,heartbeat-missed,heartbeat,heartbeat-missed,heartbeat-missed,heartbeat-missed,actuator-fault:model-power,actuator-confirm:network-relay',
      'propose:a1:severed,timeout,mce,propose:a1:standard,reboot-complete,propose:a2:offline,alarm:immolation',
      'actuator-fault:network-relay,propose:a1:probation,actuator-fault:network-relay,actuator-fault:model-power,actuator-fault:model-power,actuator-fault:model-power',
    ];
    for (const path of paths) {
      const engine = referenceEngine(DEFAULT_POLICY);
      const sut = createSimulatorSut();
      sut.reset(DEFAULT_POLICY);
      const model: Model = { engine, state: engine.initial() };
      const commands = path.split(',').map((text) => {
        const [type, a, b] = text.split(':');
        const event = (type === 'propose' ? { type, admin: a, target: b } : type === 'approve' ? { type, admin: a } : type === 'alarm' ? { type, level: a } : a ? { type, actuator: a } : { type }) as GuillotineEvent;
        return new EventCommand(event);
      });
      for (const c of commands) c.run(model, sut);
    }
  });
});

describe(`conformance catches each test-only mutant (fast-check seed ${SEED})`, () => {
  for (const bug of SIMULATOR_MUTANT_NAMES) {
    it(`catches ${bug}: ${SIMULATOR_MUTANTS[bug].description}`, () => {
      const result = fc.check(conformance(bug), { seed: SEED, numRuns: 600, endOnFailure: true });
      assert.ok(result.failed, `the conformance test did not catch mutant ${bug} in ${result.numRuns} runs (seed ${SEED})`);
    });
  }
});
