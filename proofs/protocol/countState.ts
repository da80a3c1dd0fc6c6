/**
 * A state of the count abstraction: what the checker's symmetry-reduced state holds, with the
 * approvals and votes as class counts (`machines/classCounts.ts`) instead of sets of admins — each
 * region's active state, the machine's context, the class counts, and the history variables of
 * `properties/history.ts`. Nothing in it names an admin, so one state stands for a state of every
 * policy with the same counts, whatever its number of admins.
 *
 * The {@link StateSignature} is the list of a state's variables, by name and sort, in the order the
 * Horn predicate takes them (the knobs follow). A region with one state is always in it and is no
 * variable.
 */
import { ACTUATORS, LEVELS } from '../../spec/levels.ts';
import { REGIONS, type Statechart } from '../../machines/statechart.ts';
import { NO_LEVEL } from '../../machines/protocolOps.ts';
import type { ClassCounts } from '../../machines/classCounts.ts';
import type { Sort } from './term.ts';

/** A count state over values of sorts `B` (truth values) and `N` (integers). */
export interface CountState<B, N> {
  /** Each region's active state, by index in the region's states, in `REGIONS` order. */
  readonly regions: readonly N[];
  readonly level: N;
  readonly rebooting: B;
  readonly open: B;
  readonly from: N;
  readonly to: N;
  readonly missed: N;
  readonly commanded: N;
  /** Per actuator, in `ACTUATORS` order. */
  readonly pending: readonly B[];
  readonly counts: ClassCounts<B, N>;
  readonly misses: N;
  readonly awaiting: N;
  readonly floor: N;
}

/** How a variable's integer value reads: a level, a level or none, a region's state, or a number. */
export type Reading = { readonly kind: 'level' } | { readonly kind: 'optional-level' } | { readonly kind: 'region'; readonly states: readonly string[] } | { readonly kind: 'number' };

/**
 * What a variable measures, so that candidate lemmas compare like with like: levels with levels,
 * counts of admins with each other and with the quorums, heartbeat counters with the miss limit.
 */
export type Measure = 'level' | 'state' | 'flag' | 'admins' | 'heartbeats';

/** One variable of a count state. */
export interface StateVar {
  /** Its name in the Horn problem, the invariant and the SMT-LIB text. */
  readonly name: string;
  readonly sort: Sort;
  readonly reading: Reading;
  readonly measure: Measure;
  /** What it is, in words (for the docs and `--json`). */
  readonly meaning: string;
}

/** The variables of a count state for a statechart. */
export interface StateSignature {
  readonly vars: readonly StateVar[];
  /** Per region (`REGIONS` order): its variable's position, or -1 for a region of one state. */
  readonly regionVar: readonly number[];
  readonly regionStates: readonly (readonly string[])[];
}

const pendingName = (a: string) => `pending_${a.replace(/-/g, '_')}`;

/** The variables of a count state, for the statechart's regions. */
export function stateSignature(chart: Statechart): StateSignature {
  const vars: StateVar[] = [];
  const regionVar = chart.regions.map((r) => {
    if (r.states.length <= 1) return -1;
    vars.push({ name: r.name, sort: 'int', reading: r.name === 'isolation' ? { kind: 'level' } : { kind: 'region', states: r.states.map((s) => s.name) }, measure: r.name === 'isolation' ? 'level' : 'state', meaning: `the ${r.name} region's active state` });
    return vars.length - 1;
  });
  const level: Reading = { kind: 'level' };
  const optional: Reading = { kind: 'optional-level' };
  const number: Reading = { kind: 'number' };
  vars.push(
    { name: 'level', sort: 'int', reading: level, measure: 'level', meaning: "the hypervisor's recorded level (context.level)" },
    { name: 'rebooting', sort: 'bool', reading: number, measure: 'flag', meaning: 'the hypervisor is rebooting (context.rebooting)' },
    { name: 'proposal_open', sort: 'bool', reading: number, measure: 'flag', meaning: 'a proposal is open' },
    { name: 'proposal_from', sort: 'int', reading: level, measure: 'level', meaning: "the open proposal's from-level (standard when none is open)" },
    { name: 'proposal_to', sort: 'int', reading: level, measure: 'level', meaning: "the open proposal's target (standard when none is open)" },
    { name: 'missed', sort: 'int', reading: number, measure: 'heartbeats', meaning: "the watchdog's count of missed heartbeats" },
    { name: 'commanded', sort: 'int', reading: level, measure: 'level', meaning: 'the level whose capability row (§2) the hypervisor commands' },
    ...ACTUATORS.map((a): StateVar => ({ name: pendingName(a), sort: 'bool', reading: number, measure: 'flag', meaning: `the ${a} was commanded and has not confirmed` })),
    { name: 'approved_voted', sort: 'int', reading: number, measure: 'admins', meaning: 'admins who approved the open proposal and whose vote the history records for it' },
    { name: 'approved_only', sort: 'int', reading: number, measure: 'admins', meaning: 'admins the machine counts as approving whose vote the history does not record' },
    { name: 'voted_only', sort: 'int', reading: number, measure: 'admins', meaning: 'admins whose vote the history records but the machine does not count' },
    { name: 'outsider_approved', sort: 'bool', reading: number, measure: 'flag', meaning: "the outsider (not an admin) is among the proposal's approvals" },
    { name: 'outsider_voted', sort: 'bool', reading: number, measure: 'flag', meaning: "the outsider's vote is recorded in the history" },
    { name: 'misses', sort: 'int', reading: number, measure: 'heartbeats', meaning: 'history: consecutive missed heartbeats since the last heartbeat or fail-safe' },
    { name: 'awaiting', sort: 'int', reading: optional, measure: 'level', meaning: 'history: an escalation whose quorum was reached and is not yet in force' },
    { name: 'reboot_floor', sort: 'int', reading: optional, measure: 'level', meaning: 'history: while the hypervisor reboots, the lowest level allowed' },
  );
  return { vars, regionVar, regionStates: chart.regions.map((r) => r.states.map((s) => s.name)) };
}

/** A state's variables' values, in signature order. */
export function flatten<B, N>(sig: StateSignature, s: CountState<B, N>): (B | N)[] {
  const out: (B | N)[] = [];
  sig.regionVar.forEach((at, r) => at >= 0 && out.push(s.regions[r]!));
  out.push(s.level, s.rebooting, s.open, s.from, s.to, s.missed, s.commanded, ...s.pending);
  const c = s.counts;
  out.push(c.approvedAndVoted, c.approvedOnly, c.votedOnly, c.outsiderApproved, c.outsiderVoted, s.misses, s.awaiting, s.floor);
  return out;
}

/** The state whose variables have these values (signature order); a region of one state is `zero`. */
export function unflatten<B, N>(sig: StateSignature, values: readonly (B | N)[], zero: N): CountState<B, N> {
  if (values.length !== sig.vars.length) throw new RangeError(`a count state has ${sig.vars.length} variables, not ${values.length}`);
  let i = 0;
  const next = () => values[i++]!;
  const regions = sig.regionVar.map((at) => (at >= 0 ? (next() as N) : zero));
  const level = next() as N, rebooting = next() as B, open = next() as B, from = next() as N, to = next() as N, missed = next() as N, commanded = next() as N;
  const pending = ACTUATORS.map(() => next() as B);
  const counts: ClassCounts<B, N> = { approvedAndVoted: next() as N, approvedOnly: next() as N, votedOnly: next() as N, outsiderApproved: next() as B, outsiderVoted: next() as B };
  return { regions, level, rebooting, open, from, to, missed, commanded, pending, counts, misses: next() as N, awaiting: next() as N, floor: next() as N };
}

/** A variable's value in words: levels and region states by name, `none` for no level. */
export function readValue(v: StateVar, value: number | boolean): string {
  if (typeof value === 'boolean') return String(value);
  switch (v.reading.kind) {
    case 'level':
      return LEVELS[value] ?? String(value);
    case 'optional-level':
      return value === NO_LEVEL ? 'none' : (LEVELS[value] ?? String(value));
    case 'region':
      return v.reading.states[value] ?? String(value);
    default:
      return String(value);
  }
}

/** The index of the isolation region (whose state is the level the properties judge). */
export const ISOLATION = REGIONS.indexOf('isolation');
