/**
 * Sample outputs in the documentation that cannot go stale. A Markdown page marks each one as
 *
 *     <!-- output: guillotine check --policy test/fixtures/policies/unsafe.json -->
 *     ```
 *     $ guillotine check --policy test/fixtures/policies/unsafe.json  # exit 1
 *     …what the command prints on stdout…
 *     ```
 *     <!-- end output -->
 *
 * and `npm run docs` (`docs/build.ts`) runs every such command and writes what it prints now into
 * the block; `test/docs/outputBlocks.test.ts` fails when a block differs from it, timings aside
 * ({@link masked}). This module finds, runs and renders blocks; it writes nothing.
 *
 * The command line in the comment is what is run, from the repository root:
 * - `guillotine <args>` runs in this process through `cli/main.ts`'s `main`, as a user's shell
 *   would run `bin/guillotine.js` (stdout only; a trailing `2>&1` adds stderr, for bad-input messages);
 * - `npm run <script> [-- <args>]` runs as a child process (for scripts that need a fresh process
 *   per measurement, such as the benchmarks).
 * `output(slow)` marks a block whose command takes more than about a second: the test skips it, the
 * script still rewrites it. A nonzero exit status is shown after the command line as `# exit N`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../cli/main.ts';

/** The repository root: every block's command runs here, and relative paths in it are read from here. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One marked sample output in a page. */
export interface OutputBlock {
  /** The command line as written in the opening comment, e.g. `guillotine check --mutant list`. */
  readonly command: string;
  readonly slow: boolean;
  /** Offsets in the page of the whole block, opening comment to closing comment inclusive. */
  readonly start: number;
  readonly end: number;
  /** The block as it stands in the page. */
  readonly text: string;
  /** 1-based line of the opening comment, for messages. */
  readonly line: number;
}

/** What a command printed, and how it exited. */
export interface CommandRun {
  readonly command: string;
  readonly code: number;
  /** stdout, or stdout and stderr in the order written for a command ending in `2>&1`. */
  readonly output: string;
}

/** An opening comment on a line of its own (one quoted inside a sentence is prose, not a block). */
const OPENING = /^<!-- output(\(slow\))?: (.+?) -->$/gm;
const CLOSING = /^<!-- end output -->$/m;
const CLOSING_TEXT = '<!-- end output -->';

/** A block's opening comment that cannot be used, with where it is and how to fix it. */
export class BadBlock extends Error {
  override readonly name = 'BadBlock';
}

/** Every block of a page, in order. Throws {@link BadBlock} for an opening comment without its closing one. */
export function findBlocks(page: string): OutputBlock[] {
  const blocks: OutputBlock[] = [];
  for (const match of page.matchAll(OPENING)) {
    const start = match.index;
    if (blocks.length > 0 && start < blocks[blocks.length - 1]!.end) continue; // an opening comment quoted inside a block
    const line = page.slice(0, start).split('\n').length;
    const after = start + match[0].length;
    const rest = page.slice(after);
    const close = rest.search(CLOSING);
    const next = rest.search(/^<!-- output(\(slow\))?: /m);
    if (close < 0 || (next >= 0 && next < close)) {
      throw new BadBlock(`line ${line}: "${match[0]}" has no "${CLOSING_TEXT}" line before the next block; add one after its code block`);
    }
    const end = after + close + CLOSING_TEXT.length;
    blocks.push({ command: match[2]!.trim(), slow: match[1] !== undefined, start, end, text: page.slice(start, end), line });
  }
  return blocks;
}

/** Splits a command line into words: spaces separate, single and double quotes group (no escapes, no variables). */
export function commandWords(command: string): string[] {
  const words: string[] = [];
  for (const m of command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** A fence longer than any run of backticks in `text`, so printed backticks cannot end the code block. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** The block for a run: the opening comment, a code block with `$ <command>` and the output, the closing comment. */
export function renderBlock(run: CommandRun, slow: boolean): string {
  const body = run.output.replace(/\n$/, '');
  const fence = fenceFor(body);
  const prompt = `$ ${run.command}${run.code === 0 ? '' : `  # exit ${run.code}`}`;
  return `<!-- output${slow ? '(slow)' : ''}: ${run.command} -->\n${fence}\n${prompt}${body === '' ? '' : `\n${body}`}\n${fence}\n${CLOSING_TEXT}`;
}

/**
 * Text with what legitimately differs between two runs made equal: durations (`0.72s`, `1.42 s`,
 * `12 ms`, a bare `0.16` in a seconds column), dates, and the padding of table columns whose width
 * a duration changed, and rates (`374 records/s`). Percentages and whole numbers stay: state counts
 * and verdicts must match.
 */
export function masked(text: string): string {
  return text
    .replace(/\b\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?\b/g, '<date>')
    .replace(/\b\d[\d,]*(\.\d+)?\s?[a-z]+\/s\b/g, '<rate>')
    .replace(/\b\d+(\.\d+)?\s?(ms|s|seconds|min|minutes)\b/g, '<time>')
    .replace(/\b\d+\.\d+\b(?!\s?%)/g, '<number>')
    .replace(/─+/g, '─')
    .replace(/[ \t]+/g, ' ')
    .replace(/ $/gm, '');
}

/** Whether a block shows what `run` printed, timings aside. */
export function blockIsCurrent(block: OutputBlock, run: CommandRun): boolean {
  return masked(block.text) === masked(renderBlock(run, block.slow));
}

/** Runs `guillotine <args>` in this process. */
async function runGuillotine(command: string, args: readonly string[], withStderr: boolean): Promise<CommandRun> {
  let output = '';
  const code = await main(args, { out: (s) => void (output += s), err: (s) => void (withStderr ? (output += s) : undefined), interactive: false });
  return { command, code, output };
}

/** Runs `npm run <script> …` as a child process in the repository root. */
function runNpm(command: string, args: readonly string[], withStderr: boolean): CommandRun {
  const child = spawnSync('npm', ['--silent', ...args], { cwd: REPOSITORY_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (child.error) throw new BadBlock(`${command}: could not start npm: ${child.error.message}`);
  // A script that failed says why on stderr, which a block without 2>&1 does not show: pass it on.
  if (child.status !== 0 && !withStderr) process.stderr.write(child.stderr);
  return { command, code: child.status ?? 1, output: child.stdout + (withStderr ? child.stderr : '') };
}

/**
 * Runs a block's command and returns what it printed. Runs from wherever the process is: callers
 * run from {@link REPOSITORY_ROOT} (as `npm run docs` and mocha do). Throws {@link BadBlock} for a
 * command that is neither `guillotine …` nor `npm run …`.
 */
export async function runCommand(command: string): Promise<CommandRun> {
  const words = commandWords(command);
  const withStderr = words[words.length - 1] === '2>&1';
  const args = withStderr ? words.slice(0, -1) : words;
  if (args[0] === 'guillotine') return runGuillotine(command, args.slice(1), withStderr);
  if (args[0] === 'npm' && args[1] === 'run') return runNpm(command, args.slice(1), withStderr);
  throw new BadBlock(`"${command}": a block runs "guillotine <args>" or "npm run <script>", optionally ending in 2>&1`);
}
