import { NO_LEVEL } from '../machines/protocolOps.ts';
import type { GuillotineProperty } from './property.ts';
import { escalationCompleted } from './history.ts';

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
  check: { on: 'eventually', condition: (o, _p, s) => o.eq(s.history.awaiting, o.int(NO_LEVEL)) },
  vacuity: [
    {
      name: 'an escalation proposal gathers its quorum',
      witness: (o, _p, _s, via) => (via === undefined ? o.bool(false) : o.not(o.eq(escalationCompleted(o, via.from, via.event), o.int(NO_LEVEL)))),
    },
  ],
};
