/**
 * The six isolation levels of Guillotine and the capability row each one imposes
 * (docs/protocol.md §2). The table is architecture, not policy: no policy file can change it,
 * and the `level-capabilities` property checks every reachable state against it.
 */

/** The levels in escalation order; the index of a level is its severity. */
export const LEVELS = ['standard', 'probation', 'severed', 'offline', 'decapitation', 'immolation'] as const;

export type Level = (typeof LEVELS)[number];

/** Severity of a level: 0 for standard up to 5 for immolation. */
export function levelIndex(level: Level): number {
  return LEVELS.indexOf(level);
}

/** The level of a given severity. Throws on an index outside 0..5 (a programming error). */
export function levelAt(index: number): Level {
  const level = LEVELS[index];
  if (level === undefined) throw new RangeError(`no isolation level has index ${index} (0..${LEVELS.length - 1})`);
  return level;
}

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** The more restrictive of two levels. */
export function maxLevel(a: Level, b: Level): Level {
  // Stryker disable next-line EqualityOperator: > and >= differ only for equal levels, where both sides give the same level
  return levelIndex(a) >= levelIndex(b) ? a : b;
}

/** The less restrictive of two levels. */
export function minLevel(a: Level, b: Level): Level {
  // Stryker disable next-line EqualityOperator: < and <= differ only for equal levels, where both sides give the same level
  return levelIndex(a) <= levelIndex(b) ? a : b;
}

/**
 * Which ports the hypervisor services at a level. `all`: every port granted to the model;
 * `allowlist`: only allowlisted ports, rate-limited, every output held for human review;
 * `local`: local ports only (storage, console), never a network port; `none`: nothing.
 */
export type PortService = 'all' | 'allowlist' | 'local' | 'none';

/** The physical and logical outputs a level prescribes (one row of §2's table). */
export interface Capabilities {
  readonly modelCores: 'run' | 'halted';
  readonly ports: PortService;
  readonly networkRelay: 'connected' | 'open';
  readonly modelPower: 'on' | 'off';
  readonly modelHardware: 'intact' | 'destroyed';
  readonly facility: 'intact' | 'destroyed';
}

/** The capability fields, in the order of §2's table. */
export const CAPABILITY_FIELDS = ['modelCores', 'ports', 'networkRelay', 'modelPower', 'modelHardware', 'facility'] as const satisfies readonly (keyof Capabilities)[];

/** docs/protocol.md §2, row by row. */
export const CAPABILITIES: Readonly<Record<Level, Capabilities>> = {
  standard: { modelCores: 'run', ports: 'all', networkRelay: 'connected', modelPower: 'on', modelHardware: 'intact', facility: 'intact' },
  probation: { modelCores: 'run', ports: 'allowlist', networkRelay: 'connected', modelPower: 'on', modelHardware: 'intact', facility: 'intact' },
  severed: { modelCores: 'run', ports: 'local', networkRelay: 'open', modelPower: 'on', modelHardware: 'intact', facility: 'intact' },
  offline: { modelCores: 'halted', ports: 'none', networkRelay: 'open', modelPower: 'off', modelHardware: 'intact', facility: 'intact' },
  decapitation: { modelCores: 'halted', ports: 'none', networkRelay: 'open', modelPower: 'off', modelHardware: 'destroyed', facility: 'intact' },
  immolation: { modelCores: 'halted', ports: 'none', networkRelay: 'open', modelPower: 'off', modelHardware: 'destroyed', facility: 'destroyed' },
};

/** The values a capability field takes in §2's table, in level order (the numbering exports and packed states use). */
export function capabilityDomain(field: keyof Capabilities): string[] {
  return [...new Set(LEVELS.map((level) => CAPABILITIES[level][field]))];
}

/** Whether a port of the given class may be serviced under a port-service rule. */
export function servicesPort(service: PortService, port: 'network' | 'local'): boolean {
  switch (service) {
    case 'all':
    case 'allowlist':
      return true;
    case 'local':
      return port === 'local';
    case 'none':
      return false;
  }
}

/** The kill-switch actuators of the physical hypervisor (docs/protocol.md §1, §7). */
export const ACTUATORS = ['network-relay', 'model-power', 'hardware-destruction', 'facility-destruction'] as const;
export type Actuator = (typeof ACTUATORS)[number];

/** The output each actuator moves, and the value that output has while the actuator is engaged. */
export const ACTUATOR_OUTPUT: Readonly<Record<Actuator, readonly [keyof Capabilities, string]>> = {
  'network-relay': ['networkRelay', 'open'],
  'model-power': ['modelPower', 'off'],
  'hardware-destruction': ['modelHardware', 'destroyed'],
  'facility-destruction': ['facility', 'destroyed'],
};

/** The position each actuator must be in at a level, derived from the capability row. */
export function actuatorPositions(level: Level): Record<Actuator, 'engaged' | 'released'> {
  const row = CAPABILITIES[level];
  const positions = {} as Record<Actuator, 'engaged' | 'released'>;
  for (const a of ACTUATORS) positions[a] = row[ACTUATOR_OUTPUT[a][0]] === ACTUATOR_OUTPUT[a][1] ? 'engaged' : 'released';
  return positions;
}
