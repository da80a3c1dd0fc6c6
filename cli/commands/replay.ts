/**
 * `guillotine replay TRACE.json [--policy FILE] [--json] [--mutant NAME]` (or `--path 'propose:a1:severed,…'`,
 * or `--spin-trail FILE`): runs a trace through the statechart under XState, printing each event,
 * whether it was accepted (with the reason when rejected), the state after it and any property it
 * violates. With `--mutant`, through a design bug of the spec-mutant catalogue instead of the
 * correct machine. With `--spin-trail`, the trace is a trail SPIN wrote on the Promela export of the
 * same policy and mutant (`export/spinTrail.ts` reads it), and the replay says whether it shows
 * the violation SPIN found.
 */
import { readFileSync } from 'node:fs';
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
import { promelaModel } from '../../export/promela.ts';
import { judgeTrail, MAX_TRAIL_BYTES, readSpinTrail, trailPath, type SpinTrail, type TrailAgreement } from '../../export/spinTrail.ts';
import { fileErrorWords } from '../../spec/fileError.ts';
import { shellArgument } from '../shellWord.ts';
import type { MachineUnderCheck } from '../../machines/mutants.ts';

export const registerReplay: RegisterCommand = (command, io, exit) => {
  command
    .addOption(new Option('--path <events>', "the events in the compact form check prints, e.g. 'propose:a1:severed,approve:a2'"))
    .addOption(new Option('--cycle <events>', "with --path: a liveness counterexample's repeating cycle, replayed once after the path"))
    .addOption(new Option('--spin-trail <file>', 'a trail SPIN wrote on `guillotine export --format promela` of the same --policy and --mutant (MODEL.pml.trail): replays its events and says whether the workbench sees the violation SPIN found'))
    .addOption(policyOption())
    .addOption(jsonOption())
    .addOption(new Option('--engine <name>', 'interpreter of the statechart').choices(['xstate', 'reference']).default('xstate'))
    .addOption(mutantOption())
    .addOption(new Option('--max-events <n>', `replay at most this many events, the cycle's included (default ${count(DEFAULT_MAX_EVENTS)}: counterexamples are tens of events, and 10^5 take about 3 s and 0.1 GB); past it, the first N are replayed and the exit status is 3, "incomplete"`))
    .addHelpText(
      'after',
      '\nExit status: 0 no step violates a property; 1 a step does; 2 bad input (a bad trace file, --path or\n' +
        '--policy); 3 incomplete: the trace is longer than --max-events, and its first N events violate nothing.\n' +
        '\nWith --spin-trail FILE: SPIN follows the trail (spin -t -p) on the model export writes for the same\n' +
        '--policy and --mutant, and the events it took are replayed here. Exit 1 either way: the workbench shows\n' +
        'the violation SPIN found (AGREES), or it does not (DISAGREES: a finding, with both views); 2 when the\n' +
        'trail does not fit that model (the step is named) or spin is not installed.\n',
    )
    .addOption(new Option('--out <file>', 'also write the trace to a file, in the --format given'))
    .addOption(new Option('--format <format>', 'format of --out: json (a trace file {"policy", "events"}) or itf (the Informal Trace Format, with the state after each step)').choices(['json', 'itf']).default('json'))
    .action(
      action(exit, async (file: string | undefined, opts: { path?: string; cycle?: string; spinTrail?: string; policy?: string; json?: boolean; engine: 'xstate' | 'reference'; mutant?: string; maxEvents?: string; out?: string; format: 'json' | 'itf' }): Promise<ExitCode> => {
        const chosen = mutantFrom(io, opts.mutant, opts.json);
        if (chosen === 'list') return 0;
        const mutant = chosen;
        const maxEvents = integerOption('--max-events', opts.maxEvents, 1, 1e9) ?? DEFAULT_MAX_EVENTS;
        if (opts.spinTrail !== undefined) {
          if (file !== undefined || opts.path !== undefined || opts.cycle !== undefined) throw new BadInput('--spin-trail replays the trail alone: give no trace file, --path or --cycle with it');
          const policy = policyFrom(opts.policy);
          const machine = mutant === undefined ? correctMachine(policy) : mutatedMachine(policy, mutant);
          return replaySpinTrail(io, opts.spinTrail, machine, { json: Boolean(opts.json), engine: opts.engine, maxEvents, mutant: mutant === undefined ? undefined : mutantSummary(mutant), policyFile: opts.policy, mutantName: mutant?.name, out: opts.out, format: opts.format });
        }
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

/** Reads a trail file as text, refusing what cannot be one (missing, a directory, too large). */
function trailText(path: string): string {
  const name = terminalSafe(JSON.stringify(path), { limit: 300 });
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (error) {
    throw new BadInput(`--spin-trail: cannot read ${name}: ${fileErrorWords(error)}`);
  }
  if (text.length > MAX_TRAIL_BYTES) throw new BadInput(`--spin-trail: ${name} is larger than ${MAX_TRAIL_BYTES / 1024 / 1024} MiB; a SPIN trail is a few bytes a step (is this a trail?)`);
  return text.toString('utf8');
}

/**
 * `replay --spin-trail FILE`: SPIN follows the trail on the model exported from the same machine,
 * the events it took are replayed here, and the two verdicts are compared.
 */
async function replaySpinTrail(
  io: Output,
  path: string,
  machine: MachineUnderCheck,
  o: { json: boolean; engine: 'xstate' | 'reference'; maxEvents: number; mutant: ReturnType<typeof mutantSummary> | undefined; policyFile: string | undefined; mutantName: string | undefined; out: string | undefined; format: 'json' | 'itf' },
): Promise<ExitCode> {
  const text = trailText(path);
  const model = promelaModel(machine.policy, { rules: machine.rules, source: o.policyFile ?? 'embedded default' });
  const reading = await readSpinTrail(model, text);
  const exported = `guillotine export --format promela${machineArguments(o.policyFile, o.mutantName)}`;
  switch (reading.kind) {
    case 'malformed':
      throw new BadInput(`--spin-trail: ${terminalSafe(path, { limit: 300 })} line ${reading.line}: ${reading.message}`);
    case 'unfit':
      throw new BadInput(`--spin-trail: the trail does not fit the model of ${exported}: ${reading.message}; replay it with the --policy and --mutant it was made with`);
    case 'missing':
    case 'error':
      throw new BadInput(`--spin-trail: ${reading.message}`);
  }
  const trail = reading.trail;
  const total = trail.events.length + (trail.cycle?.length ?? 0);
  if (total > o.maxEvents) throw new BadInput(`--spin-trail: the trail takes ${count(total)} events, more than --max-events ${count(o.maxEvents)}; raise it with --max-events N`);
  // An invalid end state is judged as a dead end: a cycle of no events at the last state.
  const cycle = trail.cycle ?? (trail.finding.kind === 'invalid-end-state' ? [] : undefined);
  const report = replay(machine.policy, trail.events, { engine: o.engine, ...(cycle === undefined ? {} : { cycle }), rules: machine.rules });
  const agreement = judgeTrail(machine, trail, report);
  if (o.out !== undefined) {
    // The trail as the workbench's own trace file (or ITF), to replay or share without SPIN.
    const text = o.format === 'itf' ? JSON.stringify(itfTrace(machine.policy, report), null, 2) : JSON.stringify({ policy: machine.policy, events: trail.events, ...(trail.cycle === null ? {} : { cycle: trail.cycle }) }, null, 2);
    writeOutput('--out', [{ path: o.out, text: text + '\n' }]);
  }
  const handle = trailPath(trail);
  if (o.json) {
    printJson(io, { ...report, ...(o.mutant === undefined ? {} : { mutant: o.mutant }), spin: { trail: path, variant: trail.variant, defines: trail.defines ?? [], steps: trail.steps, finding: trail.finding, path: handle.path, cycle: handle.cycle, ...agreement } });
    return EXIT.violated;
  }
  if (o.mutant !== undefined) io.out(`mutant ${o.mutant.name} (${o.mutant.mutates}): ${o.mutant.bug}\n`);
  io.out(`SPIN trail ${terminalSafe(path, { limit: 300 })}: ${count(trail.steps)} SPIN steps on the model of ${exported}${(trail.defines ?? []).length > 0 ? ` (spin ${trail.defines!.join(' ')})` : ''}, ${count(trail.events.length)} event${trail.events.length === 1 ? '' : 's'}${trail.cycle === null ? '' : ` then a cycle of ${count(trail.cycle.length)}`}\n`);
  print(io, report);
  printAgreement(io, trail, agreement, handle, o.policyFile, o.mutantName);
  return EXIT.violated;
}

/** ` --policy FILE --mutant NAME` as a shell would read them back. */
function machineArguments(policyFile: string | undefined, mutant: string | undefined): string {
  return `${policyFile === undefined ? '' : ` --policy ${shellArgument(policyFile)}`}${mutant === undefined ? '' : ` --mutant ${mutant}`}`;
}

function printAgreement(io: Output, trail: SpinTrail, a: TrailAgreement, handle: ReturnType<typeof trailPath>, policyFile: string | undefined, mutant: string | undefined): void {
  io.out(`\nSPIN:      ${a.spin}\n`);
  io.out(`workbench: ${terminalSafe(a.workbench, { longestRun: 80 })}\n`);
  io.out(a.agrees ? 'AGREES: the workbench replays the violation SPIN found.\n' : 'DISAGREES: the workbench does not show what SPIN found on the same model. This is a finding: one of the two interpretations of the rules is wrong (or the trail was made on another model of the same shape).\n');
  io.out(`replay: guillotine replay${machineArguments(policyFile, mutant)} --path '${handle.path}'${handle.cycle === null ? '' : ` --cycle '${handle.cycle}'`}${trail.finding.kind === 'invalid-end-state' ? " --cycle ''" : ''}\n`);
}

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
