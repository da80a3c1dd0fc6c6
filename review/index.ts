/**
 * The whole review of a policy, what `npm start` runs: check the statechart's safety properties,
 * cross-examine the verdicts with SPIN on the Promela export, prove the hardware invariants, run the simulator's experiments, and generate the transition
 * tests and run them against the simulator. Each stage is one library call; this module only
 * sequences them and condenses each into rows of one summary table a reviewer reads at a glance.
 * Printing is the CLI's job (`cli/commands/review.ts`).
 */
import { allHold, checkPolicy, type CheckOptions, type CheckReport } from '../checker/index.ts';
import { promelaModel } from '../export/promela.ts';
import { propertyVerdicts, runSpin } from '../export/spin.ts';
import { proveAll, reportHolds, shutdownProver, type ProveReport } from '../proofs/index.ts';
import { runScenario, ScenarioInputError, SCENARIOS, type ScenarioResult } from '../simulator/index.ts';
import { createSimulatorSut } from '../simulator/sut.ts';
import type { Policy } from '../spec/policy.ts';
import { generateTests, runSuite, type SuiteOutcome } from '../testgen/index.ts';

/**
 * Whether a row's claim holds. `not run` is for a stage the policy cannot feed (the simulator holds
 * no private key for an admin whose `publicKey` the policy pins): said plainly, never counted as a pass.
 * `incomplete` is for a stage a limit stopped before it could judge (a state cap, a solver timeout,
 * SPIN out of memory) with nothing found violated: not a pass either, and not a failure (exit 3).
 */
export type Verdict = 'holds' | 'fails' | 'not run' | 'incomplete';

const verdict = (holds: boolean): Verdict => (holds ? 'holds' : 'fails');

/** One line of the summary: a stage, what it established, and whether it holds. */
export interface SummaryRow {
  readonly stage: 'check' | 'cross-check' | 'prove' | 'simulate' | 'gen-tests';
  readonly subject: string;
  readonly result: string;
  readonly verdict: Verdict;
  readonly seconds: number;
}

/** What the generated transition tests established: coverage, and the run against the simulator. */
export type CoverageStage =
  | {
      readonly kind: 'ran';
      readonly states: number;
      readonly transitions: number;
      readonly covered: number;
      readonly tests: number;
      readonly steps: number;
      readonly baseline: { readonly tests: number; readonly steps: number };
      readonly outcome: SuiteOutcome;
    }
  | { readonly kind: 'limit' | 'not run'; readonly message: string };

export interface ReviewReport {
  readonly seed: number;
  readonly check: CheckReport;
  readonly prove: ProveReport;
  /** The simulator's experiments that ran, in the order of `SCENARIOS`, each as `guillotine simulate --json` prints it. */
  readonly simulate: readonly ScenarioResult[];
  readonly coverage: CoverageStage;
  readonly summary: readonly SummaryRow[];
  readonly holds: boolean;
}

export interface ReviewOptions {
  /** Seed of the simulator's experiments. */
  readonly seed: number;
  /** One line per stage started, for stderr. */
  readonly progress?: (line: string) => void;
  readonly onCheckProgress?: CheckOptions['onProgress'];
}

const secondsSince = (start: number) => (performance.now() - start) / 1000;

export function checkRows(check: CheckReport): SummaryRow[] {
  const passed = check.properties.filter((p) => p.status === 'pass').length;
  const rows: SummaryRow[] = [
    {
      stage: 'check',
      subject: `§4 safety properties (${check.states.toLocaleString('en-US')} states, ${check.transitions.toLocaleString('en-US')} transitions)`,
      result: `${passed}/${check.properties.length} pass`,
      verdict: allHold(check) ? 'holds' : check.properties.some((p) => p.status === 'fail') ? 'fails' : 'incomplete',
      seconds: check.seconds,
    },
  ];
  // A failing (or unknown) property gets a row of its own: the table must say which, not just how many.
  for (const p of check.properties.filter((x) => x.status !== 'pass')) rows.push({ stage: 'check', subject: p.id, result: p.status, verdict: p.status === 'fail' ? 'fails' : 'incomplete', seconds: 0 });
  return rows;
}

export function proveRows(prove: ProveReport): SummaryRow[] {
  const rows: SummaryRow[] = prove.theorems.map((t) => ({ stage: 'prove', subject: t.id, result: t.status, verdict: t.status === 'unknown' ? 'incomplete' : verdict(t.status === 'proved'), seconds: t.seconds }));
  const refuted = prove.controls.filter((c) => c.status === 'refuted').length;
  rows.push({
    stage: 'prove',
    subject: 'negative controls (weakened checks)',
    result: `${refuted}/${prove.controls.length} refuted`,
    verdict: prove.controls.some((c) => c.status === 'proved') ? 'fails' : prove.controls.some((c) => c.status === 'unknown') ? 'incomplete' : 'holds',
    seconds: prove.controls.reduce((s, c) => s + c.seconds, 0),
  });
  return rows;
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The figure of an experiment a reviewer looks at first, in a few words. */
function headline(r: ScenarioResult): string {
  switch (r.scenario) {
    case 'side-channel':
      return `attacker ${r.layouts.map((l) => `${percent(l.accuracy)} ${l.layout}`).join(', ')}`;
    case 'port-resilience':
      return `${r.totals.tried.toLocaleString('en-US')} requests, ${r.totals.invalidServiced + r.totals.servicedAboveLevel} wrongly serviced`;
    case 'soak':
      return `${r.hours} h, ${r.levelChanges.total} level changes, ${r.escapes.total} escapes`;
  }
}

function simulateRow(r: ScenarioResult, seconds: number): SummaryRow {
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

/** Generates the transition-coverage suite from the statechart and runs it against the simulator. */
async function coverageStage(policy: Policy): Promise<{ stage: CoverageStage; row: SummaryRow }> {
  const start = performance.now();
  const generated = generateTests(policy, { criterion: 'transition' });
  if (generated.kind === 'limit') {
    return { stage: generated, row: { stage: 'gen-tests', subject: 'transition coverage', result: generated.message, verdict: 'incomplete', seconds: secondsSince(start) } };
  }
  const { report } = generated;
  const sut = createSimulatorSut();
  try {
    sut.reset(policy);
  } catch (error) {
    // The simulator refuses the policy itself (e.g. a pinned publicKey it cannot sign for): no test could run.
    return { stage: { kind: 'not run', message: (error as Error).message }, row: { stage: 'gen-tests', subject: 'transition coverage against the simulator', result: (error as Error).message, verdict: 'not run', seconds: secondsSince(start) } };
  }
  const outcome = await runSuite(generated.suite, sut);
  const stage: CoverageStage = {
    kind: 'ran',
    states: report.states,
    transitions: report.transitions,
    covered: report.covered,
    tests: report.tests,
    steps: report.steps,
    baseline: { tests: report.baseline.tests, steps: report.baseline.steps },
    outcome,
  };
  const ran = outcome.kind === 'passed' ? 'simulator passes' : `simulator FAILS ${outcome.failures.length} (first: ${outcome.failures[0]?.message ?? '?'})`;
  return {
    stage,
    row: {
      stage: 'gen-tests',
      subject: `(state, event) pairs, in ${report.tests} walks of ${report.steps.toLocaleString('en-US')} steps`,
      result: `${report.covered.toLocaleString('en-US')}/${report.transitions.toLocaleString('en-US')} covered; ${ran}`,
      verdict: verdict(report.covered === report.transitions && outcome.kind === 'passed'),
      seconds: secondsSince(start),
    },
  };
}

/**
 * SPIN's exhaustive search of the Promela export against the checker's verdicts, property by
 * property (liveness is left to the checker here: SPIN's fair run takes a minute to build). A
 * machine without `spin` gets a `not run` row saying how to install it.
 */
async function crossCheckRow(policy: Policy, check: CheckReport): Promise<SummaryRow> {
  const start = performance.now();
  const subject = 'SPIN on the Promela export (guillotine export --format promela)';
  const result = await runSpin(promelaModel(policy));
  if (result.kind === 'missing') return { stage: 'cross-check', subject, result: result.message, verdict: 'not run', seconds: secondsSince(start) };
  if (result.kind !== 'complete') {
    const why = result.kind === 'incomplete' ? result.reason : `${result.stage} failed: ${result.message.split('\n')[0]}`;
    return { stage: 'cross-check', subject, result: `SPIN did not finish: ${why}`, verdict: result.kind === 'incomplete' ? 'incomplete' : 'fails', seconds: secondsSince(start) };
  }
  const spin = propertyVerdicts(result);
  const judged = check.properties.filter((p) => spin[p.id] !== undefined && p.status !== 'unknown');
  const differ = judged.filter((p) => spin[p.id] !== p.status).map((p) => `${p.id} (SPIN: ${spin[p.id]}, check: ${p.status})`);
  const states = result.states.toLocaleString('en-US');
  return {
    stage: 'cross-check',
    subject,
    result: differ.length === 0 ? `${states} states; agrees on all ${judged.length} safety verdicts` : `${states} states; DISAGREES on ${differ.join(', ')}`,
    verdict: verdict(differ.length === 0),
    seconds: secondsSince(start),
  };
}

/** Runs every stage of the review on a policy. */
export async function reviewPolicy(policy: Policy, options: ReviewOptions): Promise<ReviewReport> {
  const progress = options.progress ?? (() => {});

  progress('check: exploring every reachable state of the statechart…');
  const check = checkPolicy(policy, { onProgress: options.onCheckProgress });

  progress('cross-check: SPIN\'s exhaustive search of the Promela export…');
  const crossCheck = await crossCheckRow(policy, check);

  progress('prove: discharging the hardware invariants with Z3…');
  let prove: ProveReport;
  try {
    prove = await proveAll(policy, { controls: true, progress });
  } finally {
    await shutdownProver();
  }

  const simulate: ScenarioResult[] = [];
  const simulateRows: SummaryRow[] = [];
  for (const { name } of SCENARIOS) {
    progress(`simulate: ${name} (seed ${options.seed})…`);
    const start = performance.now();
    try {
      const result = runScenario(name, { seed: options.seed, policy });
      simulate.push(result);
      simulateRows.push(simulateRow(result, secondsSince(start)));
    } catch (error) {
      if (!(error instanceof ScenarioInputError)) throw error;
      simulateRows.push({ stage: 'simulate', subject: name, result: error.message, verdict: 'not run', seconds: secondsSince(start) });
    }
  }

  progress('gen-tests: generating the transition tests and running them against the simulator…');
  const coverage = await coverageStage(policy);

  const summary = [...checkRows(check), crossCheck, ...proveRows(prove), ...simulateRows, coverage.row];
  return { seed: options.seed, check, prove, simulate, coverage: coverage.stage, summary, holds: summary.every((r) => r.verdict === 'holds' || r.verdict === 'not run') && reportHolds(prove) };
}
