/**
 * Transition tests generated from the statechart (issue 5). The library behind
 * `guillotine gen-tests`: generation, the suite format, the runner, the coverage report, and the
 * {@link SystemUnderTest} adapter interface another implementation plugs into.
 */
export { generateTests, DEFAULT_PATH_DEPTH, DEFAULT_WALK_LENGTH, type GenerateOptions, type GenerateResult } from './generate.ts';
export { CRITERIA, SUITE_FORMAT, buildSuite, renderSuiteJson, transitionName, type Criterion, type GeneratedSuite, type SuiteState, type SuiteTest, type SuiteTransition, type SuiteWalk } from './suite.ts';
export { coverageReport, summaryJson, type CoverageReport, type UncoveredGroup } from './coverage.ts';
export { statechartCoverage, type StatechartEdgeCoverage } from './statechartEdges.ts';
export { stateAlphabet, representativeAdmins, type AdminSelection } from './alphabet.ts';
export { exploreGraph, shortestPathTo, type ReachableGraph, type Transition } from './reachableGraph.ts';
export { coveringWalks, type Walk, type WalkGoal } from './coveringWalks.ts';
export { boundedSimplePaths } from './simplePaths.ts';
export { xstateShortestPaths } from './shortestPathsBaseline.ts';
export { runSuite, registerMochaSuite, asGeneratedSuite, type SuiteOutcome, type TestFailure, type RunOptions } from './runSuite.ts';
export { writeSuite, runnerSource, SUITE_FILE, RUNNER_FILE, REPORT_FILE } from './writeSuite.ts';
export { loadSystemUnderTest, defaultTarget } from './target.ts';
export { referenceSut } from './referenceSut.ts';
export { prescribedObservation, stateLabel, observationDiff } from './prescribedState.ts';
export type { SystemUnderTest, ObservedState, SendResult } from './systemUnderTest.ts';
