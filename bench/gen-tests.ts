/**
 * Test-generation benchmark (issue 5), on the default policy:
 * - generation: our covering walks over the compiled engine's reachable graph against
 *   `@xstate/graph`'s per-state shortest paths (`getShortestPaths` on the XState machine, the
 *   baseline of one test per target), each in a fresh process so its peak RSS is its own: time
 *   (median), tests and steps, for transition and state coverage, and bounded path coverage;
 * - the generated transition suite's run time against the simulator (in process, median of 3),
 *   against the statechart's own adapter (the runner's own cost), and as a user runs it
 *   (`npx mocha` on the written files, one run).
 * Usage: node --import tsx bench/gen-tests.ts [--json]
 *        node --import tsx bench/gen-tests.ts --one <measurement>   (one measurement; prints one JSON line)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table, count } from '../cli/table.ts';
import { DEFAULT_POLICY } from '../spec/policy.ts';
import { createSimulatorSut } from '../simulator/sut.ts';
import { generateTests, referenceSut, runSuite, writeSuite, xstateShortestPaths, RUNNER_FILE, type Criterion, type GenerateResult } from '../testgen/index.ts';
import { WORKBENCH_ROOT } from '../testgen/writeSuite.ts';
import { referenceEngine } from '../machines/engine.ts';
import { exploreGraph } from '../testgen/reachableGraph.ts';
import { coveringWalks } from '../testgen/coveringWalks.ts';
import { DEFAULT_WALK_LENGTH } from '../testgen/generate.ts';
import { median } from './median.ts';

const SELF = fileURLToPath(import.meta.url);
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** One generation method on the default policy. */
interface GenerationRow {
  readonly method: string;
  readonly criterion: string;
  readonly seconds: number;
  readonly tests: number;
  readonly steps: number;
  readonly peakRssMiB: number;
}

interface RunRow {
  readonly target: string;
  readonly how: string;
  readonly seconds: number;
  readonly tests: number;
  readonly steps: number;
  readonly stepsPerSecond: number;
}

function generated(result: GenerateResult) {
  if (result.kind !== 'generated') throw new Error(result.message);
  return result;
}

/** Times `body` once to warm up, then `repeat` times; returns the median seconds and the last result. */
function timed<T>(repeat: number, body: () => T): { seconds: number; value: T } {
  let value = body();
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    value = body();
    runs.push(seconds(t0));
  }
  return { seconds: median(runs), value };
}

/** The measurements that run in a process of their own (`--one <name>`). */
const ONE: Record<string, () => GenerationRow> = {
  // Like for like with getShortestPaths (which also explores): the reachable graph and the walks only.
  'graph+walks': () => {
    const { seconds: s, value } = timed(5, () => {
      const explored = exploreGraph(referenceEngine(DEFAULT_POLICY));
      if (explored.kind !== 'explored') throw new Error(explored.message);
      return coveringWalks(explored.graph, 'transitions', { maxWalkLength: DEFAULT_WALK_LENGTH });
    });
    return { method: 'reachable graph + covering walks only (ours)', criterion: 'transition', seconds: s, tests: value.length, steps: value.reduce((n, w) => n + w.steps.length, 0), peakRssMiB: peakRssMiB() };
  },
  // Ours, whole: exploration, covering walks, test naming and prescribed states, coverage report.
  'walks:transition': () => oursRow('transition'),
  'walks:state': () => oursRow('state'),
  'paths:2': () => pathRow(2),
  'paths:3': () => pathRow(3),
  // @xstate/graph: getShortestPaths on the XState machine, which gives the baseline's paths.
  // Its tests and steps are the baseline's, filled in by the parent from the report (which cross-checks its depths).
  'xstate-graph': () => {
    const { seconds: s } = timed(3, () => xstateShortestPaths(DEFAULT_POLICY, 'representative'));
    return { method: '@xstate/graph getShortestPaths (one test per target)', criterion: '', seconds: s, tests: 0, steps: 0, peakRssMiB: peakRssMiB() };
  },
  // What `guillotine gen-tests` does: ours plus the @xstate/graph cross-check and baseline.
  cli: () => {
    const { seconds: s, value } = timed(3, () => generated(generateTests(DEFAULT_POLICY)));
    return { method: 'gen-tests as the CLI runs it (walks + @xstate/graph baseline)', criterion: 'transition', seconds: s, tests: value.report.tests, steps: value.report.steps, peakRssMiB: peakRssMiB() };
  },
};

function oursRow(criterion: Criterion): GenerationRow {
  const { seconds: s, value } = timed(5, () => generated(generateTests(DEFAULT_POLICY, { criterion, baseline: 'breadth-first' })));
  return { method: 'whole suite and report, covering walks (ours)', criterion, seconds: s, tests: value.report.tests, steps: value.report.steps, peakRssMiB: peakRssMiB() };
}

function pathRow(depth: number): GenerationRow {
  const { seconds: s, value } = timed(3, () => generated(generateTests(DEFAULT_POLICY, { criterion: 'path', depth })));
  return { method: `maximal simple paths ≤ ${depth} (every path: ${count(value.report.baseline.tests)} tests, ${count(value.report.baseline.steps)} steps)`, criterion: `path --depth ${depth}`, seconds: s, tests: value.report.tests, steps: value.report.steps, peakRssMiB: peakRssMiB() };
}

function inChild(name: string): GenerationRow {
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', SELF, '--one', name], { encoding: 'utf8', maxBuffer: 1 << 20 })) as GenerationRow;
}

async function runRows(log: (line: string) => void): Promise<RunRow[]> {
  const { suite, report } = generated(generateTests(DEFAULT_POLICY, { baseline: 'breadth-first' }));
  const rows: RunRow[] = [];
  for (const [target, make, repeat] of [['simulator', () => createSimulatorSut(), 3], ['reference (the statechart)', () => referenceSut(), 5]] as const) {
    log(`bench gen-tests: running the suite against ${target}…`);
    const runs: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now();
      const outcome = await runSuite(suite, make());
      runs.push(seconds(t0));
      if (outcome.kind !== 'passed') throw new Error(`the generated suite failed against ${target}: ${outcome.failures[0]?.message}`);
    }
    const s = median(runs);
    rows.push({ target, how: `runSuite in process, median of ${repeat}`, seconds: s, tests: report.checks, steps: report.steps, stepsPerSecond: Math.round(report.steps / s) });
  }
  log('bench gen-tests: npx mocha on the written suite against the simulator…');
  const dir = mkdtempSync(join(tmpdir(), 'bench-gen-tests-'));
  try {
    writeSuite(dir, suite, report);
    const t0 = performance.now();
    execFileSync('npx', ['mocha', '--no-config', '--import=tsx', '--reporter', 'dot', join(dir, RUNNER_FILE)], { cwd: WORKBENCH_ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, GUILLOTINE_SUT: 'simulator' } });
    const s = seconds(t0);
    rows.push({ target: 'simulator', how: 'npx mocha on the written files, one run (process start included)', seconds: s, tests: report.checks, steps: report.steps, stepsPerSecond: Math.round(report.steps / s) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

function format(generation: readonly GenerationRow[], runs: readonly RunRow[], graph: { states: number; transitions: number }): string {
  return (
    `Default policy: ${count(graph.states)} reachable states, ${count(graph.transitions)} reachable (state, event) pairs over representative admins\n\n` +
    table(
      ['generation', 'coverage', 'seconds (median)', 'tests', 'steps', 'peak RSS MiB'],
      generation.map((r) => [r.method, r.criterion, r.seconds.toFixed(3), count(r.tests), count(r.steps), r.peakRssMiB]),
    ) +
    '\n' +
    table(
      ['suite run', 'against', 'seconds', 'tests', 'steps', 'steps/s'],
      runs.map((r) => [r.how, r.target, r.seconds.toFixed(2), count(r.tests), count(r.steps), count(r.stepsPerSecond)]),
    )
  );
}

async function main(): Promise<void> {
  const oneAt = process.argv.indexOf('--one');
  if (oneAt > 0) {
    const name = process.argv[oneAt + 1] ?? '';
    const measure = ONE[name];
    if (measure === undefined) {
      process.stderr.write(`bench gen-tests: --one takes ${Object.keys(ONE).join(', ')}\n`);
      process.exitCode = 2;
      return;
    }
    process.stdout.write(JSON.stringify(measure()) + '\n');
    return;
  }
  const log = (line: string) => process.stderr.write(line + '\n');
  const generation: GenerationRow[] = [];
  for (const name of ['graph+walks', 'walks:transition', 'xstate-graph', 'cli', 'walks:state', 'paths:2', 'paths:3']) {
    log(`bench gen-tests: ${name}…`);
    generation.push(inChild(name));
  }
  // The baseline's sizes: one test per target along its shortest path (the same whichever graph search finds the paths).
  const graph = generated(generateTests(DEFAULT_POLICY, { baseline: 'breadth-first' })).report;
  const stateBaseline = generated(generateTests(DEFAULT_POLICY, { criterion: 'state', baseline: 'breadth-first' })).report.baseline;
  const xstate = generation.find((r) => r.method.startsWith('@xstate/graph'))!;
  generation.splice(generation.indexOf(xstate), 1, { ...xstate, criterion: 'transition', tests: graph.baseline.tests, steps: graph.baseline.steps });
  generation.splice(generation.findIndex((r) => r.criterion === 'state') + 1, 0, { ...xstate, criterion: 'state', tests: stateBaseline.tests, steps: stateBaseline.steps });
  const runs = await runRows(log);
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ states: graph.states, transitions: graph.transitions, generation, runs }, null, 2) + '\n');
  } else process.stdout.write(format(generation, runs, graph));
}

if (process.argv[1] === SELF) await main();
