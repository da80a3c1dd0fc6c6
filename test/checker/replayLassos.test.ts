import assert from 'node:assert/strict';
import { replay, type ReplayReport } from '../../checker/replay.ts';
import { PROTOCOL_RULES, type ProtocolRules } from '../../machines/rules.ts';
import { mutatedMachine, specMutant } from '../../machines/mutants.ts';
import { events } from './fixtures.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { runCli } from '../cli/runCli.ts';

/**
 * A liveness counterexample is a lasso: a prefix, then a cycle repeated forever. The replay does
 * not take the checker's word for it: the cycle must end where it began (up to renaming admins)
 * and take every kind of event enabled all along it, or repeating it is no run of the weakly fair
 * system that `escalation-liveness` speaks of. These tests replay the checker's lasso for the
 * catalogue's liveness bug, and lassos broken on purpose.
 */

const prefix = events('propose:a1:decapitation,approve:a2,approve:a3,alarm:offline,actuator-confirm:network-relay,actuator-confirm:model-power');
const fairCycle = events('mce,reboot-complete,alarm:immolation,alarm:decapitation,alarm:offline,alarm:severed,alarm:probation,alarm:standard,heartbeat-missed,heartbeat,propose:a1:severed,timeout,heartbeat');
const mutant = () => mutatedMachine(DEFAULT_POLICY, specMutant('quorum-never-applied')!);

/**
 * The steps (1-based) at which the replay confirms a liveness violation. The mutant also breaks the
 * safety property behind liveness (`decisions-take-effect`, at the approval that makes the quorum);
 * these tests are about the lasso, so they read the liveness verdict alone.
 */
const livenessAt = (r: ReplayReport): number[] => r.steps.flatMap((s, i) => (s.violations.some((v) => v.property === 'escalation-liveness') ? [i + 1] : []));

describe('checker/replay: a liveness counterexample is confirmed only if its cycle can repeat, fairly', () => {
  it('confirms the fair cycle of a machine that drops its quorum\'s escalation, at the cycle\'s last step', () => {
    const { policy, rules } = mutant();
    const r = replay(policy, prefix, { rules, cycle: fairCycle });
    assert.deepEqual(r.lasso, { returns: true, neverTaken: [] });
    assert.deepEqual(livenessAt(r), [prefix.length + fairCycle.length]);
    assert.deepEqual(r.steps.flatMap((s, i) => s.violations.map((v) => [i + 1, v.property])), [[3, 'decisions-take-effect'], [prefix.length + fairCycle.length, 'escalation-liveness']]);
  });

  it('confirms nothing for a cycle of heartbeats alone, and names the events a fair run could not skip', () => {
    const { policy, rules } = mutant();
    const r = replay(policy, prefix, { rules, cycle: events('heartbeat') });
    assert.equal(r.lasso?.returns, true);
    assert.ok(r.lasso!.neverTaken.includes('mce') && r.lasso!.neverTaken.includes('propose:severed'), r.lasso!.neverTaken.join(', '));
    assert.ok(!r.lasso!.neverTaken.includes('heartbeat'));
    assert.deepEqual(livenessAt(r), []);
  });

  it('confirms nothing for a cycle that does not come back to where it started', () => {
    const { policy, rules } = mutant();
    // A proposal opened in the cycle is still open at its end: the run cannot repeat it.
    const r = replay(policy, prefix, { rules, cycle: [...fairCycle.slice(0, -2)] });
    assert.equal(r.lasso?.returns, false);
    assert.deepEqual(livenessAt(r), []);
  });

  it('finds no violation when the correct machine runs the mutant\'s lasso: it applies the escalation', () => {
    const r = replay(DEFAULT_POLICY, prefix, { cycle: fairCycle });
    assert.equal(r.steps[2]!.level, 'decapitation');
    assert.equal(r.firstViolation, null);
  });

  it('accepts a fair cycle that returns, on the correct machine, and reports no violation: nothing awaits in it', () => {
    // Every actuator confirmed first, so the cycle takes every kind of event enabled along it.
    const settled = [...prefix, ...events('actuator-confirm:hardware-destruction')];
    const cycle = events('mce,reboot-complete,alarm:immolation,alarm:decapitation,alarm:offline,alarm:severed,alarm:probation,alarm:standard,heartbeat-missed,heartbeat');
    const r = replay(DEFAULT_POLICY, settled, { cycle });
    assert.deepEqual(r.lasso, { returns: true, neverTaken: [] });
    assert.equal(r.firstViolation, null);
    assert.deepEqual(r.steps.flatMap((s) => s.violations), []);
  });

  it('reports no violation for a fair cycle in which the awaited escalation is reached, though not at its start', () => {
    // A machine that drops a quorum's escalation (it still applies de-escalations): in the cycle the
    // dropped escalation to severed is awaited until an alarm raises the level there, and two
    // de-escalations bring the system back to probation. □◇ asks that nothing awaits again and
    // again, and here nothing awaits for most of the cycle.
    const rules: ProtocolRules = {
      ...PROTOCOL_RULES,
      raises: { ...PROTOCOL_RULES.raises, applyProposal: (o, _p, c) => ({ type: 'isolation.set', to: o.ite(o.and(c.open, o.lt(c.to, c.level)), c.to, c.level), cause: 'quorum' }) },
    };
    const cycle = events(
      'propose:a1:severed,approve:a2,approve:a3,alarm:standard,alarm:probation,alarm:severed,alarm:offline,alarm:decapitation,alarm:immolation,' +
        'mce,reboot-complete,assertion-failure,reboot-complete,heartbeat-missed,heartbeat,actuator-confirm:network-relay,actuator-confirm:model-power,' +
        'propose:a1:severed,approve:a2,approve:a3,approve:a4,approve:a5,actuator-confirm:model-power,propose:a1:probation,approve:a2,approve:a3,approve:a4,approve:a5,actuator-confirm:network-relay',
    );
    const r = replay(DEFAULT_POLICY, events('alarm:probation'), { rules, cycle });
    assert.equal(r.steps[3]!.level, 'probation', 'the quorum for severed is dropped');
    assert.equal(r.steps[6]!.level, 'severed', 'the alarm reaches the awaited level');
    assert.deepEqual(r.lasso, { returns: true, neverTaken: [] });
    assert.deepEqual(livenessAt(r), []);
    // The dropped decision itself is a safety violation, each time the quorum for severed is made.
    assert.deepEqual(r.steps.flatMap((s) => s.violations.map((v) => v.property)), ['decisions-take-effect']);
  });

  it('confirms no dead end (an empty cycle) where events are still enabled, and names them', () => {
    const { policy, rules } = mutant();
    const r = replay(policy, prefix, { rules, cycle: [] });
    assert.equal(r.lasso?.returns, true);
    assert.ok(r.lasso!.neverTaken.includes('heartbeat'), r.lasso!.neverTaken.join(', '));
    assert.deepEqual(livenessAt(r), []);
  });

  it('reports no lasso for a trace without a cycle', () => {
    const { policy, rules } = mutant();
    assert.equal('lasso' in replay(policy, prefix, { rules }), false);
  });

  it('prints whether the cycle returns and is fair, and exits 1 for a confirmed lasso', async () => {
    const args = ['replay', '--mutant', 'quorum-never-applied', '--path', 'propose:a1:decapitation,approve:a2,approve:a3,alarm:offline,actuator-confirm:network-relay,actuator-confirm:model-power'];
    const fair = await runCli([...args, '--cycle', 'mce,reboot-complete,alarm:immolation,alarm:decapitation,alarm:offline,alarm:severed,alarm:probation,alarm:standard,heartbeat-missed,heartbeat,propose:a1:severed,timeout,heartbeat']);
    // Both exit 1: the approval that makes the quorum already breaks decisions-take-effect (step 3).
    assert.equal(fair.code, 1, fair.err);
    assert.match(fair.out, /cycle \(↻\): returns to the state it started from \(up to renaming admins\); takes every kind of event enabled all along it \(weakly fair\)\nstep 3 violates a property\n$/);
    assert.match(fair.out, /│ 19 ↻ .*✗ escalation-liveness/);
    const unfair = await runCli([...args, '--cycle', 'heartbeat']);
    assert.equal(unfair.code, 1, unfair.err);
    assert.match(unfair.out, /cycle \(↻\): returns to the state it started from \(up to renaming admins\); never takes .*mce.*, enabled all along it, so repeating it is not a fair run\nstep 3 violates a property\n$/);
    assert.ok(!unfair.out.includes('escalation-liveness'), unfair.out);
  });
});
