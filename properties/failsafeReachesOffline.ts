import { levelIndex } from '../spec/levels.ts';
import { levelOf } from '../machines/engine.ts';
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
    verdict: ({ policy, before, event, after }) => {
      const to = levelOf(after.machine);
      const atOffline = levelIndex(to) >= levelIndex('offline');
      if ((event.type === 'mce' || event.type === 'assertion-failure') && !atOffline) return `after ${event.type} the level is ${to}, below offline`;
      if (event.type === 'heartbeat-missed' && before.history.misses + 1 >= policy.heartbeat.missLimit && !atOffline) {
        return `after ${policy.heartbeat.missLimit} consecutive missed heartbeats the level is ${to}, below offline`;
      }
      return true;
    },
  },
  vacuity: [
    { name: 'a fault reboots the hypervisor', witness: (_s, via) => via !== undefined && (via.event.type === 'mce' || via.event.type === 'assertion-failure') },
    { name: 'the heartbeat limit is reached', witness: (_s, via, policy) => via !== undefined && via.event.type === 'heartbeat-missed' && via.from.history.misses + 1 >= policy.heartbeat.missLimit },
  ],
};
