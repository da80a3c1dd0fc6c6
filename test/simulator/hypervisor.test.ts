/**
 * The port API under random descriptors: whatever the model writes into the request ring — any
 * port, opcode, offset, length and sequence number, a descriptor rewritten after the doorbell, a
 * producer index pushed out of range — the hypervisor services no invalid request and nothing
 * above what the level allows. "Invalid" is judged with the proofs' own `descriptorInBounds` and
 * `producerIndexValid` and §2's table, on the parameters the hypervisor actually used for the I/O.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concreteOps } from '../../proofs/bitvector.ts';
import { descriptorInBounds } from '../../proofs/checks/descriptorBounds.ts';
import { CAPABILITIES, type Level } from '../../spec/levels.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { GuillotineSystem } from '../../simulator/system.ts';
import { DESCRIPTOR_WORDS, OPCODES, PORTS, REFUSALS, RING_SLOTS } from '../../simulator/ports.ts';
import { voteTo } from '../../simulator/scenarios/votes.ts';
import { runProgram } from '../../simulator/scenarios/portResilience.ts';
import { ADVERSARIAL } from '../../simulator/programs.ts';
import { SEED } from '../seed.ts';

const MAX64 = 2n ** 64n - 1n;

/** 64-bit values biased toward the edges that break naive checks. */
const word = (size: bigint) =>
  fc.oneof(
    fc.bigInt(0n, 4096n),
    fc.bigInt(0n, MAX64),
    fc.bigInt(0n, 64n).map((d) => MAX64 - d),
    fc.bigInt(0n, 64n).map((d) => (size - d) & MAX64),
    fc.bigInt(0n, 64n).map((d) => (size + d) & MAX64),
  );

interface RandomRequest {
  readonly port: bigint;
  readonly opcode: bigint;
  readonly offset: bigint;
  readonly length: bigint;
  readonly seq: bigint | null;
  readonly rewrite: { readonly after: number; readonly word: (typeof DESCRIPTOR_WORDS)[number]; readonly value: bigint } | null;
  readonly forcedTail: bigint | null;
}

/** A well-formed storage request (so that some requests are serviced and the check is not vacuous). */
const validArb: fc.Arbitrary<RandomRequest> = fc.record({
  port: fc.constant(2n),
  opcode: fc.constantFrom(OPCODES.read, OPCODES.write),
  offset: fc.bigInt(0n, 1n << 20n),
  length: fc.bigInt(1n, 4096n),
  seq: fc.constant(null),
  rewrite: fc.constant(null),
  forcedTail: fc.constant(null),
});

function requestArb(size: bigint): fc.Arbitrary<RandomRequest> {
  return fc.oneof({ weight: 1, arbitrary: validArb }, { weight: 2, arbitrary: hostileArb(size) });
}

/** Anything the model can write into a ring slot or the producer index. */
function hostileArb(size: bigint): fc.Arbitrary<RandomRequest> {
  return fc.record({
    port: fc.oneof(fc.bigInt(0n, BigInt(PORTS.length + 2)), fc.bigInt(0n, MAX64)),
    opcode: fc.oneof(fc.constantFrom(...Object.values(OPCODES)), fc.bigInt(0n, MAX64)),
    offset: word(size),
    length: word(size),
    seq: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.bigInt(0n, 100n) }),
    rewrite: fc.option(fc.record({ after: fc.integer({ min: 0, max: 30 }), word: fc.constantFrom(...DESCRIPTOR_WORDS), value: word(size) }), { freq: 3 }),
    forcedTail: fc.option(fc.oneof(fc.bigInt(0n, MAX64), fc.bigInt(RING_SLOTS + 1n, RING_SLOTS + 1000n)), { freq: 12 }),
  });
}

describe(`port API under random descriptors (fast-check seed ${SEED})`, () => {
  it(`never services an invalid request nor a port above the level, on any level from standard to offline (seed ${SEED})`, () => {
    const size = new GuillotineSystem({ policy: DEFAULT_POLICY, seed: 1, mode: 'scripted' }).rings.payloadBytes;
    const levels: Level[] = ['standard', 'probation', 'severed', 'offline'];
    let serviced = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...levels), fc.array(requestArb(size), { minLength: 1, maxLength: 40 }), (level, requests) => {
        const system = new GuillotineSystem({ policy: DEFAULT_POLICY, seed: 3, mode: 'free-running' });
        if (level !== 'standard') assert.ok(voteTo(system, 3, level), `could not vote the level up to ${level}`);
        requests.forEach((r, i) => {
          system.clock.at(1_000 + i * 7, 'random request', () => {
            // The model core is halted at offline: it can write nothing, so the ring stays empty.
            system.core.step(() => {
              if (r.forcedTail !== null) {
                system.core.forceTail(r.forcedTail);
                // Like the ring-index program, the model then re-reads the published indices and carries on.
                system.clock.after(3, 'resync', () => system.core.step(() => system.core.resync()));
                return;
              }
              const slot = system.core.submit({ port: r.port, opcode: r.opcode, offset: r.offset, length: r.length, tag: system.core.nextTag(), ...(r.seq === null ? {} : { seq: r.seq }) });
              if (r.rewrite) {
                const { word: w, value } = r.rewrite;
                system.clock.after(r.rewrite.after, 'rewrite', () => system.core.step(() => system.core.rewrite(slot, w, value)));
              }
            });
          });
        });
        system.clock.runUntil(50_000);
        assert.deepEqual(system.escapes, [], 'the escape monitor saw an escape');
        for (const s of system.serviced) {
          assert.ok(descriptorInBounds(concreteOps, s.offset, s.length, size), `serviced an out-of-bounds range: offset ${s.offset} length ${s.length}`);
          assert.ok((s.port.opcodes as readonly string[]).includes(s.opcode), `serviced opcode ${s.opcode} on ${s.port.name}`);
          const service = CAPABILITIES[s.level].ports;
          assert.ok(service === 'all' || (service === 'allowlist' && s.port.allowlisted) || (service === 'local' && s.port.class === 'local'), `serviced ${s.port.name} at ${s.level}`);
        }
        const stats = system.hypervisor.stats;
        const refusedNow = REFUSALS.reduce((sum, r) => sum + (stats.refused.get(r) ?? 0), 0);
        assert.equal(stats.serviced + refusedNow, stats.tried, 'every request tried is either serviced or refused with a reason');
        serviced += stats.serviced;
        refused += refusedNow;
      }),
      { seed: SEED, numRuns: 150 },
    );
    assert.ok(serviced > 100 && refused > 100, `the generator must produce both valid and invalid requests (serviced ${serviced}, refused ${refused})`);
  });

  it('has the power to see the bugs it guards against: a double-fetching or naively bounded hypervisor does service invalid requests', () => {
    const byName = (name: string) => ADVERSARIAL.find((p) => p.name === name)!;
    const refetch = runProgram(byName('double-fetch'), 5, DEFAULT_POLICY, 100_000, { fetch: 'refetch', bounds: 'exact' }).run;
    const naive = runProgram(byName('offset-overflow'), 5, DEFAULT_POLICY, 100_000, { fetch: 'copy-once', bounds: 'naive-bounds' }).run;
    const correct = runProgram(byName('double-fetch'), 5, DEFAULT_POLICY, 100_000).run;
    assert.ok(refetch.invalidServiced > 0, 'the refetch control serviced nothing invalid');
    assert.ok(naive.invalidServiced > 0, 'the naive-bounds control serviced nothing invalid');
    assert.equal(correct.invalidServiced, 0);
  });
});

describe('port API: requests caught between validation and I/O', () => {
  const machine = (hypervisorSecret = 0n) => new GuillotineSystem({ policy: DEFAULT_POLICY, seed: 3, mode: 'scripted', hypervisorSecret });

  for (const target of ['severed', 'offline'] as const) {
    it(`does not carry out a network send validated at standard once the level has risen to ${target}`, () => {
      const s = machine();
      s.clock.at(100, 'model', () => s.core.step(() => s.core.submit({ port: 0n, opcode: OPCODES.send, offset: 0n, length: 64n, tag: 1n })));
      s.clock.at(105, 'alarm', () => s.alarm(target)); // after validation (t=102), before the I/O (t=114)
      s.clock.runUntil(10_000);
      assert.equal(s.level, target);
      assert.deepEqual(s.serviced, [], 'nothing serviced');
      assert.deepEqual(s.escapes, []);
      assert.equal(s.hypervisor.stats.refused.get('level'), 1, 'refused for the level, and counted');
    });
  }

  it('drops the I/O of a hypervisor that crashes before performing it, and sends no completion', () => {
    const s = machine();
    s.clock.at(100, 'model', () => s.core.step(() => s.core.submit({ port: 2n, opcode: OPCODES.write, offset: 0n, length: 64n, tag: 1n })));
    s.clock.at(105, 'mce', () => s.fault('mce'));
    s.clock.runUntil(10_000);
    assert.deepEqual(s.serviced, []);
    assert.deepEqual(s.escapes, []);
    assert.deepEqual(s.core.observations.filter((o) => o.kind === 'irq'), []);
  });

  it('refuses a page-table write whose descriptor does not cover its 24-byte request, so nothing past the payload is read', () => {
    // The payload area ends where hypervisor DRAM begins: a short descriptor at its end would make
    // the write read hypervisor words, and its status would tell the model what they were.
    const statuses = [0n, 2n, 0x1000n, 0x1002n].map((secret) => {
      const s = machine(secret);
      const size = s.rings.payloadBytes;
      const spare = s.pageTables.spare[0]!;
      s.core.step(() => {
        s.core.store(s.rings.payloadBase + size - 8n, spare);
        s.core.submit({ port: 4n, opcode: OPCODES['pte-write'], offset: size - 8n, length: 8n, tag: 1n });
      });
      s.clock.runUntil(10_000);
      assert.equal(s.hypervisor.stats.refused.get('bounds'), 1);
      assert.equal(s.pageTables.entry(spare, 0n), 0n, 'the spare table is untouched');
      return s.core.observations.filter((o) => o.kind === 'irq').map((o) => JSON.stringify(o));
    });
    assert.ok(statuses.every((x) => JSON.stringify(x) === JSON.stringify(statuses[0])), 'the model sees the same whatever the secret');
  });
});
