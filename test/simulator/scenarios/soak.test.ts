/**
 * The fail-safe soak: 72 simulated hours on the default policy hold every claim, with every trigger
 * exercised and the statechart, run beside the simulation, agreeing before every stimulus; and the
 * soak catches the test-only mutants it is meant to see (a drop without quorum, a late watchdog, a
 * network port serviced at severed, an uncapped alarm, a counted duplicate or stale approval) and an
 * unsafe policy whose detector may destroy.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePolicy } from '../../../spec/policy.ts';
import { runSoak, SOAK_TRIGGERS, type SoakReport } from '../../../simulator/scenarios/soak.ts';
import { DEFAULT_SEED } from '../../../simulator/index.ts';
import { SIMULATOR_MUTANTS, type SimulatorMutantName } from '../mutants.ts';
import { SEED } from '../../seed.ts';

const failing = (r: SoakReport) => r.claims.filter((c) => !c.holds).map((c) => c.id);

describe(`fail-safe soak (seed ${DEFAULT_SEED})`, () => {
  let report: SoakReport;
  before(() => {
    report = runSoak({ seed: DEFAULT_SEED, hours: 72 });
  });

  it('holds every claim over 72 simulated hours of the default policy', () => {
    for (const c of report.claims) assert.ok(c.holds, `${c.id}: ${c.evidence}`);
    assert.equal(report.escapes.total, 0);
  });

  it('times every trigger kind against its deadline and none misses it', () => {
    assert.deepEqual(report.triggers.map((t) => t.trigger), [...SOAK_TRIGGERS]);
    for (const t of report.triggers) {
      assert.ok(t.effective > 0, `${t.trigger} never raised the level`);
      assert.equal(t.timeToLevelMs.count, t.effective);
      assert.ok(t.timeToLevelMs.max! <= t.deadlineMs, `${t.trigger}: max ${t.timeToLevelMs.max} ms > deadline ${t.deadlineMs} ms`);
      assert.equal(t.missedDeadline, 0);
    }
  });

  it('gives a plot its series: level changes only, in time order, matching the counts', () => {
    const { levels, triggers } = report.series;
    assert.equal(levels.length, report.levelChanges.total + 1);
    assert.deepEqual(levels[0], { atS: 0, level: 'standard', cause: 'start' });
    for (let i = 1; i < levels.length; i++) {
      assert.ok(levels[i]!.atS >= levels[i - 1]!.atS);
      assert.notEqual(levels[i]!.level, levels[i - 1]!.level, 'a point of the series is a change of level');
    }
    for (let i = 1; i < triggers.length; i++) assert.ok(triggers[i]!.atS >= triggers[i - 1]!.atS);
    for (const t of triggers) {
      if (t.outcome === 'met' || t.outcome === 'late') assert.ok(t.ms !== null && t.ms >= 0, `a timed trigger has its time: ${JSON.stringify(t)}`);
      if (t.outcome === 'absorbed' || t.outcome === 'cancelled') assert.equal(t.ms, null);
    }
    assert.equal(triggers.filter((t) => t.outcome === 'met').length, report.triggers.reduce((s, t) => s + t.effective, 0));
    assert.ok(Math.abs(Object.values(report.timeAtLevel).reduce((a, b) => a + b, 0) - 1) < 0.01);
  });

  const mutants: readonly (readonly [SimulatorMutantName, string])[] = [
    ['deescalate-one-short', 'no-escapes'],
    ['timeout-applies-deescalation', 'no-escapes'],
    ['severed-services-network', 'no-escapes'],
    ['watchdog-off-by-one', 'deadlines-met'],
    ['alarm-uncapped', 'failsafes-never-destroy'],
    ['duplicate-approval-counts', 'attack-votes-refused'],
    // Only the statechart run beside the simulation sees this one: no escape, no deadline, just a
    // proposal the protocol says is closed still counting approvals.
    ['count-stale-approval', 'follows-statechart'],
    ['watchdog-off-by-one', 'follows-statechart'],
  ];
  for (const [bug, claimId] of mutants) {
    it(`catches the test-only mutant ${bug} (claim ${claimId} fails)`, () => {
      const r = runSoak({ seed: DEFAULT_SEED, hours: 72, rules: SIMULATOR_MUTANTS[bug].rules() });
      assert.ok(!r.holds);
      assert.ok(failing(r).includes(claimId), `failing claims: ${failing(r).join(', ') || 'none'}`);
    });
  }

  it('fails on an unsafe policy whose detector may ask for destruction', () => {
    const parsed = parsePolicy({ admins: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id) => ({ id })), detector: { maxLevel: 'immolation' } });
    assert.ok(parsed.ok);
    const r = runSoak({ seed: DEFAULT_SEED, hours: 72, policy: parsed.policy });
    assert.ok(failing(r).includes('failsafes-never-destroy'), `failing claims: ${failing(r).join(', ') || 'none'}`);
  });

  it(`holds its safety claims for random policies that keep fail-safes at or below offline (fast-check seed ${SEED}, 12 h each)`, () => {
    const levels = ['probation', 'severed', 'offline'] as const;
    const policyArb = fc
      .record({
        n: fc.integer({ min: 1, max: 9 }),
        e: fc.double({ min: 0, max: 1, noNaN: true }),
        d: fc.double({ min: 0, max: 1, noNaN: true }),
        timeoutSeconds: fc.constantFrom(0.5, 60, 600),
        onTimeout: fc.constantFrom('restrictive' as const, 'unchanged' as const),
        maxStep: fc.integer({ min: 1, max: 3 }),
        periodMs: fc.constantFrom(250, 1000),
        missLimit: fc.integer({ min: 1, max: 4 }),
        detector: fc.constantFrom(...levels),
        reboot: fc.constantFrom('severed' as const, 'offline' as const),
        deadline: fc.constantFrom(100, 500),
        cap: fc.constantFrom(...levels),
        seed: fc.nat(1_000_000),
      })
      .map((k) => {
        const escalate = 1 + Math.floor(k.e * k.n);
        const deescalate = Math.floor(k.n / 2) + 1 + Math.floor(k.d * (k.n - Math.floor(k.n / 2)));
        const parsed = parsePolicy({
          admins: Array.from({ length: k.n }, (_, i) => ({ id: `a${i + 1}` })),
          quorum: { escalate: Math.min(escalate, k.n), deescalate: Math.min(deescalate, k.n), timeoutSeconds: k.timeoutSeconds, onTimeout: k.onTimeout },
          deescalation: { maxStep: k.maxStep },
          heartbeat: { periodMs: k.periodMs, missLimit: k.missLimit },
          detector: { maxLevel: k.detector },
          faults: { rebootLevel: k.reboot },
          actuators: { confirmDeadlineMs: k.deadline, escalateOnFailureUpTo: k.cap },
        });
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        return { policy: parsed.policy, seed: k.seed };
      });
    const safety = ['no-escapes', 'deadlines-met', 'actuator-faults-alert-at-cap', 'no-false-watchdog-trip', 'failsafes-never-destroy', 'attack-votes-refused', 'follows-statechart', 'level-record-intact'];
    fc.assert(
      fc.property(policyArb, ({ policy, seed }) => {
        const r = runSoak({ seed, policy, hours: 12 });
        for (const c of r.claims) if (safety.includes(c.id)) assert.ok(c.holds, `${c.id}: ${c.evidence}`);
      }),
      { seed: SEED, numRuns: 15 },
    );
  });

  it('reports too short a soak as not exercising every trigger rather than passing vacuously', () => {
    const r = runSoak({ seed: DEFAULT_SEED, hours: 0.05 });
    assert.ok(failing(r).includes('every-trigger-exercised'));
  });
});
