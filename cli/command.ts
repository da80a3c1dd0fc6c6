/**
 * What every CLI command shares: exit codes, the bad-input error, output streams, and the
 * shared options (`--policy`, `--json`). Commands return an exit code; only `main` exits.
 */
import { Option } from 'commander';
import { DEFAULT_POLICY, type Policy } from '../spec/policy.ts';
import { loadPolicyFile } from '../spec/loadPolicy.ts';
import { writeFilesAtomically, type FileToWrite } from '../spec/atomicWrite.ts';
import { fileErrorWords, makeDirectory } from '../spec/fileError.ts';
import { quoted, terminalSafeJson } from '../spec/terminalText.ts';

/**
 * 0: every claim holds; 1: one is violated; 2: bad input; 3: incomplete — a limit was reached (a
 * state cap, the memory guard, a solver timeout) before anything was found violated. 1 wins over 3:
 * a violation found before the limit is a violation.
 */
export type ExitCode = 0 | 1 | 2 | 3;
export const EXIT = { holds: 0, violated: 1, badInput: 2, incomplete: 3 } as const;

/** A user's input cannot be used. Its message names what is wrong and what is allowed. */
export class BadInput extends Error {
  override readonly name = 'BadInput';
}

/**
 * A limit stopped the work before it could judge anything (exit 3). Its message says which limit and
 * how to raise it. For a limit reached with a partial result to show, a command prints the result
 * and returns 3 itself instead.
 */
export class Incomplete extends Error {
  override readonly name = 'Incomplete';
}

/** Where a command writes. Tests pass buffers; `main` passes the process streams. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress lines are redrawn in place only then). */
  readonly interactive: boolean;
}

export const policyOption = () => new Option('--policy <file>', 'policy file (JSON, docs/protocol.md §6); default: the embedded default policy');
export const jsonOption = () => new Option('--json', 'print one JSON object on stdout instead of tables');

/** Loads `--policy` or returns the embedded default; bad files become {@link BadInput}. */
export function policyFrom(path: string | undefined): Policy {
  if (path === undefined) return DEFAULT_POLICY;
  const result = loadPolicyFile(path);
  if (result.ok) return result.policy;
  const lines = result.problems.map((p) => (p.path === '(file)' ? p.message : `${p.path}: ${p.message}`));
  throw new BadInput(lines.length === 1 ? `bad policy: ${lines[0]}` : `bad policy (${lines.length} problems):\n  ${lines.join('\n  ')}`);
}

/** Parses a whole number option, or throws {@link BadInput} naming the option. */
export function integerOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw new BadInput(`${name} takes a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) throw new BadInput(`${name} takes a whole number from ${min} to ${max}, got ${raw}`);
  return value;
}

/**
 * The JSON the `--json` flag prints: stable key order as built, two-space indent, trailing newline,
 * and no character a terminal acts on (C1 controls, U+2028/U+2029 and bidirectional controls escaped).
 */
export function printJson(io: Output, value: unknown): void {
  io.out(terminalSafeJson(value, 2) + '\n');
}

/** Makes an output directory (and its parents) before any work, or throws {@link BadInput} naming the option and why in words. */
export function outputDirectory(option: string, dir: string): void {
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new BadInput(`${option}: cannot create directory ${quoted(dir, 300)}: ${fileErrorWords(error)}`);
  }
}

/**
 * Writes one output set atomically (`spec/atomicWrite.ts`), or throws {@link BadInput} naming the
 * option, the file and why in words: a symbolic link refused, a directory in the way, a directory
 * that cannot be written.
 */
export function writeOutput(option: string, files: readonly FileToWrite[]): readonly string[] {
  const written = writeFilesAtomically(files);
  if (!written.ok) throw new BadInput(`${option}: cannot write ${quoted(written.path, 300)}: ${written.why}`);
  return written.paths;
}

/**
 * A command file exports one of these: it gives its subcommand (already named and described by
 * `commands/index.ts`) its options, help and action, and reports its exit code through `exit` (the
 * action itself never calls process.exit).
 */
export type RegisterCommand = (command: import('commander').Command, io: Output, exit: (code: ExitCode) => void) => void;

/** Wraps an async command body so its exit code reaches `main`. */
export function action<Args extends unknown[]>(exit: (code: ExitCode) => void, body: (...args: Args) => Promise<ExitCode> | ExitCode) {
  return async (...args: Args) => {
    exit(await body(...args));
  };
}
