import { levelOf } from '../machines/engine.ts';
import { LEVEL } from '../machines/protocolOps.ts';
import type { GuillotineProperty } from './property.ts';

/**
 * `failsafe-reaches-offline` (policy): the missed-heartbeat limit, a machine-check exception or a
 * hypervisor assertion failure puts the level at offline or above in the same step.
 */
export const failsafeReachesOffline: GuillotineProperty = {
  id: 'failsafe-reaches-offline',
  kind: 'policy',
  statement: 'The missed-heartbeat limit, an MCE or an assertion failure puts the level at offline or above at once.',
  check: {
    on: 'transition',
    clauses: [
      {
        holds: (o, _p, _before, e, after) => (e.type === 'mce' || e.type === 'assertion-failure' ? o.le(o.int(LEVEL.offline), after.isolation) : o.bool(true)),
        says: ({ event, after }) => `after ${event.type} the level is ${levelOf(after.machine)}, below offline`,
      },
      {
        holds: (o, _p, before, e, after) =>
          e.type === 'heartbeat-missed' ? o.or(o.lt(o.add(before.history.misses, o.int(1)), o.knob('missLimit')), o.le(o.int(LEVEL.offline), after.isolation)) : o.bool(true),
        says: ({ policy, after }) => `after ${policy.heartbeat.missLimit} consecutive missed heartbeats the level is ${levelOf(after.machine)}, below offline`,
      },
    ],
  },
  vacuity: [
    { name: 'a fault reboots the hypervisor', witness: (o, _p, _s, via) => o.bool(via !== undefined && (via.event.type === 'mce' || via.event.type === 'assertion-failure')) },
    {
      name: 'the heartbeat limit is reached',
      witness: (o, _p, _s, via) => (via !== undefined && via.event.type === 'heartbeat-missed' ? o.le(o.knob('missLimit'), o.add(via.from.history.misses, o.int(1))) : o.bool(false)),
    },
  ],
};
