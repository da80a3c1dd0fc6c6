/**
 * The simulator's library entry: the three experiments of the seed summary's "Next Checks", by
 * name, each returning one tagged result object — exactly what `guillotine simulate --json`
 * prints, what `guillotine review` summarises and what the visualizer plots.
 *
 * ```ts
 * import { SCENARIOS, runScenario } from './simulator/index.ts';
 * const result = runScenario('soak', { seed: 20261123, hours: 72 });
 * if (result.scenario === 'soak') plot(result.series.levels, result.series.triggers);
 * ```
 *
 * Every result starts with the same keys — `scenario`, `seed`, `policy` (a summary of the policy
 * it ran under), `holds`, `claims` — followed by the scenario's own figures. A result is a pure
 * function of (scenario, seed, policy, hours): it holds no wall-clock time, so the same inputs
 * give the same bytes of JSON.
 */
import type { Level } from '../spec/levels.ts';
import { DEFAULT_POLICY, type Policy } from '../spec/policy.ts';
import type { Claim } from './scenarios/report.ts';
import { runSideChannel, type SideChannelReport } from './scenarios/sideChannel.ts';
import { runPortResilience, type PortResilienceReport } from './scenarios/portResilience.ts';
import { runSoak, type SoakReport } from './scenarios/soak.ts';
import { deriveKey } from './keys.ts';
import type { LogRecorderOptions } from './log.ts';

export type { Claim, Percentiles } from './scenarios/report.ts';
export type { SideChannelReport, LayoutResult } from './scenarios/sideChannel.ts';
export type { PortResilienceReport, ProgramRun, LevelSweepRow } from './scenarios/portResilience.ts';
export type { SoakReport, SoakTrigger, TriggerFigures, LevelPoint, TriggerPoint } from './scenarios/soak.ts';
export { SOAK_TRIGGERS } from './scenarios/soak.ts';

/** The experiments, in the order the CLI lists them and `guillotine review` runs them. */
export const SCENARIOS = [
  { name: 'side-channel', description: "a Prime+Probe attacker on a model core against a hypervisor key: leaks with a shared cache, at chance with Guillotine's separate hierarchies" },
  { name: 'port-resilience', description: 'every adversarial model program against the port API: nothing invalid or above the level serviced, heartbeats keep flowing, the detector escalates' },
  { name: 'soak', description: 'hours of random heartbeat losses, alarms, faults, jams, proposals and vote attacks: time to the required level against the deadlines, zero escapes' },
] as const;

export type ScenarioName = (typeof SCENARIOS)[number]['name'];

export const SCENARIO_NAMES: readonly ScenarioName[] = SCENARIOS.map((s) => s.name);

/** The seed `guillotine simulate` and `guillotine review` use when none is given. */
export const DEFAULT_SEED = 20261123;

/** The default length of the soak, in simulated hours. */
export const DEFAULT_SOAK_HOURS = 72;

export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === 'string' && (SCENARIO_NAMES as readonly string[]).includes(value);
}

/** The policy a result ran under, flattened to the knobs the experiments read. */
export interface PolicySummary {
  readonly admins: number;
  readonly escalate: number;
  readonly deescalate: number;
  readonly timeoutSeconds: number;
  readonly onTimeout: 'restrictive' | 'unchanged';
  readonly maxStep: number;
  readonly irreversible: readonly Level[];
  readonly heartbeatPeriodMs: number;
  readonly missLimit: number;
  readonly detectorMaxLevel: Level;
  readonly rebootLevel: Level;
  readonly actuatorDeadlineMs: number;
  readonly actuatorEscalationCap: Level;
}

export function summarisePolicy(policy: Policy): PolicySummary {
  return {
    admins: policy.admins.length,
    escalate: policy.quorum.escalate,
    deescalate: policy.quorum.deescalate,
    timeoutSeconds: policy.quorum.timeoutSeconds,
    onTimeout: policy.quorum.onTimeout,
    maxStep: policy.deescalation.maxStep,
    irreversible: [...policy.irreversible],
    heartbeatPeriodMs: policy.heartbeat.periodMs,
    missLimit: policy.heartbeat.missLimit,
    detectorMaxLevel: policy.detector.maxLevel,
    rebootLevel: policy.faults.rebootLevel,
    actuatorDeadlineMs: policy.actuators.confirmDeadlineMs,
    actuatorEscalationCap: policy.actuators.escalateOnFailureUpTo,
  };
}

/** The keys every result starts with. */
interface ResultHead {
  readonly seed: number;
  readonly policy: PolicySummary;
  readonly holds: boolean;
  readonly claims: readonly Claim[];
}

export type SideChannelResult = ResultHead & SideChannelReport;
export type PortResilienceResult = ResultHead & PortResilienceReport;
export type SoakResult = ResultHead & SoakReport;
/** What {@link runScenario} returns, tagged by `scenario`. */
export type ScenarioResult = SideChannelResult | PortResilienceResult | SoakResult;

export interface RunScenarioOptions {
  /** Default {@link DEFAULT_SEED}. Any integer; taken modulo 2^32 by the PRNG. */
  readonly seed?: number;
  /** Default: the embedded default policy. */
  readonly policy?: Policy;
  /** Soak only: simulated hours (default {@link DEFAULT_SOAK_HOURS}). Refused for the other scenarios. */
  readonly hours?: number;
  /** Progress for slow runs: `done` of `total` steps, and what was just done. Never part of the result. */
  readonly onProgress?: (done: number, total: number, what: string) => void;
  /**
   * Soak only: the machine writes its log (`spec/log.ts`, docs/log-format.md), each line to
   * `write` without its newline; `options` choose what it records. Never part of the result.
   */
  readonly log?: { readonly write: (line: string) => void; readonly options?: LogRecorderOptions };
}

/** The most heartbeats one soak simulates: a simulated year at the default 1 s period. */
export const MAX_SOAK_HEARTBEATS = 8_760 * 3_600;

/**
 * What a scenario cannot run, said in a sentence a user can act on (the CLI turns it into exit 2):
 * an unknown scenario, hours outside the soak, or a policy whose admins' keys the simulator cannot sign with.
 */
export class ScenarioInputError extends RangeError {
  override readonly name = 'ScenarioInputError';
}

/**
 * Runs one experiment and returns its result. Throws a {@link ScenarioInputError} for an unknown
 * scenario name, for `hours` given to a scenario other than the soak, for hours that are not a
 * positive number, and — for the scenarios in which admins vote (port-resilience, soak) — for a
 * policy that pins an admin's `publicKey` to a key other than the one the simulator derives from
 * the seed (it holds only those private keys, so it could not sign that admin's votes).
 */
export function runScenario(name: 'side-channel', options?: RunScenarioOptions): SideChannelResult;
export function runScenario(name: 'port-resilience', options?: RunScenarioOptions): PortResilienceResult;
export function runScenario(name: 'soak', options?: RunScenarioOptions): SoakResult;
export function runScenario(name: ScenarioName, options?: RunScenarioOptions): ScenarioResult;
export function runScenario(name: ScenarioName, options: RunScenarioOptions = {}): ScenarioResult {
  if (!isScenarioName(name)) throw new ScenarioInputError(`unknown scenario ${JSON.stringify(name)}; allowed: ${SCENARIO_NAMES.join(', ')}`);
  const seed = options.seed ?? DEFAULT_SEED;
  const policy = options.policy ?? DEFAULT_POLICY;
  if (options.hours !== undefined && name !== 'soak') throw new ScenarioInputError(`hours applies only to the soak scenario, not ${name}`);
  if (options.log !== undefined && name !== 'soak') throw new ScenarioInputError(`a log is written only by the soak scenario (one machine, free-running), not ${name}`);
  if (options.hours !== undefined && !(options.hours > 0 && Number.isFinite(options.hours))) throw new ScenarioInputError(`soak hours must be a positive number, got ${options.hours}`);
  // The soak's work grows with the heartbeats it simulates: a 72 h soak at the smallest period (1 µs) is
  // 2.6e11 of them, days of CPU. Refuse what would take longer than a simulated year at the default 1 s.
  if (name === 'soak') {
    const hours = options.hours ?? DEFAULT_SOAK_HOURS;
    const heartbeats = (hours * 3_600_000) / policy.heartbeat.periodMs;
    if (heartbeats > MAX_SOAK_HEARTBEATS) {
      throw new ScenarioInputError(`a soak of ${hours} h at a heartbeat period of ${policy.heartbeat.periodMs} ms simulates ${heartbeats.toExponential(1)} heartbeats; at most ${MAX_SOAK_HEARTBEATS.toExponential(1)} (a simulated year at a 1 s period): lower --hours or raise heartbeat.periodMs`);
    }
  }
  if (name !== 'side-channel') {
    const pinned = policy.admins.find((a) => a.publicKey !== undefined && a.publicKey !== deriveKey(seed, a.id).publicKeyBase64);
    if (pinned !== undefined) {
      throw new ScenarioInputError(`admin ${pinned.id} pins a publicKey, and the simulator can sign only with the keys it derives from the seed; remove "publicKey" from the policy to run ${name} (side-channel runs with any keys)`);
    }
  }
  const report = (() => {
    switch (name) {
      case 'side-channel':
        return runSideChannel({ seed, policy });
      case 'port-resilience':
        return runPortResilience({ seed, policy, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      case 'soak': {
        const progress = options.onProgress;
        return runSoak({
          seed, policy, hours: options.hours ?? DEFAULT_SOAK_HOURS,
          ...(progress ? { onProgress: (h: number, total: number) => progress(h, Math.ceil(total), `${h} of ${total} simulated hours`) } : {}),
          ...(options.log ? { log: options.log } : {}),
        });
      }
    }
  })();
  // The head first, in a fixed order, then the scenario's own figures.
  const { scenario, seed: ranWith, holds, claims, ...figures } = report;
  return { scenario, seed: ranWith, policy: summarisePolicy(policy), holds, claims, ...figures } as ScenarioResult;
}
