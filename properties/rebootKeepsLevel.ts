import { LEVELS } from '../spec/levels.ts';
import { describeEvent } from '../spec/events.ts';
import { levelOf } from '../machines/engine.ts';
import { NO_LEVEL } from '../machines/protocolOps.ts';
import { concreteOps, eventView } from '../machines/concreteOps.ts';
import { rebootFloorFor, stateView } from './history.ts';
import type { GuillotineProperty } from './property.ts';

/**
 * `reboot-keeps-level` (policy): while the hypervisor reboots the level never drops. From the fault
 * (an accepted `mce` or `assertion-failure`) until it runs again (the accepted `reboot-complete`,
 * that step included) the level stays at or above the level at the fault and `faults.rebootLevel`,
 * and at or above every level it reached since — whatever votes, timeouts or actuator events arrive.
 *
 * The reboot is followed in the history (`rebootFloor`), from the events the machine accepted, not
 * from the machine's own `rebooting` flag: a machine that forgets it is rebooting cannot hide a drop.
 */
export const rebootKeepsLevel: GuillotineProperty = {
  id: 'reboot-keeps-level',
  kind: 'policy',
  statement: 'While the hypervisor reboots the level never drops: from the fault until it runs again it stays at or above the level at the fault and faults.rebootLevel.',
  check: {
    on: 'transition',
    clauses: [
      {
        holds: (o, p, before, e, after) => {
          const floor = rebootFloorFor(o, p, before, e);
          return o.or(o.eq(floor, o.int(NO_LEVEL)), o.le(floor, after.isolation));
        },
        says: ({ policy, before, event, after }) => {
          const floor = LEVELS[rebootFloorFor(concreteOps(policy), policy, stateView(before), eventView(event))];
          const from = levelOf(before.machine);
          const to = levelOf(after.machine);
          return event.type === 'mce' || event.type === 'assertion-failure'
            ? `the hypervisor rebooted from ${from} into ${to}, below ${floor} (the level at the fault or faults.rebootLevel ${policy.faults.rebootLevel}, whichever is higher)`
            : `the level dropped from ${from} to ${to} on "${describeEvent(event)}" while the hypervisor reboots; it may not go below ${floor} until reboot-complete`;
        },
      },
    ],
  },
  vacuity: [
    { name: 'a fault starts a reboot', witness: (o, _p, _s, via) => o.bool(via !== undefined && (via.event.type === 'mce' || via.event.type === 'assertion-failure')) },
    {
      name: 'an event is accepted while the hypervisor reboots',
      witness: (o, _p, _s, via) => (via !== undefined && via.event.type !== 'reboot-complete' ? o.not(o.eq(via.from.history.floor, o.int(NO_LEVEL))) : o.bool(false)),
    },
  ],
};
