/**
 * The coverage report of a generated suite: what the reachable graph holds, what the suite
 * exercises, what it does not and why, and the baseline it is compared with. It is what
 * `coverage.json` holds; `guillotine gen-tests --json` prints only its first keys, the shape
 * `{states, transitions, covered, tests, steps, baseline: {tests, steps}}` ({@link summaryJson}).
 */
import type { ReachableGraph } from './reachableGraph.ts';
import type { Walk } from './coveringWalks.ts';
import type { Criterion, GeneratedSuite } from './suite.ts';
import { transitionName } from './suite.ts';
import type { AdminSelection } from './alphabet.ts';
import type { StatechartEdgeCoverage } from './statechartEdges.ts';

/** Uncovered transitions sharing one reason: every one of them named, and the first few again for a summary. */
export interface UncoveredGroup {
  readonly reason: string;
  readonly count: number;
  /** The first five of `transitions`, for a one-line summary (the CLI's table, the visualizer). */
  readonly examples: readonly string[];
  /** Every uncovered transition with this reason, by its test name (`T<id> <state>: <event> …`). */
  readonly transitions: readonly string[];
}

export interface CoverageReport {
  /** Reachable states (in the representative-admin quotient unless `admins` is "every"). */
  readonly states: number;
  /** Reachable (state, event) pairs, accepted or rejected. */
  readonly transitions: number;
  /** Reachable transitions the suite exercises. */
  readonly covered: number;
  /** Walks: each starts from a reset. */
  readonly tests: number;
  /** Events the suite sends in all. */
  readonly steps: number;
  /** One test per target from a reset along `@xstate/graph`'s shortest path (see shortestPathsBaseline.ts). */
  readonly baseline: { readonly tests: number; readonly steps: number; readonly source: string };
  readonly criterion: Criterion;
  readonly admins: AdminSelection;
  /** `--depth`: the bound on path length (path coverage) or on exploration; null when unbounded. */
  readonly depth: number | null;
  /** Named checks (mocha `it`s): one per covered transition, state or path. */
  readonly checks: number;
  readonly statesCovered: number;
  readonly acceptedTransitions: number;
  /** States at the depth bound whose events were not explored (their transitions are not counted above). */
  readonly unexpandedStates: number;
  /** Every reachable transition the suite does not exercise, grouped by reason (empty for transition coverage). */
  readonly uncovered: readonly UncoveredGroup[];
  /** Per statechart transition (the edges a diagram draws): exercised or not, for the visualizer. */
  readonly statechart: readonly StatechartEdgeCoverage[];
}

/** The `--json` summary: exactly the keys, in its order (the whole report goes to coverage.json). */
export function summaryJson(r: CoverageReport) {
  return { states: r.states, transitions: r.transitions, covered: r.covered, tests: r.tests, steps: r.steps, baseline: { tests: r.baseline.tests, steps: r.baseline.steps } };
}

/** Per-target flags of which transitions and states a set of walks exercises. */
export function coveredBy(graph: ReachableGraph, walks: readonly Walk[]): { transitions: Uint8Array; states: Uint8Array } {
  const transitions = new Uint8Array(graph.transitions.length);
  const states = new Uint8Array(graph.states.length);
  states[0] = 1;
  for (const walk of walks) {
    for (const t of walk.steps) {
      transitions[t] = 1;
      states[graph.transitions[t]!.to] = 1;
    }
  }
  return { transitions, states };
}

/** Why a transition is left out under a criterion (it is a target of transition coverage only). */
function uncoveredReason(criterion: Criterion, depth: number | null): string {
  switch (criterion) {
    case 'transition':
      return 'not reached by the covering walks (a generator bug: transition coverage targets every reachable transition)';
    case 'state':
      return '--coverage state targets states only; use --coverage transition to exercise every (state, event) pair';
    case 'path':
      return `--coverage path exercises accepted transitions on simple paths of at most ${depth ?? '?'} steps from the initial state only`;
  }
}

export interface ReportInputs {
  readonly graph: ReachableGraph;
  readonly walks: readonly Walk[];
  readonly suite: GeneratedSuite;
  readonly criterion: Criterion;
  readonly depth: number | null;
  readonly baseline: { readonly tests: number; readonly steps: number; readonly source: string };
  readonly statechart: readonly StatechartEdgeCoverage[];
}

/** Builds the report. Deterministic: no timings (those are the benchmark's). */
export function coverageReport(inputs: ReportInputs): CoverageReport {
  const { graph, walks, suite, criterion, depth } = inputs;
  const flags = coveredBy(graph, walks);
  let covered = 0;
  const missing: number[] = [];
  flags.transitions.forEach((f, t) => (f ? covered++ : missing.push(t)));
  const names = missing.map((t) => transitionName(graph, t));
  const groups: UncoveredGroup[] = missing.length === 0 ? [] : [{ reason: uncoveredReason(criterion, depth), count: missing.length, examples: names.slice(0, 5), transitions: names }];
  if (graph.unexpanded > 0) {
    groups.push({
      reason: `${graph.unexpanded} state(s) lie at the depth bound ${graph.depthBound}: their events were not explored, so their transitions are not counted; raise --depth`,
      count: 0,
      examples: [],
      transitions: [],
    });
  }
  return {
    states: graph.states.length,
    transitions: graph.transitions.length,
    covered,
    tests: walks.length,
    steps: walks.reduce((sum, w) => sum + w.steps.length, 0),
    baseline: inputs.baseline,
    criterion,
    admins: graph.admins,
    depth,
    checks: suite.walks.reduce((sum, w) => sum + w.tests.length, 0),
    statesCovered: flags.states.reduce((sum, f) => sum + f, 0),
    acceptedTransitions: graph.transitions.reduce((sum, t) => sum + (t.accepted ? 1 : 0), 0),
    unexpandedStates: graph.unexpanded,
    uncovered: groups,
    statechart: inputs.statechart,
  };
}
