/**
 * Refutation by concrete search: the count system explored breadth-first (`explore.ts`) for each
 * knob value of the region in increasing order — admins, then the escalation quorum, the
 * de-escalation quorum, the miss limit, the step — until one breaks the property. The first found is
 * the smallest policy that breaks it (in that order), and its path is a shortest one there.
 */
import { ACTUATORS, LEVELS } from '../../spec/levels.ts';
import { OUTSIDER_CLASS } from '../../machines/classCounts.ts';
import type { PropertyId } from '../../properties/property.ts';
import type { EventSlot } from './countMachine.ts';
import { readValue } from './countState.ts';
import { exploreCounts, type AbstractStep, type CompiledCountSystem, type KnobValues } from './explore.ts';
import { knobsUpTo, type ProtocolRegion } from './region.ts';

/** One step of an abstract counterexample, in words: the event (a voter named by its class) and the state after it. */
export interface AbstractStepWords {
  readonly event: string;
  readonly state: Readonly<Record<string, string>>;
}

export type SearchOutcome =
  | {
      readonly found: true;
      readonly knobs: KnobValues;
      readonly initial: Readonly<Record<string, string>>;
      readonly path: readonly AbstractStepWords[];
      /** The same path as the count system's steps, for `concretize`. */
      readonly steps: readonly AbstractStep[];
      readonly policies: number;
    }
  | { readonly found: false; readonly policies: number; readonly maxAdmins: number; readonly exhausted: boolean; readonly capped: number };

export interface SearchLimits {
  /** The largest number of admins tried. */
  readonly maxAdmins: number;
  /** The largest miss limit tried (the region's least when that is larger). */
  readonly maxMissLimit: number;
  /** Per policy, a bound on the states explored (a policy that reaches it counts as `capped`). */
  readonly maxStates: number;
  /** Wall-clock budget for the whole search, in milliseconds; the search stops (not exhausted) past it. */
  readonly budgetMs: number;
  /** Start at this number of admins (the smaller ones already searched). */
  readonly fromAdmins?: number;
}

/** Each step of an abstract path as a line: the event, then what it changed ("→ isolation probation, level probation"). */
export function pathLines(initial: Readonly<Record<string, string>>, path: readonly AbstractStepWords[]): string[] {
  return path.map((step, i) => {
    const before = i === 0 ? initial : path[i - 1]!.state;
    const changed = Object.entries(step.state).filter(([name, value]) => before[name] !== value);
    return `${step.event}${changed.length > 0 ? ` → ${changed.map(([name, value]) => `${name} ${value}`).join(', ')}` : ''}`;
  });
}

/** An event of the abstract alphabet in words: `approve by an admin of class "neither"`. */
export function slotWords(slot: EventSlot): string {
  const parts: string[] = [slot.type];
  if (slot.target !== undefined) parts.push(LEVELS[slot.target]!);
  if (slot.level !== undefined) parts.push(LEVELS[slot.level]!);
  if (slot.actuator !== undefined) parts.push(ACTUATORS[slot.actuator]!);
  if (slot.voter !== undefined) parts.push(slot.voter === OUTSIDER_CLASS ? 'by the outsider' : `by an admin who ${voterWords[slot.voter]}`);
  return parts.join(' ');
}

const voterWords = ['approved and voted', 'approved only', 'voted only', 'neither approved nor voted'];

/** A count state in words, variable by variable. */
export function stateWords(c: CompiledCountSystem, state: Int32Array): Record<string, string> {
  const out: Record<string, string> = {};
  c.system.signature.vars.forEach((v, i) => (out[v.name] = readValue(v, v.sort === 'bool' ? state[i] !== 0 : state[i]!)));
  return out;
}

/** Searches the region, smallest policy first, for a violation of `property`. */
export function searchCounterexample(c: CompiledCountSystem, property: PropertyId, region: ProtocolRegion, limits: SearchLimits): SearchOutcome {
  const started = performance.now();
  let policies = 0;
  let capped = 0;
  for (const knobs of knobsUpTo(region, limits.maxAdmins, limits.maxMissLimit, limits.fromAdmins ?? 1)) {
    if (performance.now() - started > limits.budgetMs) return { found: false, policies, maxAdmins: knobs.admins - 1, exhausted: false, capped };
    policies++;
    const ex = exploreCounts(c, knobs, { stopAt: property, maxStates: limits.maxStates });
    const path: readonly AbstractStep[] | undefined = property === 'no-deadlock' ? ex.deadlock : ex.violations.get(property);
    if (path !== undefined) return { found: true, knobs, initial: stateWords(c, c.initial(knobs)), path: path.map((s) => ({ event: slotWords(s.slot), state: stateWords(c, s.state) })), steps: path, policies };
    if (!ex.complete) capped++;
  }
  return { found: false, policies, maxAdmins: limits.maxAdmins, exhausted: true, capped };
}
