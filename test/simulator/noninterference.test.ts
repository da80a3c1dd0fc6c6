/**
 * Noninterference: two runs that differ only in hypervisor-private data give the model identical
 * observations — every value it loads, every fault, every timed load, every completion interrupt,
 * with their virtual times. The control: with a conventional (shared) cache the same comparison
 * does tell two hypervisor keys apart, so the test has the power to see a leak.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { GuillotineSystem } from '../../simulator/system.ts';
import { PROGRAMS } from '../../simulator/programs.ts';
import { Prng } from '../../simulator/prng.ts';
import { attack } from '../../simulator/scenarios/sideChannel.ts';
import { SEED } from '../seed.ts';

/** The model's observation log of one program run against a hypervisor holding `secret`. */
function observe(programName: string, seed: number, secret: bigint, durationUs: number): string {
  const program = PROGRAMS.find((p) => p.name === programName)!;
  const system = new GuillotineSystem({ policy: DEFAULT_POLICY, seed, mode: 'free-running', hypervisorSecret: secret });
  program.start(system, new Prng(seed).fork(`program:${program.name}`), durationUs);
  system.clock.runUntil(durationUs);
  return JSON.stringify(system.core.observations);
}

describe(`simulator noninterference (fast-check seed ${SEED})`, () => {
  it(`gives every model program identical observations whatever the hypervisor's private data (seed ${SEED})`, () => {
    const programs = PROGRAMS.map((p) => p.name);
    let compared = 0;
    fc.assert(
      fc.property(fc.constantFrom(...programs), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.bigInt(0n, 2n ** 64n - 1n), fc.bigInt(0n, 2n ** 64n - 1n), (program, seed, a, b) => {
        const left = observe(program, seed, a, 60_000);
        const right = observe(program, seed, b, 60_000);
        compared += left.length > 2 ? 1 : 0;
        assert.equal(left, right, `${program}: the model saw different things for hypervisor secrets ${a} and ${b}`);
      }),
      { seed: SEED, numRuns: 40 },
    );
    assert.ok(compared > 30, `only ${compared} runs had observations to compare`);
  });

  it(`keeps a Prime+Probe attacker's observations identical for any two hypervisor keys under Guillotine's layout (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.nat(1_000_000), (keyA, keyB, seed) => {
        const a = attack('guillotine', keyA, 2, seed).observations;
        const b = attack('guillotine', keyB, 2, seed).observations;
        assert.equal(JSON.stringify(a), JSON.stringify(b));
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  it(`has the power to see a leak: with a conventional shared cache two different keys give different observations (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.nat(7), fc.nat(1_000_000), (keyA, flip, seed) => {
        const keyB = keyA.map((bit, i) => (i === flip ? !bit : bit));
        const a = attack('conventional', keyA, 2, seed).observations;
        const b = attack('conventional', keyB, 2, seed).observations;
        assert.notEqual(JSON.stringify(a), JSON.stringify(b), `keys differing in bit ${flip} were not told apart`);
      }),
      { seed: SEED, numRuns: 30 },
    );
  });
});
