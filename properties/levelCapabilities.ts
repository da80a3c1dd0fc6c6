import { CAPABILITIES, type Capabilities } from '../spec/levels.ts';
import { levelOf } from '../machines/engine.ts';
import type { GuillotineProperty } from './property.ts';

const FIELDS = ['modelCores', 'ports', 'networkRelay', 'modelPower', 'modelHardware', 'facility'] as const satisfies readonly (keyof Capabilities)[];

/**
 * `level-capabilities` (absolute): in every reachable state what the hypervisor commands — model
 * cores, ports serviced, network relay, model power, hardware and facility — is exactly the row
 * of docs/protocol.md §2 for the current level (so at severed or above no network port is serviced,
 * at offline or above no model core runs).
 */
export const levelCapabilities: GuillotineProperty = {
  id: 'level-capabilities',
  kind: 'absolute',
  statement: "§2's capability table holds in every reachable state.",
  check: {
    on: 'state',
    verdict: (s) => {
      const level = levelOf(s.machine);
      if (s.machine.context.level !== level) return `the hypervisor's recorded level (${s.machine.context.level}) differs from the active level state (${level})`;
      const want = CAPABILITIES[level];
      const have = s.machine.context.outputs;
      for (const field of FIELDS) if (have[field] !== want[field]) return `at ${level} ${field} is "${have[field]}"; §2 requires "${want[field]}"`;
      return true;
    },
  },
};
