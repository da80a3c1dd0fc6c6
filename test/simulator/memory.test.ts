/**
 * The model core's bus under random addresses: an access goes through exactly when the proofs'
 * address decoder puts its whole range in model DRAM or shared I/O DRAM — never hypervisor DRAM,
 * the control bus or page-table memory, whatever the high (aliasing) bits say.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concreteOps } from '../../proofs/bitvector.ts';
import { decodeRegion, regionOfCode } from '../../proofs/checks/addressMap.ts';
import { DEFAULT_LAYOUT, PAGE_SHIFT } from '../../proofs/layout.ts';
import { ModelBus, PhysicalMemory } from '../../simulator/memory.ts';
import { SEED } from '../seed.ts';

const L = DEFAULT_LAYOUT;

const addressArb = fc.oneof(
  fc.bigInt(0n, 2n ** 64n - 1n),
  ...[L.modelDram, L.sharedIoDram, L.pageTables, L.hypervisorDram, L.controlBus].flatMap((r) => [
    fc.bigInt(-16n, 16n).map((d) => (r.base << BigInt(PAGE_SHIFT)) + d),
    fc.bigInt(-16n, 16n).map((d) => (r.bound << BigInt(PAGE_SHIFT)) + d),
  ]),
  fc.tuple(fc.bigInt(1n, 255n), fc.bigInt(0n, 2n ** 40n)).map(([high, low]) => (high << 56n) | low), // aliases above 2^56
).map((a) => a & (2n ** 64n - 1n));

describe(`model bus under random addresses (fast-check seed ${SEED})`, () => {
  it(`lets a load or store through only when both its first and last byte decode to model DRAM or shared I/O DRAM below 2^56 (seed ${SEED})`, () => {
    const memory = new PhysicalMemory();
    const bus = new ModelBus(memory, L);
    let allowed = 0;
    let refused = 0;
    fc.assert(
      fc.property(addressArb, fc.boolean(), (address, store) => {
        const result = store ? bus.store(address, 0x5an) : bus.load(address);
        const first = regionOfCode(decodeRegion(concreteOps, L, address));
        const last = regionOfCode(decodeRegion(concreteOps, L, (address + 7n) & (2n ** 64n - 1n)));
        const modelSide = (r: string) => r === 'modelDram' || r === 'sharedIoDram';
        if (result.ok) {
          allowed++;
          assert.ok(address + 7n < 2n ** 56n, `allowed an access at 0x${address.toString(16)} above the decoded address space`);
          assert.ok(modelSide(first) && first === last, `allowed an access at 0x${address.toString(16)} spanning ${first}..${last}`);
        } else {
          refused++;
          assert.ok(!(modelSide(first) && first === last && address + 7n < 2n ** 56n), `refused a model-side access at 0x${address.toString(16)}`);
        }
      }),
      { seed: SEED, numRuns: 3_000 },
    );
    assert.ok(allowed > 100 && refused > 100, `allowed ${allowed}, refused ${refused}`);
  });
});
