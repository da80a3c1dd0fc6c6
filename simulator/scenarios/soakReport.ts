/**
 * The soak's figures and claims, computed once the run is over from what the machine recorded
 * (level changes, escapes, alerts, refusals), the book of triggers, the outages and reboots, the
 * actuator jams, the admins' tally, and the statechart run beside the simulation.
 */
import { LEVELS, levelIndex, maxLevel, type Level } from '../../spec/levels.ts';
import { MICROS_PER_SECOND, type Micros } from '../clock.ts';
import type { RefusalCode } from '../console.ts';
import { CHANGE_CAUSES, type ChangeCause, type LevelChange } from '../physical.ts';
import type { MonitorReport } from '../statechartMonitor.ts';
import type { EscapeKind } from '../system.ts';
import { claim, round, type Claim } from './report.ts';
import type { AdminTally } from './soakAdmins.ts';
import type { Downtime, Jams, OutageLog } from './soakFailsafes.ts';
import type { SoakRun } from './soakRun.ts';
import { SOAK_TRIGGERS, type SoakTrigger, type TriggerFigures, type TriggerPoint } from './soakTriggers.ts';

export const ESCAPE_KINDS: readonly EscapeKind[] = ['drop-without-quorum', 'port-above-level', 'core-running-at-halted-level', 'invalid-request-serviced', 'executable-mapping-changed'];

const MS = 1_000;
const seconds = (t: Micros) => round(t / MICROS_PER_SECOND, 3);

/** One point of the level-over-time series: a change of level (only changes are kept). */
export interface LevelPoint {
  readonly atS: number;
  readonly level: Level;
  readonly cause: ChangeCause | 'start';
}

export interface SoakReport {
  readonly scenario: 'soak';
  readonly seed: number;
  readonly holds: boolean;
  readonly hours: number;
  readonly heartbeatPeriodMs: number;
  /** Actions the event queue ran (the simulator's events). */
  readonly simulatedEvents: number;
  readonly triggers: readonly TriggerFigures[];
  readonly levelChanges: { readonly total: number; readonly byCause: Readonly<Record<ChangeCause, number>> };
  readonly escapes: { readonly total: number; readonly byKind: Readonly<Record<EscapeKind, number>>; readonly first: readonly { readonly atS: number; readonly kind: EscapeKind; readonly detail: string }[] };
  /** Fraction of the run spent at each level. */
  readonly timeAtLevel: Readonly<Record<Level, number>>;
  readonly heartbeats: { readonly sent: number; readonly delivered: number; readonly lost: number };
  readonly outages: { readonly short: number; readonly long: number; readonly falseTrips: number };
  readonly votes: { readonly counted: number; readonly attacks: number; readonly attacksCounted: number; readonly refusedByCode: Readonly<Partial<Record<RefusalCode, number>>> };
  readonly recoveries: { readonly deescalations: number; readonly expired: number };
  readonly actuatorJams: number;
  readonly alerts: number;
  /** Actuator faults at or beyond the escalation cap, and how many of them alerted the admins. */
  readonly actuatorFaultsAtCap: { readonly faults: number; readonly alerted: number };
  readonly levelRecordIntact: boolean;
  /** The statechart run beside the simulation: stimuli stepped, disagreements, the first one. */
  readonly statechart: MonitorReport;
  /** What a plot needs: level changes and triggers on the time axis (seconds). */
  readonly series: { readonly levels: readonly LevelPoint[]; readonly triggers: readonly TriggerPoint[] };
  readonly claims: readonly Claim[];
}

/** What the parts of the run hand the report. */
export interface SoakParts {
  readonly outages: OutageLog;
  readonly downtimes: readonly Downtime[];
  readonly jams: Jams;
  readonly admins: AdminTally;
  readonly statechart: MonitorReport;
}

/** The report of a finished run. */
export function soakReport(run: SoakRun, parts: SoakParts): SoakReport {
  const { policy, system, clock, end, seed, hours } = run;
  const { jams, admins, statechart } = parts;
  const { requires, deadlines } = triggerRequirements(run);
  const { triggers, points } = run.triggers.close(end, requires, deadlines);

  const byCause = Object.fromEntries(CHANGE_CAUSES.map((c) => [c, 0])) as Record<ChangeCause, number>;
  for (const c of system.changes) byCause[c.cause]++;
  const byKind = Object.fromEntries(ESCAPE_KINDS.map((k) => [k, 0])) as Record<EscapeKind, number>;
  for (const e of system.escapes) byKind[e.kind]++;

  const timeAt = timeAtLevel(system.changes, end);
  const falseTrips = unjustifiedTrips(run, parts.outages, parts.downtimes);

  const refusedByCode: Partial<Record<RefusalCode, number>> = {};
  for (const [code, n] of [...system.console.refusals].sort(([a], [b]) => a.localeCompare(b))) refusedByCode[code] = n;

  const levels: LevelPoint[] = [{ atS: 0, level: 'standard', cause: 'start' }, ...system.changes.map((c) => ({ atS: seconds(c.at), level: c.to, cause: c.cause }))];
  const claims = soakClaims(run, parts, { triggers, byKind, falseTrips, refusedByCode, timeAt });

  return {
    scenario: 'soak', seed, holds: claims.every((c) => c.holds), hours, heartbeatPeriodMs: policy.heartbeat.periodMs, simulatedEvents: clock.processed,
    triggers,
    levelChanges: { total: system.changes.length, byCause },
    escapes: { total: system.escapes.length, byKind, first: system.escapes.slice(0, 5).map((e) => ({ atS: seconds(e.at), kind: e.kind, detail: e.detail })) },
    timeAtLevel: timeAt,
    heartbeats: { sent: system.heartbeats.sent, delivered: system.heartbeats.delivered, lost: system.heartbeats.lost },
    outages: { short: parts.outages.outages.filter((o) => !o.long).length, long: parts.outages.outages.filter((o) => o.long).length, falseTrips },
    votes: { counted: admins.counted.length, attacks: admins.attacks, attacksCounted: admins.attacksCounted, refusedByCode },
    recoveries: { deescalations: admins.deescalations, expired: admins.expired },
    actuatorJams: jams.count,
    alerts: system.alerts.length,
    actuatorFaultsAtCap: { faults: jams.atCap, alerted: jams.alerted },
    levelRecordIntact: system.physical.verifyChain(),
    statechart,
    series: { levels, triggers: points },
    claims,
  };
}


/** What the policy requires of each trigger, in words, and its deadline in ms. */
function triggerRequirements(run: SoakRun): { requires: Record<SoakTrigger, string>; deadlines: Record<SoakTrigger, number> } {
  const { policy, period } = run;
  const limit = policy.heartbeat.missLimit;
  const cap = policy.actuators.escalateOnFailureUpTo;
  const requires: Record<SoakTrigger, string> = {
    'heartbeat-loss': `offline within ${limit + 1} heartbeat periods of the last heartbeat heard`,
    alarm: `the level asked, capped at ${policy.detector.maxLevel}, at once`,
    mce: `${policy.faults.rebootLevel} or higher at once, kept across the reboot`,
    'assertion-failure': `${policy.faults.rebootLevel} or higher at once, kept across the reboot`,
    'actuator-fault': `one level up (to at most ${cap}) when the confirmation deadline passes`,
    'escalation-quorum': 'the proposed level the moment the quorum is reached',
    'escalation-timeout': policy.quorum.onTimeout === 'restrictive' ? 'the proposed level when the quorum timer expires' : 'nothing (the policy drops expired proposals)',
  };
  const deadlines: Record<SoakTrigger, number> = {
    'heartbeat-loss': ((limit + 1) * period) / MS,
    alarm: 0,
    mce: 0,
    'assertion-failure': 0,
    'actuator-fault': policy.actuators.confirmDeadlineMs,
    'escalation-quorum': 0,
    'escalation-timeout': policy.quorum.timeoutSeconds * 1_000,
  };
  return { requires, deadlines };
}

/** The soak's claims, each with the evidence that decides it. */
function soakClaims(
  run: SoakRun,
  parts: SoakParts,
  figures: { readonly triggers: readonly TriggerFigures[]; readonly byKind: Readonly<Record<EscapeKind, number>>; readonly falseTrips: number; readonly refusedByCode: Readonly<Partial<Record<RefusalCode, number>>>; readonly timeAt: Readonly<Record<Level, number>> },
): Claim[] {
  const { policy, system, hours } = run;
  const { jams, admins, statechart } = parts;
  const { triggers, byKind, falseTrips, refusedByCode, timeAt } = figures;
  const limit = policy.heartbeat.missLimit;
  const cap = policy.actuators.escalateOnFailureUpTo;
  const escapesTotal = system.escapes.length;
  const totalMissed = triggers.reduce((s, t) => s + t.missedDeadline, 0);
  const destroyedByFailsafe = system.changes.filter((c) => c.cause !== 'quorum' && c.cause !== 'timeout' && levelIndex(c.to) > levelIndex('offline'));
  // Triggers the policy itself makes unable to raise the level are not asked to: an expiry under
  // `unchanged` or with a quorum of one (every proposal is at quorum at once), a fault whose reboot level is standard.
  const impossible = new Set<SoakTrigger>([
    ...(policy.quorum.onTimeout === 'unchanged' || policy.quorum.escalate === 1 ? ['escalation-timeout' as const] : []),
    ...(policy.faults.rebootLevel === 'standard' ? ['mce' as const, 'assertion-failure' as const] : []),
    ...(policy.actuators.escalateOnFailureUpTo === 'standard' ? ['actuator-fault' as const] : []),
  ]);
  const unexercised = SOAK_TRIGGERS.filter((t) => !impossible.has(t) && triggers.find((f) => f.trigger === t)!.effective === 0);

  return [
    claim('no-escapes', 'no drop without quorum, no port serviced above its level, no model core running at offline or above (nor any other escape)', escapesTotal === 0,
      escapesTotal === 0 ? `0 escapes in ${hours} h` : ESCAPE_KINDS.filter((k) => byKind[k] > 0).map((k) => `${k}: ${byKind[k]}`).join(', ') + ` — first: ${system.escapes[0]!.detail}`),
    claim('deadlines-met', "every trigger reached the level the policy requires within the policy's deadline", totalMissed === 0,
      triggers.map((t) => `${t.trigger} ${t.effective - t.missedDeadline}/${t.effective}${t.timeToLevelMs.max !== null ? ` (max ${t.timeToLevelMs.max} ms ≤ ${t.deadlineMs})` : ''}`).join('; ')),
    claim('actuator-faults-alert-at-cap', `an actuator fault at or beyond ${cap} alerts the admins instead of raising the level`, jams.alerted === jams.atCap,
      `${jams.atCap} faults at the cap, ${jams.alerted} alerted`),
    claim('no-false-watchdog-trip', `outages shorter than ${limit - 1} heartbeat period(s) never trip the watchdog`, falseTrips === 0,
      `${parts.outages.outages.filter((o) => !o.long).length} short and ${parts.outages.outages.filter((o) => o.long).length} long outages; ${falseTrips} unjustified trips`),
    claim('failsafes-never-destroy', 'no fail-safe raises the level to decapitation or immolation (destruction needs people)', destroyedByFailsafe.length === 0,
      destroyedByFailsafe.length === 0 ? `highest fail-safe level: ${system.changes.filter((c) => c.cause !== 'quorum' && c.cause !== 'timeout').reduce<Level>((m, c) => maxLevel(m, c.to), 'standard')}` : destroyedByFailsafe.map((c) => `${c.cause} → ${c.to} at ${seconds(c.at)} s`).slice(0, 3).join('; ')),
    claim('attack-votes-refused', 'every forged, replayed, non-admin, stale or duplicate vote is refused and logged', admins.attacks > 0 && admins.attacksCounted === 0,
      `${admins.attacks} attack votes, ${admins.attacksCounted} counted; refusals by code: ${Object.entries(refusedByCode).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`),
    claim('follows-statechart', 'before every stimulus the statechart, fed the same stimuli, agrees on the level, the open proposal and the hypervisor', statechart.divergences === 0,
      statechart.first === null ? `${statechart.steps} stimuli stepped through the statechart, 0 disagreements`
        : `${statechart.divergences} disagreement(s); first at ${seconds(statechart.first.atMicros)} s: ${statechart.first.what}, after ${statechart.first.recent.join(',')}`),
    claim('level-record-intact', "the physical hypervisor's hash-chained level record verifies end to end", system.physical.verifyChain(), `${system.physical.history.length} entries`),
    claim('every-trigger-exercised', 'each trigger kind occurred at least once while it could raise the level (the soak is not vacuous)', unexercised.length === 0,
      unexercised.length === 0 ? triggers.map((t) => `${t.trigger} ${t.effective}`).join(', ') : `never effective: ${unexercised.join(', ')} — the level was always at or above what they require (time at offline or above: ${round((timeAt.offline + timeAt.decapitation + timeAt.immolation) * 100, 1)} %); run longer with --hours, or see why the level stays high`),
  ];
}

/** Fraction of the run spent at each level, from the level changes. */
function timeAtLevel(changes: readonly LevelChange[], end: Micros): Record<Level, number> {
  const timeAt = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  let since = 0;
  let at: Level = 'standard';
  for (const c of changes) {
    timeAt[at] += c.at - since;
    since = c.at;
    at = c.to;
  }
  timeAt[at] += end - since;
  for (const l of LEVELS) timeAt[l] = round(timeAt[l] / end, 4);
  return timeAt;
}

/**
 * Watchdog trips no outage or reboot explains. A trip is justified by more than `shortMax` of
 * outage in the (limit + 1) periods before it (back-to-back outages add up) or a reboot in them.
 */
function unjustifiedTrips(run: SoakRun, outages: OutageLog, downtimes: readonly Downtime[]): number {
  const window = (run.policy.heartbeat.missLimit + 1) * run.period;
  const overlap = (a: { start: Micros; end: Micros }, from: Micros, to: Micros) => Math.max(0, Math.min(a.end, to) - Math.max(a.start, from));
  const justified = (t: Micros) =>
    outages.outages.reduce((sum, o) => sum + overlap(o, t - window, t), 0) > outages.shortMax || downtimes.some((d) => overlap(d, t - window, t) > 0 || d.start === t);
  return run.system.changes.filter((c) => c.cause === 'heartbeat' && !justified(c.at)).length;
}
