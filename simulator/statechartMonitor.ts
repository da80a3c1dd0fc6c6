/**
 * An online statechart monitor: the statechart (through the compiled engine over
 * `machines/guillotine.ts`) runs beside a free-running simulation and receives every §7 stimulus
 * the simulated machine receives, in the same order; before each stimulus the monitor checks that
 * both agree on the level, the open proposal (levels and approvals) and whether the hypervisor is
 * running. The conformance tests do the same step by step in scripted mode; the monitor carries the
 * check into long runs with real timers (the soak), where the simulator's own timing decides when
 * each stimulus happens.
 *
 * The simulator keeps its own implementation of the protocol (signed votes, nonces, the level
 * record, real timers); the machine is the oracle it is held to, never a part it calls.
 *
 * Cost: heartbeats that find no missed period counted are not sent to the machine — there they
 * are a no-op (the watchdog's count is already 0), so skipping them changes nothing it decides.
 */
import { referenceEngine, levelOf, type SystemState } from '../machines/engine.ts';
import { adminIds } from '../spec/policy.ts';
import { encodeEvent, type GuillotineEvent } from '../spec/events.ts';
import type { GuillotineSystem } from './system.ts';

/** The first disagreement, with enough to replay it. */
export interface Divergence {
  readonly atMicros: number;
  /** The last few stimuli delivered, in the compact encoding of `spec/events.ts`. */
  readonly recent: readonly string[];
  readonly what: string;
}

export interface MonitorReport {
  /** Stimuli stepped through the machine. */
  readonly steps: number;
  /** Disagreements seen (the monitor keeps checking after the first). */
  readonly divergences: number;
  readonly first: Divergence | null;
}

export class StatechartMonitor {
  private state: SystemState;
  private readonly engine;
  private steps = 0;
  private divergences = 0;
  private first: Divergence | null = null;
  private readonly recent: string[] = [];

  constructor(private readonly system: GuillotineSystem) {
    this.engine = referenceEngine(system.policy, undefined, { effects: false });
    this.state = this.engine.initial();
    system.stimulusObservers.push({ before: () => this.compare(), event: (e) => this.step(e) });
  }

  private step(event: GuillotineEvent): void {
    if (event.type === 'heartbeat' && this.state.context.missedHeartbeats === 0) return;
    this.state = this.engine.step(this.state, event).state;
    this.steps++;
    this.recent.push(encodeEvent(event));
    if (this.recent.length > 8) this.recent.shift();
  }

  /** Compares the simulation with the machine; call at a quiet point (before a stimulus, or at the end). */
  compare(): void {
    const problem = this.disagreement();
    if (problem === null) return;
    this.divergences++;
    this.first ??= { atMicros: this.system.clock.now, recent: [...this.recent], what: problem };
    // Re-align on the simulation's side is impossible (the machine has no "set" event): keep the
    // machine as it is; later comparisons count further disagreements, which is what a report needs.
  }

  private disagreement(): string | null {
    const s = this.system;
    const ctx = this.state.context;
    const level = levelOf(this.state);
    if (s.level !== level) return `level: simulator ${s.level}, statechart ${level}`;
    const hv = s.hypervisor.isRunning ? 'running' : 'rebooting';
    if (hv !== this.state.value.hypervisor) return `hypervisor: simulator ${hv}, statechart ${this.state.value.hypervisor}`;
    const open = s.console.proposal;
    const simProposal = open === null ? 'none' : `${open.from}→${open.to} [${adminIds(s.policy).filter((id) => open.votes.some((v) => v.admin === id)).join(',')}]`;
    const machineProposal = ctx.proposal === null ? 'none' : `${ctx.proposal.from}→${ctx.proposal.to} [${ctx.proposal.approvals.join(',')}]`;
    if (simProposal !== machineProposal) return `open proposal: simulator ${simProposal}, statechart ${machineProposal}`;
    return null;
  }

  /** The final comparison and the figures. */
  finish(): MonitorReport {
    this.compare();
    return { steps: this.steps, divergences: this.divergences, first: this.first };
  }
}
