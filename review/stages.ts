/**
 * The stages of a review, each one library call: what `guillotine review` runs by default
 * ({@link REVIEW_STAGES}). `reviewPolicy` takes them as a parameter so that its own logic (the
 * order, the rows, the verdict, what a stage that cannot run becomes) is tested with stand-ins in
 * milliseconds, and the real stages once, end to end.
 */
import { checkPolicy, type CheckOptions, type CheckReport } from '../checker/index.ts';
import { promelaModel } from '../export/promela.ts';
import { runSpin, type SpinResult } from '../export/spin.ts';
import { proveAll, shutdownProver, type ProveReport } from '../proofs/index.ts';
import { proveProtocol, type ProtocolProofReport } from '../proofs/protocol/prove.ts';
import { shutdownZ3 } from '../proofs/z3.ts';
import { correctMachine } from '../machines/mutants.ts';
import { runScenario, SCENARIO_NAMES, type ScenarioName, type ScenarioResult } from '../simulator/index.ts';
import { createSimulatorSut } from '../simulator/sut.ts';
import type { Policy } from '../spec/policy.ts';
import { generateTests, runSuite, type SuiteOutcome } from '../testgen/index.ts';

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
  /** `limit`: the generator gave up (a state or path bound); `not run`: the implementation refused the policy. */
  | { readonly kind: 'limit' | 'not run'; readonly message: string };

/** The stages a review runs, in this order. Each returns data; none prints. */
export interface ReviewStages {
  /** The §4 safety properties by exhaustive exploration. */
  readonly check: (policy: Policy, onProgress?: CheckOptions['onProgress']) => CheckReport;
  /** SPIN's exhaustive search of the Promela export; `missing` when SPIN is not installed. */
  readonly spin: (policy: Policy) => Promise<SpinResult>;
  /** The §5 hardware invariants with Z3, negative controls included. */
  readonly prove: (policy: Policy, progress: (line: string) => void) => Promise<ProveReport>;
  /** The §4 safety properties for every number of admins, quorums, miss limit and step (Houdini, Spacer). */
  readonly proveProtocol: (policy: Policy, progress: (line: string) => void) => Promise<ProtocolProofReport>;
  /** The simulator's experiments, run in this order. */
  readonly scenarios: readonly ScenarioName[];
  /** One experiment; throws `ScenarioInputError` for a policy it cannot run (said as `not run`, never a pass). */
  readonly simulate: (scenario: ScenarioName, options: { readonly seed: number; readonly policy: Policy }) => ScenarioResult;
  /** Generates the transition-coverage suite from the statechart and runs it against the simulator. */
  readonly coverage: (policy: Policy) => Promise<CoverageStage>;
}

async function proveWithControls(policy: Policy, progress: (line: string) => void): Promise<ProveReport> {
  try {
    return await proveAll(policy, { controls: true, progress });
  } finally {
    // The review is the solver's only user here: its worker threads would keep the process alive.
    await shutdownProver();
  }
}

async function protocolForEveryAdminCount(policy: Policy, progress: (line: string) => void): Promise<ProtocolProofReport> {
  try {
    return await proveProtocol(correctMachine(policy), { progress });
  } finally {
    await shutdownZ3();
  }
}

async function transitionCoverage(policy: Policy): Promise<CoverageStage> {
  const sut = createSimulatorSut();
  try {
    sut.reset(policy);
  } catch (error) {
    // The simulator refuses the policy itself (e.g. a pinned publicKey it cannot sign for): no test
    // could run, so nothing is generated either.
    return { kind: 'not run', message: (error as Error).message };
  }
  const generated = generateTests(policy, { criterion: 'transition' });
  if (generated.kind === 'limit') return generated;
  const { report } = generated;
  const outcome = await runSuite(generated.suite, sut);
  return {
    kind: 'ran',
    states: report.states,
    transitions: report.transitions,
    covered: report.covered,
    tests: report.tests,
    steps: report.steps,
    baseline: { tests: report.baseline.tests, steps: report.baseline.steps },
    outcome,
  };
}

/** The real stages: what `guillotine review` and `npm start` run. */
export const REVIEW_STAGES: ReviewStages = {
  check: (policy, onProgress) => checkPolicy(policy, { onProgress }),
  spin: (policy) => runSpin(promelaModel(policy)),
  prove: proveWithControls,
  proveProtocol: protocolForEveryAdminCount,
  scenarios: SCENARIO_NAMES,
  simulate: (scenario, options) => runScenario(scenario, options),
  coverage: transitionCoverage,
};
