/**
 * A property judged on the machine's objects: its clauses run by the concrete interpretation, and
 * the first failing clause's sentence as the verdict. What `replay`, the reference checker model
 * and the tests ask; the generated checker and the exports judge the same clauses.
 */
import type { GuillotineEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import { concreteOps, eventView } from '../machines/concreteOps.ts';
import { stateView, type CheckState } from './history.ts';
import type { Check, GuillotineProperty, PolicyFailure, Transition, VacuityGuard, Verdict } from './property.ts';

/** The verdict of policy arithmetic: holds, or the first failing clause's reason and witness. */
export function policyVerdict(check: Extract<Check, { on: 'policy' }>, policy: Policy): { readonly holds: true } | ({ readonly holds: false } & PolicyFailure) {
  const o = concreteOps(policy);
  for (const clause of check.clauses) if (!clause.holds(o, policy)) return { holds: false, ...clause.says(policy) };
  return { holds: true };
}

/** The verdict of a transition property on an accepted transition. */
export function transitionVerdict(check: Extract<Check, { on: 'transition' }>, t: Transition): Verdict {
  const o = concreteOps(t.policy);
  const before = stateView(t.before);
  const e = eventView(t.event);
  const after = stateView(t.after);
  for (const clause of check.clauses) if (!clause.holds(o, t.policy, before, e, after)) return clause.says(t);
  return true;
}

/** The verdict of a state property on a state. */
export function stateVerdict(check: Extract<Check, { on: 'state' }>, s: CheckState, policy: Policy): Verdict {
  const o = concreteOps(policy);
  const view = stateView(s);
  for (const clause of check.clauses) if (!clause.holds(o, policy, view)) return clause.says(s, policy);
  return true;
}

/** Whether a vacuity guard is witnessed by a state, reached by `via` (absent for the initial state). */
export function witnessed(guard: VacuityGuard, policy: Policy, s: CheckState, via: { readonly from: CheckState; readonly event: GuillotineEvent } | undefined): boolean {
  return guard.witness(concreteOps(policy), policy, stateView(s), via && { from: stateView(via.from), event: eventView(via.event) });
}

/** Whether an `eventually` property's condition holds in a state. */
export function conditionHolds(check: Extract<Check, { on: 'eventually' }>, s: CheckState, policy: Policy): boolean {
  return check.condition(concreteOps(policy), policy, stateView(s));
}

/** The verdict of any state or transition property on one step (policy, progress and liveness properties say nothing here). */
export function stepVerdict(p: GuillotineProperty, t: Transition, accepted: boolean): Verdict {
  if (p.check.on === 'transition') return accepted ? transitionVerdict(p.check, t) : true;
  if (p.check.on === 'state') return stateVerdict(p.check, t.after, t.policy);
  return true;
}
