/**
 * `guillotine replay TRACE.json [--policy FILE] [--json] [--mutant NAME]` (or `--path 'propose:a1:severed,…'`):
 * runs a trace through the statechart under XState, printing each event, whether it was accepted
 * (with the reason when rejected), the state after it and any property it violates. With
 * `--mutant`, through a design bug of the spec-mutant catalogue instead of the correct machine.
 */
import { Option } from 'commander';
import { replay, type LassoView, type ReplayReport } from '../../checker/replay.ts';
import { decodePath, type GuillotineEvent } from '../../spec/events.ts';
import { loadAnyTraceFile, itfTrace } from '../../spec/itf.ts';
import type { Policy } from '../../spec/policy.ts';
import { action, BadInput, EXIT, integerOption, jsonOption, policyFrom, policyOption, printJson, writeOutput, type ExitCode, type Output, type RegisterCommand } from '../command.ts';
import { count, table } from '../table.ts';
import { terminalSafe } from '../../spec/terminalText.ts';
import { eventLabel } from '../eventLabel.ts';
import { DEFAULT_MAX_EVENTS } from '../limits.ts';
import { correctMachine, mutatedMachine } from '../../machines/mutants.ts';
import { mutantFrom, mutantOption, mutantSummary } from '../mutantOption.ts';

export const registerReplay: RegisterCommand = (command, io, exit) => {
  command
    .addOption(new Option('--path <events>', "the events in the compact form check prints, e.g. 'propose:a1:severed,approve:a2'"))
    .addOption(new Option('--cycle <events>', "with --path: a liveness counterexample's repeating cycle, replayed once after the path"))
    .addOption(policyOption())
    .addOption(jsonOption())
    .addOption(new Option('--engine <name>', 'interpreter of the statechart').choices(['xstate', 'reference']).default('xstate'))
    .addOption(mutantOption())
    .addOption(new Option('--max-events <n>', `replay at most this many events, the cycle's included (default ${count(DEFAULT_MAX_EVENTS)}: counterexamples are tens of events, and 10^5 take about 3 s and 0.1 GB); past it, the first N are replayed and the exit status is 3, "incomplete"`))
    .addHelpText(
      'after',
      '\nExit status: 0 no step violates a property; 1 a step does; 2 bad input (a bad trace file, --path or\n' +
        '--policy); 3 incomplete: the trace is longer than --max-events, and its first N events violate nothing.\n',
    )
    .addOption(new Option('--out <file>', 'also write the trace to a file, in the --format given'))
    .addOption(new Option('--format <format>', 'format of --out: json (a trace file {"policy", "events"}) or itf (the Informal Trace Format, with the state after each step)').choices(['json', 'itf']).default('json'))
    .action(
      action(exit, (file: string | undefined, opts: { path?: string; cycle?: string; policy?: string; json?: boolean; engine: 'xstate' | 'reference'; mutant?: string; maxEvents?: string; out?: string; format: 'json' | 'itf' }): ExitCode => {
        const chosen = mutantFrom(io, opts.mutant, opts.json);
        if (chosen === 'list') return 0;
        const mutant = chosen;
        const maxEvents = integerOption('--max-events', opts.maxEvents, 1, 1e9) ?? DEFAULT_MAX_EVENTS;
        let events: readonly GuillotineEvent[];
        let cycle: readonly GuillotineEvent[] | undefined;
        let tracePolicy: Policy | undefined;
        if ((file === undefined) === (opts.path === undefined)) throw new BadInput('replay takes either a trace file or --path, not both and not neither (see guillotine replay --help)');
        if (opts.path !== undefined) {
          const decoded = decodePath(opts.path);
          if (!decoded.ok) throw new BadInput(`--path: ${decoded.message}`);
          events = decoded.events;
          if (opts.cycle !== undefined) {
            const decodedCycle = decodePath(opts.cycle);
            if (!decodedCycle.ok) throw new BadInput(`--cycle: ${decodedCycle.message}`);
            cycle = decodedCycle.events;
          }
        } else {
          if (opts.cycle !== undefined) throw new BadInput('--cycle goes with --path; a trace file carries its own "cycle"');
          const loaded = loadAnyTraceFile(file!);
          if (!loaded.ok) throw new BadInput(`bad trace: ${loaded.problems.map((p) => (p.path === '(file)' ? p.message : `${p.path}: ${p.message}`)).join('; ')}`);
          ({ events, cycle } = loaded.trace);
          tracePolicy = loaded.trace.policy;
        }
        // --policy wins over the trace's own policy, which wins over the default.
        const policy = opts.policy !== undefined || tracePolicy === undefined ? policyFrom(opts.policy) : tracePolicy;
        // A policy mutant applied to a trace that already carries its policy changes nothing more.
        const machine = mutant === undefined ? correctMachine(policy) : mutatedMachine(policy, mutant);
        // Past the cap, the first events are replayed; a cycle cut short could not be judged, so it is left out.
        const total = events.length + (cycle?.length ?? 0);
        const cut = total > maxEvents;
        const report = replay(machine.policy, cut ? events.slice(0, maxEvents) : events, { engine: opts.engine, cycle: cut ? undefined : cycle, rules: machine.rules });
        if (opts.out !== undefined) {
          const text = opts.format === 'itf' ? JSON.stringify(itfTrace(machine.policy, report), null, 2) : JSON.stringify({ policy: machine.policy, events, ...(cycle ? { cycle } : {}) }, null, 2);
          writeOutput('--out', [{ path: opts.out, text: text + '\n' }]);
        }
        const incomplete = cut ? { limit: '--max-events', maxEvents, events: total } : undefined;
        if (opts.json) printJson(io, { ...report, ...(mutant === undefined ? {} : { mutant: mutantSummary(mutant) }), ...(incomplete === undefined ? {} : { incomplete }) });
        else {
          if (mutant !== undefined) io.out(`mutant ${mutant.name} (${mutant.mutates}): ${mutant.bug}\n`);
          print(io, report);
        }
        if (report.firstViolation !== null) return EXIT.violated;
        if (!cut) return EXIT.holds;
        io.err(`guillotine: incomplete: replayed the first ${count(Math.min(maxEvents, events.length))} of ${count(total)} events (${opts.maxEvents === undefined ? 'the default ' : ''}--max-events ${count(maxEvents)}${cycle === undefined ? '' : '; the cycle was not replayed'}), and none of them violates a property; raise the cap with --max-events N\n`);
        return EXIT.incomplete;
      }),
    );
};

function print(io: Output, r: ReplayReport) {
  io.out(`initial: ${r.initial.level}, hypervisor ${r.initial.hypervisor}\n`);
  const rows = r.steps.map((s, i) => [
    `${i + 1}${s.inCycle ? ' ↻' : ''}`,
    eventLabel(s.event),
    s.accepted ? 'accepted' : `rejected: ${terminalSafe(s.reason ?? '', { longestRun: 80 })}`,
    s.level,
    s.state.proposal ? `${s.state.proposal.from}→${s.state.proposal.to} [${s.state.proposal.approvals.join(' ')}]` : '-',
    terminalSafe([...s.effects.map((e) => (e.kind === 'level' ? `${e.from}→${e.to} (${e.cause})` : e.kind === 'alert' ? `ALERT ${e.text}` : e.kind === 'note' ? e.text : '')), ...s.violations.map((v) => `✗ ${v.property}: ${v.reason}`)].filter(Boolean).join('; '), { longestRun: 80 }),
  ]);
  io.out(table(['step', 'event', 'outcome', 'level', 'proposal', 'effects'], rows));
  const f = r.final;
  io.out(`final: ${f.level}, hypervisor ${f.hypervisor}, ports ${f.ports}, model cores ${f.modelCores}${f.pendingActuators.length ? `, awaiting confirmation: ${f.pendingActuators.join(', ')}` : ''}\n`);
  if (r.lasso !== undefined) io.out(`${lassoLine(r.lasso, r.steps.filter((s) => s.inCycle).length)}\n`);
  if (r.firstViolation !== null) io.out(`step ${r.firstViolation} violates a property\n`);
}

/** What a reviewer needs to believe a liveness counterexample: the cycle can repeat, and fairly. */
function lassoLine(lasso: LassoView, steps: number): string {
  if (steps === 0) return lasso.neverTaken.length === 0 ? 'dead end: no event is enabled in the last state' : `not a dead end: enabled in the last state: ${lasso.neverTaken.join(', ')}`;
  const returns = lasso.returns ? 'returns to the state it started from (up to renaming admins)' : 'does NOT return to the state it started from, so it cannot repeat';
  const fair = lasso.neverTaken.length === 0 ? 'takes every kind of event enabled all along it (weakly fair)' : `never takes ${lasso.neverTaken.join(', ')}, enabled all along it, so repeating it is not a fair run`;
  return `cycle (↻): ${returns}; ${fair}`;
}
