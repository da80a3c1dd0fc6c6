import assert from 'node:assert/strict';
import { CAPABILITIES, LEVELS, isLevel, levelAt, levelIndex, servicesPort, type PortService } from '../../spec/levels.ts';

describe('spec/levels: the six isolation levels of docs/protocol.md §2', () => {
  it('gives the level of each severity 0..5 and refuses any other index, naming it and the range', () => {
    LEVELS.forEach((level, i) => {
      assert.equal(levelAt(i), level);
      assert.equal(levelIndex(levelAt(i)), i);
    });
    // An index off the table is a programming error: it must throw, not yield undefined as a level.
    for (const index of [-1, 6, 1.5]) {
      assert.throws(
        () => levelAt(index),
        (error: Error) => error instanceof RangeError && error.message.includes(`index ${index}`) && error.message.includes('(0..5)'),
        `levelAt(${index})`,
      );
    }
  });

  it('recognises exactly the six level names as levels', () => {
    for (const level of LEVELS) assert.equal(isLevel(level), true, level);
    // Untrusted JSON (a trace's alarm level, a CLI argument) must not pass as a level by looking like one.
    for (const value of ['Offline', 'offline ', '', 'toString', 3, null, undefined, {}, ['offline']]) {
      assert.equal(isLevel(value), false, JSON.stringify(value));
    }
  });

  it('services ports as §2 says: every port at all and allowlist, local ones only at local, none at none', () => {
    const table: Record<PortService, { network: boolean; local: boolean }> = {
      all: { network: true, local: true },
      allowlist: { network: true, local: true },
      local: { network: false, local: true },
      none: { network: false, local: false },
    };
    for (const [service, expected] of Object.entries(table) as [PortService, { network: boolean; local: boolean }][]) {
      assert.equal(servicesPort(service, 'network'), expected.network, `${service}, a network port`);
      assert.equal(servicesPort(service, 'local'), expected.local, `${service}, a local port`);
    }
    // And so by level: from severed on, no network port is serviced (the level-capabilities property).
    for (const level of LEVELS) {
      assert.equal(servicesPort(CAPABILITIES[level].ports, 'network'), levelIndex(level) < levelIndex('severed'), level);
    }
  });
});
