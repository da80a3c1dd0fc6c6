/**
 * What a user does, end to end: `guillotine gen-tests` writes the suite for the default policy into a
 * fresh directory, then `npx mocha` runs the generated runner from the workbench against the
 * simulator, in a child process, exactly as the command's own output says to. This is the CI run the
 * issue asks for: the suite is generated in the run, never checked in.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { scaledPolicy } from '../../spec/policy.ts';
import { RUNNER_FILE, REPORT_FILE, SUITE_FILE, WORKBENCH_ROOT } from '../../testgen/writeSuite.ts';
import { asGeneratedSuite } from '../../testgen/runSuite.ts';
import { looksLikeCrash, runCli, type CliRun } from '../cli/runCli.ts';

const run = promisify(execFile);

/**
 * A deliberately broken simulator as a `<module>#<export>` target (the mutants are test code,
 * `test/simulator/mutants.ts`): at severed its port gate still services network ports.
 */
const BROKEN_SIMULATOR = 'test/simulator/mutants.ts#severedServicesNetwork';

/** mocha's JSON reporter: the counts and each failure's title. */
interface MochaJson {
  readonly stats: { readonly tests: number; readonly passes: number; readonly failures: number; readonly pending: number };
  readonly failures: readonly { readonly title: string; readonly err: { readonly message?: string } }[];
}

/**
 * `npx mocha --no-config --import=tsx <dir>/transitions.test.mts` from the workbench, as printed by
 * gen-tests, with the JSON reporter so the counts can be read; resolves with the exit code too.
 */
async function mochaOn(dir: string, env: Record<string, string>, extra: readonly string[] = []): Promise<{ code: number; report: MochaJson; stderr: string }> {
  const args = ['mocha', '--no-config', '--import=tsx', '--reporter', 'json', ...extra, join(dir, RUNNER_FILE)];
  const childEnv = { ...process.env, ...env };
  if (env.GUILLOTINE_SUT === undefined) delete childEnv.GUILLOTINE_SUT;
  try {
    const { stdout, stderr } = await run('npx', args, { cwd: WORKBENCH_ROOT, env: childEnv, maxBuffer: 512 << 20 });
    return { code: 0, report: JSON.parse(stdout) as MochaJson, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number' || !e.stdout) throw error;
    return { code: e.code, report: JSON.parse(e.stdout) as MochaJson, stderr: e.stderr ?? '' };
  }
}

function assertBadInput(result: CliRun, ...mentions: string[]): void {
  assert.equal(result.code, 2, `exit code (stderr: ${result.err})`);
  assert.equal(result.out, '', 'nothing on stdout');
  assert.ok(!looksLikeCrash(result.err), `stderr looks like a crash:\n${result.err}`);
  for (const text of mentions) assert.ok(result.err.includes(text), `stderr should mention ${JSON.stringify(text)}:\n${result.err}`);
}

describe('gen-tests as a user runs it: generate with the CLI, then run the written suite with mocha', function () {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'gen-tests-cli-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  describe('the default policy against the simulator, freshly generated', function () {
    let dir: string;
    let summary: Record<string, unknown>;
    before(async function () {
      this.timeout(120_000);
      dir = join(root, 'default');
      const generated = await runCli(['gen-tests', '--out', dir, '--json']);
      assert.equal(generated.code, 0, generated.err);
      summary = JSON.parse(generated.out) as Record<string, unknown>;
    });

    it('prints exactly the issue\'s --json shape {states, transitions, covered, tests, steps, baseline: {tests, steps}}, every transition covered', () => {
      assert.deepEqual(Object.keys(summary), ['states', 'transitions', 'covered', 'tests', 'steps', 'baseline']);
      assert.deepEqual(Object.keys(summary.baseline as object), ['tests', 'steps']);
      assert.equal(summary.covered, summary.transitions);
      const baseline = summary.baseline as { tests: number; steps: number };
      assert.ok((summary.steps as number) < baseline.steps && (summary.tests as number) < baseline.tests, JSON.stringify(summary));
      const report = JSON.parse(readFileSync(join(dir, REPORT_FILE), 'utf8')) as Record<string, unknown>;
      assert.equal(report.admins, 'representative', 'coverage.json says the suite was generated over representative admins');
      assert.deepEqual(report.uncovered, []);
    });

    it('passes against the simulator when `npx mocha` runs the written runner: one passing test per reachable transition', async function () {
      this.timeout(240_000);
      const { code, report, stderr } = await mochaOn(dir, {});
      assert.equal(code, 0, `mocha exit code; first failures: ${JSON.stringify(report.failures.slice(0, 2))}\n${stderr.slice(0, 2000)}`);
      assert.deepEqual(report.stats.failures, 0);
      assert.equal(report.stats.pending, 0);
      assert.equal(report.stats.passes, summary.transitions, 'one mocha test per reachable (state, event) pair');
    });

    it('fails under the same runner when GUILLOTINE_SUT names a broken simulator, on the test of the transition it breaks', async function () {
      this.timeout(120_000);
      // At severed the broken port gate still services network ports: the first test to fail is one arriving at severed.
      const { code, report } = await mochaOn(dir, { GUILLOTINE_SUT: BROKEN_SIMULATOR }, ['--bail']);
      assert.notEqual(code, 0);
      assert.equal(report.stats.failures, 1);
      const failure = report.failures[0]!;
      assert.match(failure.title, /^T\d+ [^:]+: \S+ → severed/, failure.title);
      assert.match(failure.err.message ?? '', /capabilities\.ports: expected local, observed all/);
      assert.match(failure.err.message ?? '', /replay from reset: /);
    });
  });

  it('writes the same bytes for the same policy and options, and exits 1 with --run when the target breaks a transition', async function () {
    this.timeout(60_000);
    const policy = join(root, 'three-admins.json');
    writeFileSync(policy, JSON.stringify(scaledPolicy(3)));
    const a = await runCli(['gen-tests', '--policy', policy, '--out', join(root, 'a'), '--json', '--run', '--target', 'reference']);
    const b = await runCli(['gen-tests', '--policy', policy, '--out', join(root, 'b'), '--json']);
    assert.equal(a.code, 0, a.err);
    assert.equal(a.out, b.out);
    for (const file of [SUITE_FILE, RUNNER_FILE, REPORT_FILE]) assert.ok(readFileSync(join(root, 'a', file)).equals(readFileSync(join(root, 'b', file))), `${file} differs`);
    const suite = asGeneratedSuite(JSON.parse(readFileSync(join(root, 'a', SUITE_FILE), 'utf8')));
    assert.ok(suite.walks.flatMap((w) => w.tests).every((t) => /^T\d+ /.test(t.name)), 'every test is named by its transition');

    // --run runs every walk; state coverage keeps that to a few hundred events on the simulator.
    const broken = await runCli(['gen-tests', '--policy', policy, '--coverage', 'state', '--out', join(root, 'c'), '--run', '--target', BROKEN_SIMULATOR]);
    assert.equal(broken.code, 1, broken.err);
    assert.ok(broken.out.includes(`Ran against ${BROKEN_SIMULATOR}: `), broken.out);
    assert.match(broken.out, /Ran against \S+: \d+ failed/);
    assert.match(broken.out, /✗ walk \d+ of \d+ \(\d+ steps?\): S\d+ reach severed[^\n]*\n[\s\S]*capabilities\.ports: expected local, observed all/);
  });

  it('reports the uncovered transitions of a weaker criterion with the reason, all of them in coverage.json', async function () {
    this.timeout(60_000);
    const out = join(root, 'state');
    const result = await runCli(['gen-tests', '--coverage', 'state', '--out', out]);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /Uncovered: [\d,]+ transition\(s\): --coverage state targets states only/);
    assert.match(result.out, /over representative admins/);
    assert.match(result.err, /^Generating\. exploring the reachable graph/m, 'progress on stderr');
    const report = JSON.parse(readFileSync(join(out, REPORT_FILE), 'utf8')) as { transitions: number; covered: number; uncovered: { count: number; transitions: string[] }[] };
    assert.equal(report.uncovered[0]!.transitions.length, report.transitions - report.covered);
    assert.equal(report.uncovered[0]!.count, report.transitions - report.covered);
  });

  describe('refuses bad options with exit 2 and a message naming the option and what it takes', () => {
    const cases: readonly [string, readonly string[], readonly string[]][] = [
      ['an unknown criterion', ['--coverage', 'branch'], ['--coverage takes state, transition, path', '"branch"']],
      ['a depth of 0', ['--coverage', 'path', '--depth', '0'], ['--depth takes a whole number from 1 to 1000', 'got 0']],
      ['a depth that is no number', ['--depth', 'deep'], ['--depth takes a whole number', '"deep"']],
      ['an unknown admin selection', ['--admins', 'some'], ['--admins takes representative or every', '"some"']],
      ['a policy file that does not exist', ['--policy', '/nonexistent/policy.json'], ['/nonexistent/policy.json']],
      ['a target export that does not exist', ['--run', '--target', 'test/simulator/mutants.ts#noSuchVariant'], ['--target test/simulator/mutants.ts#noSuchVariant', 'has no export "noSuchVariant"', 'exports: ']],
      ['a target module that does not exist', ['--run', '--target', './nowhere.ts#sut'], ['--target ./nowhere.ts#sut', 'no module at', '"simulator", "reference" or "<module path>#<export>"']],
      ['a target without --run', ['--target', 'reference'], ['--target', 'only with --run', 'GUILLOTINE_SUT']],
    ];
    for (const [what, args, mentions] of cases) {
      it(`refuses ${what}`, async function () {
        this.timeout(60_000);
        // State coverage unless the case names its own (the last --coverage wins), so a refusal that came late would still be quick.
        assertBadInput(await runCli(['gen-tests', '--coverage', 'state', '--out', join(root, 'bad'), ...args]), ...mentions);
      });
    }

    it('refuses an --out that is a file', async function () {
      this.timeout(60_000);
      const file = join(root, 'a-file');
      writeFileSync(file, '');
      assertBadInput(await runCli(['gen-tests', '--coverage', 'state', '--out', file]), '--out: cannot write to', 'a-file');
    });
  });
});
