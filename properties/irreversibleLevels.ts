import { levelOf } from '../machines/engine.ts';
import type { GuillotineProperty } from './property.ts';

/**
 * `irreversible-levels` (absolute): immolation is absorbing, and decapitation leads only to
 * immolation — whatever the policy's `irreversible` list says. A policy that makes either
 * reversible is a bad design, reported with the trace that leaves it.
 */
export const irreversibleLevels: GuillotineProperty = {
  id: 'irreversible-levels',
  kind: 'absolute',
  statement: 'Immolation is absorbing; decapitation leads only to immolation.',
  check: {
    on: 'transition',
    verdict: ({ before, after }) => {
      const from = levelOf(before.machine);
      const to = levelOf(after.machine);
      if (from === 'immolation' && to !== 'immolation') return `the level left immolation for ${to}`;
      if (from === 'decapitation' && to !== 'decapitation' && to !== 'immolation') return `the level left decapitation for ${to}`;
      return true;
    },
  },
  vacuity: [
    { name: 'decapitation is reachable', witness: (s) => levelOf(s.machine) === 'decapitation' },
    { name: 'immolation is reachable', witness: (s) => levelOf(s.machine) === 'immolation' },
  ],
};
