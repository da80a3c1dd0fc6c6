/**
 * One simulated Guillotine machine: the components of docs/protocol.md §1 wired together on one
 * virtual clock — model core and its bus, shared I/O DRAM with the port rings, the software
 * hypervisor, the physical hypervisor (level record, actuators, watchdog), the heartbeat link,
 * the detector, the control console, and the caches.
 *
 * The control logic here and in the components is the simulator's own (quorum counting over
 * signed votes, real timers, a level record that re-verifies certificates); it does not import
 * the statechart or `machines/protocol.ts`, so checking it against the statechart is a real test.
 * Two checks hold it to the statechart: the conformance tests (scripted mode, one §7 event at a
 * time) and, in free-running runs, the statechart monitor (`statechartMonitor.ts`), which receives
 * every stimulus this machine receives through {@link GuillotineSystem.stimulusObservers}.
 *
 * An independent **escape monitor** watches every step and records an {@link Escape} for: a drop
 * in level without a valid de-escalation certificate, a port serviced above what the level
 * allows, an invalid request serviced, a model core executing at offline or above, and a change
 * to the set of executable mappings.
 */
import { CAPABILITIES, levelIndex, maxLevel, type Actuator, type Level, type PortService } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import type { KeyObject } from 'node:crypto';
import { DEFAULT_LAYOUT, PAGE_SHIFT, type MemoryLayout } from '../proofs/layout.ts';
import { EventQueue, MICROS_PER_MS, type Micros, type Timer } from './clock.ts';
import { Prng } from './prng.ts';
import { ControlConsole, trustedKeys, voteMessage, type ConsoleOutcome, type QuorumCertificate, type Vote } from './console.ts';
import { verifySignature } from './keys.ts';
import { PhysicalHypervisor, type ChangeCause, type LevelChange, type PhysicalMode, type WriteResult } from './physical.ts';
import { CORRECT_HYPERVISOR, SoftwareHypervisor, type HypervisorVariant, type ServicedRequest } from './hypervisor.ts';
import { Detector, DEFAULT_RULES, type Alarm, type DetectorRule } from './detector.ts';
import { ModelBus, PhysicalMemory } from './memory.ts';
import { PageTables } from './mmu.ts';
import { ModelCore } from './modelCore.ts';
import { cacheHierarchy, type CacheHierarchy, type CacheLayout } from './cache.ts';
import { PORTS, ringAddresses, type RingAddresses } from './ports.ts';
import { CORRECT_RULES, type SimulatorRules } from './rules.ts';
import type { GuillotineEvent } from '../spec/events.ts';

export interface SystemOptions {
  readonly policy: Policy;
  /** The run's seed: keys, mechanical latencies and everything random derive from it. */
  readonly seed: number;
  /** `scripted`: actuators, heartbeats and reboots move only when told (conformance); `free-running`: real timers. */
  readonly mode: PhysicalMode;
  /**
   * How the machine reads the protocol's rules (default {@link CORRECT_RULES}). Only a test of the
   * tests passes other rules, to build a deliberately broken machine; give each machine its own
   * table (a rule may keep state).
   */
  readonly rules?: SimulatorRules;
  readonly cacheLayout?: CacheLayout;
  /** Only for the resilience experiment's negative controls. */
  readonly variant?: HypervisorVariant;
  /** Hypervisor-private data written into hypervisor DRAM (the noninterference tests vary it). */
  readonly hypervisorSecret?: bigint;
  readonly detectorRules?: readonly DetectorRule[];
  /** Free-running: how long a reboot takes, in µs (uniform between the two). */
  readonly rebootMicros?: readonly [number, number];
  readonly layout?: MemoryLayout;
}

/**
 * An observer of the stimuli a machine receives. `before` is called before each stimulus is
 * handled (so the observer sees the state all earlier stimuli left); `event` with the stimulus as
 * §7 names it. A signed vote is also reported whole to `vote`, before it is handled; its `event`
 * comes after it is handled, and not at all when the console refuses it for its signature,
 * freshness or binding (forged, replayed, non-admin, stale): that is below §7's abstraction.
 */
export interface StimulusObserver {
  before(): void;
  vote?(vote: Vote): void;
  event(event: GuillotineEvent): void;
}

export type EscapeKind = 'drop-without-quorum' | 'port-above-level' | 'invalid-request-serviced' | 'core-running-at-halted-level' | 'executable-mapping-changed';

export interface Escape {
  readonly at: Micros;
  readonly kind: EscapeKind;
  readonly detail: string;
}

/** The outcome of a control action, as the conformance adapter reports it. */
export type ControlResult = { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

const ACCEPTED: ControlResult = { accepted: true };

export class GuillotineSystem {
  readonly policy: Policy;
  readonly clock = new EventQueue();
  readonly random: Prng;
  readonly layout: MemoryLayout;
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly console: ControlConsole;
  readonly physical: PhysicalHypervisor;
  readonly hypervisor: SoftwareHypervisor;
  readonly detector: Detector;
  readonly memory = new PhysicalMemory();
  readonly bus: ModelBus;
  readonly core: ModelCore;
  readonly caches: CacheHierarchy;
  readonly pageTables: PageTables;
  readonly rings: RingAddresses;
  readonly escapes: Escape[] = [];
  readonly alerts: { at: Micros; text: string }[] = [];
  /** Every level change, in order (the level-over-time series). */
  readonly changes: LevelChange[] = [];
  readonly serviced: ServicedRequest[] = [];
  /** Listeners scenarios add to observe level changes. */
  readonly onLevelChange: ((change: LevelChange) => void)[] = [];
  readonly onAlarm: ((alarm: Alarm, raised: boolean) => void)[] = [];
  readonly heartbeats = { sent: 0, delivered: 0, lost: 0, maxLatenessMicros: 0, lastDeliveredAt: -1 as Micros };
  /** Listeners scenarios add to observe actuators missing their confirmation deadline. */
  readonly onActuatorFault: ((actuator: Actuator, commandedAt: Micros) => void)[] = [];
  /** Listeners scenarios add to observe the hypervisor coming back from a reboot. */
  readonly onRebootComplete: (() => void)[] = [];
  /**
   * Observers of every stimulus the machine receives, in the order it receives them (the soak's
   * statechart monitor and its log recorder are two). See {@link StimulusObserver}.
   */
  readonly stimulusObservers: StimulusObserver[] = [];
  private stimulus(event: GuillotineEvent): void {
    for (const o of this.stimulusObservers) o.before();
    for (const o of this.stimulusObservers) o.event(event);
  }
  /** Keep every serviced request (tests) or only count them (long soaks). */
  keepServiced = true;
  private quorumTimer: Timer | null = null;
  private linkDownUntil: Micros = -1;
  /** The rules this machine runs (see `rules.ts`). */
  readonly rules: SimulatorRules;

  constructor(options: SystemOptions) {
    this.policy = options.policy;
    this.rules = options.rules ?? CORRECT_RULES;
    this.random = new Prng(options.seed);
    this.layout = options.layout ?? DEFAULT_LAYOUT;
    this.keys = trustedKeys(this.policy, options.seed);
    this.console = new ControlConsole(this.policy, this.keys, this.rules);
    this.caches = cacheHierarchy(options.cacheLayout ?? 'guillotine');
    this.rings = ringAddresses(this.layout);
    this.pageTables = new PageTables(this.layout);
    this.detector = new Detector(options.detectorRules ?? DEFAULT_RULES, (alarm) => {
      const raised = this.alarm(alarm.level);
      for (const listener of this.onAlarm) listener(alarm, raised);
    });
    this.bus = new ModelBus(this.memory, this.layout, () => this.detector.observe(this.clock.now, { kind: 'bus-fault' }));
    this.physical = new PhysicalHypervisor(
      this.policy, this.keys, this.clock, options.mode,
      {
        levelChanged: (change) => this.levelChanged(change),
        alert: (text) => this.alerts.push({ at: this.clock.now, text }),
        stimulus: (event) => this.stimulus(event),
        actuatorFaulted: (actuator, commandedAt) => {
          for (const listener of this.onActuatorFault) listener(actuator, commandedAt);
        },
      },
      options.mode === 'free-running' ? this.random.fork('actuators') : null,
      this.rules,
    );
    this.hypervisor = new SoftwareHypervisor(
      {
        clock: this.clock,
        memory: this.memory,
        rings: this.rings,
        pageTables: this.pageTables,
        level: () => this.physical.level,
        observe: (o) => this.detector.observe(this.clock.now, o),
        // The hypervisor schedules the (coalesced) interrupt itself; it reaches the core at once.
        interrupt: (at, tag, status, value) => this.core.interrupt(at, tag, status, value),
        serviced: (request) => this.checkServiced(request),
        pteApplied: (before, after) => {
          if (before.join() !== after.join()) this.escape('executable-mapping-changed', `executable mappings went from ${before.length} to ${after.length} entries`);
        },
      },
      options.variant ?? CORRECT_HYPERVISOR,
      this.rules,
    );
    this.core = new ModelCore(this.clock, this.bus, this.caches.model, this.rings, () => this.hypervisor.doorbell(), () => {
      if (CAPABILITIES[this.physical.level].modelCores === 'halted') this.escape('core-running-at-halted-level', `a model core executed at ${this.physical.level}`);
    });
    // Hypervisor-private data: never addressable by the model (the address map forbids hypervisor DRAM).
    const secret = options.hypervisorSecret ?? 0n;
    const hvBase = this.layout.hypervisorDram.base << BigInt(PAGE_SHIFT);
    for (let i = 0n; i < 64n; i++) this.memory.write64(hvBase + i * 8n, (secret * (i + 1n)) ^ (secret >> (i % 64n)));
    if (options.mode === 'free-running') this.startHeartbeats();
    this.rebootRange = options.rebootMicros ?? [20_000_000, 45_000_000];
    this.freeRunning = options.mode === 'free-running';
  }

  private readonly rebootRange: readonly [number, number];
  private readonly freeRunning: boolean;

  get level(): Level {
    return this.physical.level;
  }

  /**
   * Which §2 port-service rule the hypervisor's gate enforces right now, read off the gate itself by
   * asking it about every port. A set of serviced ports that matches no rule of §2 is reported as
   * `all` (over-permissive), which cannot equal a level's row below standard.
   */
  portService(): PortService {
    const served = PORTS.filter((p) => this.rules.portServiced(this.level, p));
    const same = (subset: typeof PORTS) => served.length === subset.length && subset.every((p) => served.includes(p));
    if (served.length === 0) return 'none';
    if (same(PORTS.filter((p) => p.class === 'local'))) return 'local';
    if (same(PORTS.filter((p) => p.allowlisted))) return 'allowlist';
    return 'all';
  }

  private escape(kind: EscapeKind, detail: string): void {
    this.escapes.push({ at: this.clock.now, kind, detail });
  }

  // ------------------------------------------------------------ level changes

  private levelChanged(change: LevelChange): void {
    this.clock.cancel(this.quorumTimer);
    this.quorumTimer = null;
    this.console.cancel(this.clock.now, `the level changed to ${change.to}`);
    this.core.halted = CAPABILITIES[change.to].modelCores === 'halted';
    this.changes.push(change);
    if (levelIndex(change.to) < levelIndex(change.from) && !this.certified.has(change.nonce ?? -1)) {
      this.escape('drop-without-quorum', `${change.from} → ${change.to} (cause ${change.cause}) without a valid de-escalation certificate`);
    }
    for (const listener of this.onLevelChange) listener(change);
  }

  /** Nonces of certificates the monitor verified itself (policy quorum, distinct admins, valid signatures). */
  private readonly certified = new Set<number>();

  private monitorCertificate(certificate: QuorumCertificate): void {
    const signers = new Set<string>();
    for (const vote of certificate.votes) {
      const key = this.keys.get(vote.admin);
      const bound = vote.nonce === certificate.nonce && vote.from === certificate.from && vote.to === certificate.to;
      if (key !== undefined && bound && verifySignature(key, voteMessage(vote.kind, vote.nonce, vote.from, vote.to, vote.admin), vote.signature)) signers.add(vote.admin);
    }
    const step = levelIndex(certificate.from) - levelIndex(certificate.to);
    const valid = signers.size >= this.policy.quorum.deescalate && step <= this.policy.deescalation.maxStep && !this.policy.irreversible.includes(certificate.from);
    if (valid) this.certified.add(certificate.nonce);
  }

  private checkServiced(request: ServicedRequest): void {
    if (this.keepServiced) this.serviced.push(request);
    const service = CAPABILITIES[request.level].ports;
    const allowed = service === 'all' || (service === 'allowlist' && request.port.allowlisted) || (service === 'local' && request.port.class === 'local');
    if (!allowed) this.escape('port-above-level', `${request.port.name} serviced at ${request.level} (ports: ${service})`);
    // Unbounded integer arithmetic: the request's range must lie inside the payload area.
    const inside = request.offset >= 0n && request.length >= 0n && request.offset + request.length <= this.rings.payloadBytes;
    if (!inside || !(request.port.opcodes as readonly string[]).includes(request.opcode)) {
      this.escape('invalid-request-serviced', `${request.port.name} ${request.opcode} offset 0x${request.offset.toString(16)} length 0x${request.length.toString(16)}`);
    }
  }

  // ------------------------------------------------------------ the console

  /** The open proposal's quorum deadline, or null when none is open. */
  quorumDeadline(): Micros | null {
    return this.console.proposal?.deadline ?? null;
  }

  /** Delivers a signed vote to the console; a quorum is written to the level record at once. */
  submitVote(vote: Vote): ConsoleOutcome & { readonly write?: WriteResult } {
    for (const o of this.stimulusObservers) o.before();
    for (const o of this.stimulusObservers) o.vote?.(vote);
    const outcome = this.handleVote(vote);
    const belowAbstraction = outcome.kind === 'refused' && (outcome.code === 'forged' || outcome.code === 'replayed' || outcome.code === 'non-admin' || outcome.code === 'stale');
    if (!belowAbstraction) {
      const event: GuillotineEvent = vote.kind === 'propose' ? { type: 'propose', admin: vote.admin, target: vote.to } : { type: 'approve', admin: vote.admin };
      for (const o of this.stimulusObservers) o.event(event);
    }
    return outcome;
  }

  private handleVote(vote: Vote): ConsoleOutcome & { readonly write?: WriteResult } {
    const outcome = this.console.submit(vote, { level: this.physical.level, hypervisorRunning: this.hypervisor.isRunning, now: this.clock.now });
    if (outcome.kind === 'opened') {
      this.clock.cancel(this.quorumTimer);
      this.quorumTimer = this.clock.at(outcome.proposal.deadline, 'quorum timeout', () => this.expireProposal());
    }
    if (outcome.kind !== 'quorum') return outcome;
    this.clock.cancel(this.quorumTimer);
    this.quorumTimer = null;
    this.monitorCertificate(outcome.certificate);
    const write = this.physical.write(outcome.certificate.to, 'quorum', outcome.certificate);
    if (!write.ok) this.alerts.push({ at: this.clock.now, text: `the level record refused a console decision: ${write.reason}` });
    return { ...outcome, write };
  }

  /** The quorum timer fired: an expired escalation is applied under `onTimeout: restrictive`; anything else is dropped. */
  private expireProposal(): void {
    this.quorumTimer = null;
    if (this.console.proposal !== null) this.stimulus({ type: 'timeout' });
    const expired = this.console.expire(this.clock.now);
    if (expired === null) return;
    if (this.rules.expiryApplies(this.policy, expired)) this.physical.write(expired.to, 'timeout');
  }

  // ------------------------------------------------------------ fail-safes

  /** A detector alarm asking for `level`: raised to at most `detector.maxLevel`, never lowered. */
  alarm(level: Level): boolean {
    this.stimulus({ type: 'alarm', level });
    const target = this.rules.alarmLevel(this.policy, level);
    if (levelIndex(target) <= levelIndex(this.physical.level)) return false;
    this.physical.write(target, 'alarm');
    return true;
  }

  /** A machine-check exception or an assertion failure on the hypervisor: fail-safe level, then reboot. */
  fault(kind: 'mce' | 'assertion-failure'): ControlResult {
    this.stimulus({ type: kind });
    if (!this.hypervisor.isRunning) return { accepted: false, reason: 'the hypervisor is already rebooting' };
    this.physical.write(maxLevel(this.physical.level, this.policy.faults.rebootLevel), kind satisfies ChangeCause);
    this.hypervisor.crash();
    this.clock.cancel(this.quorumTimer);
    this.quorumTimer = null;
    this.console.cancel(this.clock.now, 'the hypervisor went down');
    if (this.freeRunning) {
      const [lo, hi] = this.rebootRange;
      this.clock.after(lo + this.random.float() * (hi - lo), 'reboot complete', () => this.rebootComplete());
    }
    return ACCEPTED;
  }

  /** The hypervisor finished rebooting: it reads the level record and resumes at that level. */
  rebootComplete(): ControlResult {
    this.stimulus({ type: 'reboot-complete' });
    if (this.hypervisor.isRunning) return { accepted: false, reason: 'the hypervisor is running; no reboot is in progress' };
    // The hypervisor resumes at what the level record holds (a write of the same level is a no-op).
    this.physical.write(this.rules.resumeLevel(this.policy, this.physical.level), 'reboot');
    this.hypervisor.boot();
    for (const listener of this.onRebootComplete) listener();
    return ACCEPTED;
  }

  /** A heartbeat from the software hypervisor reaches the physical hypervisor. */
  heartbeat(): ControlResult {
    if (!this.hypervisor.isRunning) return { accepted: false, reason: 'the hypervisor is rebooting, so no heartbeat can come from it' };
    this.physical.heartbeat();
    return ACCEPTED;
  }

  // ------------------------------------------------------------ free-running heartbeats

  /** Fault injection: the heartbeat link drops everything until `until`. */
  cutLink(until: Micros): void {
    this.linkDownUntil = Math.max(this.linkDownUntil, until);
  }

  private startHeartbeats(): void {
    const period = this.policy.heartbeat.periodMs * MICROS_PER_MS;
    const send = (due: Micros) => {
      this.clock.at(due, 'heartbeat task', () => {
        if (this.hypervisor.isRunning) {
          // The heartbeat task waits for the service core when a port round is in progress.
          const at = this.hypervisor.freeAt;
          this.heartbeats.maxLatenessMicros = Math.max(this.heartbeats.maxLatenessMicros, at - due);
          this.heartbeats.sent++;
          if (at < this.linkDownUntil) this.heartbeats.lost++;
          else {
            this.heartbeats.delivered++;
            this.clock.at(at + 50, 'heartbeat arrives', () => {
              // A heartbeat still in flight when its hypervisor crashed is discarded: the physical
              // hypervisor counts only heartbeats of a running hypervisor (§7: none comes during a reboot).
              if (!this.hypervisor.isRunning) return;
              this.heartbeats.lastDeliveredAt = this.clock.now;
              this.physical.heartbeat();
            });
          }
        }
        send(due + period);
      });
    };
    send(Math.round(period / 2));
  }
}
