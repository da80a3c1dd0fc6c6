import type { GuillotineProperty } from './property.ts';
import { adminIds } from '../spec/policy.ts';

/**
 * `quorum-intersection` (absolute): any escalation quorum and any de-escalation quorum share an
 * admin (e + d > n), and de-escalation needs a strict majority (2d > n) — so no group can undo an
 * escalation without someone who voted for it, and no two disjoint groups can both de-escalate.
 * A failure carries two disjoint quorums as its witness.
 */
export const quorumIntersection: GuillotineProperty = {
  id: 'quorum-intersection',
  kind: 'absolute',
  statement: 'Any escalation quorum and any de-escalation quorum share an admin, and de-escalation needs a strict majority of the admins.',
  check: {
    on: 'policy',
    clauses: [
      {
        holds: (o) => o.lt(o.knob('admins'), o.add(o.knob('escalate'), o.knob('deescalate'))),
        says: (policy) => {
          const ids = adminIds(policy);
          const { escalate: e, deescalate: d } = policy.quorum;
          return { reason: `an escalation quorum of ${e} and a de-escalation quorum of ${d} can be disjoint among ${ids.length} admins (${e} + ${d} ≤ ${ids.length})`, witness: { escalation: ids.slice(0, e), deescalation: ids.slice(e, e + d) } };
        },
      },
      {
        holds: (o) => o.lt(o.knob('admins'), o.add(o.knob('deescalate'), o.knob('deescalate'))),
        says: (policy) => {
          const ids = adminIds(policy);
          const d = policy.quorum.deescalate;
          return { reason: `a de-escalation quorum of ${d} is not a strict majority of ${ids.length} admins: two disjoint groups can each de-escalate`, witness: { deescalation: ids.slice(0, d), alsoDeescalation: ids.slice(d, 2 * d) } };
        },
      },
    ],
  },
};
