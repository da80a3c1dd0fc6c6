/**
 * The soak's book of triggers: each cause that requires a level (a long heartbeat outage, an
 * alarm, a fault, an actuator missing its deadline, an escalation) is registered when it happens,
 * and resolved on the first change of level that reaches what it requires — on time, late, or
 * cancelled (an escalation whose proposal closed below its target). From the book come the
 * per-trigger figures (time to the required level against the deadline) and the plot's trigger series.
 */
import { levelIndex, type Level } from '../../spec/levels.ts';
import { MICROS_PER_SECOND, type Micros } from '../clock.ts';
import type { GuillotineSystem } from '../system.ts';
import { percentiles, round, type Percentiles } from './report.ts';

export const SOAK_TRIGGERS = ['heartbeat-loss', 'alarm', 'mce', 'assertion-failure', 'actuator-fault', 'escalation-quorum', 'escalation-timeout'] as const;
export type SoakTrigger = (typeof SOAK_TRIGGERS)[number];

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

/** One trigger on the time axis, with how long the machine took to reach the required level. */
export interface TriggerPoint {
  readonly atS: number;
  readonly trigger: SoakTrigger;
  readonly required: Level;
  /** null when the occurrence was absorbed, cancelled or never met. */
  readonly ms: number | null;
  readonly outcome: 'met' | 'late' | 'unmet' | 'absorbed' | 'cancelled';
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

const seconds = (t: Micros) => round(t / MICROS_PER_SECOND, 3);

export class TriggerBook {
  private readonly pending: Pending[] = [];
  private readonly points: TriggerPoint[] = [];
  private readonly fired = new Map<SoakTrigger, number>(SOAK_TRIGGERS.map((t) => [t, 0]));
  private readonly absorbed = new Map<SoakTrigger, number>(SOAK_TRIGGERS.map((t) => [t, 0]));
  private readonly cancelled = new Map<SoakTrigger, number>(SOAK_TRIGGERS.map((t) => [t, 0]));
  private readonly times = new Map<SoakTrigger, number[]>(SOAK_TRIGGERS.map((t) => [t, []]));
  private readonly late = new Map<SoakTrigger, number>(SOAK_TRIGGERS.map((t) => [t, 0]));

  /** Watches `system`'s level changes to resolve what is pending. */
  constructor(private readonly system: GuillotineSystem) {
    system.onLevelChange.push((change) => {
      let sweep = false;
      for (const p of this.pending) {
        if (p.done) continue;
        if (levelIndex(change.to) >= levelIndex(p.required)) this.resolve(p, 'met');
        else if (p.nonce !== undefined && system.console.proposal?.nonce !== p.nonce) this.resolve(p, 'cancelled');
        sweep ||= p.done;
      }
      if (sweep) for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i]!.done) this.pending.splice(i, 1);
    });
  }

  private bump(m: Map<SoakTrigger, number>, t: SoakTrigger): void {
    m.set(t, m.get(t)! + 1);
  }

  /** Registers a trigger that requires `required`; resolved on the first level change that reaches it. */
  expect(trigger: SoakTrigger, required: Level, deadlineMicros: Micros, extra: { since?: () => Micros; nonce?: number } = {}): void {
    const { clock } = this.system;
    this.bump(this.fired, trigger);
    if (levelIndex(this.system.level) >= levelIndex(required)) {
      this.bump(this.absorbed, trigger);
      this.points.push({ atS: seconds(clock.now), trigger, required, ms: null, outcome: 'absorbed' });
      return;
    }
    const at = clock.now;
    this.pending.push({ trigger, at, required, deadlineMicros, since: extra.since ?? (() => at), ...(extra.nonce !== undefined ? { nonce: extra.nonce } : {}), done: false });
  }

  /** A trigger that needs nothing of the level (already at it, or one the policy drops): counted, not timed. */
  absorb(trigger: SoakTrigger, as: 'absorbed' | 'cancelled'): void {
    this.bump(this.fired, trigger);
    this.bump(as === 'absorbed' ? this.absorbed : this.cancelled, trigger);
  }

  /** An escalation whose proposal was at its quorum at once: met (or not) in the same instant. */
  instant(trigger: SoakTrigger, required: Level): void {
    this.bump(this.fired, trigger);
    this.times.get(trigger)!.push(0);
    const met = this.system.level === required;
    if (!met) this.bump(this.late, trigger);
    this.points.push({ atS: seconds(this.system.clock.now), trigger, required, ms: 0, outcome: met ? 'met' : 'unmet' });
  }

  /** Escalations whose proposal is no longer open (a fault cancels it even when the level does not change). */
  cancelClosedProposals(): void {
    for (const p of this.pending) if (!p.done && p.nonce !== undefined && this.system.console.proposal?.nonce !== p.nonce) this.resolve(p, 'cancelled');
  }

  private resolve(p: Pending, outcome: 'met' | 'cancelled'): void {
    const { clock } = this.system;
    p.done = true;
    if (outcome === 'cancelled') {
      this.bump(this.cancelled, p.trigger);
      this.points.push({ atS: seconds(p.at), trigger: p.trigger, required: p.required, ms: null, outcome });
      return;
    }
    const ms = round((clock.now - p.since()) / 1_000, 3);
    this.times.get(p.trigger)!.push(ms);
    const onTime = clock.now - p.since() <= p.deadlineMicros;
    if (!onTime) this.bump(this.late, p.trigger);
    this.points.push({ atS: seconds(p.at), trigger: p.trigger, required: p.required, ms, outcome: onTime ? 'met' : 'late' });
  }

  /**
   * Closes the book at `end`: a trigger still waiting is unmet only if its deadline has passed (a
   * trigger just before the end is not judged). Returns each kind's figures and the time-ordered points.
   */
  close(end: Micros, requires: Readonly<Record<SoakTrigger, string>>, deadlinesMs: Readonly<Record<SoakTrigger, number>>): { triggers: TriggerFigures[]; points: TriggerPoint[] } {
    for (const p of this.pending) {
      if (p.done) continue;
      if (end - p.since() > p.deadlineMicros) {
        this.bump(this.late, p.trigger);
        this.points.push({ atS: seconds(p.at), trigger: p.trigger, required: p.required, ms: null, outcome: 'unmet' });
      }
    }
    this.points.sort((a, b) => a.atS - b.atS);
    const triggers = SOAK_TRIGGERS.map((t) => {
      const fired = this.fired.get(t)!;
      return {
        trigger: t, requires: requires[t], fired, effective: fired - this.absorbed.get(t)! - this.cancelled.get(t)!, absorbed: this.absorbed.get(t)!, cancelled: this.cancelled.get(t)!,
        deadlineMs: round(deadlinesMs[t], 3), timeToLevelMs: percentiles(this.times.get(t)!), missedDeadline: this.late.get(t)!,
      };
    });
    return { triggers, points: this.points };
  }
}
