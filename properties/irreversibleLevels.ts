import { levelOf } from '../machines/engine.ts';
import { LEVEL, ne } from '../machines/protocolOps.ts';
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
    clauses: [
      {
        holds: (o, _p, before, _e, after) => o.not(o.and(o.eq(before.isolation, o.int(LEVEL.immolation)), ne(o, after.isolation, o.int(LEVEL.immolation)))),
        says: ({ after }) => `the level left immolation for ${levelOf(after.machine)}`,
      },
      {
        holds: (o, _p, before, _e, after) =>
          o.not(o.and(o.eq(before.isolation, o.int(LEVEL.decapitation)), ne(o, after.isolation, o.int(LEVEL.decapitation)), ne(o, after.isolation, o.int(LEVEL.immolation)))),
        says: ({ after }) => `the level left decapitation for ${levelOf(after.machine)}`,
      },
    ],
  },
  vacuity: [
    { name: 'decapitation is reachable', witness: (o, _p, s) => o.eq(s.isolation, o.int(LEVEL.decapitation)) },
    { name: 'immolation is reachable', witness: (o, _p, s) => o.eq(s.isolation, o.int(LEVEL.immolation)) },
  ],
};
