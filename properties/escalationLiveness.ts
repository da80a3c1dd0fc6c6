import type { GuillotineProperty } from './property.ts';
import { completesEscalation } from './history.ts';

/**
 * `escalation-liveness` (policy): under weak fairness of every event, an escalation proposal that
 * gathers its quorum (counted from the history) is applied — the level eventually reaches its
 * target. The history variable `awaiting` holds the target from the quorum-completing approval
 * until the level reaches it; the property is □◇(nothing awaits).
 */
export const escalationLiveness: GuillotineProperty = {
  id: 'escalation-liveness',
  kind: 'policy',
  statement: 'Under fairness, an escalation proposal that gathers its quorum is applied.',
  check: { on: 'eventually', condition: (s) => s.history.awaiting === null },
  vacuity: [{ name: 'an escalation proposal gathers its quorum', witness: (_s, via, policy) => via !== undefined && completesEscalation(policy, via.from, via.event, true) !== null }],
};
