/**
 * `guillotine check [--policy FILE] [--json] [--traces DIR] [--mutant NAME] [--engine NAME]`: every safety property
 * of docs/protocol.md §4 proved or refuted by exhaustive exploration, with shortest counterexamples.
 * With `--mutant`, the machine checked is a design bug of the spec-mutant catalogue, which must fail.
 */
import { join } from 'node:path';
import { Option } from 'commander';
import { allHold, checkPolicy, type CheckPhase, type CheckReport, type PropertyReport } from '../../checker/index.ts';
import { findingNotes } from '../../checker/findings.ts';
import { replay } from '../../checker/replay.ts';
import { encodePath } from '../../spec/events.ts';
import { itfTrace } from '../../spec/itf.ts';
import { eventLabel } from '../eventLabel.ts';
import { action, BadInput, EXIT, jsonOption, policyFrom, policyOption, outputDirectory, printJson, writeOutput, type ExitCode, type Output, type RegisterCommand } from '../command.ts';
import { checkingProgress } from '../progress.ts';
import { count, table } from '../table.ts';
import { terminalSafe } from '../../spec/terminalText.ts';
import { DEFAULT_CHECK_MAX_STATES, maxMemoryOption, maxStatesFrom, maxStatesOption, memoryGuard } from '../limits.ts';
import { shellWord } from '../shellWord.ts';
import { correctMachine, mutatedMachine, type MachineUnderCheck } from '../../machines/mutants.ts';
import { mutantFrom, mutantOption, mutantSummary, type MutantSummary } from '../mutantOption.ts';

export const registerCheck: RegisterCommand = (command, io, exit) => {
  command
    .addOption(policyOption())
    .addOption(jsonOption())
    .addOption(new Option('--traces <dir>', 'write each counterexample as a trace file <property>.trace.json that `guillotine replay` runs'))
    .addOption(new Option('--format <format>', 'format of the --traces files: json (<property>.trace.json) or itf (<property>.itf.json, the Informal Trace Format of Quint and Apalache)').choices(['json', 'itf']).default('json'))
    .addOption(new Option('--engine <name>', 'who explores the statechart: compiled (code generated from the rules for this policy, over packed states), reference (the rules interpreted over objects) or xstate (XState itself); every one gives the same report').choices(['compiled', 'reference', 'xstate']).default('compiled'))
    .addOption(new Option('--no-symmetry', 'explore every state instead of one per renaming of admins'))
    .addOption(new Option('--no-findings', 'skip the findings (fewest admins to reach and leave each level)'))
    .addOption(maxStatesOption(DEFAULT_CHECK_MAX_STATES, 'six times the largest shipped run; measured: 93 s and 0.2 GB with 40 admins, up to 0.5 KB a state when liveness keeps edges; the successors of the last state expanded may go a little past it, and properties not yet refuted become "unknown"'))
    .addOption(maxMemoryOption())
    .addOption(mutantOption())
    .addHelpText(
      'after',
      '\nExit status: 0 every property holds; 1 a property fails (with a counterexample); 2 bad input;\n' +
        '3 incomplete: --max-states or the memory guard stopped the search before any property failed\n' +
        '(the properties not yet refuted are "unknown"; the message says how to raise the limit).\n',
    )
    .action(
      action(exit, async (opts: { policy?: string; json?: boolean; traces?: string; format: 'json' | 'itf'; engine: 'compiled' | 'reference' | 'xstate'; symmetry: boolean; findings: boolean; maxStates?: string; maxMemory?: string; mutant?: string }): Promise<ExitCode> => {
        const chosen = mutantFrom(io, opts.mutant, opts.json);
        if (chosen === 'list') return 0;
        const mutant = chosen;
        const maxStates = maxStatesFrom(opts.maxStates, DEFAULT_CHECK_MAX_STATES);
        const guard = memoryGuard(opts.maxMemory);
        guard.check(); // a limit below what the process already uses is reached before any work
        const correct = policyFrom(opts.policy);
        // An unusable --traces directory is refused before the search, not after it.
        if (opts.traces !== undefined) outputDirectory('--traces', opts.traces);
        // The printed counterexamples replay on the very machine checked.
        const machine = mutant === undefined ? correctMachine(correct) : mutatedMachine(correct, mutant);
        const progress = checkingProgress(io);
        // The memory guard rides on the progress callback, which the search calls about once a second.
        let slow = false; // whether the search lasted long enough to report progress
        const onProgress = (p: Parameters<typeof progress.report>[0]) => {
          slow = true;
          guard.check();
          progress.report(p);
        };
        // A search long enough to report progress is followed by seconds of paths and findings: say so.
        const onPhase = (phase: CheckPhase) => {
          if (slow) progress.phase(phase === 'paths' ? 'rebuilding the paths on concrete admins' : 'the findings: fewest admins for each level');
        };
        const options = { engine: opts.engine, symmetry: opts.symmetry, findings: opts.findings, maxStates, onProgress, onPhase, mutant: mutant?.name };
        let checked: CheckReport;
        try {
          checked = checkPolicy(correct, options);
        } finally {
          progress.done();
        }
        // The report names the mutant it ran; without --mutant its shape is unchanged.
        const report: MutantCheckReport = mutant === undefined ? checked : { ...checked, mutant: mutantSummary(mutant) };
        if (opts.traces !== undefined) writeTraces(opts.traces, report, opts.format, machine.rules);
        if (opts.json) printJson(io, report);
        else printReport(io, report, machine, opts.policy ?? EMBEDDED);
        return verdict(io, report, maxStates, opts.maxStates !== undefined);
      }),
    );
};

/**
 * The exit status of a check: 1 when a property fails (whether or not the search finished), 3 when
 * the state cap stopped it first (with a line on stderr saying so and how to raise it), else 0.
 */
function verdict(io: Output, r: CheckReport, maxStates: number, given: boolean): ExitCode {
  if (allHold(r)) return EXIT.holds;
  if (r.properties.some((p) => p.status === 'fail')) return EXIT.violated;
  const unknown = r.properties.filter((p) => p.status === 'unknown').length;
  io.err(
    `guillotine: incomplete: the search stopped at ${given ? '' : 'the default '}--max-states ${count(maxStates)} (${count(r.states)} states stored) before finishing; ${unknown} propert${unknown === 1 ? 'y is' : 'ies are'} unknown, none failed; raise the cap with --max-states N\n`,
  );
  return EXIT.incomplete;
}

/** A check report, with the catalogue entry of the mutant it ran when `--mutant` was given. */
type MutantCheckReport = CheckReport & { readonly mutant?: MutantSummary };

/** How the report names the embedded default policy (and knows a replay needs no --policy). */
const EMBEDDED = '(embedded default)';

/**
 * Each counterexample as a self-contained trace file (the resolved policy travels with it), written
 * as one set: all of them or, on a failure, none (a file of the set that is a directory, a link, or
 * in a directory that cannot be written is bad input, exit 2).
 */
function writeTraces(dir: string, report: CheckReport, format: 'json' | 'itf', rules: MachineUnderCheck['rules']) {
  const files = report.properties.flatMap((p) => {
    if (!p.trace) return [];
    const { name, text } = traceFile(report, p, format, rules);
    return [{ path: join(dir, name), text }];
  });
  writeOutput('--traces', files);
}

/** A counterexample as a file: the workbench's trace JSON, or ITF with the state after each step (replayed on the machine checked). */
function traceFile(report: CheckReport, p: PropertyReport, format: 'json' | 'itf', rules: MachineUnderCheck['rules']): { name: string; text: string } {
  const trace = p.trace!;
  if (format === 'itf') return { name: `${p.id}.itf.json`, text: JSON.stringify(itfTrace(report.policy, replay(report.policy, trace.events, { cycle: trace.cycle, rules }), { property: p.id }), null, 2) + '\n' };
  const file = { property: p.id, policy: report.policy, events: trace.events, ...(trace.cycle ? { cycle: trace.cycle } : {}) };
  return { name: `${p.id}.trace.json`, text: JSON.stringify(file, null, 2) + '\n' };
}

function printReport(io: Output, r: MutantCheckReport, machine: MachineUnderCheck, source: string) {
  const q = r.policy.quorum;
  if (r.mutant) io.out(`Mutant ${r.mutant.name} (${r.mutant.mutates}): ${r.mutant.bug}; expected to fail ${r.mutant.caughtBy.join(', ')}\n`);
  io.out(`Policy ${terminalSafe(source)}${r.mutant?.mutates.startsWith('policy ') ? ' as mutated' : ''}: ${r.policy.admins.length} admins, escalate ${q.escalate}, de-escalate ${q.deescalate}, timeout ${q.timeoutSeconds}s (${q.onTimeout}), irreversible: ${r.policy.irreversible.join(', ') || 'none'}\n`);
  io.out(
    `${r.complete ? 'Explored every reachable state' : 'Stopped early at --max-states'}: ${count(r.states)} states${r.symmetry ? ' (one per renaming of admins)' : ''}, ${count(r.transitions)} transitions, depth ${r.depth}, ${r.seconds.toFixed(2)}s\n\n`,
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
    io.out(`\n${p.id} FAILS: ${terminalSafe(p.reason ?? '')}\n`);
    if (p.witness) io.out(`  witness: ${terminalSafe(JSON.stringify(p.witness))}\n`);
    if (p.trace) {
      const replayed = replay(r.policy, p.trace.events, { cycle: p.trace.cycle, rules: machine.rules });
      const rows = replayed.steps.map((s, i) => [i + 1 + (s.inCycle ? ' ↻' : ''), eventLabel(s.event), s.accepted ? 'accepted' : `rejected: ${terminalSafe(s.reason ?? '', { longestRun: 80 })}`, s.level, s.violations.find((v) => v.property === p.id) ? '✗ ' + p.id : '']);
      io.out(table(['step', 'event', 'outcome', 'level after', ''], rows));
      const policyArg = source === EMBEDDED ? '' : ` --policy ${shellWord(source)}`;
      const mutantArg = r.mutant ? ` --mutant ${r.mutant.name}` : '';
      io.out(`  replay: guillotine replay${policyArg}${mutantArg} --path ${shellWord(encodePath(p.trace.events))}${p.trace.cycle ? ` --cycle ${shellWord(encodePath(p.trace.cycle))}` : ''}\n`);
    }
  }
  if (r.mutant) {
    const missed = r.mutant.caughtBy.filter((id) => r.properties.find((p) => p.id === id)?.status !== 'fail');
    const survives = r.mutant.shownUnder
      ? `it behaves as the correct machine under this policy; it shows under a policy with ${r.mutant.shownUnder}`
      : 'the checker misses this design bug there';
    io.out(missed.length === 0 ? `\nMutant ${r.mutant.name} is refuted, as expected, by ${r.mutant.caughtBy.join(', ')}\n` : `\nMutant ${r.mutant.name} SURVIVES ${missed.join(', ')}: ${survives}\n`);
  }
}

function summary(p: PropertyReport): string {
  if (p.status !== 'fail') return '';
  if (p.trace) return `${p.trace.events.length} step(s)${p.trace.cycle ? ` + cycle of ${p.trace.cycle.length}` : ''}`;
  return 'policy arithmetic';
}
