/**
 * What every fuzz campaign shares: its size, its seed, a scratch directory, and the contract a
 * user's bad input must meet (one clear message on stderr, exit 2, nothing on stdout, no crash).
 *
 * Size: each campaign states the runs it makes in CI; `FUZZ_SCALE=k` multiplies them all, so a
 * long campaign is `FUZZ_SCALE=50 npx mocha --spec 'test/fuzz/**\/*.test.ts'` (see README.md).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { looksLikeCrash, type CliRun } from '../cli/runCli.ts';
export { SEED } from '../seed.ts';

export const FUZZ_SCALE = Number(process.env.FUZZ_SCALE ?? 1);
if (!(Number.isInteger(FUZZ_SCALE) && FUZZ_SCALE >= 1)) throw new Error(`FUZZ_SCALE must be a whole number from 1, got ${JSON.stringify(process.env.FUZZ_SCALE)}`);

/** The number of runs of a campaign: its CI size times FUZZ_SCALE. */
export function runs(ci: number): number {
  return ci * FUZZ_SCALE;
}

/** A scratch directory for one describe block: created before, removed after. */
export function scratchDirectory(prefix: string): { readonly path: string } {
  const box = { path: '' };
  before(() => {
    box.path = mkdtempSync(join(tmpdir(), `guillotine-fuzz-${prefix}-`));
  });
  after(() => {
    rmSync(box.path, { recursive: true, force: true });
  });
  return box;
}

/** The longest one-message answer to bad input we accept: a user must be able to read it. */
export const MAX_MESSAGE_CHARS = 4_000;

/**
 * Asserts the contract for a user's bad input: exit 2, nothing on stdout, one message on stderr
 * that starts with `guillotine: ` (or commander's `error: `, followed by its usage hint), that is
 * short enough to read, and that shows no stack frame, no error class and no control character
 * (a usage printed for a missing command may come first, with our message last).
 */
export function assertRefusedClearly(run: CliRun, context: string): void {
  const where = `${context}\n--- exit ${run.code}, stderr:\n${run.err.slice(0, 2000)}\n--- stdout:\n${run.out.slice(0, 500)}`;
  assert.equal(run.code, 2, where);
  // Nothing on stdout, or (when --json was asked for) the JSON error object and nothing else.
  if (run.out !== '') assertJsonError(run.out, 2, where);
  assert.ok(!looksLikeCrash(run.err), where);
  // Commander's messages start with `error: `; a usage printed for a missing command ends with ours.
  assert.ok(run.err.startsWith('guillotine: ') || run.err.startsWith('error: ') || (run.err.startsWith('Usage: ') && /\nguillotine: .+\n$/.test(run.err)), where);
  assert.ok(run.err.length <= MAX_MESSAGE_CHARS, `a message of ${run.err.length} characters: ${where}`);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(run.err), `a control character on stderr: ${where}`);
}

/**
 * Asserts that stdout is exactly the JSON error object `--json` prints for a refusal or a limit:
 * `{"error": {"exitCode", "message"}}`, the message one short printable text.
 */
export function assertJsonError(out: string, exitCode: 2 | 3, where: string): void {
  let parsed: unknown;
  assert.doesNotThrow(() => (parsed = JSON.parse(out)), where);
  const error = (parsed as { error?: { exitCode?: unknown; message?: unknown } }).error;
  assert.deepEqual(Object.keys(parsed as object), ['error'], where);
  assert.equal(error?.exitCode, exitCode, where);
  assert.equal(typeof error?.message, 'string', where);
  assert.ok((error!.message as string).length <= MAX_MESSAGE_CHARS, where);
}

/** Asserts what any run must be: an exit code of 0, 1, 2 or 3 and no crash on either stream. */
export function assertNoCrash(run: CliRun, context: string): void {
  const where = `${context}\n--- exit ${run.code}, stderr:\n${run.err.slice(0, 2000)}`;
  assert.ok(run.code === 0 || run.code === 1 || run.code === 2 || run.code === 3, where);
  assert.ok(!looksLikeCrash(run.err), where);
  if (run.code === 2) assertRefusedClearly(run, context);
}

/** Runs an async body and fails, instead of hanging the suite, when it takes longer than `ms`. */
export async function withinBudget<T>(ms: number, what: string, body: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms (a hang?)`)), ms);
  });
  try {
    return await Promise.race([body(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
