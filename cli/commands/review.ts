/**
 * `guillotine review [--policy FILE] [--seed N] [--json]`: the whole review of a policy, what
 * `npm start` runs (`review/index.ts` sequences the stages), printed as one summary table.
 */
import { Option } from 'commander';
import { findingNotes } from '../../checker/findings.ts';
import { reviewPolicy, type ReviewReport } from '../../review/index.ts';
import { DEFAULT_SEED } from '../../simulator/index.ts';
import { action, integerOption, jsonOption, policyFrom, policyOption, printJson, type Output, type RegisterCommand } from '../command.ts';
import { checkingProgress } from '../progress.ts';
import { table } from '../table.ts';

export const registerReview: RegisterCommand = (program, io, exit) => {
  program
    .command('review')
    .description('the whole review of a policy (what `npm start` runs): check, prove, simulate, test coverage, then one summary table')
    .addOption(policyOption())
    .addOption(jsonOption())
    .addOption(new Option('--seed <n>', `seed of the simulator's experiments, a whole number from 0 to 4294967295 (default ${DEFAULT_SEED})`))
    .action(
      action(exit, async (opts: { policy?: string; json?: boolean; seed?: string }) => {
        const policy = policyFrom(opts.policy);
        const seed = integerOption('--seed', opts.seed, 0, 2 ** 32 - 1) ?? DEFAULT_SEED;
        const progress = checkingProgress(io);
        const report = await reviewPolicy(policy, { seed, progress: (line) => io.err(line + '\n'), onCheckProgress: progress.report });
        progress.done();
        if (opts.json) printJson(io, report);
        else printSummary(io, report, opts.policy ?? 'the embedded default policy');
        return report.holds ? 0 : 1;
      }),
    );
};

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
  if (r.holds && notRun > 0) io.out(`Every claim that ran holds; ${notRun} stage(s) could not run (see their rows).\n`);
  else io.out(r.holds ? 'Every claim holds.\n' : 'Some claims FAIL: run the command of each failing stage (guillotine check, export, prove, simulate, gen-tests --run) for its counterexamples.\n');
}
