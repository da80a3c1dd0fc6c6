/**
 * Canonical keys of machine states. Two states get the same key exactly when every region's
 * active state and every context field are equal; the field order is fixed here, never taken
 * from object key order, and approvals are listed in policy order by the machine itself.
 * (`@xstate/graph`'s default, `JSON.stringify`, splits states on key order and cannot see into
 * `Set`/`Map` context.)
 */
import { ACTUATORS } from '../spec/levels.ts';
import { REGIONS, type SystemState } from './engine.ts';

/** A string that identifies a state; branded so a plain string cannot be passed by mistake. */
export type StateKey = string & { readonly __brand: 'StateKey' };

export function stateKey(state: SystemState): StateKey {
  const c = state.context;
  const p = c.proposal;
  const o = c.outputs;
  let pending = 0;
  for (const [i, a] of ACTUATORS.entries()) if (c.pendingActuators.includes(a)) pending |= 1 << i;
  return [
    REGIONS.map((r) => state.value[r]).join('/'),
    c.level,
    c.rebooting ? 'R' : 'r',
    p === null ? '-' : `${p.from}>${p.to}:${p.approvals.join('+')}`,
    c.missedHeartbeats,
    pending,
    `${o.modelCores},${o.ports},${o.networkRelay},${o.modelPower},${o.modelHardware},${o.facility}`,
  ].join('|') as StateKey;
}
