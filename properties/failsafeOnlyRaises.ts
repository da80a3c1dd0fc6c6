import { FAILSAFE_EVENTS, describeEvent } from '../spec/events.ts';
import { levelOf } from '../machines/engine.ts';
import { LEVEL } from '../machines/protocolOps.ts';
import type { GuillotineProperty } from './property.ts';

const isFailsafe = (type: string) => (FAILSAFE_EVENTS as readonly string[]).includes(type);

/**
 * `failsafe-only-raises` (absolute): no automatic trigger (heartbeat loss, alarm, MCE, assertion
 * failure, actuator fault) lowers the level, and none raises it to decapitation or immolation:
 * destruction needs people.
 */
export const failsafeOnlyRaises: GuillotineProperty = {
  id: 'failsafe-only-raises',
  kind: 'absolute',
  statement: 'No fail-safe lowers the level, and none ever reaches decapitation or immolation (destruction needs people).',
  check: {
    on: 'transition',
    clauses: [
      {
        holds: (o, _p, before, e, after) => (isFailsafe(e.type) ? o.le(before.isolation, after.isolation) : o.bool(true)),
        says: ({ before, event, after }) => `the fail-safe "${describeEvent(event)}" lowered the level from ${levelOf(before.machine)} to ${levelOf(after.machine)}`,
      },
      {
        holds: (o, _p, before, e, after) => (isFailsafe(e.type) ? o.not(o.and(o.lt(before.isolation, after.isolation), o.lt(o.int(LEVEL.offline), after.isolation))) : o.bool(true)),
        says: ({ event, after }) => `the fail-safe "${describeEvent(event)}" raised the level to ${levelOf(after.machine)}; destruction needs people`,
      },
    ],
  },
  vacuity: [{ name: 'a fail-safe raises the level', witness: (o, _p, s, via) => (via !== undefined && isFailsafe(via.event.type) ? o.lt(via.from.isolation, s.isolation) : o.bool(false)) }],
};
