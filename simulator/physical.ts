/**
 * The physical hypervisor: an independent controller that holds the kill switches, the
 * tamper-evident level record, and the heartbeat watchdog (docs/protocol.md §1, §3).
 *
 * - **Level record.** The isolation level lives here, in a hash-chained append-only record that
 *   survives reboots of the software hypervisor. A write may raise the level for any recorded
 *   cause; it lowers the level only with a quorum certificate it re-verifies itself (distinct
 *   admins, valid signatures bound to the proposal nonce and both levels, the de-escalation
 *   quorum, at most `maxStep` down, never out of an irreversible level).
 * - **Actuators.** Each level write commands the capability row of the new level; every actuator
 *   whose position changes is pending until it confirms. One that misses its deadline raises the
 *   level one step, up to `actuators.escalateOnFailureUpTo`; beyond that the admins are alerted.
 *   A faulted actuator is commanded again and stays pending.
 * - **Watchdog.** Counts consecutive heartbeat periods without a heartbeat; at the policy's limit
 *   it forces offline (or keeps a higher level).
 *
 * In `scripted` mode (the conformance adapter) actuator mechanics and the watchdog's period are
 * driven from outside, one signal at a time; in `free-running` mode they are timers on the clock.
 */
import { ACTUATORS, actuatorPositions, levelAt, levelIndex, maxLevel, type Actuator, type Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import type { KeyObject } from 'node:crypto';
import { levelRecordHash } from '../spec/log.ts';
import { EventQueue, MICROS_PER_MS, type Micros, type Timer } from './clock.ts';
import { voteMessage, type QuorumCertificate } from './console.ts';
import { verifySignature } from './keys.ts';
import type { Prng } from './prng.ts';
import { CORRECT_RULES, type SimulatorRules } from './rules.ts';
import type { GuillotineEvent } from '../spec/events.ts';

/** Why the level changed. */
export type ChangeCause = 'quorum' | 'timeout' | 'heartbeat' | 'mce' | 'assertion-failure' | 'alarm' | 'actuator-fault' | 'reboot';

export const CHANGE_CAUSES: readonly ChangeCause[] = ['quorum', 'timeout', 'heartbeat', 'mce', 'assertion-failure', 'alarm', 'actuator-fault', 'reboot'];

/** One entry of the tamper-evident level record. */
export interface LevelChange {
  readonly at: Micros;
  readonly from: Level;
  readonly to: Level;
  readonly cause: ChangeCause;
  /** The nonce of the proposal whose certificate authorised the change, if any. */
  readonly nonce: number | null;
  /** SHA-256 over the previous entry's hash and this entry: editing history breaks the chain. */
  readonly hash: string;
}

export type WriteResult = { readonly ok: true; readonly change: LevelChange | null } | { readonly ok: false; readonly reason: string };

export type Position = 'engaged' | 'released';

interface ActuatorState {
  commanded: Position;
  pending: boolean;
  /** Increases on every command, so a late confirmation of an old command is ignored. */
  command: number;
  commandedAt: Micros;
  deadline: Timer | null;
  /** Fault injection: the actuator will not move until this time. */
  stuckUntil: Micros;
}

/** What the physical hypervisor reports to the rest of the machine. */
export interface PhysicalListener {
  /** After every level write (the proposal is cancelled, cores halted or resumed, the port gate set). */
  levelChanged(change: LevelChange): void;
  /** An actuator missed its deadline at or beyond the escalation cap: the admins are alerted. */
  alert(text: string): void;
  /** An actuator missed its deadline (for reports). */
  actuatorFaulted?(actuator: Actuator, commandedAt: Micros): void;
  /** An actuator confirmed its commanded position. */
  actuatorConfirmed?(actuator: Actuator, commandedAt: Micros): void;
  /**
   * A §7 stimulus reached the physical hypervisor, reported *before* it is handled: a heartbeat, a
   * heartbeat period ended without one, an actuator confirmed or missed its deadline (for the
   * statechart monitor, which steps the machine with the same events).
   */
  stimulus?(event: GuillotineEvent): void;
}

export type PhysicalMode = 'scripted' | 'free-running';

/** Typical mechanical latencies (ms) of each actuator when healthy, for free-running runs. */
const LATENCY_MS: Readonly<Record<Actuator, readonly [number, number]>> = {
  'network-relay': [15, 60],
  'model-power': [40, 180],
  'hardware-destruction': [100, 350],
  'facility-destruction': [150, 450],
};

export class PhysicalHypervisor {
  private current: Level = 'standard';
  private readonly chain: LevelChange[] = [];
  /** Nonces of the quorum certificates that have lowered the level: each authorises one change, once. */
  private readonly spentCertificates = new Set<number>();
  private readonly actuators: Record<Actuator, ActuatorState>;
  private missed = 0;
  private beatThisPeriod = false;
  private watchdogTimer: Timer | null = null;

  constructor(
    private readonly policy: Policy,
    private readonly keys: ReadonlyMap<string, KeyObject>,
    private readonly clock: EventQueue,
    private readonly mode: PhysicalMode,
    private readonly listener: PhysicalListener,
    private readonly random: Prng | null,
    /** How the record and the watchdog read §3; the product always runs {@link CORRECT_RULES}. */
    private readonly rules: Pick<SimulatorRules, 'quorum' | 'writesUnchecked' | 'missLimit'> = CORRECT_RULES,
  ) {
    const positions = actuatorPositions('standard');
    this.actuators = Object.fromEntries(
      ACTUATORS.map((a) => [a, { commanded: positions[a], pending: false, command: 0, commandedAt: 0, deadline: null, stuckUntil: 0 }]),
    ) as Record<Actuator, ActuatorState>;
    if (mode === 'free-running') this.armWatchdog();
  }

  /** The recorded level. */
  get level(): Level {
    return this.current;
  }

  /** The whole record, oldest first. */
  get history(): readonly LevelChange[] {
    return this.chain;
  }

  /** Whether the hash chain is intact (every entry hashes its predecessor). */
  verifyChain(): boolean {
    let previous = '';
    for (const change of this.chain) {
      if (change.hash !== chainHash(previous, change)) return false;
      previous = change.hash;
    }
    return true;
  }

  /** The position commanded for each actuator. */
  commanded(actuator: Actuator): Position {
    return this.actuators[actuator].commanded;
  }

  /** Actuators commanded to a new position that have not confirmed yet, in ACTUATORS order. */
  pending(): Actuator[] {
    return ACTUATORS.filter((a) => this.actuators[a].pending);
  }

  // ------------------------------------------------------------ the level record

  /**
   * Writes a new level. Raising needs only a cause; lowering needs a certificate this method
   * re-verifies. Writing the current level is a no-op (`change: null`).
   */
  write(to: Level, cause: ChangeCause, certificate: QuorumCertificate | null = null): WriteResult {
    const from = this.current;
    if (to === from) return { ok: true, change: null };
    if (levelIndex(to) < levelIndex(from)) {
      const problem = this.lowering(from, to, cause, certificate);
      if (problem !== null) return { ok: false, reason: problem };
      if (certificate !== null) this.spentCertificates.add(certificate.nonce);
    }
    return { ok: true, change: this.append(from, to, cause, certificate?.nonce ?? null) };
  }

  private lowering(from: Level, to: Level, cause: ChangeCause, certificate: QuorumCertificate | null): string | null {
    if (this.rules.writesUnchecked(cause)) return null;
    if (this.policy.irreversible.includes(from)) return `${from} is irreversible`;
    if (cause !== 'quorum' || certificate === null) return `lowering ${from} → ${to} needs a quorum certificate (cause was ${cause})`;
    if (this.spentCertificates.has(certificate.nonce)) return `the certificate of proposal #${certificate.nonce} was already used; a quorum lowers the level once`;
    if (certificate.from !== from || certificate.to !== to) return `the certificate is for ${certificate.from} → ${certificate.to}, not ${from} → ${to}`;
    if (levelIndex(from) - levelIndex(to) > this.policy.deescalation.maxStep) return `a de-escalation drops at most ${this.policy.deescalation.maxStep} level(s)`;
    const signers = new Set<string>();
    for (const vote of certificate.votes) {
      const key = this.keys.get(vote.admin);
      if (key === undefined || vote.nonce !== certificate.nonce || vote.from !== from || vote.to !== to) continue;
      if (verifySignature(key, voteMessage(vote.kind, vote.nonce, vote.from, vote.to, vote.admin), vote.signature)) signers.add(vote.admin);
    }
    const needed = this.rules.quorum(this.policy, from, to);
    if (signers.size < needed) return `the certificate holds ${signers.size} valid distinct approvals; lowering needs ${needed}`;
    return null;
  }

  private append(from: Level, to: Level, cause: ChangeCause, nonce: number | null): LevelChange {
    const previous = this.chain.at(-1)?.hash ?? '';
    const entry = { at: this.clock.now, from, to, cause, nonce, hash: '' };
    const change: LevelChange = { ...entry, hash: chainHash(previous, entry) };
    this.chain.push(change);
    this.current = to;
    this.commandRow(to);
    this.listener.levelChanged(change);
    return change;
  }

  // ------------------------------------------------------------ actuators

  private commandRow(level: Level): void {
    const positions = actuatorPositions(level);
    for (const a of ACTUATORS) {
      const state = this.actuators[a];
      if (state.commanded === positions[a]) continue;
      state.commanded = positions[a];
      state.pending = true;
      state.command++;
      state.commandedAt = this.clock.now;
      if (this.mode === 'free-running') this.drive(a);
    }
  }

  /** Free-running: the actuator moves after its mechanical latency unless stuck; the deadline is armed. */
  private drive(a: Actuator): void {
    const state = this.actuators[a];
    const command = state.command;
    this.clock.cancel(state.deadline);
    state.deadline = this.clock.after(this.policy.actuators.confirmDeadlineMs * MICROS_PER_MS, `deadline ${a}`, () => this.deadlineMissed(a));
    const [lo, hi] = LATENCY_MS[a];
    const latency = (this.random ? lo + this.random.float() * (hi - lo) : lo) * MICROS_PER_MS;
    const moveAt = Math.max(this.clock.now + latency, state.stuckUntil);
    this.clock.at(moveAt, `confirm ${a}`, () => {
      if (state.command === command && state.pending) this.confirm(a);
    });
  }

  /** Fault injection: `actuator` will not move before `until`. */
  jam(actuator: Actuator, until: Micros): void {
    this.actuators[actuator].stuckUntil = Math.max(this.actuators[actuator].stuckUntil, until);
  }

  /** The actuator reports its commanded position reached. Refused when nothing awaits confirmation. */
  confirm(actuator: Actuator): WriteResult {
    const state = this.actuators[actuator];
    if (!state.pending) return { ok: false, reason: `${actuator} has no command awaiting confirmation` };
    this.listener.stimulus?.({ type: 'actuator-confirm', actuator });
    state.pending = false;
    this.clock.cancel(state.deadline);
    state.deadline = null;
    this.listener.actuatorConfirmed?.(actuator, state.commandedAt);
    return { ok: true, change: null };
  }

  /**
   * The actuator's confirmation deadline passed. Raises the level one step while below the cap,
   * else alerts the admins; the command is retried, so the actuator stays pending.
   */
  deadlineMissed(actuator: Actuator): WriteResult {
    const state = this.actuators[actuator];
    if (!state.pending) return { ok: false, reason: `${actuator} has no command awaiting confirmation` };
    this.listener.stimulus?.({ type: 'actuator-fault', actuator });
    this.listener.actuatorFaulted?.(actuator, state.commandedAt);
    const cap = this.policy.actuators.escalateOnFailureUpTo;
    let result: WriteResult = { ok: true, change: null };
    if (levelIndex(this.current) < levelIndex(cap)) {
      result = this.write(levelAt(levelIndex(this.current) + 1), 'actuator-fault');
    } else {
      this.listener.alert(`${actuator} did not confirm within ${this.policy.actuators.confirmDeadlineMs} ms at ${this.current}; the escalation cap is ${cap}, so the admins are alerted`);
    }
    if (this.mode === 'free-running' && state.pending) {
      state.commandedAt = this.clock.now;
      this.drive(actuator);
    }
    return result;
  }

  // ------------------------------------------------------------ watchdog

  /** A heartbeat arrived over the link. */
  heartbeat(): void {
    this.listener.stimulus?.({ type: 'heartbeat' });
    this.missed = 0;
    this.beatThisPeriod = true;
  }

  /** One heartbeat period ended without a heartbeat. Forces offline at the miss limit. */
  periodMissed(): WriteResult {
    this.listener.stimulus?.({ type: 'heartbeat-missed' });
    this.missed++;
    const limit = this.rules.missLimit(this.policy);
    if (this.missed < limit) return { ok: true, change: null };
    this.missed = 0;
    return this.write(maxLevel(this.current, 'offline'), 'heartbeat');
  }

  /** Consecutive missed periods so far. */
  get missedPeriods(): number {
    return this.missed;
  }

  private armWatchdog(): void {
    const period = this.policy.heartbeat.periodMs * MICROS_PER_MS;
    const tick = () => {
      if (this.beatThisPeriod) this.beatThisPeriod = false;
      else this.periodMissed();
      this.watchdogTimer = this.clock.after(period, 'watchdog', tick);
    };
    this.watchdogTimer = this.clock.after(period, 'watchdog', tick);
  }

  /** The capability row the physical outputs currently command (relay, power, destruction). */
  commandedRow(): { networkRelay: 'connected' | 'open'; modelPower: 'on' | 'off'; modelHardware: 'intact' | 'destroyed'; facility: 'intact' | 'destroyed' } {
    return {
      networkRelay: this.actuators['network-relay'].commanded === 'engaged' ? 'open' : 'connected',
      modelPower: this.actuators['model-power'].commanded === 'engaged' ? 'off' : 'on',
      modelHardware: this.actuators['hardware-destruction'].commanded === 'engaged' ? 'destroyed' : 'intact',
      facility: this.actuators['facility-destruction'].commanded === 'engaged' ? 'destroyed' : 'intact',
    };
  }
}

/** The record's chain is the log format's (`spec/log.ts`), so a log carrying it can be verified. */
const chainHash = levelRecordHash;
