/**
 * The port-resilience experiment on the default policy: every claim holds, the figures agree with
 * each other, and the negative controls (a double-fetching hypervisor, the naive bounds check)
 * are caught servicing invalid requests.
 */
import assert from 'node:assert/strict';
import { runPortResilience, type PortResilienceReport } from '../../../simulator/scenarios/portResilience.ts';
import { ADVERSARIAL } from '../../../simulator/programs.ts';
import { REFUSALS } from '../../../simulator/ports.ts';
import { DEFAULT_SEED } from '../../../simulator/index.ts';

describe(`port-resilience experiment (seed ${DEFAULT_SEED})`, () => {
  let report: PortResilienceReport;
  before(function () {
    this.timeout(120_000);
    report = runPortResilience({ seed: DEFAULT_SEED });
  });

  it('holds every claim for the default policy', () => {
    for (const c of report.claims) assert.ok(c.holds, `${c.id}: ${c.evidence}`);
    assert.ok(report.holds);
  });

  it('runs every adversarial program and accounts for every request tried', () => {
    assert.deepEqual(report.programs.map((p) => p.program), ['benign', ...ADVERSARIAL.map((p) => p.name)]);
    for (const p of report.programs) {
      const refused = REFUSALS.reduce((s, r) => s + p.refused[r], 0);
      assert.equal(p.serviced + refused, p.tried, `${p.program}: serviced + refused ≠ tried`);
    }
    assert.equal(report.totals.invalidServiced, 0);
    assert.equal(report.totals.servicedAboveLevel, 0);
  });

  it('catches both negative controls servicing invalid requests', () => {
    assert.equal(report.controls.length, 2);
    for (const c of report.controls) assert.ok(c.invalidServiced > 0, `${c.program} against ${c.variant} serviced nothing invalid`);
  });

  it('keeps the hypervisor responsive under the flood and escalates as the detector rules say', () => {
    const flood = report.programs.find((p) => p.program === 'request-flood')!;
    assert.ok(flood.tried > 100_000, `the flood tried only ${flood.tried} requests`);
    assert.equal(flood.watchdogTrips, 0);
    assert.ok(flood.alarms.some((a) => a.rule === 'request-flood' && a.levelAfter === 'probation'));
    const pte = report.programs.find((p) => p.program === 'page-table-attack')!;
    assert.ok(pte.alarms.some((a) => a.rule === 'page-table-tamper' && a.levelAfter === 'severed'));
  });
});
