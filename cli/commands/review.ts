/**
 * `guillotine review [--policy FILE] [--seed N] [--json]`: the whole review of a policy, what
 * `npm start` runs (`review/index.ts` sequences the stages), printed as one summary table.
 */
import { Option } from 'commander';
import { findingNotes } from '../../checker/findings.ts';
import { reviewPolicy, type ReviewReport } from '../../review/index.ts';
import { DEFAULT_SEED } from '../../simulator/index.ts';
import { action, EXIT, integerOption, jsonOption, policyFrom, policyOption, printJson, type ExitCode, type Output, type RegisterCommand } from '../command.ts';
import { checkingProgress } from '../progress.ts';
import { table } from '../table.ts';
import { terminalSafe } from '../../spec/terminalText.ts';
import { maxMemoryOption, memoryGuard } from '../limits.ts';

export const registerReview: RegisterCommand = (command, io, exit) => {
  command
    .addOption(policyOption())
    .addOption(jsonOption())
    .addOption(new Option('--seed <n>', `seed of the simulator's experiments, a whole number from 0 to 4294967295 (default ${DEFAULT_SEED})`))
    .addOption(maxMemoryOption())
    .addHelpText(
      'after',
      '\nExit status: 0 every claim holds (a stage that cannot run on the policy says so in its row); 1 a claim\n' +
        'fails; 2 bad input; 3 incomplete: a stage stopped at a limit (a state cap, a solver timeout, SPIN\n' +
        'out of memory, the memory guard) and nothing failed.\n',
    )
    .action(
      action(exit, async (opts: { policy?: string; json?: boolean; seed?: string; maxMemory?: string }): Promise<ExitCode> => {
        const policy = policyFrom(opts.policy);
        const seed = integerOption('--seed', opts.seed, 0, 2 ** 32 - 1) ?? DEFAULT_SEED;
        const guard = memoryGuard(opts.maxMemory);
        const progress = checkingProgress(io);
        let report: ReviewReport;
        try {
          report = await reviewPolicy(policy, {
            seed,
            progress: (line) => io.err(line + '\n'),
            onCheckProgress: (p) => {
              guard.check();
              progress.report(p);
            },
          });
        } finally {
          progress.done();
        }
        if (opts.json) printJson(io, report);
        else printSummary(io, report, opts.policy === undefined ? 'the embedded default policy' : terminalSafe(opts.policy));
        return reviewExitCode(report);
      }),
    );
};

/** 1 when a row fails, else 3 when a row is incomplete (a limit stopped a stage), else 0. */
export function reviewExitCode(r: ReviewReport): ExitCode {
  if (r.summary.some((row) => row.verdict === 'fails')) return EXIT.violated;
  if (r.summary.some((row) => row.verdict === 'incomplete')) return EXIT.incomplete;
  return r.holds ? EXIT.holds : EXIT.violated;
}

/** The summary table, what the policy implies, and one closing line saying whether every claim holds. */
export function printSummary(io: Output, r: ReviewReport, source: string) {
  io.out(`\nGuillotine review of ${source}\n`);
  io.out(table(['stage', 'subject', 'result', 'verdict', 'seconds'], r.summary.map((row) => [row.stage, row.subject, row.result, row.verdict.toUpperCase(), row.seconds.toFixed(2)])));
  const notes = r.check.findings ? findingNotes(r.check.findings) : [];
  if (notes.length > 0) {
    io.out('What the policy implies:\n');
    for (const note of notes) io.out(`  ! ${note}\n`);
  }
  const notRun = r.summary.filter((row) => row.verdict === 'not run').length;
  const incomplete = r.summary.filter((row) => row.verdict === 'incomplete').length;
  const failed = r.summary.some((row) => row.verdict === 'fails') || (!r.holds && incomplete === 0);
  if (failed) io.out('Some claims FAIL: run the command of each failing stage (guillotine check, export, prove, simulate, gen-tests --run) for its counterexamples.\n');
  else if (incomplete > 0) io.out(`Nothing fails, but ${incomplete} row(s) are INCOMPLETE: a limit stopped them before a verdict (run their command for the limit and how to raise it).\n`);
  else if (notRun > 0) io.out(`Every claim that ran holds; ${notRun} stage(s) could not run (see their rows).\n`);
  else io.out('Every claim holds.\n');
}
