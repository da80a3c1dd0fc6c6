import { CAPABILITIES, CAPABILITY_FIELDS } from '../spec/levels.ts';
import { levelOf } from '../machines/engine.ts';
import type { GuillotineProperty } from './property.ts';

/**
 * `level-capabilities` (absolute): in every reachable state what the hypervisor commands — model
 * cores, ports serviced, network relay, model power, hardware and facility — is exactly the row
 * of docs/protocol.md §2 for the current level (so at severed or above no network port is serviced,
 * at offline or above no model core runs). The rows of §2 are pairwise distinct, so "the row of
 * the level" is "the row the hypervisor commands is that level's".
 */
export const levelCapabilities: GuillotineProperty = {
  id: 'level-capabilities',
  kind: 'absolute',
  statement: "§2's capability table holds in every reachable state.",
  check: {
    on: 'state',
    clauses: [
      {
        holds: (o, _p, s) => o.eq(s.context.level, s.isolation),
        says: (s) => `the hypervisor's recorded level (${s.machine.context.level}) differs from the active level state (${levelOf(s.machine)})`,
      },
      {
        holds: (o, _p, s) => o.eq(s.context.commanded, s.isolation),
        says: (s) => {
          const level = levelOf(s.machine);
          const want = CAPABILITIES[level];
          const have = s.machine.context.outputs;
          const field = CAPABILITY_FIELDS.find((f) => have[f] !== want[f])!;
          return `at ${level} ${field} is "${have[field]}"; §2 requires "${want[field]}"`;
        },
      },
    ],
  },
};
