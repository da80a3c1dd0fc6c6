import assert from 'node:assert/strict';
import { checkedModel } from '../../checker/checkedModel.ts';
import { guillotineModel } from '../../checker/guillotineModel.ts';
import { eventAlphabet, outsiderId } from '../../machines/alphabet.ts';
import { allHold, checkPolicy } from '../../checker/index.ts';
import { encoded, sameState } from '../../checker/model.ts';
import { replay } from '../../checker/replay.ts';
import { referenceEngine, xstateEngine, type Engine } from '../../machines/engine.ts';
import { PROTOCOL_RULES, type ProtocolRules } from '../../machines/rules.ts';
import { stateKey } from '../../machines/stateKey.ts';
import { INITIAL_HISTORY } from '../../properties/history.ts';
import { PROPERTIES } from '../../properties/index.ts';
import { encodeEvent, encodePath } from '../../spec/events.ts';
import { ACTUATORS, LEVELS } from '../../spec/levels.ts';
import { DEFAULT_POLICY, scaledPolicy, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { dieHard, events } from './fixtures.ts';

/**
 * The layers between the statechart and the verdict a user reads: the model the checker explores
 * (guillotineModel, checkedModel), the report `checkPolicy` returns (index.ts), and the replay that
 * shows a counterexample step by step (replay.ts). Small policies keep each check to a fraction of
 * a second.
 */


function policyWith(overrides: Partial<PolicyInput>, admins: PolicyInput['admins'] = DEFAULT_POLICY.admins): Policy {
  return parsedPolicy({ admins, ...overrides });
}

/** catches.test.ts's liveness bug: a quorum closes the proposal without applying it, and no timeout applies it either. */
function neverAppliedEscalation(): ProtocolRules {
  return { ...PROTOCOL_RULES, raises: { ...PROTOCOL_RULES.raises, applyProposal: (_o, _p, c) => ({ type: 'isolation.set', to: c.level, cause: 'quorum' }) } };
}

describe('checker/replay: what a reviewer reads of a counterexample', () => {
  it("marks the steps of a liveness counterexample's repeating cycle, and only those, run once after the prefix", () => {
    const r = replay(DEFAULT_POLICY, events('propose:a1:severed'), { cycle: events('heartbeat-missed,heartbeat') });
    assert.deepEqual(r.steps.map((s) => encodeEvent(s.event)), ['propose:a1:severed', 'heartbeat-missed', 'heartbeat']);
    assert.deepEqual(r.steps.map((s) => s.inCycle), [undefined, true, true]);
  });

  it('reports the first violating step, not a later one that violates again', () => {
    const r = replay(policyWith({ detector: { maxLevel: 'immolation' } }), events('heartbeat,alarm:decapitation,alarm:immolation,heartbeat'));
    assert.ok(r.steps[2]!.violations.length > 0, 'the third step violates too');
    assert.equal(r.firstViolation, 2);
  });
});

describe('checker/checkedModel: the model a recipe names', () => {
  it('refuses an unknown spec mutant, naming it and the known ones', () => {
    assert.throws(
      () => checkedModel({ policy: DEFAULT_POLICY, engine: 'compiled', symmetry: false, mutant: 'no-such-bug' }),
      (e: unknown) => e instanceof Error && /no spec mutant named "no-such-bug"; known: [a-z-]+(, [a-z-]+)+$/.test(e.message) && e.message.includes('reboot-into-standard'),
    );
  });

  it('runs the interpreter the recipe names', () => {
    for (const engine of ['reference', 'xstate'] as const) assert.equal(checkedModel({ policy: DEFAULT_POLICY, engine, symmetry: false }).engine.name, engine);
    // The generated code explores; the reference engine explains and replays what it finds.
    assert.equal(checkedModel({ policy: DEFAULT_POLICY, engine: 'compiled', symmetry: false }).engine.name, 'reference');
  });

  it('runs the compiled interpreter in its fast mode, which formats no rejection reasons (the checker needs only accepted or not)', () => {
    const { engine } = checkedModel({ policy: DEFAULT_POLICY, engine: 'compiled', symmetry: false });
    const step = engine.step(engine.initial(), { type: 'timeout' });
    assert.equal(step.accepted, false);
    assert.doesNotMatch(JSON.stringify(step.effects), /no proposal is open/);
    // The same step under the default (explaining) mode, for contrast: the reason is there.
    assert.match(JSON.stringify(referenceEngine(DEFAULT_POLICY).step(engine.initial(), { type: 'timeout' }).effects), /no proposal is open/);
  });

  it('checks only the properties the recipe names, with their vacuity guards', () => {
    const checked = checkedModel({ policy: DEFAULT_POLICY, engine: 'compiled', symmetry: false, properties: ['irreversible-levels', 'no-deadlock'] });
    assert.deepEqual(checked.properties.map((p) => p.id), ['irreversible-levels', 'no-deadlock']);
    assert.deepEqual(checked.unreduced.properties.map((p) => p.name), ['irreversible-levels', 'irreversible-levels: decapitation is reachable', 'irreversible-levels: immolation is reachable', 'no-deadlock']);
  });
});

describe('checker/guillotineModel: the Guillotine system as a checker model', () => {
  it("gives the outsider an id no admin has, however the admins are named", () => {
    assert.equal(outsiderId(DEFAULT_POLICY), 'outsider');
    assert.equal(outsiderId(policyWith({ quorum: { escalate: 2, deescalate: 3 } }, [{ id: 'outsider' }, { id: 'outsider-x' }, { id: 'a1' }])), 'outsider-x-x');
  });

  it('tries every event of §7: each voter proposing every level and approving, the automatic events, alarms at every level, and each actuator confirming and failing', () => {
    const policy = scaledPolicy(2);
    const names = eventAlphabet(policy).map(encodeEvent);
    const voters = ['a1', 'a2', 'outsider'];
    const expected = [
      ...voters.flatMap((v) => LEVELS.map((l) => `propose:${v}:${l}`)),
      ...voters.map((v) => `approve:${v}`),
      'timeout',
      'heartbeat',
      'heartbeat-missed',
      ...LEVELS.map((l) => `alarm:${l}`),
      'mce',
      'assertion-failure',
      'reboot-complete',
      ...ACTUATORS.flatMap((a) => [`actuator-confirm:${a}`, `actuator-fault:${a}`]),
    ];
    assert.deepEqual([...names].sort(), [...expected].sort());
    assert.equal(new Set(names).size, names.length, 'each event once');
  });

  it('lets only the named admins act, and leaves the outsider out when asked', () => {
    const policy = scaledPolicy(3);
    const voters = (options: Parameters<typeof eventAlphabet>[1]) => [...new Set(eventAlphabet(policy, options).flatMap((e) => (e.type === 'propose' || e.type === 'approve' ? [e.admin] : [])))];
    assert.deepEqual(voters({ admins: ['a2'] }), ['a2', 'outsider']);
    assert.deepEqual(voters({ outsider: false }), ['a1', 'a2', 'a3']);
    assert.deepEqual(voters({ admins: ['a3'], outsider: false }), ['a3']);
    assert.ok(eventAlphabet(policy, { admins: [], outsider: false }).some((e) => e.type === 'heartbeat'), 'the automatic events stay');
  });

  for (const [name, engine] of [['compiled', referenceEngine(DEFAULT_POLICY)], ['xstate', xstateEngine(DEFAULT_POLICY)]] as const) {
    it(`makes no edge of a rejected event that leaves the machine as it was, and a self-loop of an accepted one (${name})`, () => {
      const model = guillotineModel(engine, PROPERTIES);
      const [init] = model.initialStates();
      assert.equal(model.next(init!, { type: 'timeout' }), undefined, 'no proposal is open: the timeout is rejected');
      const loop = model.next(init!, { type: 'heartbeat' });
      assert.ok(loop !== undefined, 'a heartbeat is accepted and changes nothing, but is an edge');
      assert.equal(stateKey(loop.machine), stateKey(init!.machine));
    });
  }

  it('judges a rejected event that changes the machine (a buggy one) as a real transition', () => {
    const base = referenceEngine(DEFAULT_POLICY);
    // Rejects a missed heartbeat but counts it anyway.
    const buggy: Engine = {
      ...base,
      step: (s, e) => (e.type === 'heartbeat-missed' ? { state: { ...s, context: { ...s.context, missedHeartbeats: s.context.missedHeartbeats + 1 } }, accepted: false, effects: [{ kind: 'reject', reason: 'buggy' }] } : base.step(s, e)),
    };
    const model = guillotineModel(buggy, PROPERTIES);
    const next = model.next(model.initialStates()[0]!, { type: 'heartbeat-missed' });
    assert.ok(next !== undefined);
    assert.equal(next.machine.context.missedHeartbeats, 1);
    assert.deepEqual(next.history, INITIAL_HISTORY, 'a rejected event leaves the history alone');
  });

  it('starts from the machine\'s initial state with an empty history, and names actions as trace files do', () => {
    const engine = referenceEngine(DEFAULT_POLICY);
    const model = guillotineModel(engine, PROPERTIES);
    assert.deepEqual(model.initialStates(), [{ machine: engine.initial(), history: INITIAL_HISTORY }]);
    assert.equal(model.actionName({ type: 'propose', admin: 'a1', target: 'severed' }), 'propose:a1:severed');
    assert.equal(model.actions(model.initialStates()[0]!).length, eventAlphabet(DEFAULT_POLICY).length);
  });

  it('maps step and state properties to always, no-deadlock to progress, liveness to eventually, each vacuity guard to sometimes, and leaves policy arithmetic out', () => {
    const model = guillotineModel(referenceEngine(DEFAULT_POLICY), PROPERTIES);
    const kinds = model.properties.map((p) => [p.name, p.expectation]);
    assert.deepEqual(kinds, [
      ['irreversible-levels', 'always'],
      ['irreversible-levels: decapitation is reachable', 'sometimes'],
      ['irreversible-levels: immolation is reachable', 'sometimes'],
      ['deescalation-needs-quorum', 'always'],
      ['deescalation-needs-quorum: a de-escalation is applied', 'sometimes'],
      ['escalation-has-cause', 'always'],
      ['escalation-has-cause: an admin escalation is applied', 'sometimes'],
      ['failsafe-only-raises', 'always'],
      ['failsafe-only-raises: a fail-safe raises the level', 'sometimes'],
      ['failsafe-reaches-offline', 'always'],
      ['failsafe-reaches-offline: a fault reboots the hypervisor', 'sometimes'],
      ['failsafe-reaches-offline: the heartbeat limit is reached', 'sometimes'],
      ['approvals-bound-to-proposal', 'always'],
      ['approvals-bound-to-proposal: a proposal holds two approvals', 'sometimes'],
      ['level-capabilities', 'always'],
      ['reboot-keeps-level', 'always'],
      ['reboot-keeps-level: a fault starts a reboot', 'sometimes'],
      ['reboot-keeps-level: an event is accepted while the hypervisor reboots', 'sometimes'],
      ['no-deadlock', 'progress'],
      ['escalation-liveness', 'eventually'],
      ['escalation-liveness: an escalation proposal gathers its quorum', 'sometimes'],
      ['decisions-take-effect', 'always'],
      ['decisions-take-effect: a proposal reaches its quorum', 'sometimes'],
    ]);
    // A step property holds of an initial state, which no transition led to.
    const [init] = model.initialStates();
    for (const p of model.properties) if (p.expectation === 'always') assert.equal(p.condition(init!, undefined), true, p.name);
  });
});

describe('checker/index: the report of checkPolicy', function () {
  this.timeout(60_000);
  const small = scaledPolicy(2);

  it('checks with the compiled interpreter and symmetry unless told otherwise, and says which it used', () => {
    const byDefault = checkPolicy(small, { findings: false });
    assert.deepEqual([byDefault.engine, byDefault.symmetry], ['compiled', true]);
    assert.ok(allHold(byDefault));
    // A few states are enough to see which interpreter and reduction ran (XState is the slow one).
    const asked = checkPolicy(small, { findings: false, engine: 'xstate', symmetry: false, maxStates: 20 });
    assert.deepEqual([asked.engine, asked.symmetry], ['xstate', false]);
  });

  it('gives findings when the search completes, and none when they are turned off', () => {
    assert.ok(Array.isArray(checkPolicy(small).findings));
    assert.equal(checkPolicy(small, { findings: false }).findings, null);
  });

  it('says when the search is over that the paths, then the findings, are being made (what progress shows then)', () => {
    const phases: string[] = [];
    checkPolicy(small, { onPhase: (p) => phases.push(p) });
    assert.deepEqual(phases, ['paths', 'findings']);
    phases.length = 0;
    checkPolicy(small, { findings: false, onPhase: (p) => phases.push(p) });
    assert.deepEqual(phases, ['paths']);
  });

  it('stops at maxStates with the explored properties unknown, the policy arithmetic still judged, no findings, and no pass overall', () => {
    const r = checkPolicy(small, { maxStates: 50 });
    assert.equal(r.complete, false);
    assert.equal(r.findings, null, 'findings would be as unfinished as the search');
    for (const p of r.properties) assert.equal(p.status, p.id === 'quorum-intersection' ? 'pass' : 'unknown', p.id);
    assert.equal(allHold(r), false);
  });

  it('fails policy arithmetic with its reason and disjoint quorums rather than a trace', () => {
    const r = checkPolicy(scaledPolicy(2, { quorum: { escalate: 1, deescalate: 1 } }), { findings: false, properties: ['quorum-intersection'] });
    assert.deepEqual(r.properties.map((p) => p.id), ['quorum-intersection']);
    const [p] = r.properties;
    assert.equal(p!.status, 'fail');
    assert.ok(p!.reason && p!.reason.length > 0);
    assert.ok(p!.witness !== undefined && p!.trace === undefined);
    assert.equal(allHold(r), false);
  });

  it('gives every vacuity witness as a concrete trace that replays, every step accepted, even when found on representatives', () => {
    const r = checkPolicy(DEFAULT_POLICY, { findings: false });
    assert.ok(r.vacuity.length > 0);
    for (const v of r.vacuity) {
      assert.equal(v.status, 'witnessed', v.guard);
      const replayed = replay(DEFAULT_POLICY, v.trace!.events);
      assert.ok(replayed.steps.every((s) => s.accepted), `${v.guard}: ${encodePath(v.trace!.events)}`);
    }
  });

  it('gives a liveness failure as a prefix and a weakly fair cycle that leads back to where it started, which the replay confirms', () => {
    const policy = policyWith({ quorum: { onTimeout: 'unchanged' } });
    const rules = neverAppliedEscalation();
    const r = checkPolicy(policy, { findings: false, rules, properties: ['escalation-liveness'] });
    const [p] = r.properties;
    assert.equal(p!.status, 'fail');
    const trace = p!.trace!;
    assert.deepEqual([encodePath(trace.events), encodePath(trace.cycle ?? [])], ['propose:a1:decapitation,approve:a2,approve:a3,alarm:offline,actuator-confirm:network-relay,actuator-confirm:model-power', 'mce,reboot-complete,alarm:immolation,alarm:decapitation,alarm:offline,alarm:severed,alarm:probation,alarm:standard,heartbeat-missed,heartbeat,propose:a1:severed,timeout,heartbeat']);
    const prefix = replay(policy, trace.events, { rules });
    const lasso = replay(policy, trace.events, { rules, cycle: trace.cycle });
    assert.deepEqual(lasso.final, prefix.final, 'the cycle closes');
    // Heartbeats alone would also come back, but skip events enabled all along (mce, alarms, proposals): not a fair run.
    assert.deepEqual(lasso.lasso, { returns: true, neverTaken: [] });
    assert.deepEqual(lasso.steps.at(-1)!.violations, [{ property: 'escalation-liveness', reason: 'a fair cycle never reaches the condition' }]);
    assert.deepEqual(lasso.steps.slice(0, -1).flatMap((s) => s.violations.map((v) => v.property)), ['decisions-take-effect'], 'before the cycle closes only the dropped decision itself is a violation');
  });

});

describe('checker/model: states compared in their packed form', () => {
  it('treats two states as one exactly when every word agrees', () => {
    const { codec } = dieHard();
    assert.deepEqual([...encoded(codec, { small: 3, big: 4 })], [3, 4]);
    assert.equal(sameState(codec, { small: 3, big: 4 }, { small: 3, big: 4 }), true);
    assert.equal(sameState(codec, { small: 3, big: 4 }, { small: 3, big: 5 }), false, 'the last word differs');
    assert.equal(sameState(codec, { small: 3, big: 4 }, { small: 2, big: 4 }), false, 'the first word differs');
  });
});
