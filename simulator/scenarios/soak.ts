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
 */
import { ACTUATORS, LEVELS, actuatorPositions, levelAt, levelIndex, maxLevel, minLevel, type Actuator, type Level } from '../../spec/levels.ts';
import { DEFAULT_POLICY, adminIds, type Policy } from '../../spec/policy.ts';
import { CHANGE_CAUSES, type ChangeCause, type LevelChange } from '../physical.ts';
import { MICROS_PER_SECOND, type Micros } from '../clock.ts';
import { GuillotineSystem, type EscapeKind } from '../system.ts';
import { Prng } from '../prng.ts';
import { backgroundWorkload } from '../programs.ts';
import { signVote, type RefusalCode, type Vote } from '../console.ts';
import { deriveKey, type SigningKey } from '../keys.ts';
import type { SimulatorRules } from '../rules.ts';
import { StatechartMonitor, type MonitorReport } from '../statechartMonitor.ts';
import { claim, percentiles, round, type Claim, type Percentiles } from './report.ts';

export const SOAK_TRIGGERS = ['heartbeat-loss', 'alarm', 'mce', 'assertion-failure', 'actuator-fault', 'escalation-quorum', 'escalation-timeout'] as const;
export type SoakTrigger = (typeof SOAK_TRIGGERS)[number];

export const ESCAPE_KINDS: readonly EscapeKind[] = ['drop-without-quorum', 'port-above-level', 'core-running-at-halted-level', 'invalid-request-serviced', 'executable-mapping-changed'];

/** Mean occurrences per simulated hour of each random process. */
export interface SoakRates {
  readonly linkOutage: number;
  readonly alarm: number;
  readonly mce: number;
  readonly assertionFailure: number;
  readonly actuatorJam: number;
  readonly escalationProposal: number;
  readonly voteAttack: number;
}

export const DEFAULT_RATES: SoakRates = { linkOutage: 1.5, alarm: 1, mce: 0.25, assertionFailure: 0.25, actuatorJam: 2, escalationProposal: 0.5, voteAttack: 1 };

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
}

/** How the soak judged one trigger kind. Times in ms. */
export interface TriggerFigures {
  readonly trigger: SoakTrigger;
  /** What the policy requires, in words. */
  readonly requires: string;
  /** Occurrences. */
  readonly fired: number;
  /** Occurrences that required a higher level than the current one (the ones timed). */
  readonly effective: number;
  /** Occurrences whose required level was already in force. */
  readonly absorbed: number;
  /** Escalations cancelled by another change of level before they applied (§3), or expired ones the policy drops. */
  readonly cancelled: number;
  readonly deadlineMs: number;
  readonly timeToLevelMs: Percentiles;
  /** Effective occurrences that reached their level late, or never. */
  readonly missedDeadline: number;
}

/** One point of the level-over-time series: a change of level (only changes are kept). */
export interface LevelPoint {
  readonly atS: number;
  readonly level: Level;
  readonly cause: ChangeCause | 'start';
}

/** One trigger on the time axis, with how long the machine took to reach the required level. */
export interface TriggerPoint {
  readonly atS: number;
  readonly trigger: SoakTrigger;
  readonly required: Level;
  /** null when the occurrence was absorbed, cancelled or never met. */
  readonly ms: number | null;
  readonly outcome: 'met' | 'late' | 'unmet' | 'absorbed' | 'cancelled';
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

interface Pending {
  readonly trigger: SoakTrigger;
  readonly at: Micros;
  readonly required: Level;
  readonly deadlineMicros: Micros;
  /** When the clock starts (usually `at`; for heartbeat loss, the last heartbeat heard). */
  readonly since: () => Micros;
  /** For escalations: the proposal's nonce; cancelled when it closes below its target. */
  readonly nonce?: number;
  done: boolean;
}

const HOUR = 3_600 * MICROS_PER_SECOND;
const MS = 1_000;

/** Runs the soak. Deterministic in `seed` (and the options); wall time is not part of the report. */
export function runSoak(options: SoakOptions): SoakReport {
  const policy = options.policy ?? DEFAULT_POLICY;
  const hours = options.hours ?? 72;
  if (!(hours > 0 && Number.isFinite(hours))) throw new RangeError(`soak hours must be a positive number, got ${hours}`);
  const rates = { ...DEFAULT_RATES, ...options.rates };
  const end = Math.round(hours * HOUR);
  const seed = options.seed;
  const system = new GuillotineSystem({ policy, seed, mode: 'free-running', ...(options.rules ? { rules: options.rules } : {}) });
  system.keepServiced = false;
  system.core.record = false;
  // The statechart runs beside the simulation and receives the same stimuli (see statechartMonitor.ts).
  const monitor = new StatechartMonitor(system);
  const { clock } = system;
  const root = new Prng(seed);
  const period = policy.heartbeat.periodMs * MS;
  const limit = policy.heartbeat.missLimit;
  const ids = adminIds(policy);
  const keys = new Map<string, SigningKey>(ids.map((id) => [id, deriveKey(seed, id)]));

  // ------------------------------------------------------------ triggers and their deadlines

  const pending: Pending[] = [];
  const points: TriggerPoint[] = [];
  const fired = new Map<SoakTrigger, number>(SOAK_TRIGGERS.map((t) => [t, 0]));
  const absorbed = new Map<SoakTrigger, number>(SOAK_TRIGGERS.map((t) => [t, 0]));
  const cancelled = new Map<SoakTrigger, number>(SOAK_TRIGGERS.map((t) => [t, 0]));
  const times = new Map<SoakTrigger, number[]>(SOAK_TRIGGERS.map((t) => [t, []]));
  const late = new Map<SoakTrigger, number>(SOAK_TRIGGERS.map((t) => [t, 0]));
  const bump = (m: Map<SoakTrigger, number>, t: SoakTrigger) => m.set(t, m.get(t)! + 1);
  const seconds = (t: Micros) => round(t / MICROS_PER_SECOND, 3);

  /** Registers a trigger that requires `required`; resolved on the first level change that reaches it. */
  function expect(trigger: SoakTrigger, required: Level, deadlineMicros: Micros, extra: { since?: () => Micros; nonce?: number } = {}): void {
    bump(fired, trigger);
    if (levelIndex(system.level) >= levelIndex(required)) {
      bump(absorbed, trigger);
      points.push({ atS: seconds(clock.now), trigger, required, ms: null, outcome: 'absorbed' });
      return;
    }
    const at = clock.now;
    pending.push({ trigger, at, required, deadlineMicros, since: extra.since ?? (() => at), ...(extra.nonce !== undefined ? { nonce: extra.nonce } : {}), done: false });
  }

  function resolve(p: Pending, outcome: 'met' | 'cancelled'): void {
    p.done = true;
    if (outcome === 'cancelled') {
      bump(cancelled, p.trigger);
      points.push({ atS: seconds(p.at), trigger: p.trigger, required: p.required, ms: null, outcome });
      return;
    }
    const ms = round((clock.now - p.since()) / MS, 3);
    times.get(p.trigger)!.push(ms);
    const onTime = clock.now - p.since() <= p.deadlineMicros;
    if (!onTime) bump(late, p.trigger);
    points.push({ atS: seconds(p.at), trigger: p.trigger, required: p.required, ms, outcome: onTime ? 'met' : 'late' });
  }

  system.onLevelChange.push((change: LevelChange) => {
    let sweep = false;
    for (const p of pending) {
      if (p.done) continue;
      if (levelIndex(change.to) >= levelIndex(p.required)) resolve(p, 'met');
      else if (p.nonce !== undefined && system.console.proposal?.nonce !== p.nonce) resolve(p, 'cancelled');
      sweep ||= p.done;
    }
    if (sweep) for (let i = pending.length - 1; i >= 0; i--) if (pending[i]!.done) pending.splice(i, 1);
  });

  /** Schedules `act` as a Poisson process of `perHour` mean rate, from its own stream. */
  function poisson(name: string, perHour: number, act: (random: Prng) => void): void {
    if (!(perHour > 0)) return;
    const random = root.fork(`soak:${name}`);
    const next = () => {
      const at = clock.now + Math.max(1, Math.round(random.exponential(HOUR / perHour)));
      if (at < end) clock.at(at, name, () => {
        act(random);
        next();
      });
    };
    next();
  }

  // ------------------------------------------------------------ heartbeat outages

  const outages: { start: Micros; end: Micros; long: boolean }[] = [];
  const downtimes: { start: Micros; end: Micros }[] = [];
  const shortMax = (limit - 1) * period - MS; // at most limit - 1 heartbeats lost: must not trip
  const longMin = limit * period + MS; // at least `limit` consecutive heartbeats lost: must trip
  poisson('link-outage', rates.linkOutage, (random) => {
    const long = shortMax <= 0.05 * period || random.chance(0.5);
    const duration = long ? longMin + random.float() * 3 * period : 0.05 * period + random.float() * (shortMax - 0.05 * period);
    outages.push({ start: clock.now, end: clock.now + duration, long });
    system.cutLink(clock.now + duration);
    // The watchdog's clock starts at the last heartbeat it heard; read when the trip is judged.
    if (long && system.hypervisor.isRunning) expect('heartbeat-loss', maxLevel(system.level, 'offline'), (limit + 1) * period, { since: () => system.heartbeats.lastDeliveredAt });
  });

  // ------------------------------------------------------------ alarms, faults

  poisson('alarm', rates.alarm, (random) => {
    const asked = levelAt(1 + random.int(LEVELS.length - 1));
    expect('alarm', minLevel(asked, policy.detector.maxLevel), 0);
    system.alarm(asked);
  });

  const fault = (kind: 'mce' | 'assertion-failure') => {
    if (!system.hypervisor.isRunning) return; // one reboot at a time (a second fault during a reboot is no new trigger)
    expect(kind, maxLevel(system.level, policy.faults.rebootLevel), 0);
    const start = clock.now;
    system.fault(kind);
    downtimes.push({ start, end: Number.POSITIVE_INFINITY });
    // A fault cancels the open proposal even when the level does not change (a reboot level of standard).
    for (const p of pending) if (!p.done && p.nonce !== undefined && system.console.proposal?.nonce !== p.nonce) resolve(p, 'cancelled');
  };
  poisson('mce', rates.mce, () => fault('mce'));
  poisson('assertion-failure', rates.assertionFailure, () => fault('assertion-failure'));
  system.onRebootComplete.push(() => {
    const last = downtimes.at(-1);
    if (last && last.end === Number.POSITIVE_INFINITY) last.end = clock.now;
  });

  // ------------------------------------------------------------ actuators

  let jams = 0;
  const jam = (actuator: Actuator, forMicros: Micros) => {
    jams++;
    system.physical.jam(actuator, clock.now + forMicros);
  };
  poisson('actuator-jam', rates.actuatorJam, (random) => jam(random.pick(ACTUATORS.slice(0, 2)), 1 * MICROS_PER_SECOND + random.float() * 60 * MICROS_PER_SECOND));
  const cap = policy.actuators.escalateOnFailureUpTo;
  system.onActuatorFault.push((_actuator, commandedAt) => {
    // Below the cap a missed deadline must raise the level one step, within the deadline of the command.
    if (levelIndex(system.level) < levelIndex(cap)) expect('actuator-fault', levelAt(levelIndex(system.level) + 1), policy.actuators.confirmDeadlineMs * MS, { since: () => commandedAt });
    else {
      // At or beyond the cap the admins must be alerted instead (checked once the fault is handled).
      bump(fired, 'actuator-fault');
      bump(absorbed, 'actuator-fault');
      atCap++;
      const before = system.alerts.length;
      clock.after(0, 'alert check', () => {
        if (system.alerts.length > before) alerted++;
      });
    }
  });
  let atCap = 0;
  let alerted = 0;

  // ------------------------------------------------------------ admins

  const counted: Vote[] = [];
  const submit = (vote: Vote) => {
    const outcome = system.submitVote(vote);
    if (outcome.kind !== 'refused') counted.push(vote);
    return outcome;
  };
  /** The open proposal, if it is still the one with this nonce. */
  const stillOpen = (nonce: number) => (system.console.proposal?.nonce === nonce ? system.console.proposal : null);

  /**
   * Approvals by `voters` (after the proposer), each a little later than the last, all within the
   * quorum timeout (admins answer on the policy's time scale, so a short timeout is not by itself
   * a reason for every proposal to expire).
   */
  function approveLater(random: Prng, nonce: number, voters: readonly string[], onLast?: () => void): void {
    const timeout = policy.quorum.timeoutSeconds * MICROS_PER_SECOND;
    let at = clock.now;
    voters.forEach((admin, i) => {
      at += Math.max(1, Math.round((timeout * (0.1 + 0.8 * random.float())) / (voters.length + 1)));
      clock.at(Math.min(at, end), 'approval', () => {
        const open = stillOpen(nonce);
        if (open === null) return;
        if (i === voters.length - 1) onLast?.();
        submit(signVote(keys.get(admin)!, 'approve', open.nonce, open.from, open.to));
      });
    });
  }

  // Recovery: after a review delay, de-escalate one level, until standard (or an irreversible level).
  const recovery = root.fork('soak:recovery');
  let deescalations = 0;
  let deescalationsExpired = 0;
  const recover = () => {
    const level = system.level;
    const canPropose = system.hypervisor.isRunning && system.console.proposal === null;
    if (level !== 'standard' && !policy.irreversible.includes(level) && canPropose) {
      const target = levelAt(levelIndex(level) - 1);
      const proposer = recovery.pick(ids);
      // Sometimes an actuator jams just before the move this de-escalation commands (long enough to miss its deadline).
      const moves = ACTUATORS.filter((a) => actuatorPositions(level)[a] !== actuatorPositions(target)[a]);
      const jamIt = moves.length > 0 && recovery.chance(0.15);
      const jamBeforeMove = () => jam(recovery.pick(moves), policy.actuators.confirmDeadlineMs * MS * (1.2 + 8 * recovery.float()));
      if (jamIt && policy.quorum.deescalate === 1) jamBeforeMove(); // the proposal itself is the quorum
      const opened = submit(signVote(keys.get(proposer)!, 'propose', system.console.challenge(), level, target));
      if (opened.kind === 'opened' || opened.kind === 'quorum') {
        deescalations++;
        if (opened.kind === 'opened') {
          const short = recovery.chance(0.1);
          const others = ids.filter((id) => id !== proposer);
          const needed = policy.quorum.deescalate - 1 - (short ? 1 : 0);
          if (short) deescalationsExpired++;
          const voters = shuffle(recovery, others).slice(0, Math.max(0, needed));
          approveLater(recovery, opened.proposal.nonce, voters, jamIt ? jamBeforeMove : undefined);
        }
      }
    }
    const delay = Math.round((2 + recovery.exponential(18)) * 60 * MICROS_PER_SECOND);
    if (clock.now + delay < end) clock.after(delay, 'recovery', recover);
  };
  clock.at(Math.round(5 * 60 * MICROS_PER_SECOND), 'recovery', recover);

  poisson('escalation', rates.escalationProposal, (random) => {
    const level = system.level;
    if (levelIndex(level) >= levelIndex('offline') || !system.hypervisor.isRunning || system.console.proposal !== null) return;
    const target = levelAt(levelIndex(level) + 1 + random.int(levelIndex('offline') - levelIndex(level)));
    const proposer = random.pick(ids);
    const opened = submit(signVote(keys.get(proposer)!, 'propose', system.console.challenge(), level, target));
    if (opened.kind === 'quorum') {
      bump(fired, 'escalation-quorum');
      times.get('escalation-quorum')!.push(0);
      if (system.level !== target) bump(late, 'escalation-quorum');
      points.push({ atS: seconds(clock.now), trigger: 'escalation-quorum', required: target, ms: 0, outcome: system.level === target ? 'met' : 'unmet' });
      return;
    }
    if (opened.kind !== 'opened') return;
    const nonce = opened.proposal.nonce;
    const reach = random.chance(0.5) && policy.quorum.escalate > 1;
    const others = shuffle(random, ids.filter((id) => id !== proposer));
    if (reach) {
      approveLater(random, nonce, others.slice(0, policy.quorum.escalate - 1), () => expect('escalation-quorum', target, 0, { nonce }));
    } else {
      // Fewer approvals than the quorum: the proposal expires. Under `restrictive` the escalation then applies.
      approveLater(random, nonce, others.slice(0, Math.max(0, Math.min(policy.quorum.escalate - 2, random.int(policy.quorum.escalate)))));
      if (policy.quorum.onTimeout === 'restrictive') expect('escalation-timeout', target, policy.quorum.timeoutSeconds * MICROS_PER_SECOND, { nonce });
      else {
        bump(fired, 'escalation-timeout');
        bump(cancelled, 'escalation-timeout');
      }
    }
  });

  // ------------------------------------------------------------ vote attacks

  let attacks = 0;
  let attacksCounted = 0;
  const outsider = deriveKey(`${seed}:outsider`, 'mallory');
  poisson('vote-attack', rates.voteAttack, (random) => {
    attacks++;
    const open = system.console.proposal;
    const kind = random.pick(['forged', 'replayed', 'non-admin', 'stale', 'duplicate'] as const);
    const admin = random.pick(ids);
    let vote: Vote;
    const previous = counted.length > 0 ? counted[random.int(counted.length)]! : null;
    if (kind === 'replayed' && previous !== null) vote = previous;
    else if (kind === 'duplicate' && open !== null) {
      // The proposer approves its own proposal: a second approval by the same admin (Ed25519 is
      // deterministic, so a re-sent approval would be a replay; this one is a fresh message).
      vote = signVote(keys.get(open.votes[0]!.admin) ?? keys.get(admin)!, 'approve', open.nonce, open.from, open.to);
    }
    else if (kind === 'non-admin') vote = signVote(outsider, open ? 'approve' : 'propose', open?.nonce ?? system.console.challenge(), open?.from ?? system.level, open?.to ?? 'standard');
    else if (kind === 'stale') vote = signVote(keys.get(admin)!, open ? 'approve' : 'propose', (open?.nonce ?? system.console.challenge()) - 1 - random.int(3), open?.from ?? system.level, open?.to ?? 'standard');
    else {
      // Forged: signed by a key that is not the admin's, under the admin's name.
      const forger = deriveKey(`${seed}:forger`, admin);
      vote = signVote(forger, open ? 'approve' : 'propose', open?.nonce ?? system.console.challenge(), open?.from ?? system.level, open?.to ?? 'standard');
    }
    const outcome = system.submitVote(vote);
    if (outcome.kind !== 'refused') attacksCounted++;
  });

  // ------------------------------------------------------------ the model's workload, progress, run

  backgroundWorkload(10 * MICROS_PER_SECOND).start(system, root.fork('soak:workload'), end);
  // Hour by hour, so progress can be reported without putting anything on the queue (the event
  // count, and so the result, is the same with or without a progress listener).
  for (let h = 1; (h - 1) * HOUR < end; h++) {
    clock.runUntil(Math.min(h * HOUR, end));
    options.onProgress?.(Math.min(h, hours), hours);
  }

  // ------------------------------------------------------------ figures and claims

  for (const p of pending) {
    if (p.done) continue;
    // Still waiting at the end: unmet only if its deadline has passed (a trigger just before the end is not judged).
    if (end - p.since() > p.deadlineMicros) {
      bump(late, p.trigger);
      points.push({ atS: seconds(p.at), trigger: p.trigger, required: p.required, ms: null, outcome: 'unmet' });
    }
  }
  points.sort((a, b) => a.atS - b.atS);
  const statechart = monitor.finish();

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
  const triggers: TriggerFigures[] = SOAK_TRIGGERS.map((t) => {
    const list = times.get(t)!;
    const missed = late.get(t)!;
    return {
      trigger: t, requires: requires[t], fired: fired.get(t)!, effective: fired.get(t)! - absorbed.get(t)! - cancelled.get(t)!, absorbed: absorbed.get(t)!, cancelled: cancelled.get(t)!,
      deadlineMs: round(deadlines[t], 3), timeToLevelMs: percentiles(list), missedDeadline: missed,
    };
  });

  const byCause = Object.fromEntries(CHANGE_CAUSES.map((c) => [c, 0])) as Record<ChangeCause, number>;
  for (const c of system.changes) byCause[c.cause]++;
  const byKind = Object.fromEntries(ESCAPE_KINDS.map((k) => [k, 0])) as Record<EscapeKind, number>;
  for (const e of system.escapes) byKind[e.kind]++;

  const timeAt = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  let since = 0;
  let at: Level = 'standard';
  for (const c of system.changes) {
    timeAt[at] += c.at - since;
    since = c.at;
    at = c.to;
  }
  timeAt[at] += end - since;
  for (const l of LEVELS) timeAt[l] = round(timeAt[l] / end, 4);

  // A watchdog trip is justified by more than `shortMax` of outage (back-to-back outages add up) or a
  // reboot in the (limit + 1) periods before it.
  const window = (limit + 1) * period;
  const overlap = (a: { start: Micros; end: Micros }, from: Micros, to: Micros) => Math.max(0, Math.min(a.end, to) - Math.max(a.start, from));
  const justified = (t: Micros) =>
    outages.reduce((sum, o) => sum + overlap(o, t - window, t), 0) > shortMax || downtimes.some((d) => overlap(d, t - window, t) > 0 || d.start === t);
  const falseTrips = system.changes.filter((c) => c.cause === 'heartbeat' && !justified(c.at)).length;

  const refusedByCode: Partial<Record<RefusalCode, number>> = {};
  for (const [code, n] of [...system.console.refusals].sort(([a], [b]) => a.localeCompare(b))) refusedByCode[code] = n;

  const levels: LevelPoint[] = [{ atS: 0, level: 'standard', cause: 'start' }, ...system.changes.map((c) => ({ atS: seconds(c.at), level: c.to, cause: c.cause }))];
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

  const claims: Claim[] = [
    claim('no-escapes', 'no drop without quorum, no port serviced above its level, no model core running at offline or above (nor any other escape)', escapesTotal === 0,
      escapesTotal === 0 ? `0 escapes in ${hours} h` : ESCAPE_KINDS.filter((k) => byKind[k] > 0).map((k) => `${k}: ${byKind[k]}`).join(', ') + ` — first: ${system.escapes[0]!.detail}`),
    claim('deadlines-met', "every trigger reached the level the policy requires within the policy's deadline", totalMissed === 0,
      triggers.map((t) => `${t.trigger} ${t.effective - t.missedDeadline}/${t.effective}${t.timeToLevelMs.max !== null ? ` (max ${t.timeToLevelMs.max} ms ≤ ${t.deadlineMs})` : ''}`).join('; ')),
    claim('actuator-faults-alert-at-cap', `an actuator fault at or beyond ${cap} alerts the admins instead of raising the level`, alerted === atCap,
      `${atCap} faults at the cap, ${alerted} alerted`),
    claim('no-false-watchdog-trip', `outages shorter than ${limit - 1} heartbeat period(s) never trip the watchdog`, falseTrips === 0,
      `${outages.filter((o) => !o.long).length} short and ${outages.filter((o) => o.long).length} long outages; ${falseTrips} unjustified trips`),
    claim('failsafes-never-destroy', 'no fail-safe raises the level to decapitation or immolation (destruction needs people)', destroyedByFailsafe.length === 0,
      destroyedByFailsafe.length === 0 ? `highest fail-safe level: ${system.changes.filter((c) => c.cause !== 'quorum' && c.cause !== 'timeout').reduce<Level>((m, c) => maxLevel(m, c.to), 'standard')}` : destroyedByFailsafe.map((c) => `${c.cause} → ${c.to} at ${seconds(c.at)} s`).slice(0, 3).join('; ')),
    claim('attack-votes-refused', 'every forged, replayed, non-admin, stale or duplicate vote is refused and logged', attacks > 0 && attacksCounted === 0,
      `${attacks} attack votes, ${attacksCounted} counted; refusals by code: ${Object.entries(refusedByCode).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`),
    claim('follows-statechart', 'before every stimulus the statechart, fed the same stimuli, agrees on the level, the open proposal and the hypervisor', statechart.divergences === 0,
      statechart.first === null ? `${statechart.steps} stimuli stepped through the statechart, 0 disagreements`
        : `${statechart.divergences} disagreement(s); first at ${seconds(statechart.first.atMicros)} s: ${statechart.first.what}, after ${statechart.first.recent.join(',')}`),
    claim('level-record-intact', "the physical hypervisor's hash-chained level record verifies end to end", system.physical.verifyChain(), `${system.physical.history.length} entries`),
    claim('every-trigger-exercised', 'each trigger kind occurred at least once while it could raise the level (the soak is not vacuous)', unexercised.length === 0,
      unexercised.length === 0 ? triggers.map((t) => `${t.trigger} ${t.effective}`).join(', ') : `never effective: ${unexercised.join(', ')} — the level was always at or above what they require (time at offline or above: ${round((timeAt.offline + timeAt.decapitation + timeAt.immolation) * 100, 1)} %); run longer with --hours, or see why the level stays high`),
  ];

  return {
    scenario: 'soak', seed, holds: claims.every((c) => c.holds), hours, heartbeatPeriodMs: policy.heartbeat.periodMs, simulatedEvents: clock.processed,
    triggers,
    levelChanges: { total: system.changes.length, byCause },
    escapes: { total: escapesTotal, byKind, first: system.escapes.slice(0, 5).map((e) => ({ atS: seconds(e.at), kind: e.kind, detail: e.detail })) },
    timeAtLevel: timeAt,
    heartbeats: { sent: system.heartbeats.sent, delivered: system.heartbeats.delivered, lost: system.heartbeats.lost },
    outages: { short: outages.filter((o) => !o.long).length, long: outages.filter((o) => o.long).length, falseTrips },
    votes: { counted: counted.length, attacks, attacksCounted, refusedByCode },
    recoveries: { deescalations, expired: deescalationsExpired },
    actuatorJams: jams,
    alerts: system.alerts.length,
    actuatorFaultsAtCap: { faults: atCap, alerted },
    levelRecordIntact: system.physical.verifyChain(),
    statechart,
    series: { levels, triggers: points },
    claims,
  };
}

/** A seeded Fisher–Yates shuffle (a copy). */
function shuffle<T>(random: Prng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
