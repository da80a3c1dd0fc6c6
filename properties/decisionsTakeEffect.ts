import { levelOf } from '../machines/engine.ts';
import { decision, decisionOf } from './history.ts';
import type { GuillotineProperty } from './property.ts';

/**
 * `decisions-take-effect` (policy): a decision about the level is carried out in the step that makes
 * it. A proposal brought to its quorum of distinct approvals (votes counted from the history) sets
 * the level to its target — §3: "applied the moment it holds 3 of 7", "applied at 5 of 7" — and so
 * does an escalation that expires under `onTimeout: "restrictive"` (§3: "an expired escalation is
 * applied"). `escalation-has-cause` and `deescalation-needs-quorum` say no change happens without
 * such a decision; this says none is dropped or deferred. (`escalation-liveness` says an escalation
 * is applied eventually, under fairness: this is the safety property behind it, for both
 * directions and for the timeout.)
 */
export const decisionsTakeEffect: GuillotineProperty = {
  id: 'decisions-take-effect',
  kind: 'policy',
  statement: 'A decision takes effect in the step that makes it: a proposal brought to its quorum, or an escalation expiring under onTimeout "restrictive", sets the level to its target.',
  check: {
    on: 'transition',
    clauses: [
      {
        holds: (o, p, before, e, after) => {
          const d = decision(o, p, before, e);
          return o.or(o.not(d.decided), o.eq(after.isolation, d.target));
        },
        says: ({ policy, before, event, after }) => {
          const d = decisionOf(policy, before, event)!;
          return `${d.how}, but the level is ${levelOf(after.machine)}, not ${d.target}`;
        },
      },
    ],
  },
  vacuity: [
    { name: 'a proposal reaches its quorum', witness: (o, p, _s, via) => (via === undefined || via.event.type === 'timeout' ? o.bool(false) : decision(o, p, via.from, via.event).decided) },
  ],
};
