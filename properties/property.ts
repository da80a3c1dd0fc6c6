/**
 * What a Guillotine safety property is: a stable id (docs/protocol.md §4), whether it is absolute
 * (a requirement of the architecture, whatever the policy) or judged against the policy, a plain
 * statement, and how it is checked. Vacuity guards (`sometimes`) say what must be reachable for
 * the property to mean something.
 */
import type { GuillotineEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import type { CheckState } from './history.ts';

export type PropertyId =
  | 'irreversible-levels'
  | 'deescalation-needs-quorum'
  | 'escalation-has-cause'
  | 'failsafe-only-raises'
  | 'failsafe-reaches-offline'
  | 'approvals-bound-to-proposal'
  | 'level-capabilities'
  | 'quorum-intersection'
  | 'no-deadlock'
  | 'escalation-liveness';

/** true when the property holds here, or a sentence saying what went wrong. */
export type Verdict = true | string;

/** One accepted transition, as step properties see it. */
export interface Transition {
  readonly policy: Policy;
  readonly before: CheckState;
  readonly event: GuillotineEvent;
  readonly after: CheckState;
}

/** A vacuity guard: a reachable state or transition that shows the property is not vacuous. */
export interface VacuityGuard {
  readonly name: string;
  readonly witness: (state: CheckState, via: { from: CheckState; event: GuillotineEvent } | undefined, policy: Policy) => boolean;
}

export type Check =
  /** Judged on every accepted transition. */
  | { readonly on: 'transition'; readonly verdict: (t: Transition) => Verdict }
  /** Judged on every reachable state. */
  | { readonly on: 'state'; readonly verdict: (s: CheckState, policy: Policy) => Verdict }
  /** Judged on the policy alone (arithmetic); a failure carries a witness instead of a trace. */
  | { readonly on: 'policy'; readonly verdict: (policy: Policy) => { readonly holds: true } | { readonly holds: false; readonly reason: string; readonly witness: Record<string, unknown> } }
  /** Every reachable state has an enabled event. */
  | { readonly on: 'progress' }
  /** Under weak fairness, every run reaches states where the condition holds, again and again. */
  | { readonly on: 'eventually'; readonly condition: (s: CheckState) => boolean };

export interface GuillotineProperty {
  readonly id: PropertyId;
  readonly kind: 'absolute' | 'policy';
  readonly statement: string;
  readonly check: Check;
  readonly vacuity?: readonly VacuityGuard[];
}
