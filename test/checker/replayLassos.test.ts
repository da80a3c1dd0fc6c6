import assert from 'node:assert/strict';
import { replay } from '../../checker/replay.ts';
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

describe('checker/replay: a liveness counterexample is confirmed only if its cycle can repeat, fairly', () => {
  it('confirms the fair cycle of a machine that drops its quorum\'s escalation, at the cycle\'s last step', () => {
    const { policy, implementations } = mutant();
    const r = replay(policy, prefix, { implementations, cycle: fairCycle });
    assert.deepEqual(r.lasso, { returns: true, neverTaken: [] });
    assert.equal(r.firstViolation, prefix.length + fairCycle.length);
    assert.deepEqual(r.steps.flatMap((s, i) => s.violations.map((v) => [i + 1, v.property])), [[prefix.length + fairCycle.length, 'escalation-liveness']]);
  });

  it('confirms nothing for a cycle of heartbeats alone, and names the events a fair run could not skip', () => {
    const { policy, implementations } = mutant();
    const r = replay(policy, prefix, { implementations, cycle: events('heartbeat') });
    assert.equal(r.lasso?.returns, true);
    assert.ok(r.lasso!.neverTaken.includes('mce') && r.lasso!.neverTaken.includes('propose:severed'), r.lasso!.neverTaken.join(', '));
    assert.ok(!r.lasso!.neverTaken.includes('heartbeat'));
    assert.equal(r.firstViolation, null);
  });

  it('confirms nothing for a cycle that does not come back to where it started', () => {
    const { policy, implementations } = mutant();
    // A proposal opened in the cycle is still open at its end: the run cannot repeat it.
    const r = replay(policy, prefix, { implementations, cycle: [...fairCycle.slice(0, -2)] });
    assert.equal(r.lasso?.returns, false);
    assert.equal(r.firstViolation, null);
  });

  it('finds no violation when the correct machine runs the mutant\'s lasso: it applies the escalation', () => {
    const r = replay(DEFAULT_POLICY, prefix, { cycle: fairCycle });
    assert.equal(r.steps[2]!.level, 'decapitation');
    assert.equal(r.firstViolation, null);
  });

  it('confirms no dead end (an empty cycle) where events are still enabled, and names them', () => {
    const { policy, implementations } = mutant();
    const r = replay(policy, prefix, { implementations, cycle: [] });
    assert.equal(r.lasso?.returns, true);
    assert.ok(r.lasso!.neverTaken.includes('heartbeat'), r.lasso!.neverTaken.join(', '));
    assert.equal(r.firstViolation, null);
  });

  it('reports no lasso for a trace without a cycle', () => {
    const { policy, implementations } = mutant();
    assert.equal('lasso' in replay(policy, prefix, { implementations }), false);
  });

  it('prints whether the cycle returns and is fair, and exits 1 for a confirmed lasso', async () => {
    const args = ['replay', '--mutant', 'quorum-never-applied', '--path', 'propose:a1:decapitation,approve:a2,approve:a3,alarm:offline,actuator-confirm:network-relay,actuator-confirm:model-power'];
    const fair = await runCli([...args, '--cycle', 'mce,reboot-complete,alarm:immolation,alarm:decapitation,alarm:offline,alarm:severed,alarm:probation,alarm:standard,heartbeat-missed,heartbeat,propose:a1:severed,timeout,heartbeat']);
    assert.equal(fair.code, 1, fair.err);
    assert.match(fair.out, /cycle \(↻\): returns to the state it started from \(up to renaming admins\); takes every kind of event enabled all along it \(weakly fair\)\nstep 19 violates a property\n$/);
    const unfair = await runCli([...args, '--cycle', 'heartbeat']);
    assert.equal(unfair.code, 0, unfair.err);
    assert.match(unfair.out, /cycle \(↻\): returns to the state it started from \(up to renaming admins\); never takes .*mce.*, enabled all along it, so repeating it is not a fair run\n$/);
  });
});
