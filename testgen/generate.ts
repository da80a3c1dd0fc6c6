/**
 * `generateTests`: from a policy's statechart to a runnable suite and its coverage report.
 *
 * Pipeline: explore the reachable graph with the compiled engine (representative admins by default,
 * see alphabet.ts) → build covering walks (state or transition coverage) or enumerate bounded simple
 * paths (path coverage) → split them into named tests with the prescribed state after every step →
 * compute the baseline from `@xstate/graph`'s shortest paths (cross-checked against the exploration)
 * and the coverage report.
 */
import type { Policy } from '../spec/policy.ts';
import { referenceEngine, type Engine } from '../machines/engine.ts';
import type { AdminSelection } from './alphabet.ts';
import { exploreGraph, type ReachableGraph } from './reachableGraph.ts';
import { coveringWalks, type Walk } from './coveringWalks.ts';
import { boundedSimplePaths } from './simplePaths.ts';
import { buildSuite, type Criterion, type GeneratedSuite } from './suite.ts';
import { coverageReport, coveredBy, type CoverageReport } from './coverage.ts';
import { xstateShortestPaths } from './shortestPathsBaseline.ts';
import { statechartCoverage } from './statechartEdges.ts';

/** The default `--depth` of path coverage. */
export const DEFAULT_PATH_DEPTH = 3;

/**
 * The default soft bound on a walk's length. A failing step skips the rest of its walk (the later
 * steps start from a state the implementation never reached), so one unbounded greedy walk (62,055
 * of the default policy's 70,255 steps) let one early failure hide most of the suite. Cut at 500,
 * the walks cost no more in total (69,687 steps in 405 walks) and a failure hides at most 500 steps.
 */
export const DEFAULT_WALK_LENGTH = 500;

export interface GenerateOptions {
  /** What every test together must cover (default: transition). */
  readonly criterion?: Criterion;
  /** Path coverage: the longest path (default 3). State/transition coverage: explore only this deep (default: everything). */
  readonly depth?: number | null;
  readonly admins?: AdminSelection;
  /** Soft bound on a walk's length (see coveringWalks; default {@link DEFAULT_WALK_LENGTH}). */
  readonly maxWalkLength?: number;
  /**
   * Where the baseline's shortest-path lengths come from: `@xstate/graph` run on the XState machine
   * (the default with representative admins; seconds, and it cross-checks the exploration), or the
   * exploration's own breadth-first depths (instant; the default with every admin, and always for
   * depth-bounded and path generation, which `@xstate/graph` cannot bound).
   */
  readonly baseline?: 'xstate-graph' | 'breadth-first';
  readonly engine?: Engine;
  /** Stop with a `limit` result past this many reachable states (default: exploreGraph's, 1,000,000). */
  readonly maxStates?: number;
  /** Called as each stage starts (exploration, walks, baseline, suite), for progress on stderr. */
  readonly onProgress?: (stage: string) => void;
}

export type GenerateResult =
  | { readonly kind: 'generated'; readonly suite: GeneratedSuite; readonly report: CoverageReport; readonly graph: ReachableGraph; readonly walks: readonly Walk[] }
  | { readonly kind: 'limit'; readonly message: string };

/**
 * Generates the suite for `policy`. Deterministic: the same policy and options give the same suite
 * and report. Throws only on an internal inconsistency (XState and the compiled engine disagreeing
 * on the reachable graph), which is a bug in the workbench, never in the user's input.
 */
export function generateTests(policy: Policy, options: GenerateOptions = {}): GenerateResult {
  const criterion = options.criterion ?? 'transition';
  const depth = criterion === 'path' ? (options.depth ?? DEFAULT_PATH_DEPTH) : (options.depth ?? null);
  const engine = options.engine ?? referenceEngine(policy);
  const progress = options.onProgress ?? (() => {});
  progress(`exploring the reachable graph${depth === null ? '' : ` to depth ${depth}`}`);
  const explored = exploreGraph(engine, { admins: options.admins ?? 'representative', maxDepth: depth, ...(options.maxStates === undefined ? {} : { maxStates: options.maxStates }) });
  if (explored.kind === 'limit') return explored;
  const graph = explored.graph;
  progress(`${graph.states.length} states, ${graph.transitions.length} transitions; building ${criterion === 'path' ? 'simple paths' : 'covering walks'}`);

  let walks: Walk[];
  let baseline: { tests: number; steps: number; source: string };
  if (criterion === 'path') {
    const paths = boundedSimplePaths(graph, depth!);
    if (paths.kind === 'limit') return paths;
    walks = paths.maximal.map((steps) => ({ steps, covers: steps.map(() => true) }));
    baseline = { tests: paths.all, steps: paths.allSteps, source: 'every simple path as its own test, as @xstate/graph getSimplePaths lists them (bounded to the depth)' };
  } else {
    walks = coveringWalks(graph, criterion === 'state' ? 'states' : 'transitions', { maxWalkLength: options.maxWalkLength ?? DEFAULT_WALK_LENGTH });
    // getShortestPaths takes about two minutes and 450 MiB on the default policy's full graph (every
    // admin, 692,208 transitions), so by default it runs over representatives only, whose run
    // cross-checks the same machine; the full graph's baseline comes from its breadth-first depths.
    const useXState = (options.baseline ?? (graph.admins === 'representative' ? 'xstate-graph' : 'breadth-first')) === 'xstate-graph' && depth === null;
    if (useXState) progress("running @xstate/graph's getShortestPaths on the XState machine for the baseline");
    const depthOf = useXState ? crossCheckedDepths(policy, graph) : graph.depth;
    baseline = shortestPathBaseline(graph, criterion, depthOf, useXState ? '@xstate/graph getShortestPaths' : 'breadth-first shortest paths');
  }
  progress(`${walks.length} tests, ${walks.reduce((sum, w) => sum + w.steps.length, 0)} steps; naming tests and prescribing states`);
  const suite = buildSuite(policy, graph, walks, criterion, depth);
  const flags = coveredBy(graph, walks);
  const statechart = statechartCoverage(engine, graph, flags.transitions);
  const report = coverageReport({ graph, walks, suite, criterion, depth, baseline, statechart });
  return { kind: 'generated', suite, report, graph, walks };
}

/**
 * The baseline of one test per target from a reset along a shortest path: per state, its path;
 * per transition, the path to its source plus its event.
 */
function shortestPathBaseline(graph: ReachableGraph, criterion: 'state' | 'transition', depthOf: readonly number[], source: string) {
  if (criterion === 'state') {
    return { tests: graph.states.length, steps: depthOf.reduce((sum, d) => sum + d, 0), source };
  }
  let steps = 0;
  for (const t of graph.transitions) steps += depthOf[t.from]! + 1;
  return { tests: graph.transitions.length, steps, source };
}

/** `@xstate/graph`'s shortest-path length of each explored state; throws if the two graphs disagree. */
function crossCheckedDepths(policy: Policy, graph: ReachableGraph): number[] {
  const { depth } = xstateShortestPaths(policy, graph.admins);
  if (depth.size !== graph.states.length) {
    throw new Error(`internal error: @xstate/graph reaches ${depth.size} states but the compiled engine reaches ${graph.states.length}; the two interpreters disagree (run the engine equivalence test)`);
  }
  return graph.keys.map((key, i) => {
    const d = depth.get(key);
    if (d === undefined || d !== graph.depth[i]) {
      throw new Error(`internal error: state ${key} is at depth ${graph.depth[i]} for the compiled engine but ${d ?? 'unreachable'} for @xstate/graph`);
    }
    return d;
  });
}
