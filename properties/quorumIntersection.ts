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
    verdict: (policy) => {
      const ids = adminIds(policy);
      const n = ids.length;
      const { escalate: e, deescalate: d } = policy.quorum;
      if (e + d <= n) {
        return { holds: false, reason: `an escalation quorum of ${e} and a de-escalation quorum of ${d} can be disjoint among ${n} admins (${e} + ${d} ≤ ${n})`, witness: { escalation: ids.slice(0, e), deescalation: ids.slice(e, e + d) } };
      }
      if (2 * d <= n) {
        return { holds: false, reason: `a de-escalation quorum of ${d} is not a strict majority of ${n} admins: two disjoint groups can each de-escalate`, witness: { deescalation: ids.slice(0, d), alsoDeescalation: ids.slice(d, 2 * d) } };
      }
      return { holds: true };
    },
  },
};
