/**
 * The small typed algebra the protocol's rules are written in, once, and the views of a state and
 * an event the rules read. Every rule of the protocol — the statechart's guards, context updates
 * and raised level changes (`rules.ts`), the conditions behind its refusals, the checker's history
 * update and the §4 property conditions (`properties/`) — is a function generic over
 * {@link ProtocolOps}, and each interpretation runs the very same definition:
 *
 * - concrete values (`concreteOps.ts`): what XState and the reference engine run, and what replay,
 *   the simulator's monitor and the visualizer see;
 * - JavaScript source over packed words (`checker/compiled/`): the checker's generated successor
 *   function, with voter sets as bit sets, or as class counts under symmetry;
 * - Promela and TLA+ text (`export/`): the models SPIN and TLC check;
 * - Z3 terms over counts (`proofs/protocol/`): the Horn clauses that prove the properties for every
 *   number of admins.
 *
 * Sorts: `B` truth values, `N` small integers (levels 0..5 in escalation order, counters, counts of
 * admins), `V` a voter (an admin, or the outsider the checker also lets vote), `S` a set of voters.
 * A rule never branches on its interpretation: what it decides is an expression in these sorts.
 *
 * The same shape as `proofs/bitvector.ts` (`BitVecOps`), for the same reason (Serval's "one
 * implementation, several interpretations"): a second hand-written copy of a rule is a defect.
 */
import { ACTUATORS, LEVELS } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';

/** Truth values and integers: the part of the algebra every interpretation has, counting included. */
export interface Scalars<B, N> {
  /** Which interpretation this is (for messages and tests; rules must not branch on it). */
  readonly interpretation: string;

  bool(value: boolean): B;
  and(...bs: B[]): B;
  or(...bs: B[]): B;
  not(b: B): B;

  int(value: number): N;
  add(a: N, b: N): N;
  sub(a: N, b: N): N;
  eq(a: N, b: N): B;
  lt(a: N, b: N): B;
  le(a: N, b: N): B;
  /** `c ? a : b` on integers. */
  ite(c: B, a: N, b: N): N;
}

/** The operations a rule may use. */
export interface ProtocolOps<B, N, V, S> extends Scalars<B, N> {

  /**
   * A knob of the policy that some interpretations keep symbolic (the Horn clauses prove a property
   * for every value in a region): the quorums, the miss limit, the largest de-escalation step and the
   * number of admins.
   * Everything else of the policy (irreversible levels, caps, the reboot level, onTimeout) is a
   * constant a rule reads from the policy itself.
   */
  knob(name: Knob): N;

  /** Whether the voter is an admin of the policy (the outsider is not). */
  isAdmin(v: V): B;

  /** The empty set. */
  noVoters(): S;
  /** `{v}`. */
  onlyVoter(v: V): S;
  /** `s ∪ {v}`. */
  withVoter(s: S, v: V): S;
  /** `c ? a : b` on sets. */
  iteSet(c: B, a: S, b: S): S;
  /** `v ∈ s`. */
  has(s: S, v: V): B;
  /** `|s|`, the outsider included. */
  size(s: S): N;
  /** `|s ∩ admins|`. */
  countAdmins(s: S): N;
  /** `a ⊆ b`. */
  subset(a: S, b: S): B;
}

/** The knobs of {@link ProtocolOps.knob}. */
export type Knob = 'escalate' | 'deescalate' | 'missLimit' | 'maxStep' | 'admins';

/** A policy's value of each knob: where in the policy file (docs/protocol.md §6) each one lives. */
export function knobsOf(policy: Policy): Readonly<Record<Knob, number>> {
  return {
    escalate: policy.quorum.escalate,
    deescalate: policy.quorum.deescalate,
    missLimit: policy.heartbeat.missLimit,
    maxStep: policy.deescalation.maxStep,
    admins: policy.admins.length,
  };
}

/** Level numbers as the rules see them: the index in `LEVELS`. */
export const LEVEL = Object.fromEntries(LEVELS.map((l, i) => [l, i])) as { readonly [L in (typeof LEVELS)[number]]: number };

/** "No level": what an optional level (an awaited escalation, the reboot's floor) holds when it is absent. */
export const NO_LEVEL = LEVELS.length;

/** Actuator numbers as the rules see them: the index in `ACTUATORS`. */
export const ACTUATOR = Object.fromEntries(ACTUATORS.map((a, i) => [a, i])) as { readonly [A in (typeof ACTUATORS)[number]]: number };

/**
 * The machine's extended state as the rules read it. A closed proposal reads as
 * `open = false, from = to = 0, approvals = ∅`: every interpretation writes it so.
 */
export interface ContextView<B, N, S> {
  readonly level: N;
  readonly rebooting: B;
  /** Whether a proposal is open, and its levels and approvals. */
  readonly open: B;
  readonly from: N;
  readonly to: N;
  readonly approvals: S;
  readonly missed: N;
  /** The level whose capability row (§2) the hypervisor commands. */
  readonly commanded: N;
  /** Per actuator, in `ACTUATORS` order: commanded to a new position and not yet confirmed. */
  readonly pending: readonly B[];
}

/** A context update: the fields it changes. */
export type ContextUpdate<B, N, S> = Partial<ContextView<B, N, S>>;

/** The history variables the properties keep (`properties/history.ts`). */
export interface HistoryView<N, S> {
  /** The voters whose accepted proposal or approval was given to the open proposal. */
  readonly votes: S;
  /** Consecutive missed heartbeats since the last heartbeat or fail-safe. */
  readonly misses: N;
  /** An escalation target whose quorum was reached and that is not yet in force, or `NO_LEVEL`. */
  readonly awaiting: N;
  /** While the hypervisor reboots, the lowest level allowed; `NO_LEVEL` while it runs. */
  readonly floor: N;
}

/** A checked state as the properties read it: the active level state, the context and the history. */
export interface StateView<B, N, S> {
  /** The level of the isolation region's active state (the context's `level` mirrors it). */
  readonly isolation: N;
  readonly context: ContextView<B, N, S>;
  readonly history: HistoryView<N, S>;
}

/** Why a level change happened (the `cause` of an internal `isolation.set`). */
export type LevelCause = 'quorum' | 'timeout' | 'heartbeat' | 'mce' | 'assertion-failure' | 'alarm' | 'actuator-fault';

/**
 * An event as the rules read it: its type is always known to the interpretation (a rule may branch
 * on it); its fields are values of the sorts. `actuator` and the levels are numbers (`ACTUATOR`,
 * `LEVEL`).
 */
export type EventView<N, V> =
  | { readonly type: 'propose'; readonly admin: V; readonly target: N }
  | { readonly type: 'approve'; readonly admin: V }
  | { readonly type: 'timeout' | 'heartbeat' | 'heartbeat-missed' | 'mce' | 'assertion-failure' | 'reboot-complete' }
  | { readonly type: 'alarm'; readonly level: N }
  | { readonly type: 'actuator-confirm' | 'actuator-fault'; readonly actuator: N }
  | { readonly type: 'isolation.set'; readonly to: N; readonly cause: LevelCause }
  | { readonly type: 'isolation.changed' | 'hypervisor.down' };

/** An event the machine raises to itself: a level change with its cause, or a notice to the other regions. */
export type RaisedEvent<N> = { readonly type: 'isolation.set'; readonly to: N; readonly cause: LevelCause } | { readonly type: 'isolation.changed' } | { readonly type: 'hypervisor.down' };

/** The parameters a config names with a guard or an action (`{ level: 'offline' }`). */
export type RuleParams = Readonly<Record<string, string>> | undefined;

// ---------------------------------------------------------------- derived operations

/** `max(a, b)`. */
export function maxOf<B, N>(o: ProtocolOps<B, N, unknown, unknown>, a: N, b: N): N {
  return o.ite(o.le(b, a), a, b);
}

/** `min(a, b)`. */
export function minOf<B, N>(o: ProtocolOps<B, N, unknown, unknown>, a: N, b: N): N {
  return o.ite(o.le(a, b), a, b);
}

/** Whether `x` is one of the constant `values`. */
export function oneOf<B, N>(o: ProtocolOps<B, N, unknown, unknown>, x: N, values: readonly number[]): B {
  return o.or(...values.map((v) => o.eq(x, o.int(v))));
}

/** `a ≠ b`. */
export function ne<B, N>(o: ProtocolOps<B, N, unknown, unknown>, a: N, b: N): B {
  return o.not(o.eq(a, b));
}

/** `a ⇒ b`. */
export function implies<B>(o: ProtocolOps<B, unknown, unknown, unknown>, a: B, b: B): B {
  return o.or(o.not(a), b);
}

/** The quorum a proposal from one level to another needs: escalations and de-escalations differ. */
export function quorumOf<B, N>(o: ProtocolOps<B, N, unknown, unknown>, from: N, to: N): N {
  return o.ite(o.lt(from, to), o.knob('escalate'), o.knob('deescalate'));
}

/** Whether the actuator numbered `actuator` (a value, maybe not a constant) is pending. */
export function pendingAt<B, N>(o: ProtocolOps<B, N, unknown, unknown>, pending: readonly B[], actuator: N): B {
  return o.or(...pending.map((p, i) => o.and(o.eq(actuator, o.int(i)), p)));
}
