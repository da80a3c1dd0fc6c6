import { FAILSAFE_EVENTS, describeEvent } from '../spec/events.ts';
import { levelIndex } from '../spec/levels.ts';
import { levelOf } from '../machines/engine.ts';
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
    verdict: ({ before, event, after }) => {
      if (!isFailsafe(event.type)) return true;
      const from = levelOf(before.machine);
      const to = levelOf(after.machine);
      if (levelIndex(to) < levelIndex(from)) return `the fail-safe "${describeEvent(event)}" lowered the level from ${from} to ${to}`;
      if (levelIndex(to) > levelIndex(from) && levelIndex(to) > levelIndex('offline')) return `the fail-safe "${describeEvent(event)}" raised the level to ${to}; destruction needs people`;
      return true;
    },
  },
  vacuity: [{ name: 'a fail-safe raises the level', witness: (s, via) => via !== undefined && isFailsafe(via.event.type) && levelIndex(levelOf(s.machine)) > levelIndex(levelOf(via.from.machine)) }],
};
