/**
 * What a Guillotine safety property is: a stable id (docs/protocol.md §4), whether it is absolute
 * (a requirement of the architecture, whatever the policy) or judged against the policy, a plain
 * statement, and how it is checked. Vacuity guards (`sometimes`) say what must be reachable for
 * the property to mean something.
 *
 * A property's condition is written once, over the protocol's operations (`machines/protocolOps.ts`),
 * as clauses: the property holds where every clause holds, and a violation says what the first
 * failing clause says. The checker's generated code, the Promela and TLA+ exports and the Horn
 * clauses judge the same clauses; the sentences are for people and read the machine's objects.
 */
import type { GuillotineEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import type { EventView, ProtocolOps, StateView } from '../machines/protocolOps.ts';
import type { PropertyId } from '../spec/propertyIds.ts';
import type { CheckState } from './history.ts';

export type { PropertyId } from '../spec/propertyIds.ts';

/** true when the property holds here, or a sentence saying what went wrong. */
export type Verdict = true | string;

/** One accepted transition, as step properties see it. */
export interface Transition {
  readonly policy: Policy;
  readonly before: CheckState;
  readonly event: GuillotineEvent;
  readonly after: CheckState;
}

/** A condition on an accepted transition, over the operations. */
export interface TransitionRule {
  <B, N, V, S>(o: ProtocolOps<B, N, V, S>, policy: Policy, before: StateView<B, N, S>, event: EventView<N, V>, after: StateView<B, N, S>): B;
}

/** A condition on a reachable state, over the operations. */
export interface StateRule {
  <B, N, V, S>(o: ProtocolOps<B, N, V, S>, policy: Policy, state: StateView<B, N, S>): B;
}

/**
 * A condition on how a state was reached, for vacuity guards: the state, and the transition into it
 * (absent for the initial state).
 */
export interface WitnessRule {
  <B, N, V, S>(o: ProtocolOps<B, N, V, S>, policy: Policy, state: StateView<B, N, S>, via: { readonly from: StateView<B, N, S>; readonly event: EventView<N, V> } | undefined): B;
}

export interface TransitionClause {
  readonly holds: TransitionRule;
  readonly says: (t: Transition) => string;
}

/** A condition on the policy's knobs alone, over the operations (for the exports and the Horn clauses, symbolic). */
export interface PolicyRule {
  <B, N, V, S>(o: ProtocolOps<B, N, V, S>, policy: Policy): B;
}

/** What a policy arithmetic failure says, and the witness it shows (two disjoint quorums, …). */
export interface PolicyFailure {
  readonly reason: string;
  readonly witness: Record<string, unknown>;
}

export interface PolicyClause {
  readonly holds: PolicyRule;
  readonly says: (policy: Policy) => PolicyFailure;
}

export interface StateClause {
  readonly holds: StateRule;
  readonly says: (s: CheckState, policy: Policy) => string;
}

/** A vacuity guard: a reachable state or transition that shows the property is not vacuous. */
export interface VacuityGuard {
  readonly name: string;
  readonly witness: WitnessRule;
}

export type Check =
  /** Judged on every accepted transition. */
  | { readonly on: 'transition'; readonly clauses: readonly TransitionClause[] }
  /** Judged on every reachable state. */
  | { readonly on: 'state'; readonly clauses: readonly StateClause[] }
  /** Judged on the policy alone (arithmetic); a failure carries a witness instead of a trace. */
  | { readonly on: 'policy'; readonly clauses: readonly PolicyClause[] }
  /** Every reachable state has an enabled event. */
  | { readonly on: 'progress' }
  /** Under weak fairness, every run reaches states where the condition holds, again and again. */
  | { readonly on: 'eventually'; readonly condition: StateRule };

export interface GuillotineProperty {
  readonly id: PropertyId;
  readonly kind: 'absolute' | 'policy';
  readonly statement: string;
  readonly check: Check;
  readonly vacuity?: readonly VacuityGuard[];
}
