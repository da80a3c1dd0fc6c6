/**
 * `guillotine check [--policy FILE] [--json] [--traces DIR] [--mutant NAME] [--workers N]`: every safety property
 * of docs/protocol.md §4 proved or refuted by exhaustive exploration, with shortest counterexamples.
 * With `--mutant`, the machine checked is a design bug of the spec-mutant catalogue, which must fail.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import { allHold, checkPolicy, checkPolicyInParallel, type CheckReport, type PropertyReport } from '../../checker/index.ts';
import { findingNotes } from '../../checker/findings.ts';
import { replay } from '../../checker/replay.ts';
import { describeEvent, encodePath } from '../../spec/events.ts';
import { action, BadInput, integerOption, jsonOption, policyFrom, policyOption, printJson, type Output, type RegisterCommand } from '../command.ts';
import { checkingProgress } from '../progress.ts';
import { count, table } from '../table.ts';
import { fileErrorWords, makeDirectory } from '../../spec/fileError.ts';
import { correctMachine, mutatedMachine, type MachineUnderCheck } from '../../machines/mutants.ts';
import { mutantFrom, mutantOption, mutantSummary, type MutantSummary } from '../mutantOption.ts';

export const registerCheck: RegisterCommand = (program, io, exit) => {
  program
    .command('check')
    .description('prove or refute every safety property of docs/protocol.md §4 for a policy, by exhaustive exploration of its statechart')
    .addOption(policyOption())
    .addOption(jsonOption())
    .addOption(new Option('--traces <dir>', 'write each counterexample as a trace file <property>.trace.json that `guillotine replay` runs'))
    .addOption(new Option('--engine <name>', 'interpreter of the statechart').choices(['compiled', 'xstate']).default('compiled'))
    .addOption(new Option('--no-symmetry', 'explore every state instead of one per renaming of admins'))
    .addOption(new Option('--no-findings', 'skip the findings (fewest admins to reach and leave each level)'))
    .addOption(new Option('--max-states <n>', 'stop expanding states once this many are stored (the successors of the last one may go a little past); properties not yet refuted become "unknown"'))
    .addOption(mutantOption())
    .addOption(new Option('--workers <n>', 'explore on this many worker threads (1 to 64; the same result, faster only for models of tens of thousands of states)').default('1'))
    .action(
      action(exit, async (opts: { policy?: string; json?: boolean; traces?: string; engine: 'compiled' | 'xstate'; symmetry: boolean; findings: boolean; maxStates?: string; mutant?: string; workers: string }) => {
        const chosen = mutantFrom(io, opts.mutant, opts.json);
        if (chosen === 'list') return 0;
        const mutant = chosen;
        const maxStates = integerOption('--max-states', opts.maxStates, 1, 1e9);
        const workers = integerOption('--workers', opts.workers, 1, 64)!;
        const correct = policyFrom(opts.policy);
        // The printed counterexamples replay on the very machine checked.
        const machine = mutant === undefined ? correctMachine(correct) : mutatedMachine(correct, mutant);
        const progress = checkingProgress(io);
        const options = { engine: opts.engine, symmetry: opts.symmetry, findings: opts.findings, maxStates, onProgress: progress.report, mutant: mutant?.name };
        const checked = workers > 1 ? await checkPolicyInParallel(correct, workers, options) : checkPolicy(correct, options);
        progress.done();
        // The report names the mutant it ran; without --mutant its shape is unchanged.
        const report: MutantCheckReport = mutant === undefined ? checked : { ...checked, mutant: mutantSummary(mutant) };
        if (opts.traces !== undefined) writeTraces(opts.traces, report);
        if (opts.json) printJson(io, report);
        else printReport(io, report, machine, opts.policy ?? EMBEDDED);
        return allHold(report) ? 0 : 1;
      }),
    );
};

/** A check report, with the catalogue entry of the mutant it ran when `--mutant` was given. */
type MutantCheckReport = CheckReport & { readonly mutant?: MutantSummary };

/** How the report names the embedded default policy (and knows a replay needs no --policy). */
const EMBEDDED = '(embedded default)';

/** Each counterexample as a self-contained trace file: the resolved policy travels with it. */
function writeTraces(dir: string, report: CheckReport) {
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new BadInput(`--traces: cannot create directory ${JSON.stringify(dir)}: ${fileErrorWords(error)}`);
  }
  for (const p of report.properties) {
    if (!p.trace) continue;
    const file = { property: p.id, policy: report.policy, events: p.trace.events, ...(p.trace.cycle ? { cycle: p.trace.cycle } : {}) };
    writeFileSync(join(dir, `${p.id}.trace.json`), JSON.stringify(file, null, 2) + '\n');
  }
}

function printReport(io: Output, r: MutantCheckReport, machine: MachineUnderCheck, source: string) {
  const q = r.policy.quorum;
  if (r.mutant) io.out(`Mutant ${r.mutant.name} (${r.mutant.mutates}): ${r.mutant.bug}; expected to fail ${r.mutant.caughtBy.join(', ')}\n`);
  io.out(`Policy ${source}${r.mutant?.mutates.startsWith('policy ') ? ' as mutated' : ''}: ${r.policy.admins.length} admins, escalate ${q.escalate}, de-escalate ${q.deescalate}, timeout ${q.timeoutSeconds}s (${q.onTimeout}), irreversible: ${r.policy.irreversible.join(', ') || 'none'}\n`);
  io.out(
    `${r.complete ? 'Explored every reachable state' : 'Stopped early (--max-states)'}: ${count(r.states)} states${r.symmetry ? ' (one per renaming of admins)' : ''}, ${count(r.transitions)} transitions, depth ${r.depth}, ${r.seconds.toFixed(2)}s\n\n`,
  );
  io.out(table(['property', 'kind', 'result', 'counterexample'], r.properties.map((p) => [p.id, p.kind, p.status.toUpperCase(), summary(p)])));
  const unwitnessed = r.vacuity.filter((v) => v.status === 'unwitnessed');
  io.out(`Vacuity guards: ${r.vacuity.length - unwitnessed.length} of ${r.vacuity.length} witnessed${unwitnessed.map((v) => `\n  warning: ${v.property} may hold vacuously: never "${v.guard}"`).join('')}\n`);
  if (r.findings) {
    io.out('\nFindings (fewest admins, with timeouts and fail-safes allowed):\n');
    io.out(table(['level', 'to reach it', 'to leave it'], r.findings.map((f) => [f.level, f.fewestToReach ?? 'never', f.fewestToLeave ?? 'never'])));
    for (const note of findingNotes(r.findings)) io.out(`  ! ${note}\n`);
  }
  for (const p of r.properties) {
    if (p.status !== 'fail') continue;
    io.out(`\n${p.id} FAILS: ${p.reason}\n`);
    if (p.witness) io.out(`  witness: ${JSON.stringify(p.witness)}\n`);
    if (p.trace) {
      const replayed = replay(r.policy, p.trace.events, { cycle: p.trace.cycle, implementations: machine.implementations });
      const rows = replayed.steps.map((s, i) => [i + 1 + (s.inCycle ? ' ↻' : ''), describeEvent(s.event), s.accepted ? 'accepted' : `rejected: ${s.reason}`, s.level, s.violations.find((v) => v.property === p.id) ? '✗ ' + p.id : '']);
      io.out(table(['step', 'event', 'outcome', 'level after', ''], rows));
      const policyArg = source === EMBEDDED ? '' : ` --policy '${source}'`;
      const mutantArg = r.mutant ? ` --mutant ${r.mutant.name}` : '';
      io.out(`  replay: guillotine replay${policyArg}${mutantArg} --path '${encodePath(p.trace.events)}'${p.trace.cycle ? ` --cycle '${encodePath(p.trace.cycle)}'` : ''}\n`);
    }
  }
  if (r.mutant) {
    const missed = r.mutant.caughtBy.filter((id) => r.properties.find((p) => p.id === id)?.status !== 'fail');
    io.out(missed.length === 0 ? `\nMutant ${r.mutant.name} is refuted, as expected, by ${r.mutant.caughtBy.join(', ')}\n` : `\nMutant ${r.mutant.name} SURVIVES ${missed.join(', ')}: the checker misses this design bug there\n`);
  }
}

function summary(p: PropertyReport): string {
  if (p.status !== 'fail') return '';
  if (p.trace) return `${p.trace.events.length} step(s)${p.trace.cycle ? ` + cycle of ${p.trace.cycle.length}` : ''}`;
  return 'policy arithmetic';
}
