/**
 * Every file a command writes (issue 25, findings 1, 3, 4 and 8): a destination that is a symbolic
 * link is refused and its target left alone (`report`, `export`, `gen-tests`, `check --traces`,
 * `prove --emit-smt2`), a destination that is a directory or in a directory that cannot be written
 * is one line and exit 2 (with `--json`, a JSON error object on stdout), an output set is written
 * whole or not at all, and a refused `--target` leaves no empty `--out` directory behind.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { looksLikeCrash, runCli, type CliRun } from './runCli.ts';
import { assertJsonError } from '../fuzz/campaign.ts';

const UNSAFE = fileURLToPath(new URL('../fixtures/policies/unsafe.json', import.meta.url));

/**
 * Refused: exit 2, one line on stderr naming what is wrong (the last, after any progress lines),
 * nothing (or, with --json, the JSON error) on stdout.
 */
function assertRefused(run: CliRun, json: boolean, ...mentions: string[]): void {
  const where = `exit ${run.code}\nstderr: ${run.err}\nstdout: ${run.out.slice(0, 500)}`;
  assert.equal(run.code, 2, where);
  assert.ok(!looksLikeCrash(run.err), where);
  const message = run.err.trimEnd().split('\n').at(-1)!;
  assert.ok(message.startsWith('guillotine: '), `the message is the last line: ${where}`);
  assert.equal(run.err.split('\n').filter((l) => l.startsWith('guillotine: ')).length, 1, `one message: ${where}`);
  for (const m of mentions) assert.ok(message.includes(m), `the message should mention ${JSON.stringify(m)}: ${where}`);
  if (json) assertJsonError(run.out, 2, where);
  else assert.equal(run.out, '', where);
}

describe('cli: outputs are written whole, never through a link, and a failure to write is one line and exit 2', function () {
  this.timeout(120_000);
  let dir = '';
  let precious = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-outputs-'));
    precious = join(dir, 'precious.txt');
    writeFileSync(precious, 'precious');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('check --traces: a trace path that is a directory is one line and exit 2, and a JSON error with --json (it was a stack trace)', async () => {
    const traces = join(dir, 'T');
    mkdirSync(join(traces, 'irreversible-levels.trace.json'), { recursive: true });
    for (const json of [false, true]) {
      const run = await runCli(['check', '--policy', UNSAFE, '--no-findings', '--traces', traces, ...(json ? ['--json'] : [])]);
      assertRefused(run, json, `--traces: cannot write ${JSON.stringify(join(traces, 'irreversible-levels.trace.json'))}: it is a directory`);
    }
    // None of the set was written: the other counterexamples' files are not there either.
    assert.deepEqual(readdirSync(traces), ['irreversible-levels.trace.json']);
  });

  it('check --traces: a trace path that is a symbolic link is refused, and the file it points to is untouched', async () => {
    const traces = join(dir, 'T');
    mkdirSync(traces);
    symlinkSync(precious, join(traces, 'failsafe-only-raises.trace.json'));
    const run = await runCli(['check', '--policy', UNSAFE, '--no-findings', '--traces', traces]);
    assertRefused(run, false, 'failsafe-only-raises.trace.json', 'it is a symbolic link to', 'never followed');
    assert.equal(readFileSync(precious, 'utf8'), 'precious');
  });

  it('check --traces: a directory that cannot be written is one line naming the file and the reason in words', async function () {
    // /sys refuses new files even to root, where a chmod would not.
    if (!existsSync('/sys/kernel')) this.skip();
    const run = await runCli(['check', '--policy', UNSAFE, '--no-findings', '--traces', '/sys/kernel', '--json']);
    assertRefused(run, true, '--traces: cannot write "/sys/kernel/', 'permission denied');
  });

  it('export --out: a symbolic link is refused, and a TLA+ module is not written when its .cfg cannot be', async () => {
    const link = join(dir, 'model.pml');
    symlinkSync(precious, link);
    assertRefused(await runCli(['export', '--format', 'promela', '--out', link]), false, '--out: cannot write', 'symbolic link');
    assert.equal(readFileSync(precious, 'utf8'), 'precious');
    assert.ok(lstatSync(link).isSymbolicLink());

    const module = join(dir, 'Guillotine.tla');
    writeFileSync(module, 'the previous module');
    mkdirSync(join(dir, 'Guillotine.cfg'));
    assertRefused(await runCli(['export', '--format', 'tla', '--out', module, '--json']), true, `--out: cannot write ${JSON.stringify(join(dir, 'Guillotine.cfg'))}: it is a directory`);
    assert.equal(readFileSync(module, 'utf8'), 'the previous module', 'the module and its configuration are one set');
  });

  it('report --out: a symbolic link is refused at once, before minutes of work', async () => {
    const link = join(dir, 'review.html');
    symlinkSync(precious, link);
    const run = await runCli(['report', '--out', link, '--sections', 'check']);
    assertRefused(run, false, 'symbolic link');
    assert.equal(readFileSync(precious, 'utf8'), 'precious');
  });

  it('gen-tests --out: a suite file that is a symbolic link is refused and none of the set is written', async () => {
    const out = join(dir, 'suite');
    mkdirSync(out);
    symlinkSync(precious, join(out, 'coverage.json'));
    const run = await runCli(['gen-tests', '--depth', '2', '--out', out]);
    assertRefused(run, false, 'coverage.json', 'symbolic link');
    assert.equal(readFileSync(precious, 'utf8'), 'precious');
    assert.deepEqual(readdirSync(out), ['coverage.json'], 'suite.json and the runner are not written without their report');
  });

  it('gen-tests: a refused --target leaves no empty --out directory behind', async () => {
    const out = join(dir, 'fresh', 'suite');
    const run = await runCli(['gen-tests', '--run', '--target', join(dir, 'no-such-sut.ts'), '--out', out]);
    assertRefused(run, false, '--target');
    assert.ok(!existsSync(join(dir, 'fresh')), 'neither --out nor its parent was made');
  });

  it('prove --emit-smt2: a query file that is a symbolic link is refused, and nothing is followed', async () => {
    const smt = join(dir, 'smt');
    mkdirSync(smt);
    symlinkSync(precious, join(smt, 'manifest.json'));
    const run = await runCli(['prove', '--only', 'quorum-arithmetic', '--emit-smt2', smt]);
    assertRefused(run, false, '--emit-smt2: cannot write', 'manifest.json', 'symbolic link');
    assert.equal(readFileSync(precious, 'utf8'), 'precious');
    assert.deepEqual((readdirSync(smt, { recursive: true }) as string[]).filter((f) => f.endsWith('.smt2')), [], 'no query file is written without the manifest');
  });
});
