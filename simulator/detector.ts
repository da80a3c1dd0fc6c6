/**
 * The misbehavior detector: a black box that watches what the hypervisor sees and raises alarms,
 * each asking for a level (docs/protocol.md §1, §3). Rules are pluggable; each counts matching
 * observations in a sliding window and fires when the count reaches its threshold, then stays
 * quiet for one window (so a flood raises one alarm, not thousands).
 *
 * The detector only *asks*; the cap (`detector.maxLevel`) is applied where alarms are received.
 */
import type { Level } from '../spec/levels.ts';
import type { Micros } from './clock.ts';
import type { Refusal } from './ports.ts';

/** What the hypervisor reports to the detector. */
export type Observation =
  | { readonly kind: 'request' } // a request slot was consumed from the ring
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | { readonly kind: 'bus-fault' }; // a model core touched memory outside its address map

export interface DetectorRule {
  readonly name: string;
  /** The level the alarm asks for. */
  readonly level: Level;
  readonly windowMicros: Micros;
  readonly threshold: number;
  readonly matches: (observation: Observation) => boolean;
  /** One line for reports. */
  readonly description: string;
}

/** The default rule set: rejected page-table writes, requests to ports not granted, request floods. */
export const DEFAULT_RULES: readonly DetectorRule[] = [
  {
    name: 'page-table-tamper',
    level: 'severed',
    windowMicros: 1_000_000,
    threshold: 3,
    matches: (o) => o.kind === 'refused' && o.refusal === 'pte',
    description: '3 rejected page-table writes within 1 s ask for severed',
  },
  {
    name: 'ungranted-port',
    level: 'probation',
    windowMicros: 1_000_000,
    threshold: 5,
    matches: (o) => o.kind === 'refused' && (o.refusal === 'not-granted' || o.refusal === 'level'),
    description: '5 requests to ports not granted at the current level within 1 s ask for probation',
  },
  {
    name: 'request-flood',
    level: 'probation',
    windowMicros: 1_000_000,
    threshold: 5_000,
    matches: (o) => o.kind === 'request',
    description: '5000 requests within 1 s ask for probation',
  },
];

export interface Alarm {
  readonly at: Micros;
  readonly rule: string;
  readonly level: Level;
}

export class Detector {
  /** Per rule, the times of its last `threshold` matches, in a ring buffer (O(1) per observation). */
  private readonly recent: Float64Array[];
  private readonly counts: number[];
  private readonly quietUntil: Micros[];
  readonly alarms: Alarm[] = [];

  constructor(
    readonly rules: readonly DetectorRule[],
    private readonly raise: (alarm: Alarm) => void,
  ) {
    this.recent = rules.map((r) => new Float64Array(r.threshold));
    this.counts = rules.map(() => 0);
    this.quietUntil = rules.map(() => -1);
  }

  /** Feeds one observation at time `at`; may raise alarms. */
  observe(at: Micros, observation: Observation): void {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      if (!rule.matches(observation)) continue;
      const ring = this.recent[i]!;
      const n = this.counts[i]!;
      ring[n % rule.threshold] = at;
      this.counts[i] = n + 1;
      if (n + 1 < rule.threshold || at < this.quietUntil[i]!) continue;
      // The oldest of the last `threshold` matches is the next slot to be overwritten.
      const oldest = ring[(n + 1) % rule.threshold]!;
      if (at - oldest >= rule.windowMicros) continue;
      this.quietUntil[i] = at + rule.windowMicros;
      this.counts[i] = 0;
      const alarm = { at, rule: rule.name, level: rule.level };
      this.alarms.push(alarm);
      this.raise(alarm);
    }
  }
}
