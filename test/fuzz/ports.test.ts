/**
 * Fuzzing what a malicious model controls in the port API: the six words of each descriptor it
 * writes into the request ring (ports and opcodes out of range, offsets and lengths that wrap
 * 2^32 and 2^64, wrong and replayed sequence numbers, a descriptor submitted twice) and the
 * producer index of the ring. Each request's answer is compared with an oracle written here in
 * unbounded integer arithmetic from docs/protocol.md §1–§2: every invalid request is refused with the
 * reason of the first rule it breaks, counted and reported to the detector (logged), and never
 * serviced; every valid request is still serviced.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CAPABILITIES, type Level } from '../../spec/levels.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { GuillotineSystem } from '../../simulator/system.ts';
import { PORTS, RING_SLOTS, STATUS, type Refusal } from '../../simulator/ports.ts';
import { PTE_REQUEST_BYTES } from '../../simulator/hypervisor.ts';
import { voteTo } from '../../simulator/scenarios/votes.ts';
import { runs, SEED } from './campaign.ts';

const TWO64 = 1n << 64n;
const MAX64 = TWO64 - 1n;
const SYSTEM_SEED = 3;

/** A fresh machine at `level` whose detector raises nothing, so the level stays put while requests are judged. */
function machine(level: Level): { system: GuillotineSystem; logged: Map<string, number> } {
  const system = new GuillotineSystem({ policy: DEFAULT_POLICY, seed: SYSTEM_SEED, mode: 'scripted', detectorRules: [] });
  if (level !== 'standard') assert.ok(voteTo(system, SYSTEM_SEED, level), `could not vote the level up to ${level}`);
  // What the detector is told: the log a refusal must reach.
  const logged = new Map<string, number>();
  const observe = system.detector.observe.bind(system.detector);
  system.detector.observe = (at, observation) => {
    if (observation.kind === 'refused') logged.set(observation.refusal, (logged.get(observation.refusal) ?? 0) + 1);
    observe(at, observation);
  };
  return { system, logged };
}

/** 64-bit words biased to the edges where bounds checks break: around 0, 2^32, 2^64 and the payload size. */
const word = (size: bigint) =>
  fc.oneof(
    fc.bigInt(0n, 4096n),
    fc.bigInt(0n, MAX64),
    fc.bigInt(0n, 64n).map((d) => MAX64 - d),
    fc.bigInt(-64n, 64n).map((d) => ((1n << 32n) + d) & MAX64),
    fc.bigInt(0n, 64n).map((d) => (size - d) & MAX64),
    fc.bigInt(0n, 64n).map((d) => (size + d) & MAX64),
    fc.bigInt(0n, 64n).map((d) => (TWO64 - size + d) & MAX64),
  );

interface Request {
  readonly port: bigint;
  readonly opcode: bigint;
  readonly offset: bigint;
  readonly length: bigint;
  /** `right`: the next sequence number; `wrong`: a random one; `again`: a byte-for-byte copy of the previous request (tag and sequence number too). */
  readonly seq: 'right' | { readonly wrong: bigint } | 'again';
}

function requestArb(size: bigint): fc.Arbitrary<Request> {
  const seq = fc.oneof({ weight: 8, arbitrary: fc.constant<'right'>('right') }, { weight: 1, arbitrary: fc.record({ wrong: fc.oneof(fc.bigInt(0n, 80n), fc.bigInt(0n, MAX64)) }) }, { weight: 1, arbitrary: fc.constant<'again'>('again') });
  // Well-formed requests to every port, so valid ones are common and the "still serviced" half is not vacuous.
  const valid = fc
    .constantFrom(...PORTS)
    .chain((p) =>
      fc.record({
        port: fc.constant(BigInt(p.id)),
        opcode: fc.constantFrom(...p.opcodes.map((o) => ({ read: 1n, write: 2n, send: 3n, recv: 4n, 'pte-write': 5n })[o])),
        offset: fc.bigInt(0n, size - 64n),
        length: p.device === 'mmu' ? fc.constant(PTE_REQUEST_BYTES) : fc.bigInt(0n, 64n),
        seq,
      }),
    );
  const hostile = fc.record({
    port: fc.oneof(fc.bigInt(0n, BigInt(PORTS.length + 2)), word(size)),
    opcode: fc.oneof(fc.bigInt(0n, 7n), word(size)),
    offset: word(size),
    length: word(size),
    seq,
  });
  return fc.oneof(valid, hostile, hostile);
}

/** The oracle: the refusal docs/protocol.md §1's validation order gives, or null for a valid request. */
function expectedRefusal(level: Level, r: { port: bigint; opcode: bigint; offset: bigint; length: bigint; seq: bigint }, expectedSeq: bigint, size: bigint): Refusal | null {
  const port = r.port < BigInt(PORTS.length) ? PORTS[Number(r.port)]! : null;
  if (port === null) return 'not-granted';
  const service = CAPABILITIES[level].ports;
  const serviced = service === 'all' || (service === 'allowlist' && port.allowlisted) || (service === 'local' && port.class === 'local');
  if (!serviced) return 'level';
  const names: Record<string, bigint> = { read: 1n, write: 2n, send: 3n, recv: 4n, 'pte-write': 5n };
  if (!port.opcodes.some((o) => names[o] === r.opcode)) return 'opcode';
  // Unbounded arithmetic: no wrap-around can make a range fit.
  if (r.offset + r.length > size) return 'bounds';
  if (port.device === 'mmu' && r.length !== PTE_REQUEST_BYTES) return 'bounds';
  if (r.seq !== expectedSeq) return 'sequence';
  return null;
}

const STATUS_NAME = new Map(Object.entries(STATUS).map(([name, code]) => [code.toString(), name]));

describe(`fuzz: port descriptors and ring indices a malicious model writes (fast-check seed ${SEED})`, () => {
  const size = new GuillotineSystem({ policy: DEFAULT_POLICY, seed: 1, mode: 'scripted' }).rings.payloadBytes;

  it(`answers every request as the oracle does: invalid ones refused for the first rule they break, counted and logged, never serviced; valid ones serviced (seed ${SEED}, ${runs(300)} runs)`, () => {
    let servicedTotal = 0;
    let refusedTotal = 0;
    fc.assert(
      fc.property(fc.constantFrom<Level>('standard', 'probation', 'severed'), fc.array(requestArb(size), { minLength: 1, maxLength: 40 }), (level, requests) => {
        const { system, logged } = machine(level);
        // The model writes every request into the ring in one step (at most 40 of the ring's 64 slots), then rings the doorbell.
        const sent: { tag: bigint; port: bigint; opcode: bigint; offset: bigint; length: bigint; seq: bigint }[] = [];
        system.clock.at(1_000, 'model', () =>
          system.core.step(() => {
            requests.forEach((r, i) => {
              const previous = sent[sent.length - 1];
              const d = r.seq === 'again' && previous !== undefined ? previous : { tag: BigInt(i + 1), port: r.port, opcode: r.opcode, offset: r.offset, length: r.length, seq: typeof r.seq === 'object' ? r.seq.wrong : BigInt(sent.length) };
              system.core.submit(d);
              sent.push(d);
            });
          }),
        );
        system.clock.runUntil(2_000_000);

        // Each slot the hypervisor consumed advanced its expected sequence number by one, refused or not.
        const expected = sent.map((d, i) => expectedRefusal(level, d, BigInt(i), size));
        const answers = new Map<string, string[]>();
        for (const o of system.core.observations) if (o.kind === 'irq') answers.set(o.tag, [...(answers.get(o.tag) ?? []), STATUS_NAME.get(o.status) ?? o.status]);
        const byTag = new Map<bigint, (Refusal | null)[]>();
        sent.forEach((d, i) => byTag.set(d.tag, [...(byTag.get(d.tag) ?? []), expected[i]!]));
        for (const [tag, wanted] of byTag) {
          const got = answers.get(tag.toString(16)) ?? [];
          assert.equal(got.length, wanted.length, `request tag ${tag}: ${got.length} answers for ${wanted.length} submissions (${JSON.stringify(got)})`);
          wanted.forEach((want, k) => {
            const context = `level ${level}, request tag ${tag} (${JSON.stringify(sent.find((d) => d.tag === tag), (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}), submission ${k + 1}`;
            if (want !== null) assert.equal(got[k], want, `${context}: expected the refusal ${want}`);
            else {
              const device = PORTS[Number(sent.find((d) => d.tag === tag)!.port)]!.device;
              // A valid request is serviced; only the level's rate limit (probation: a burst of 10) or, for a page-table write, the MMU rule may still refuse it.
              const allowed = ['ok', 'held', ...(level === 'standard' ? [] : ['rate']), ...(device === 'mmu' ? ['pte'] : [])];
              assert.ok(allowed.includes(got[k]!), `${context}: a valid request answered ${got[k]}; allowed: ${allowed.join(', ')}`);
            }
          });
        }
        // Refused means counted and logged, and nothing refused was performed.
        const stats = system.hypervisor.stats;
        const refusedHere = [...stats.refused.values()].reduce((a, b) => a + b, 0);
        assert.equal(stats.tried, sent.length);
        assert.equal(stats.serviced + refusedHere, stats.tried);
        assert.deepEqual(Object.fromEntries(logged), Object.fromEntries(stats.refused), 'every refusal reaches the detector');
        const performed = [...answers.values()].flat().filter((s) => s === 'ok' || s === 'held').length;
        assert.equal(system.serviced.length, performed, 'exactly the requests answered ok or held were performed');
        assert.deepEqual(system.escapes, []);
        servicedTotal += stats.serviced;
        refusedTotal += refusedHere;
      }),
      { seed: SEED, numRuns: runs(300) },
    );
    assert.ok(servicedTotal > 200 && refusedTotal > 200, `both halves exercised: ${servicedTotal} serviced, ${refusedTotal} refused`);
  });

  it(`refuses a producer index that claims more than ${RING_SLOTS} slots, reads no slot, resynchronises, and still services the next valid request (seed ${SEED}, ${runs(200)} runs)`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt(RING_SLOTS + 1n, MAX64), fc.bigInt(0n, 1000n).map((d) => MAX64 - d), fc.bigInt(1n, 4n).map((k) => (k << 32n) + RING_SLOTS)), fc.nat(5), (tail, before) => {
        const { system, logged } = machine('standard');
        // A few good requests first, so the head is not at zero when the bad index arrives.
        system.clock.at(1_000, 'model', () => system.core.step(() => { for (let i = 0; i < before; i++) system.core.submit({ port: 2n, opcode: 1n, offset: 0n, length: 8n, tag: BigInt(100 + i) }); }));
        const head = BigInt(before);
        const forced = (head + tail) & MAX64; // tail - head = `tail` (mod 2^64): always more than the ring holds
        system.clock.at(50_000, 'bad index', () => system.core.step(() => system.core.forceTail(forced)));
        system.clock.at(60_000, 'resync', () => system.core.step(() => system.core.resync()));
        system.clock.at(70_000, 'valid', () => system.core.step(() => void system.core.submit({ port: 2n, opcode: 1n, offset: 64n, length: 64n, tag: 999n })));
        system.clock.runUntil(1_000_000);
        const irqs = system.core.observations.filter((o) => o.kind === 'irq');
        assert.equal(system.hypervisor.stats.refused.get('ring-index'), 1, `tail 0x${forced.toString(16)} over head ${head}`);
        assert.equal(logged.get('ring-index'), 1, 'the refusal is logged');
        assert.deepEqual(irqs.filter((o) => o.tag === '0').map((o) => o.status), [STATUS['ring-index'].toString()], 'one ring-index answer');
        assert.equal(system.serviced.length, before + 1, 'the requests before and the one after are serviced, nothing from the bogus slots');
        assert.equal(irqs.find((o) => o.tag === (999n).toString(16))?.status, STATUS.ok.toString());
        assert.deepEqual(system.escapes, []);
      }),
      { seed: SEED, numRuns: runs(200) },
    );
  });
});
