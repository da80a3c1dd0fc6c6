/**
 * The `guillotine` command line: a thin layer over the library. Each command lives in its own
 * file under `cli/commands/` and returns an exit code; this file only wires them to commander,
 * turns bad input into one clear message with exit status 2 (and a limit reached before any
 * verdict into one with exit status 3), and never prints a stack trace for either.
 */
import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError } from 'commander';
import { BadInput, EXIT, Incomplete, printJson, type ExitCode, type Output } from './command.ts';
import { COMMANDS, type CommandEntry } from './commands/index.ts';
import { terminalSafe } from '../spec/terminalText.ts';

export const processOutput: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

/** The workbench's version, from its package.json (what `guillotine --version` prints). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A progress line redrawn in place (`cli/progress.ts`): a carriage return, the line, erase to its end. */
const REDRAWN = /^\r([^]*)\x1b\[K$/;

/**
 * The streams a command writes to, with nothing a terminal would act on let through: whatever a
 * command prints, an escape sequence from a user's file or argument is shown, not obeyed. Line
 * breaks and tabs are the output's own layout and stay; the one sequence the CLI itself sends, a
 * progress line's `\r…\x1b[K`, stays too, with the line inside it made safe. JSON output is already
 * free of such characters (`printJson`), so this leaves it byte for byte as it was.
 */
export function terminalOutput(io: Output): Output {
  const safe = (text: string) => terminalSafe(text, { layout: true });
  return {
    out: (text) => io.out(safe(text)),
    err: (text) => {
      const redrawn = REDRAWN.exec(text);
      io.err(redrawn === null ? safe(text) : `\r${safe(redrawn[1]!)}\x1b[K`);
    },
    interactive: io.interactive,
  };
}

/**
 * A message for the user, one line per line it has: control characters shown as escapes, each line
 * at most 1,000 characters and each word at most 200 (a 100,000-character option value made a
 * message as long), never cutting an emoji or any other character in two.
 */
function messageLines(message: string): string {
  return message
    .split('\n')
    .map((line) => terminalSafe(line, { limit: 1_000, longestRun: 200 }))
    .join('\n');
}

/** An argument as usage shows it: `<log>`, `[trace]`, `<files...>`. */
function argumentTerm(a: Argument): string {
  const name = a.name() + (a.variadic ? '...' : '');
  return a.required ? `<${name}>` : `[${name}]`;
}

/** The command `argv` runs, or whose help `guillotine help <command>` asks for; none for anything else. */
function commandAsked(argv: readonly string[]): CommandEntry | undefined {
  const name = argv[0] === 'help' ? argv[1] : argv[0];
  return COMMANDS.find((entry) => entry.name === name);
}

const NO_COMMAND = 'guillotine: no command given; pick one of the commands above (guillotine <command> --help for its options)\n';

/**
 * Whether the user asked for JSON: the command that ran took `--json`, or, when commander refused
 * the command line before any command ran, `--json` is among the words before `--`.
 */
function wantsJson(argv: readonly string[], ran: Command | undefined): boolean {
  if (ran !== undefined) return ran.opts<{ json?: boolean }>().json === true;
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code: 0 holds,
 * 1 violated, 2 bad input, 3 incomplete. With `--json`, a refusal (2) or a limit reached before any
 * result (3) is also a JSON object on stdout: `{"error": {"exitCode", "message"}}`.
 */
export async function main(argv: readonly string[], rawIo: Output = processOutput): Promise<ExitCode> {
  const io = terminalOutput(rawIo);
  let code: ExitCode = EXIT.holds;
  let ran: Command | undefined;
  const output = { writeOut: (s: string) => io.out(s), writeErr: (s: string) => io.err(s), outputError: (s: string, write: (s: string) => void) => write(messageLines(s)) };
  const program = new Command('guillotine')
    .description('Guillotine workbench: check, prove, simulate and review the Guillotine hypervisor design (arXiv 2504.15499)')
    .version(VERSION, '-V, --version', "print the workbench's version")
    .configureOutput(output)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    // Every command has options, though the list shows commands whose options are not loaded.
    .configureHelp({ subcommandTerm: (c) => [c.name(), ...(COMMANDS.some((e) => e.name === c.name()) ? ['[options]'] : []), ...c.registeredArguments.map(argumentTerm)].join(' ') })
    .addHelpText('after', '\nExit status: 0 every claim holds; 1 a claim is violated; 2 bad input; 3 incomplete: a limit was\nreached (a state cap, the memory guard, a solver timeout) before anything was found violated.\n')
    .hook('preAction', (_, actionCommand) => {
      ran = actionCommand;
    });
  // Only the command that runs is loaded; `--help`, `--version` and a misspelt command need just the list.
  const chosen = commandAsked(argv);
  for (const entry of COMMANDS) {
    const command = program.command(entry.name).description(entry.description);
    for (const [name, description] of entry.arguments ?? []) command.argument(name, description);
    if (entry === chosen) {
      (await entry.load())(command, io, (c) => {
        code = c;
      });
    }
  }
  program.commands.forEach((c) => c.exitOverride().configureOutput(output));
  const refuse = (exitCode: 2 | 3, message: string, printed: boolean): ExitCode => {
    if (!printed) io.err(`guillotine: ${messageLines(message)}\n`);
    if (wantsJson(argv, ran)) printJson(io, { error: { exitCode, message: messageLines(message.replace(/^error: /, '')) } });
    return exitCode;
  };
  try {
    if (argv.length === 0) {
      // A missing command is bad input: the usage and what is wrong go to stderr, so stdout stays empty for scripts.
      program.outputHelp({ error: true });
      io.err(NO_COMMAND);
      return EXIT.badInput;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed by commander.
      if (error.exitCode === 0) return EXIT.holds;
      // `guillotine --` and `guillotine --json` reach no command: commander printed the usage alone.
      if (error.code === 'commander.help') {
        io.err(NO_COMMAND);
        return refuse(EXIT.badInput, NO_COMMAND.replace(/^guillotine: |\n$/g, ''), true);
      }
      return refuse(EXIT.badInput, error.message, true);
    }
    if (error instanceof BadInput) return refuse(EXIT.badInput, error.message, false);
    if (error instanceof Incomplete) return refuse(EXIT.incomplete, `incomplete: ${error.message}`, false);
    throw error;
  }
}
