/**
 * What reaches the user's terminal (issue 25, findings 5 and 8; issue 23): user text is shown, never
 * obeyed (escape sequences from `--path`, trace files and file names), `--json` carries no C1 or
 * U+2028, a refusal under `--json` is a JSON object on stdout, a reader that goes away ends the
 * process quietly, and `--version` prints the package's version.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertJsonError } from '../fuzz/campaign.ts';
import { runCli } from './runCli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'guillotine.js');

/** Any character a terminal acts on but a line feed (and a tab, which only moves the cursor). */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/**
 * Runs the real executable with stdout piped and closes the reading end: at once (`'start'`, a reader
 * that is gone before the first line) or on the first output (`'first output'`, as `head -1` does).
 * Resolves with the exit status and stderr.
 */
function runBin(args: readonly string[], closeAt: 'start' | 'first output'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  if (closeAt === 'start') child.stdout.destroy();
  else child.stdout.once('data', () => child.stdout.destroy());
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe('cli: the terminal sees only what the workbench means to show', function () {
  this.timeout(120_000);

  it('shows the escape sequences of a --path admin id instead of obeying them (title, colour, one-byte C1 CSI)', async () => {
    const path = 'approve:\u001b]0;PWN\u0007\u001b[31mRED,approve:\u009b2J';
    const run = await runCli(['replay', '--path', path]);
    assert.equal(run.code, 0, run.err);
    assert.doesNotMatch(run.out, ACTIVE, 'no raw control character on stdout');
    assert.match(run.out, /approve \\u001b\]0;PWN\\u0007\\u001b\[31mRED/);
    assert.match(run.out, /approve \\u009b2J/);
    // The table measured the escaped text, so its columns line up.
    const widths = new Set(run.out.split('\n').filter((l) => l.startsWith('│')).map((l) => [...l].length));
    assert.equal(widths.size, 1, run.out);
  });

  it('shows the escapes of admin ids from a trace file, and cuts a 256-character id in the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-terminal-'));
    try {
      const file = join(dir, 'hostile.trace.json');
      writeFileSync(file, JSON.stringify({ events: [{ type: 'approve', admin: 'a\u009b\u202e1' }, { type: 'propose', admin: 'x'.repeat(256), target: 'severed' }] }));
      const run = await runCli(['replay', file]);
      assert.equal(run.code, 0, run.err);
      assert.doesNotMatch(run.out, ACTIVE);
      assert.match(run.out, /approve a\\u009b\\u202e1/);
      assert.ok(run.out.includes(`propose ${'x'.repeat(40)}…`), 'a long id is cut to 40 characters');
      const json = await runCli(['replay', file, '--json']);
      assert.doesNotMatch(json.out, ACTIVE, '--json escapes C1 and bidirectional controls too');
      assert.ok(json.out.includes('a\\u009b\\u202e1'));
      assert.equal((JSON.parse(json.out) as { steps: { event: { admin: string } }[] }).steps[0]!.event.admin, 'a\u009b\u202e1', 'and still reads back as the same id');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cuts a long value in a message between characters: an emoji is never cut in half', async () => {
    // One character first, so that a cut at an even number of UTF-16 units falls inside a pair.
    for (const argv of [['replay', '--path', `x${'😀'.repeat(300)}`], ['check', '--max-states', `x${'👨‍👩‍👧'.repeat(300)}`], ['check', `--x${'🇫🇷'.repeat(300)}`]]) {
      const run = await runCli(argv);
      assert.equal(run.code, 2, run.err);
      assert.ok(run.err.length < 1_000, `${run.err.length} characters`);
      assert.doesNotMatch(run.err, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, 'no half of a surrogate pair');
      assert.doesNotMatch(run.err, /\\ud[89a-f]/, 'no escaped half either');
      assert.doesNotMatch(run.err.replace(/👨‍👩‍👧/g, ''), /\u200d/, 'no family cut at its joiners');
    }
  });

  it('escapes U+2028 and U+2029 in --json output, which JSON.stringify leaves raw', async () => {
    const run = await runCli(['replay', '--path', 'approve:a\u2028b\u2029c', '--json']);
    assert.ok(run.out.includes('a\\u2028b\\u2029c'), run.out.slice(0, 300));
    assert.doesNotMatch(run.out, /[\u2028\u2029]/);
  });

  it('quotes a policy file name holding a quote or an escape in the replay handle so that the shell reads it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-terminal-'));
    try {
      const file = join(dir, "it's \u001b[1m.json");
      writeFileSync(file, readFileSync(fileURLToPath(new URL('../fixtures/policies/unsafe.json', import.meta.url))));
      const run = await runCli(['check', '--policy', file, '--no-findings']);
      assert.equal(run.code, 1, run.err);
      assert.doesNotMatch(run.out, ACTIVE);
      assert.ok(run.out.includes(`--policy $'${dir}/it\\'s \\x1b[1m.json'`), run.out.split('\n').find((l) => l.includes('replay:')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers bad input under --json with a JSON error object on stdout as well as the line on stderr', async () => {
    const run = await runCli(['check', '--json', '--max-states', 'many']);
    assert.equal(run.code, 2);
    assert.equal(run.err, 'guillotine: --max-states takes a whole number from 1 to 1000000000, got "many"\n');
    assertJsonError(run.out, 2, run.err);
    assert.deepEqual(JSON.parse(run.out), { error: { exitCode: 2, message: '--max-states takes a whole number from 1 to 1000000000, got "many"' } });
    const unknown = await runCli(['replay', '--json', '--frobnicate']);
    assert.equal(unknown.code, 2);
    assertJsonError(unknown.out, 2, unknown.err);
  });

  it('prints the package version for --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      assert.equal(run.code, 0);
      assert.equal(run.out, `${version}\n`);
    }
  });

  it('ends quietly when the reader of its output is gone before it writes (`guillotine export | true`), with no EPIPE stack', async () => {
    const run = await runBin(['export', '--format', 'promela'], 'start');
    assert.equal(run.signal, null);
    assert.doesNotMatch(run.stderr, /EPIPE|Error|\n\s+at /, run.stderr);
    assert.ok(run.code === 0 || run.code === 141, `exit ${run.code}`);
  });

  it('keeps its verdict when the reader goes away after the first output (`guillotine check | head -1`), with no EPIPE stack', async () => {
    const run = await runBin(['check', '--policy', 'test/fixtures/policies/unsafe.json', '--no-findings'], 'first output');
    assert.doesNotMatch(run.stderr, /EPIPE|Error|\n\s+at /, run.stderr);
    assert.ok(run.code === 1 || run.code === 141, `the violation's exit status, or a shell's SIGPIPE status: ${run.code}`);
  });
});
