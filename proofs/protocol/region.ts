/**
 * The region of policy parameters a protocol proof covers: intervals for the number of admins, the
 * two quorums, the miss limit and the de-escalation step. The quorums never exceed the number of
 * admins (the policy schema's own rule), and an interval may be open above (every number of admins,
 * every miss limit). A proof in the region is a theorem for every policy whose knobs lie in it and
 * whose fixed parameters (irreversible levels, detector and actuator caps, reboot level, onTimeout)
 * are the proved policy's.
 */
import type { Knob } from '../../machines/protocolOps.ts';
import { LEVELS } from '../../spec/levels.ts';
import type { KnobValues } from './explore.ts';
import type { Term, TermBank } from './term.ts';
import { KNOBS } from './termOps.ts';

/** An interval of integers, open above when `max` is absent. */
export interface Interval {
  readonly min: number;
  readonly max?: number;
}

/** The parameter region: one interval per knob (the quorums' upper bound is also the number of admins). */
export type ProtocolRegion = Readonly<Record<Knob, Interval>>;

/** The largest de-escalation step a policy may give (levels.length - 1). */
export const MAX_STEP = LEVELS.length - 1;

/** Every policy the schema allows: any number of admins ≥ 1, any quorums within it, any miss limit, any step. */
export const FULL_REGION: ProtocolRegion = {
  admins: { min: 1 },
  escalate: { min: 1 },
  deescalate: { min: 1 },
  missLimit: { min: 1 },
  maxStep: { min: 1, max: MAX_STEP },
};

/** How each knob is named in the region's words. */
const WORDS: Readonly<Record<Knob, string>> = { admins: 'admins', escalate: 'escalate', deescalate: 'deescalate', missLimit: 'missLimit', maxStep: 'maxStep' };

/** The upper bound of a knob as the region states it: the quorums are bounded by the admins too. */
function upper(region: ProtocolRegion, k: Knob): string | undefined {
  const max = region[k].max;
  if (k === 'escalate' || k === 'deescalate') return max === undefined ? 'admins' : `min(${max}, admins)`;
  return max === undefined ? undefined : String(max);
}

/** One point of the region in words: "3 admins, escalate 1, deescalate 3, missLimit 1, maxStep 1". */
export function knobWords(k: Readonly<Record<Knob, number>>): string {
  return `${k.admins} admins, escalate ${k.escalate}, deescalate ${k.deescalate}, missLimit ${k.missLimit}, maxStep ${k.maxStep}`;
}

/** The region in words, e.g. "admins ≥ 1, 1 ≤ escalate ≤ admins, …". */
export function regionWords(region: ProtocolRegion): string {
  return KNOBS.map((k) => {
    const hi = upper(region, k);
    const lo = region[k].min;
    if (hi === undefined) return `${WORDS[k]} ≥ ${lo}`;
    if (String(lo) === hi) return `${WORDS[k]} = ${lo}`;
    return `${lo} ≤ ${WORDS[k]} ≤ ${hi}`;
  }).join(', ');
}

/**
 * Why a region holds no policy (one line naming the bound), or undefined when it holds some.
 * Bounds outside what the policy schema allows are refused as well.
 */
export function regionProblem(region: ProtocolRegion): string | undefined {
  for (const k of KNOBS) {
    const { min, max } = region[k];
    if (!Number.isInteger(min) || (max !== undefined && !Number.isInteger(max))) return `${WORDS[k]}: bounds must be integers`;
    if (min < 1) return `${WORDS[k]}: the least value is ${min}, but a policy's ${WORDS[k]} is at least 1`;
    if (max !== undefined && max < min) return `${WORDS[k]}: the interval ${min}..${max} is empty`;
  }
  if (region.maxStep.min > MAX_STEP) return `maxStep: a de-escalation step is at most ${MAX_STEP}, not ${region.maxStep.min}`;
  const adminsMax = region.admins.max;
  for (const q of ['escalate', 'deescalate'] as const) {
    if (adminsMax !== undefined && region[q].min > adminsMax) return `${q}: a quorum of at least ${region[q].min} exceeds every number of admins in ${region.admins.min}..${adminsMax}`;
  }
  return undefined;
}

/** Whether knob values lie in the region. */
export function inRegion(region: ProtocolRegion, k: KnobValues): boolean {
  const within = (x: number, i: Interval) => x >= i.min && (i.max === undefined || x <= i.max);
  return KNOBS.every((name) => within(k[name], region[name])) && k.escalate <= k.admins && k.deescalate <= k.admins;
}

/** The region as a term over the knobs' variables (in {@link KNOBS} order). */
export function regionTerm(bank: TermBank, knobs: readonly Term[], region: ProtocolRegion): Term {
  const at = (k: Knob) => knobs[KNOBS.indexOf(k)]!;
  const parts: Term[] = [];
  for (const k of KNOBS) {
    parts.push(bank.le(bank.int(region[k].min), at(k)));
    const max = region[k].max;
    if (max !== undefined) parts.push(bank.le(at(k), bank.int(max)));
  }
  parts.push(bank.le(at('escalate'), at('admins')), bank.le(at('deescalate'), at('admins')));
  return bank.and(...parts);
}

/**
 * The knob values of the region with at most `maxAdmins` admins and miss limits up to
 * `maxMissLimit` (the region's least miss limit when that is larger), in increasing order of admins,
 * then escalation quorum, de-escalation quorum, miss limit, step: the order in which the first
 * counterexample found is the smallest.
 */
export function knobsUpTo(region: ProtocolRegion, maxAdmins: number, maxMissLimit: number, fromAdmins = 1): KnobValues[] {
  const out: KnobValues[] = [];
  const hi = (i: Interval, cap: number) => Math.min(i.max ?? cap, cap);
  for (let admins = Math.max(fromAdmins, region.admins.min); admins <= hi(region.admins, maxAdmins); admins++)
    for (let escalate = region.escalate.min; escalate <= hi(region.escalate, admins); escalate++)
      for (let deescalate = region.deescalate.min; deescalate <= hi(region.deescalate, admins); deescalate++)
        for (let missLimit = region.missLimit.min; missLimit <= hi(region.missLimit, Math.max(maxMissLimit, region.missLimit.min)); missLimit++)
          for (let maxStep = region.maxStep.min; maxStep <= hi(region.maxStep, MAX_STEP); maxStep++) out.push({ admins, escalate, deescalate, missLimit, maxStep });
  return out;
}
