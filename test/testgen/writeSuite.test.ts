/**
 * The written suite as a user meets it (issue 25, findings 3, 4 and 8): its three files are one
 * set, written whole or not at all, never through a link; and a runner pointed at an implementation
 * that is not there says so in its own words, not with esbuild's "Top-level await … cjs" stack.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { generateTests } from '../../testgen/generate.ts';
import { REPORT_FILE, RUNNER_FILE, SUITE_FILE, WORKBENCH_ROOT, writeSuite } from '../../testgen/writeSuite.ts';

const run = promisify(execFile);

describe('testgen/writeSuite: the suite, its runner and its report as one set, and a runner that explains itself', function () {
  this.timeout(120_000);
  let dir = '';
  const generated = () => {
    const g = generateTests(DEFAULT_POLICY, { depth: 1, baseline: 'breadth-first' });
    assert.equal(g.kind, 'generated');
    return g.kind === 'generated' ? g : assert.fail();
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-writeSuite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the three files and says which', () => {
    const { suite, report } = generated();
    const out = join(dir, 'suite');
    const written = writeSuite(out, suite, report);
    assert.deepEqual(written, { ok: true, paths: [SUITE_FILE, RUNNER_FILE, REPORT_FILE].map((f) => join(out, f)) });
    assert.deepEqual(readdirSync(out).sort(), [REPORT_FILE, SUITE_FILE, RUNNER_FILE].sort());
  });

  it('writes none of them when one destination is a symbolic link, and leaves the link\'s target alone', () => {
    const { suite, report } = generated();
    const precious = join(dir, 'precious.json');
    writeFileSync(precious, 'precious');
    symlinkSync(precious, join(dir, SUITE_FILE));
    const written = writeSuite(dir, suite, report);
    assert.ok(!written.ok);
    assert.equal(written.path, join(dir, SUITE_FILE));
    assert.match(written.why, /symbolic link/);
    assert.equal(readFileSync(precious, 'utf8'), 'precious');
    assert.deepEqual(readdirSync(dir).sort(), ['precious.json', SUITE_FILE]);
  });

  it('runs, when GUILLOTINE_SUT names a module that is not there, into one failing test with the runner\'s own message', async () => {
    const { suite, report } = generated();
    assert.ok(writeSuite(dir, suite, report).ok);
    const missing = join(dir, 'no-such-sut.ts');
    const result = await run('npx', ['mocha', '--no-config', '--import=tsx', '--reporter', 'json', join(dir, RUNNER_FILE)], {
      cwd: WORKBENCH_ROOT,
      env: { ...process.env, GUILLOTINE_SUT: missing },
      maxBuffer: 64 << 20,
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    const all = result.stdout + result.stderr;
    assert.doesNotMatch(all, /Top-level await|esbuild|cjs/, all.slice(0, 2000));
    assert.equal(result.code, 1, all.slice(0, 2000));
    const json = JSON.parse(result.stdout) as { stats: { tests: number; failures: number }; failures: { err: { message: string } }[] };
    assert.deepEqual([json.stats.tests, json.stats.failures], [1, 1]);
    assert.equal(json.failures[0]!.err.message, `cannot load the system under test ${JSON.stringify(missing)} (GUILLOTINE_SUT): no module at ${missing}; a target is "simulator", "reference" or "<module path>#<export>"`);
  });
});
