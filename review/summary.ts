/**
 * Each stage's result condensed into rows of the review's one summary table: what was established,
 * and whether it holds. Pure functions of the stages' data; the CLI prints the rows.
 */
import { allHold, type CheckReport } from '../checker/index.ts';
import { propertyVerdicts, type SpinResult } from '../export/spin.ts';
import type { ProveReport } from '../proofs/index.ts';
import type { ProtocolProofReport } from '../proofs/protocol/prove.ts';
import type { ScenarioResult } from '../simulator/index.ts';
import type { CoverageStage } from './stages.ts';

/**
 * Whether a row's claim holds. `not run` is for a stage the policy cannot feed (the simulator holds
 * no private key for an admin whose `publicKey` the policy pins, or SPIN is not installed): said
 * plainly, never counted as a pass. `incomplete` is for a stage a limit stopped before it could
 * judge (a state cap, a solver timeout, SPIN out of memory) with nothing found violated: not a pass
 * either, and not a failure (exit 3).
 */
export type Verdict = 'holds' | 'fails' | 'not run' | 'incomplete';

/** One line of the summary: a stage, what it established, and whether it holds. */
export interface SummaryRow {
  readonly stage: 'check' | 'cross-check' | 'prove' | 'simulate' | 'gen-tests';
  readonly subject: string;
  readonly result: string;
  readonly verdict: Verdict;
  readonly seconds: number;
}

const verdict = (holds: boolean): Verdict => (holds ? 'holds' : 'fails');
const count = (n: number) => n.toLocaleString('en-US');
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

/** One row for the whole check, then one per property that does not pass: the table says which, not just how many. */
export function checkRows(check: CheckReport): SummaryRow[] {
  const passed = check.properties.filter((p) => p.status === 'pass').length;
  return [
    {
      stage: 'check',
      subject: `§4 safety properties (${count(check.states)} states, ${count(check.transitions)} transitions)`,
      result: `${passed}/${check.properties.length} pass`,
      verdict: allHold(check) ? 'holds' : check.properties.some((p) => p.status === 'fail') ? 'fails' : 'incomplete',
      seconds: check.seconds,
    },
    ...check.properties.filter((p) => p.status !== 'pass').map((p): SummaryRow => ({ stage: 'check', subject: p.id, result: p.status, verdict: p.status === 'fail' ? 'fails' : 'incomplete', seconds: 0 })),
  ];
}

/**
 * SPIN's verdicts against the checker's, property by property (liveness is left to the checker
 * here: SPIN's fair run takes a minute to build). A property the checker left unknown is not compared.
 */
export function crossCheckRow(spin: SpinResult, check: CheckReport, seconds: number): SummaryRow {
  const subject = 'SPIN on the Promela export (guillotine export --format promela)';
  if (spin.kind === 'missing') return { stage: 'cross-check', subject, result: spin.message, verdict: 'not run', seconds };
  if (spin.kind !== 'complete') {
    const why = spin.kind === 'incomplete' ? spin.reason : `${spin.stage} failed: ${spin.message.split('\n')[0]}`;
    return { stage: 'cross-check', subject, result: `SPIN did not finish: ${why}`, verdict: spin.kind === 'incomplete' ? 'incomplete' : 'fails', seconds };
  }
  const verdicts = propertyVerdicts(spin);
  const judged = check.properties.filter((p) => verdicts[p.id] !== undefined && p.status !== 'unknown');
  const differ = judged.filter((p) => verdicts[p.id] !== p.status).map((p) => `${p.id} (SPIN: ${verdicts[p.id]}, check: ${p.status})`);
  return {
    stage: 'cross-check',
    subject,
    result: differ.length === 0 ? `${count(spin.states)} states; agrees on all ${judged.length} safety verdicts` : `${count(spin.states)} states; DISAGREES on ${differ.join(', ')}`,
    verdict: verdict(differ.length === 0),
    seconds,
  };
}

/** A row per theorem, and one for the negative controls together. */
export function proveRows(prove: ProveReport): SummaryRow[] {
  const refuted = prove.controls.filter((c) => c.status === 'refuted').length;
  return [
    ...prove.theorems.map((t): SummaryRow => ({ stage: 'prove', subject: t.id, result: t.status, verdict: t.status === 'unknown' ? 'incomplete' : verdict(t.status === 'proved'), seconds: t.seconds })),
    {
      stage: 'prove',
      subject: 'negative controls (weakened checks)',
      result: `${refuted}/${prove.controls.length} refuted`,
      verdict: prove.controls.some((c) => c.status === 'proved') ? 'fails' : prove.controls.some((c) => c.status === 'unknown') ? 'incomplete' : 'holds',
      seconds: prove.controls.reduce((s, c) => s + c.seconds, 0),
    },
  ];
}

/** A row per safety property proved (or refuted) for every number of admins in the region. */
export function protocolRows(r: ProtocolProofReport): SummaryRow[] {
  return r.properties.map((p): SummaryRow => ({
    stage: 'prove',
    subject: `${p.property}, every number of admins`,
    result: p.verdict === 'proved' ? `proved (${p.method})` : p.verdict === 'refuted' ? `refuted at ${p.knobs.admins} admins, quorums ${p.knobs.escalate}/${p.knobs.deescalate}` : `unknown: ${p.reason}`,
    verdict: p.verdict === 'unknown' ? 'incomplete' : verdict(p.verdict === 'proved'),
    seconds: p.seconds,
  }));
}

/** The figure of an experiment a reviewer looks at first, in a few words. */
function headline(r: ScenarioResult): string {
  switch (r.scenario) {
    case 'side-channel':
      return `attacker ${r.layouts.map((l) => `${percent(l.accuracy)} ${l.layout}`).join(', ')}`;
    case 'port-resilience':
      return `${count(r.totals.tried)} requests, ${r.totals.invalidServiced + r.totals.servicedAboveLevel} wrongly serviced`;
    case 'soak':
      return `${r.hours} h, ${r.levelChanges.total} level changes, ${r.escapes.total} escapes`;
  }
}

/** An experiment's claims, and the ids of those that fail. */
export function simulateRow(r: ScenarioResult, seconds: number): SummaryRow {
  const held = r.claims.filter((c) => c.holds).length;
  const failed = r.claims.filter((c) => !c.holds).map((c) => c.id);
  return {
    stage: 'simulate',
    subject: `${r.scenario}: ${headline(r)}`,
    result: `${held}/${r.claims.length} claims${failed.length ? ` (fails: ${failed.join(', ')})` : ''}`,
    verdict: verdict(r.holds),
    seconds,
  };
}

/** The generated tests: every reachable (state, event) pair covered, and the simulator passing them. */
export function coverageRow(coverage: CoverageStage, seconds: number): SummaryRow {
  switch (coverage.kind) {
    case 'limit':
      return { stage: 'gen-tests', subject: 'transition coverage', result: coverage.message, verdict: 'incomplete', seconds };
    case 'not run':
      return { stage: 'gen-tests', subject: 'transition coverage against the simulator', result: coverage.message, verdict: 'not run', seconds };
    case 'ran': {
      const { outcome } = coverage;
      const ran = outcome.kind === 'passed' ? 'simulator passes' : `simulator FAILS ${outcome.failures.length} (first: ${outcome.failures[0]?.message ?? '?'})`;
      return {
        stage: 'gen-tests',
        subject: `(state, event) pairs, in ${coverage.tests} walks of ${count(coverage.steps)} steps`,
        result: `${count(coverage.covered)}/${count(coverage.transitions)} covered; ${ran}`,
        verdict: verdict(coverage.covered === coverage.transitions && outcome.kind === 'passed'),
        seconds,
      };
    }
  }
}
