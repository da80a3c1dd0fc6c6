/**
 * Runs the `guillotine` CLI in-process, the way a user's shell would, and collects what it prints.
 * Tests assert on the exit code and the text, never on internals, so they hold whatever the
 * commands are built from.
 */
import { main } from '../../cli/main.ts';
import type { ExitCode } from '../../cli/command.ts';

export interface CliRun {
  readonly code: ExitCode;
  readonly out: string;
  readonly err: string;
}

/** `guillotine ...argv` with stdout and stderr captured (not a terminal, so no progress redraws). */
export async function runCli(argv: readonly string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s), interactive: false });
  return { code, out, err };
}

/**
 * Whether text shows a crash instead of a message for a user: a stack frame line (`    at f (file:1:2)`)
 * or an error class dump (`TypeError: ...`, `ZodError`, `Error: ...`).
 */
export function looksLikeCrash(text: string): boolean {
  return /^\s+at .+[(:]/m.test(text) || /\b[A-Z][A-Za-z]*Error\b/.test(text) || /\bError:/.test(text) || /node:internal/.test(text);
}
