/**
 * The whole review of a policy, what `npm start` runs: check the statechart's safety properties,
 * cross-examine the verdicts with SPIN on the Promela export, prove the hardware invariants and the protocol for every number of admins, run
 * the simulator's experiments, and generate the transition tests and run them against the
 * simulator. Each stage is one library call (`stages.ts`); this module only sequences them and
 * condenses each into rows of one summary table a reviewer reads at a glance (`summary.ts`).
 * Printing is the CLI's job (`cli/commands/review.ts`).
 */
import type { CheckOptions, CheckReport } from '../checker/index.ts';
import { reportHolds, type ProveReport } from '../proofs/index.ts';
import { protocolHolds, type ProtocolProofReport } from '../proofs/protocol/prove.ts';
import { ScenarioInputError, type ScenarioResult } from '../simulator/index.ts';
import type { Policy } from '../spec/policy.ts';
import { REVIEW_STAGES, type CoverageStage, type ReviewStages } from './stages.ts';
import { checkRows, coverageRow, crossCheckRow, protocolRows, proveRows, simulateRow, type SummaryRow } from './summary.ts';

export { REVIEW_STAGES, type CoverageStage, type ReviewStages } from './stages.ts';
export type { SummaryRow, Verdict } from './summary.ts';

export interface ReviewReport {
  readonly seed: number;
  readonly check: CheckReport;
  readonly prove: ProveReport;
  /** The §4 safety properties proved for every number of admins (`guillotine prove --protocol --json`). */
  readonly protocol: ProtocolProofReport;
  /** The simulator's experiments that ran, in the stages' order, each as `guillotine simulate --json` prints it. */
  readonly simulate: readonly ScenarioResult[];
  readonly coverage: CoverageStage;
  readonly summary: readonly SummaryRow[];
  /** No row fails (a stage that could not run is not a failure) and the proofs hold. */
  readonly holds: boolean;
}

export interface ReviewOptions {
  /** Seed of the simulator's experiments. */
  readonly seed: number;
  /** One line per stage started, for stderr. */
  readonly progress?: (line: string) => void;
  readonly onCheckProgress?: CheckOptions['onProgress'];
}

/** Seconds since `start` (a `performance.now()` reading): the summary's timing column. */
const secondsSince = (start: number) => (performance.now() - start) / 1000;

/** Runs `run` and returns what it gave with the seconds it took. */
async function timed<T>(run: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = performance.now();
  const value = await run();
  return { value, seconds: secondsSince(start) };
}

/** Each experiment in turn; one the policy cannot feed becomes a `not run` row, and the others still run. */
function simulateAll(policy: Policy, seed: number, stages: ReviewStages, progress: (line: string) => void): { results: ScenarioResult[]; rows: SummaryRow[] } {
  const results: ScenarioResult[] = [];
  const rows: SummaryRow[] = [];
  for (const name of stages.scenarios) {
    progress(`simulate: ${name} (seed ${seed})…`);
    const start = performance.now();
    try {
      const result = stages.simulate(name, { seed, policy });
      results.push(result);
      rows.push(simulateRow(result, secondsSince(start)));
    } catch (error) {
      if (!(error instanceof ScenarioInputError)) throw error;
      rows.push({ stage: 'simulate', subject: name, result: error.message, verdict: 'not run', seconds: secondsSince(start) });
    }
  }
  return { results, rows };
}

/**
 * Runs every stage of the review on a policy, in order, each whatever the earlier ones found (a
 * failing check does not skip the proofs). `stages` defaults to the real ones ({@link REVIEW_STAGES});
 * tests pass stand-ins. Throws only what a stage throws beyond its documented refusals (a bug).
 */
export async function reviewPolicy(policy: Policy, options: ReviewOptions, stages: ReviewStages = REVIEW_STAGES): Promise<ReviewReport> {
  const progress = options.progress ?? (() => {});

  progress('check: exploring every reachable state of the statechart…');
  const check = stages.check(policy, options.onCheckProgress);

  progress("cross-check: SPIN's exhaustive search of the Promela export…");
  const spin = await timed(() => stages.spin(policy));

  progress('prove: discharging the hardware invariants with Z3…');
  const prove = await stages.prove(policy, progress);

  progress('prove: the safety properties for every number of admins (Houdini, Spacer)…');
  const protocol = await stages.proveProtocol(policy, progress);

  const simulate = simulateAll(policy, options.seed, stages, progress);

  progress('gen-tests: generating the transition tests and running them against the simulator…');
  const coverage = await timed(() => stages.coverage(policy));

  const summary = [
    ...checkRows(check),
    crossCheckRow(spin.value, check, spin.seconds),
    ...proveRows(prove),
    ...protocolRows(protocol),
    ...simulate.rows,
    coverageRow(coverage.value, coverage.seconds),
  ];
  return {
    seed: options.seed,
    check,
    prove,
    protocol,
    simulate: simulate.results,
    coverage: coverage.value,
    summary,
    holds: summary.every((r) => r.verdict === 'holds' || r.verdict === 'not run') && reportHolds(prove) && protocolHolds(protocol),
  };
}
