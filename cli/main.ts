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

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Output = processOutput): Promise<ExitCode> {
  let code: ExitCode = 0;
  const program = new Command('guillotine')
    .description('Guillotine workbench: check, prove, simulate and review the Guillotine hypervisor design (arXiv 2504.15499)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const register of COMMANDS) {
    register(program, io, (c) => {
      code = c;
    });
  }
  program.commands.forEach((c) => c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) }));
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof BadInput) {
      io.err(`guillotine: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
