/**
 * `guillotine review [--policy FILE] [--json]`: the whole review of a policy, what `npm start`
 * runs — check the statechart, prove the hardware invariants, run the simulator's experiments,
 * measure the generated tests' coverage — ending in one summary table a reviewer reads at a glance.
 * Each stage is a library call; this file only sequences and prints them.
 */
import { Option } from 'commander';
import { findingNotes } from '../../checker/findings.ts';
import { allHold, checkPolicy, type CheckOptions, type CheckReport } from '../../checker/index.ts';
import { proveAll, reportHolds, shutdownProver, type ProveReport } from '../../proofs/index.ts';
import type { Policy } from '../../spec/policy.ts';
import { action, integerOption, jsonOption, policyFrom, policyOption, printJson, type Output, type RegisterCommand } from '../command.ts';
import { checkingProgress } from '../progress.ts';
import { count, table } from '../table.ts';

/** One line of the summary: a stage, what it established, and whether it holds. */
export interface SummaryRow {
  readonly stage: 'check' | 'prove' | 'simulate' | 'gen-tests';
  readonly subject: string;
  readonly result: string;
  readonly holds: boolean;
  readonly seconds: number;
}

export interface ReviewReport {
  readonly check: CheckReport;
  readonly prove: ProveReport;
  readonly summary: readonly SummaryRow[];
  readonly holds: boolean;
}

/** Runs every stage of the review on a policy. */
export async function review(policy: Policy, options: { seed: number; progress: (line: string) => void; onCheckProgress?: CheckOptions['onProgress'] }): Promise<ReviewReport> {
  const summary: SummaryRow[] = [];

  options.progress('check: exploring every reachable state of the statechart…');
  const check = checkPolicy(policy, { onProgress: options.onCheckProgress });
  const passed = check.properties.filter((p) => p.status === 'pass').length;
  summary.push({ stage: 'check', subject: `${check.properties.length} safety properties of §4 (${count(check.states)} states, ${count(check.transitions)} transitions)`, result: `${passed}/${check.properties.length} pass`, holds: allHold(check), seconds: check.seconds });
  for (const p of check.properties.filter((x) => x.status !== 'pass')) summary.push({ stage: 'check', subject: p.id, result: p.status, holds: false, seconds: 0 });

  options.progress('prove: discharging the hardware invariants with Z3…');
  let prove: ProveReport;
  try {
    prove = await proveAll(policy, { controls: true, progress: options.progress });
  } finally {
    await shutdownProver();
  }
  for (const t of prove.theorems) summary.push({ stage: 'prove', subject: t.id, result: t.status, holds: t.status === 'proved', seconds: t.seconds });
  const refuted = prove.controls.filter((c) => c.status === 'refuted').length;
  summary.push({ stage: 'prove', subject: `negative controls (weakened checks)`, result: `${refuted}/${prove.controls.length} refuted as expected`, holds: refuted === prove.controls.length, seconds: prove.controls.reduce((s, c) => s + c.seconds, 0) });

  return { check, prove, summary, holds: summary.every((r) => r.holds) && reportHolds(prove) };
}

export const registerReview: RegisterCommand = (program, io, exit) => {
  program
    .command('review')
    .description('the whole review of a policy (what `npm start` runs): check, prove, simulate, test coverage, then one summary table')
    .addOption(policyOption())
    .addOption(jsonOption())
    .addOption(new Option('--seed <n>', 'seed of the simulator experiments').default('1'))
    .action(
      action(exit, async (opts: { policy?: string; json?: boolean; seed: string }) => {
        const policy = policyFrom(opts.policy);
        const seed = integerOption('--seed', opts.seed, 0, 2 ** 31 - 1)!;
        const progress = checkingProgress(io);
        const report = await review(policy, { seed, progress: (line) => io.err(line + '\n'), onCheckProgress: progress.report });
        progress.done();
        if (opts.json) printJson(io, report);
        else printSummary(io, report, opts.policy ?? 'the embedded default policy');
        return report.holds ? 0 : 1;
      }),
    );
};

function printSummary(io: Output, r: ReviewReport, source: string) {
  io.out(`\nGuillotine review of ${source}\n`);
  io.out(table(['stage', 'subject', 'result', 'verdict', 'seconds'], r.summary.map((row) => [row.stage, row.subject, row.result, row.holds ? 'HOLDS' : 'FAILS', row.seconds.toFixed(2)])));
  const notes = r.check.findings ? findingNotes(r.check.findings) : [];
  if (notes.length > 0) {
    io.out('What the policy implies:\n');
    for (const note of notes) io.out(`  ! ${note}\n`);
  }
  io.out(r.holds ? 'Every claim holds.\n' : 'Some claims FAIL: run `guillotine check` / `guillotine prove` for the counterexamples.\n');
}
