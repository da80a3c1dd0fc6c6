/**
 * The `guillotine` command line: a thin layer over the library. Each command lives in its own
 * file under `cli/commands/` and returns an exit code; this file only wires them to commander,
 * turns bad input into one clear message with exit status 2, and never prints a stack trace for it.
 */
import { Command, CommanderError } from 'commander';
import { BadInput, type ExitCode, type Output } from './command.ts';
import { COMMANDS } from './commands/index.ts';

export const processOutput: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

/**
 * Commander's error messages quote what the user typed (`unknown option '--…'`): a word of 100,000
 * characters made a message as long, and an escape sequence in it reached the terminal. Each word
 * is cut to 80 characters and control characters are shown as `\u001b`.
 */
function echoed(message: string): string {
  return message
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[^\s]{81,}/g, (word) => word.slice(0, 80) + '…');
}

/**
 * A bad-input message quotes what the user gave (`--coverage takes state, transition, path, got
 * "…"`): one place cuts every quoted value and every word to 200 characters, so a 10,000-character option value
 * does not make a 10,000-character message, and shows control characters as `\u001b`.
 */
function shortQuotes(message: string): string {
  return message
    .replace(/"((?:[^"\\]|\\.){200})(?:[^"\\]|\\.)+"/g, (_, head: string) => `"${head}…"`)
    // Unquoted too: `--target <value>: no module at <path>` echoes the value twice, bare.
    .replace(/[^\s"]{201,}/g, (word) => word.slice(0, 200) + '…')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const NO_COMMAND = 'guillotine: no command given; pick one of the commands above (guillotine <command> --help for its options)\n';

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Output = processOutput): Promise<ExitCode> {
  let code: ExitCode = 0;
  const output = { writeOut: (s: string) => io.out(s), writeErr: (s: string) => io.err(s), outputError: (s: string, write: (s: string) => void) => write(echoed(s)) };
  const program = new Command('guillotine')
    .description('Guillotine workbench: check, prove, simulate and review the Guillotine hypervisor design (arXiv 2504.15499)')
    .configureOutput(output)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const register of COMMANDS) {
    register(program, io, (c) => {
      code = c;
    });
  }
  program.commands.forEach((c) => c.exitOverride().configureOutput(output));
  try {
    if (argv.length === 0) {
      // A missing command is bad input: the usage and what is wrong go to stderr, so stdout stays empty for scripts.
      program.outputHelp({ error: true });
      io.err(NO_COMMAND);
      return 2;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // `guillotine --` and `guillotine --json` reach no command: commander printed the usage alone.
      if (error.code === 'commander.help' && error.exitCode !== 0) io.err(NO_COMMAND);
      // --help and --version end here with exit code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof BadInput) {
      io.err(`guillotine: ${shortQuotes(error.message)}\n`);
      return 2;
    }
    throw error;
  }
}
