/**
 * Logs for the tests of `guillotine validate`: written by the simulator (free-running soaks, or a
 * scripted machine driven one §7 event at a time), or written by hand from a behaviour of the
 * statechart (what a perfect implementation would log), and edited the ways a log goes wrong.
 */
import { referenceEngine, levelOf } from '../../machines/engine.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { LOG_FORMAT, LOG_KINDS, type LogHeaderInput, type LogKind, type LogRecord } from '../../spec/log.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { LogRecorder, type LogRecorderOptions } from '../../simulator/log.ts';
import type { SimulatorRules } from '../../simulator/rules.ts';
import { runSoak, type SoakReport } from '../../simulator/scenarios/soak.ts';
import { createSimulatorSut } from '../../simulator/sut.ts';

/** The soak's log lines (header first) and its report. */
export function soakLog(options: { hours: number; seed?: number; policy?: Policy; rules?: SimulatorRules; log?: LogRecorderOptions }): { lines: string[]; report: SoakReport } {
  const lines: string[] = [];
  const report = runSoak({
    seed: options.seed ?? 20261123, hours: options.hours,
    ...(options.policy ? { policy: options.policy } : {}), ...(options.rules ? { rules: options.rules } : {}),
    log: { write: (line) => lines.push(line), ...(options.log ? { options: options.log } : {}) },
  });
  return { lines, report };
}

/** The lines as a log file's text. */
export const text = (lines: readonly string[]) => lines.join('\n') + '\n';

/**
 * The log a scripted simulator writes while it receives `events` one at a time (the conformance
 * adapter; its clock is not real time, so the header says `timed: false`).
 */
export function scriptedLog(policy: Policy, events: readonly GuillotineEvent[], rules?: () => SimulatorRules): string[] {
  const sut = createSimulatorSut(rules ? { rules, seed: 7 } : { seed: 7 });
  sut.reset(policy);
  const lines: string[] = [];
  const recorder = new LogRecorder(sut.system, (line) => lines.push(line), { timed: false });
  for (const event of events) sut.send(event);
  recorder.finish();
  return lines;
}

/** Time between two records of {@link statechartLog}: longer than every timer of the default policy. */
export const SPACING_MS = 601_000;

/**
 * The log a perfect implementation would write for `events`: every stimulus recorded (as a §7
 * event) with every field the statechart shows after it, one record every {@link SPACING_MS}.
 */
export function statechartLog(policy: Policy, events: readonly GuillotineEvent[], complete: readonly LogKind[] = LOG_KINDS): string[] {
  const engine = referenceEngine(policy);
  const header: LogHeaderInput = { format: LOG_FORMAT, complete: [...complete], policy };
  const lines = [JSON.stringify(header)];
  let state = engine.initial();
  events.forEach((event, i) => {
    const step = engine.step(state, event);
    const change = step.effects.find((e) => e.kind === 'level');
    state = step.state;
    const c = state.context;
    const record: LogRecord = {
      t: (i + 1) * SPACING_MS, event, level: levelOf(state),
      proposal: c.proposal === null ? null : { from: c.proposal.from, to: c.proposal.to, approvals: [...c.proposal.approvals] },
      hypervisor: state.value.hypervisor === 'rebooting' ? 'rebooting' : 'running', capabilities: c.outputs, actuators: [...c.pendingActuators], missed: c.missedHeartbeats,
      ...(change && change.kind === 'level' ? { record: { from: change.from, to: change.to, cause: change.cause } } : {}),
    };
    lines.push(JSON.stringify(record));
  });
  return lines;
}

/** The default policy, for brevity. */
export const POLICY = DEFAULT_POLICY;

/** Parses a log line (a record). */
export const record = (line: string) => JSON.parse(line) as LogRecord;
