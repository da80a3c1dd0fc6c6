/**
 * What every part of the soak shares: the machine, its clock, the run's settings, the admins'
 * keys, the book of triggers, and how a random process is scheduled (one Poisson process per kind
 * of event, each drawing from its own stream, so adding a draw to one never shifts another).
 */
import type { Policy } from '../../spec/policy.ts';
import { MICROS_PER_SECOND, type EventQueue, type Micros } from '../clock.ts';
import type { SigningKey } from '../keys.ts';
import type { Prng } from '../prng.ts';
import type { GuillotineSystem } from '../system.ts';
import type { TriggerBook } from './soakTriggers.ts';

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

export const HOUR = 3_600 * MICROS_PER_SECOND;

export interface SoakRun {
  readonly policy: Policy;
  readonly seed: number;
  readonly hours: number;
  /** The end of the run, in µs of virtual time. */
  readonly end: Micros;
  readonly rates: SoakRates;
  readonly system: GuillotineSystem;
  readonly clock: EventQueue;
  /** The run's root random stream; every process forks its own. */
  readonly root: Prng;
  /** The heartbeat period, in µs. */
  readonly period: Micros;
  readonly ids: readonly string[];
  readonly keys: ReadonlyMap<string, SigningKey>;
  readonly triggers: TriggerBook;
}

/** Schedules `act` as a Poisson process of `perHour` mean rate until the run's end, from its own stream. */
export function poisson(run: SoakRun, name: string, perHour: number, act: (random: Prng) => void): void {
  if (!(perHour > 0)) return;
  const { clock, end } = run;
  const random = run.root.fork(`soak:${name}`);
  const next = () => {
    const at = clock.now + Math.max(1, Math.round(random.exponential(HOUR / perHour)));
    if (at < end) clock.at(at, name, () => {
      act(random);
      next();
    });
  };
  next();
}
