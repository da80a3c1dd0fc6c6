/**
 * `guillotine gen-tests [--policy FILE] [--coverage state|transition|path] [--depth K] [--out DIR]
 * [--json] [--run] [--target NAME]`: a mocha suite generated from the statechart alone that exercises
 * every reachable transition (or state, or bounded path) against an implementation, with a coverage
 * report. Exit 0: generated (and, with --run, passed); 1: a target left uncovered or --run failed;
 * 2: bad input; 3: --max-states or the memory guard stopped the generation (nothing written).
 * `--json` prints exactly the issue's summary
 * `{states, transitions, covered, tests, steps, baseline: {tests, steps}}`; the whole report, with
 * every uncovered transition and its reason, is `coverage.json` in --out. Progress goes to stderr.
 */
import { rmdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Option } from 'commander';
import { generateTests, summaryJson, DEFAULT_PATH_DEPTH, CRITERIA, type Criterion, type CoverageReport } from '../../testgen/index.ts';
import { writeSuite, REPORT_FILE, RUNNER_FILE, WORKBENCH_ROOT } from '../../testgen/writeSuite.ts';
import { defaultTarget, loadSystemUnderTest } from '../../testgen/target.ts';
import { runSuite, type SuiteOutcome } from '../../testgen/runSuite.ts';
import type { SystemUnderTest } from '../../testgen/systemUnderTest.ts';
import { adminIds } from '../../spec/policy.ts';
import { action, BadInput, Incomplete, integerOption, jsonOption, policyFrom, policyOption, printJson, type ExitCode, type Output, type RegisterCommand } from '../command.ts';
import { count, table } from '../table.ts';
import { fileErrorWords, makeDirectory } from '../../spec/fileError.ts';
import { quoted, terminalSafe } from '../../spec/terminalText.ts';
import { DEFAULT_GEN_TESTS_MAX_STATES, maxMemoryOption, maxStatesFrom, maxStatesOption, memoryGuard } from '../limits.ts';
import { shellArgument } from '../shellWord.ts';

const DEFAULT_OUT = 'reports/gen-tests';

interface Options {
  policy?: string;
  json?: boolean;
  coverage: string;
  depth?: string;
  out: string;
  admins: string;
  run?: boolean;
  target?: string;
  maxStates?: string;
  maxMemory?: string;
}

export const registerGenTests: RegisterCommand = (command, io, exit) => {
  command
    .addOption(policyOption())
    .addOption(new Option('--coverage <criterion>', 'state | transition (every (state, event) pair, accepted or rejected) | path (every simple path up to --depth)').default('transition'))
    .addOption(new Option('--depth <k>', `path coverage: the longest path (default ${DEFAULT_PATH_DEPTH}); state/transition coverage: explore only this deep (default: everything)`))
    .addOption(new Option('--out <dir>', 'where to write suite.json, the mocha runner and coverage.json').default(DEFAULT_OUT))
    .addOption(new Option('--admins <which>', 'representative: one admin per class the protocol cannot tell apart (complete, see testgen/alphabet.ts); every: all admins (24 times the transitions on the default policy)').default('representative'))
    .addOption(new Option('--run', 'also run the generated suite now, in process, against --target'))
    .addOption(new Option('--target <name>', 'implementation --run runs against: simulator | reference | <module>#<export> (default: simulator; the written suite reads GUILLOTINE_SUT instead, see docs/system-under-test.md)'))
    .addOption(maxStatesOption(DEFAULT_GEN_TESTS_MAX_STATES, 'twice the largest shipped use, the default policy with --admins every, 9,108 states in 2.9 GB'))
    .addOption(maxMemoryOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nExit status: 0 generated (and with --run, passed); 1 a target left uncovered, or --run failed;\n' +
        '2 bad input; 3 incomplete: --max-states or the memory guard stopped the generation (nothing is written).\n',
    )
    .action(action(exit, (opts: Options) => genTests(io, opts)));
};

async function genTests(io: Output, opts: Options): Promise<ExitCode> {
  const criterion = parseCriterion(opts.coverage);
  if (opts.admins !== 'representative' && opts.admins !== 'every') throw new BadInput(`--admins takes representative or every, got ${JSON.stringify(opts.admins)}`);
  const depth = integerOption('--depth', opts.depth, 1, 1000) ?? null;
  if (opts.out.trim() === '') throw new BadInput('--out needs a directory');
  if (opts.target !== undefined && !opts.run) {
    throw new BadInput('--target names the implementation --run runs against, so it goes only with --run; to point the written suite at one, set GUILLOTINE_SUT when running it with mocha');
  }
  const policy = policyFrom(opts.policy);
  const maxStates = maxStatesFrom(opts.maxStates, DEFAULT_GEN_TESTS_MAX_STATES);
  const guard = memoryGuard(opts.maxMemory);
  // A bad --target is refused before --out is made, so it leaves no empty directory behind.
  const target = opts.target ?? defaultTarget();
  let sut: SystemUnderTest | null = null;
  if (opts.run) {
    try {
      sut = await loadSystemUnderTest(target);
    } catch (error) {
      throw new BadInput(`--target ${target}: ${(error as Error).message}`);
    }
  }
  // Refuse an unusable --out before the seconds of generation, not after; what was made for it is
  // removed again if nothing gets written there.
  let made: readonly string[];
  try {
    made = makeDirectory(opts.out);
  } catch (error) {
    throw new BadInput(`--out: cannot write to ${quoted(opts.out, 300)}: ${fileErrorWords(error)}`);
  }
  let files: readonly string[];
  let generated: Exclude<ReturnType<typeof generateTests>, { kind: 'limit' }>;
  const started = performance.now();
  const stage = (text: string) => io.err(`Generating. ${text}, ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
  try {
    const result = generateTests(policy, {
      criterion,
      depth,
      admins: opts.admins,
      maxStates,
      // The generator reports each stage as it starts: the memory guard looks then.
      onProgress: (text) => {
        guard.check();
        stage(text);
      },
    });
    guard.check();
    if (result.kind === 'limit') {
      const capped = /more than \d+ states/.test(result.message);
      throw new Incomplete(`${terminalSafe(result.message)}${capped ? `; the cap is ${opts.maxStates === undefined ? 'the default ' : ''}--max-states ${count(maxStates)}: raise it with --max-states N` : ''}`);
    }
    generated = result;
    const written = writeSuite(opts.out, result.suite, result.report);
    if (!written.ok) throw new BadInput(`--out: cannot write ${quoted(written.path, 300)}: ${written.why}`);
    files = written.paths;
  } catch (error) {
    removeEmpty(made);
    throw error;
  }
  const { suite, report } = generated;
  let outcome: SuiteOutcome | null = null;
  if (sut !== null) {
    stage(`running ${suite.walks.length} walks against ${target}`);
    let shown = performance.now();
    outcome = await runSuite(suite, sut, {
      onWalk: (done, total) => {
        if (performance.now() - shown < 1000) return;
        shown = performance.now();
        stage(`ran ${done} of ${total} walks against ${target}`);
      },
    });
  }
  const complete = report.criterion !== 'transition' || report.covered === report.transitions;
  if (opts.json) {
    printJson(io, summaryJson(report));
    // The JSON shape is fixed, so what --run found goes to stderr (and the exit code).
    if (outcome !== null) printOutcome((text) => io.err(text), outcome, target);
  } else printReport(io, report, opts, files, outcome, target, adminIds(policy));
  return complete && (outcome === null || outcome.kind === 'passed') ? 0 : 1;
}

/** Removes the directories made for --out, innermost first, as long as they are empty. */
function removeEmpty(made: readonly string[]): void {
  for (const dir of [...made].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (someone wrote there meanwhile), or already gone: leave the rest
    }
  }
}

function parseCriterion(raw: string): Criterion {
  if ((CRITERIA as readonly string[]).includes(raw)) return raw as Criterion;
  throw new BadInput(`--coverage takes ${CRITERIA.join(', ')}, got ${JSON.stringify(raw)}`);
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(part === whole ? 0 : 1)}%`;
}

function printReport(io: Output, r: CoverageReport, opts: Options, files: readonly string[], outcome: SuiteOutcome | null, target: string, admins: readonly string[]) {
  const who =
    r.admins === 'representative'
      ? `representative admins (${admins.length} admins; in each state one admin who approved the open proposal and one who did not stand for all, plus an outsider)`
      : `all ${admins.length} admins and an outsider`;
  io.out(`Generated ${r.criterion} coverage tests for policy ${opts.policy === undefined ? '(embedded default)' : terminalSafe(opts.policy)}${r.depth === null ? '' : `, depth ${r.depth}`}, over ${who}\n\n`);
  io.out(
    table(
      ['', 'generated', `baseline (${r.baseline.source})`],
      [
        ['reachable states', count(r.states), ''],
        ['reachable transitions', `${count(r.transitions)} (${count(r.acceptedTransitions)} accepted, ${count(r.transitions - r.acceptedTransitions)} rejected)`, ''],
        ['transitions covered', `${count(r.covered)} (${percent(r.covered, r.transitions)})`, ''],
        ['states covered', `${count(r.statesCovered)} (${percent(r.statesCovered, r.states)})`, ''],
        ['tests (walks from reset)', count(r.tests), count(r.baseline.tests)],
        ['steps (events sent)', count(r.steps), count(r.baseline.steps)],
        ['named checks', count(r.checks), ''],
      ],
    ),
  );
  const edges = r.statechart;
  const dead = edges.filter((e) => e.reachable === 0);
  const missed = edges.filter((e) => e.reachable > 0 && !e.covered);
  io.out(`Statechart transitions exercised: ${edges.filter((e) => e.covered).length} of ${edges.length}`);
  io.out(dead.length > 0 ? `; ${dead.length} not reachable under this policy: ${dead.map((e) => e.id).join(', ')}\n` : '\n');
  if (missed.length > 0) io.out(`  reachable but not exercised: ${missed.map((e) => e.id).join(', ')}\n`);
  if (r.uncovered.length === 0) io.out('Uncovered transitions: none\n');
  for (const group of r.uncovered) {
    io.out(`${group.count > 0 ? `Uncovered: ${count(group.count)} transition(s): ` : 'Note: '}${group.reason}\n`);
    for (const example of group.examples) io.out(`  e.g. ${example}\n`);
    if (group.count > group.examples.length) io.out(`  (all ${count(group.count)} are listed in ${REPORT_FILE})\n`);
  }
  io.out(`\nWrote ${files.map((f) => terminalSafe(f)).join(', ')}\n`);
  // The runner imports the workbench by relative path and needs tsx, so mocha runs from the workbench.
  const runner = relative(WORKBENCH_ROOT, resolve(opts.out, RUNNER_FILE));
  io.out(
    `Run it from ${WORKBENCH_ROOT.replace(/[\\/]$/, '')}: npx mocha --no-config --import=tsx ${shellArgument(runner.startsWith('..') ? resolve(opts.out, RUNNER_FILE) : runner)}\n` +
      `  (against ${defaultTarget()}; GUILLOTINE_SUT=simulator|reference|<module>#<export> chooses; see docs/system-under-test.md)\n`,
  );
  if (outcome !== null) printOutcome((text) => io.out(text), outcome, target);
}

function printOutcome(write: (text: string) => void, outcome: SuiteOutcome, target: string) {
  if (outcome.kind === 'passed') write(`\nRan against ${target}: ${count(outcome.tests)} tests, ${count(outcome.steps)} steps, all passed\n`);
  else {
    write(`\nRan against ${target}: ${outcome.failures.length} failed, ${count(outcome.passed)} passed, ${count(outcome.skipped)} skipped (rest of a failed walk)\n`);
    for (const f of outcome.failures.slice(0, 10)) write(`\n✗ ${f.walk}: ${f.message}\n`);
    if (outcome.failures.length > 10) write(`\n… and ${outcome.failures.length - 10} more\n`);
  }
}
