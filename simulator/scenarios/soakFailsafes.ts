/**
 * The soak's fail-safe triggers, each a random process registering what the policy then requires:
 *
 * - **heartbeat outages**: the link drops everything for a while — short outages (fewer than
 *   `missLimit - 1` periods, which must *not* trip the watchdog) and long ones (at least `missLimit`
 *   periods, which must force offline within `missLimit + 1` periods of the last heartbeat heard);
 * - **alarms**: the detector asks for a random level above standard (capped by the policy);
 * - **faults**: an MCE or an assertion failure, then a 20–45 s reboot;
 * - **actuator jams**: an actuator will not move for a while, so it may miss its confirmation
 *   deadline: below the escalation cap the level must rise one step, at the cap the admins must be alerted.
 */
import { ACTUATORS, LEVELS, levelAt, levelIndex, maxLevel, minLevel, type Actuator } from '../../spec/levels.ts';
import { MICROS_PER_SECOND, type Micros } from '../clock.ts';
import { poisson, type SoakRun } from './soakRun.ts';

const MS = 1_000;

export interface Outage {
  readonly start: Micros;
  readonly end: Micros;
  readonly long: boolean;
}

/** A span of time the hypervisor was down (its end filled in when the reboot completes). */
export interface Downtime {
  readonly start: Micros;
  end: Micros;
}

/** The outages of the run. */
export interface OutageLog {
  readonly outages: readonly Outage[];
  /** The longest outage that must not trip the watchdog, in µs. */
  readonly shortMax: Micros;
}

/** Schedules the heartbeat outages. */
export function scheduleOutages(run: SoakRun): OutageLog {
  const { system, clock, period, policy } = run;
  const limit = policy.heartbeat.missLimit;
  const outages: Outage[] = [];
  const shortMax = (limit - 1) * period - MS; // at most limit - 1 heartbeats lost: must not trip
  const longMin = limit * period + MS; // at least `limit` consecutive heartbeats lost: must trip
  poisson(run, 'link-outage', run.rates.linkOutage, (random) => {
    const long = shortMax <= 0.05 * period || random.chance(0.5);
    const duration = long ? longMin + random.float() * 3 * period : 0.05 * period + random.float() * (shortMax - 0.05 * period);
    outages.push({ start: clock.now, end: clock.now + duration, long });
    system.cutLink(clock.now + duration);
    // The watchdog's clock starts at the last heartbeat it heard; read when the trip is judged.
    if (long && system.hypervisor.isRunning) run.triggers.expect('heartbeat-loss', maxLevel(system.level, 'offline'), (limit + 1) * period, { since: () => system.heartbeats.lastDeliveredAt });
  });
  return { outages, shortMax };
}

/** Schedules the detector's alarms. */
export function scheduleAlarms(run: SoakRun): void {
  const { system, policy } = run;
  poisson(run, 'alarm', run.rates.alarm, (random) => {
    const asked = levelAt(1 + random.int(LEVELS.length - 1));
    run.triggers.expect('alarm', minLevel(asked, policy.detector.maxLevel), 0);
    system.alarm(asked);
  });
}

/** Schedules MCEs and assertion failures, recording each reboot's downtime. */
export function scheduleFaults(run: SoakRun, downtimes: Downtime[]): void {
  const { system, clock, policy } = run;
  const fault = (kind: 'mce' | 'assertion-failure') => {
    if (!system.hypervisor.isRunning) return; // one reboot at a time (a second fault during a reboot is no new trigger)
    run.triggers.expect(kind, maxLevel(system.level, policy.faults.rebootLevel), 0);
    const start = clock.now;
    system.fault(kind);
    downtimes.push({ start, end: Number.POSITIVE_INFINITY });
    // A fault cancels the open proposal even when the level does not change (a reboot level of standard).
    run.triggers.cancelClosedProposals();
  };
  poisson(run, 'mce', run.rates.mce, () => fault('mce'));
  poisson(run, 'assertion-failure', run.rates.assertionFailure, () => fault('assertion-failure'));
  system.onRebootComplete.push(() => {
    const last = downtimes.at(-1);
    if (last && last.end === Number.POSITIVE_INFINITY) last.end = clock.now;
  });
}

/** Jams actuators; the admins' recovery also jams one just before a move it commands. */
export interface Jams {
  jam(actuator: Actuator, forMicros: Micros): void;
  /** Jams so far. */
  readonly count: number;
  /** Actuator faults at or beyond the escalation cap, and how many of them alerted the admins. */
  readonly atCap: number;
  readonly alerted: number;
}

/** Schedules random actuator jams and judges every missed confirmation deadline. */
export function scheduleActuatorJams(run: SoakRun): Jams {
  const { system, clock, policy } = run;
  const tally = { count: 0, atCap: 0, alerted: 0 };
  const jam = (actuator: Actuator, forMicros: Micros) => {
    tally.count++;
    system.physical.jam(actuator, clock.now + forMicros);
  };
  poisson(run, 'actuator-jam', run.rates.actuatorJam, (random) => jam(random.pick(ACTUATORS.slice(0, 2)), 1 * MICROS_PER_SECOND + random.float() * 60 * MICROS_PER_SECOND));
  const cap = policy.actuators.escalateOnFailureUpTo;
  system.onActuatorFault.push((_actuator, commandedAt) => {
    // Below the cap a missed deadline must raise the level one step, within the deadline of the command.
    if (levelIndex(system.level) < levelIndex(cap)) run.triggers.expect('actuator-fault', levelAt(levelIndex(system.level) + 1), policy.actuators.confirmDeadlineMs * MS, { since: () => commandedAt });
    else {
      // At or beyond the cap the admins must be alerted instead (checked once the fault is handled).
      run.triggers.absorb('actuator-fault', 'absorbed');
      tally.atCap++;
      const before = system.alerts.length;
      clock.after(0, 'alert check', () => {
        if (system.alerts.length > before) tally.alerted++;
      });
    }
  });
  return {
    jam,
    get count() {
      return tally.count;
    },
    get atCap() {
      return tally.atCap;
    },
    get alerted() {
      return tally.alerted;
    },
  };
}
