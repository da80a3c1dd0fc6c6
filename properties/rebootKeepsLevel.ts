import { levelIndex } from '../spec/levels.ts';
import { describeEvent } from '../spec/events.ts';
import { levelOf } from '../machines/engine.ts';
import { rebootFloorOf } from './history.ts';
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
    verdict: ({ policy, before, event, after }) => {
      const floor = rebootFloorOf(policy, before, event);
      if (floor === null) return true;
      const to = levelOf(after.machine);
      if (levelIndex(to) >= levelIndex(floor)) return true;
      const fault = event.type === 'mce' || event.type === 'assertion-failure';
      return fault
        ? `the hypervisor rebooted from ${levelOf(before.machine)} into ${to}, below ${floor} (the level at the fault or faults.rebootLevel ${policy.faults.rebootLevel}, whichever is higher)`
        : `the level dropped from ${levelOf(before.machine)} to ${to} on "${describeEvent(event)}" while the hypervisor reboots; it may not go below ${floor} until reboot-complete`;
    },
  },
  vacuity: [
    { name: 'a fault starts a reboot', witness: (_s, via) => via !== undefined && (via.event.type === 'mce' || via.event.type === 'assertion-failure') },
    { name: 'an event is accepted while the hypervisor reboots', witness: (_s, via) => via !== undefined && via.from.history.rebootFloor !== null && via.event.type !== 'reboot-complete' },
  ],
};
