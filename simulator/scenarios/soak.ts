/**
 * Experiment 3 — the fail-safe soak (seed summary, "Next Checks" 3). One free-running machine
 * (real heartbeat, watchdog, actuator and quorum timers) runs for `hours` of virtual time under a
 * random stream of triggers, each a Poisson process with its own PRNG stream:
 *
 * - **heartbeat-loss**: the heartbeat link drops everything for a while — short outages (fewer
 *   than `missLimit - 1` periods, which must *not* trip the watchdog) and long ones (at least
 *   `missLimit` periods, which must force offline);
 * - **alarm**: the detector asks for a random level above standard;
 * - **mce**, **assertion-failure**: a fault on a hypervisor core, then a 20–45 s reboot;
 * - **actuator-fault**: an actuator jams (at random, and sometimes just before a de-escalation
 *   commands it to move), so it misses its confirmation deadline;
 * - **escalation-quorum**, **escalation-timeout**: admins propose an escalation (never past
 *   offline: destruction is not a soak event) that either gathers its quorum or is left to expire;
 * - **vote attacks**: forged, replayed, non-admin, stale and duplicate votes, all of which must be refused;
 * - and, in between, the admins **recover**: after a review delay they de-escalate one level at a
 *   time with signed votes, sometimes falling one approval short so the proposal expires.
 *
 * For each trigger the soak measures the time from its cause to the moment the level reaches
 * what the policy requires (p50, p99, max) against the policy's deadline for it; it counts level
 * changes by cause and the escape monitor's escapes, which must be 0; and the statechart runs
 * beside it (`statechartMonitor.ts`), fed the same stimuli, and must agree before every one.
 *
 * Known limits: admins never escalate past offline and fail-safes are capped by the policy, so a
 * soak of a safe policy never reaches decapitation (destruction is not a soak event); the
 * hypervisor's software is not simulated beyond its ports, heartbeats and reboots.
 *
 * Idle time costs nothing: the event queue jumps from one pending action to the next, so 72 h at
 * a 1 s heartbeat is about a million events (three per heartbeat period: the heartbeat task, its
 * arrival, the watchdog's check).
 *
 * The parts, each in its own file: the book of triggers (`soakTriggers.ts`), the fail-safe
 * triggers (`soakFailsafes.ts`), the admins (`soakAdmins.ts`), the figures and claims
 * (`soakReport.ts`). With `log`, the machine also writes the log a deployment would
 * (`simulator/log.ts`), which `guillotine validate` checks against the statechart.
 */
import { DEFAULT_POLICY, adminIds, type Policy } from '../../spec/policy.ts';
import { MICROS_PER_SECOND } from '../clock.ts';
import { GuillotineSystem } from '../system.ts';
import { Prng } from '../prng.ts';
import { backgroundWorkload } from '../programs.ts';
import { deriveKey, type SigningKey } from '../keys.ts';
import type { SimulatorRules } from '../rules.ts';
import { StatechartMonitor } from '../statechartMonitor.ts';
import { LogRecorder, type LogRecorderOptions } from '../log.ts';
import { DEFAULT_RATES, HOUR, type SoakRates, type SoakRun } from './soakRun.ts';
import { TriggerBook } from './soakTriggers.ts';
import { scheduleActuatorJams, scheduleAlarms, scheduleFaults, scheduleOutages, type Downtime } from './soakFailsafes.ts';
import { scheduleAdmins } from './soakAdmins.ts';
import { soakReport, type SoakReport } from './soakReport.ts';

export { SOAK_TRIGGERS, type SoakTrigger, type TriggerFigures, type TriggerPoint } from './soakTriggers.ts';
export { DEFAULT_RATES, type SoakRates } from './soakRun.ts';
export { ESCAPE_KINDS, type LevelPoint, type SoakReport } from './soakReport.ts';

export interface SoakOptions {
  readonly seed: number;
  readonly policy?: Policy;
  /** Simulated hours (default 72). */
  readonly hours?: number;
  readonly rates?: Partial<SoakRates>;
  /** The rules the machine runs (default: the correct ones); a test of the soak passes broken ones. */
  readonly rules?: SimulatorRules;
  /** Called once per simulated hour (the CLI's progress line). */
  readonly onProgress?: (simulatedHours: number, totalHours: number) => void;
  /** Writes the run's log (`spec/log.ts`): each line to `write`, without its newline; `options` choose what is recorded. */
  readonly log?: { readonly write: (line: string) => void; readonly options?: LogRecorderOptions };
}

/** Runs the soak. Deterministic in `seed` (and the options); wall time is not part of the report. */
export function runSoak(options: SoakOptions): SoakReport {
  const policy = options.policy ?? DEFAULT_POLICY;
  const hours = options.hours ?? 72;
  if (!(hours > 0 && Number.isFinite(hours))) throw new RangeError(`soak hours must be a positive number, got ${hours}`);
  const seed = options.seed;
  const system = new GuillotineSystem({ policy, seed, mode: 'free-running', ...(options.rules ? { rules: options.rules } : {}) });
  system.keepServiced = false;
  system.core.record = false;
  // The statechart runs beside the simulation and receives the same stimuli (see statechartMonitor.ts).
  const monitor = new StatechartMonitor(system);
  const recorder = options.log === undefined ? null : new LogRecorder(system, options.log.write, options.log.options);
  const ids = adminIds(policy);
  const run: SoakRun = {
    policy, seed, hours, end: Math.round(hours * HOUR), rates: { ...DEFAULT_RATES, ...options.rates }, system, clock: system.clock, root: new Prng(seed),
    period: policy.heartbeat.periodMs * 1_000, ids, keys: new Map<string, SigningKey>(ids.map((id) => [id, deriveKey(seed, id)])), triggers: new TriggerBook(system),
  };

  // The order below is the order of the first events on the clock: changing it changes the run.
  const outages = scheduleOutages(run);
  scheduleAlarms(run);
  const downtimes: Downtime[] = [];
  scheduleFaults(run, downtimes);
  const jams = scheduleActuatorJams(run);
  const admins = scheduleAdmins(run, jams);
  backgroundWorkload(10 * MICROS_PER_SECOND).start(system, run.root.fork('soak:workload'), run.end);

  // Hour by hour, so progress can be reported without putting anything on the queue (the event
  // count, and so the result, is the same with or without a progress listener).
  for (let h = 1; (h - 1) * HOUR < run.end; h++) {
    run.clock.runUntil(Math.min(h * HOUR, run.end));
    options.onProgress?.(Math.min(h, hours), hours);
  }
  recorder?.finish();
  return soakReport(run, { outages, downtimes, jams, admins, statechart: monitor.finish() });
}
