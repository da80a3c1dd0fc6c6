/**
 * The port API's data (simulator/ports.ts): which port a number names, which opcodes send data
 * out, which ports each level services, and where the rings lie in shared I/O DRAM. The model
 * and the hypervisor both compute slot addresses with the same functions, so a wrong offset is
 * invisible end to end while it stays consistent; these tests hold the addresses to the layout:
 * every ring word inside shared I/O DRAM, before the payload area, no two words overlapping.
 */
import assert from 'node:assert/strict';
import { LEVELS, type Level } from '../../spec/levels.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { DEFAULT_LAYOUT, PAGE_SHIFT } from '../../proofs/layout.ts';
import { GuillotineSystem } from '../../simulator/system.ts';
import {
  DESCRIPTOR_WORDS, OPCODES, PORTS, RING_SLOTS, STATUS, isOutput, opcodeName, portById, portServiced, responseWord, ringAddresses, slotWord, type Opcode,
} from '../../simulator/ports.ts';
import { SIMULATOR_MUTANTS } from './mutants.ts';

const TWO64 = 1n << 64n;
const rings = ringAddresses(DEFAULT_LAYOUT);
const sharedStart = DEFAULT_LAYOUT.sharedIoDram.base << BigInt(PAGE_SHIFT);
const sharedEnd = DEFAULT_LAYOUT.sharedIoDram.bound << BigInt(PAGE_SHIFT);
/** The words of a response slot, in order (tag, status, value, time). */
const RESPONSE_WORDS = 4;

const port = (name: string) => PORTS.find((p) => p.name === name)!;

describe('port API: port numbers, opcodes and the port gate', () => {
  it('names every granted port by its number and no other number (null, not undefined, for the rest)', () => {
    PORTS.forEach((p, i) => assert.equal(portById(BigInt(i)), p));
    // The hypervisor refuses 'not-granted' on `=== null`: anything else would reach the port gate.
    for (const id of [BigInt(PORTS.length), -1n, TWO64 - 1n, TWO64]) assert.equal(portById(id), null, `port ${id}`);
  });

  it('decodes the five opcodes and nothing around them', () => {
    for (const [name, code] of Object.entries(OPCODES)) assert.equal(opcodeName(code), name);
    for (const code of [0n, 6n, -1n, TWO64 - 1n]) assert.equal(opcodeName(code), null, `opcode ${code}`);
  });

  it('holds exactly the opcodes that send data out (write, send) for review at probation', () => {
    const outputs = (Object.keys(OPCODES) as Opcode[]).filter(isOutput);
    assert.deepEqual(outputs.sort(), ['send', 'write']);
  });

  it('services the ports of docs/protocol.md §2: all at standard, the allowlist at probation, local ports at severed, none above', () => {
    const expected: Record<Level, string[]> = {
      standard: ['net.egress', 'net.review', 'storage', 'scratch', 'mmu'],
      probation: ['net.review', 'storage', 'mmu'],
      severed: ['storage', 'scratch', 'mmu'],
      offline: [],
      decapitation: [],
      immolation: [],
    };
    for (const level of LEVELS) assert.deepEqual(PORTS.filter((p) => portServiced(level, p)).map((p) => p.name), expected[level], level);
  });

  it('has the severed-services-network control open the network ports at severed only, leaving every other level as §2 says', () => {
    // The negative control must break exactly the rule it names, or the tests that catch it prove less.
    const broken = SIMULATOR_MUTANTS['severed-services-network'].rules();
    assert.ok(broken.portServiced('severed', port('net.egress')));
    assert.ok(broken.portServiced('severed', port('net.review')));
    for (const level of LEVELS.filter((l) => l !== 'severed')) {
      for (const p of PORTS) assert.equal(broken.portServiced(level, p), portServiced(level, p), `${level}, ${p.name}`);
    }
  });
});

describe('port API: where the rings lie in shared I/O DRAM', () => {
  it('places the ring words at the offsets the model is built against', () => {
    // The ABI a model program is compiled against: request tail, head (then the expected sequence
    // number), 64-byte request slots from 4 KiB, the response tail at 32 KiB, 32-byte response slots from 36 KiB.
    // Computed here rather than taken from the module-level `rings`: a layout computed while the
    // test runs is the one the mutation run changes (a value made at load time never sees a mutant).
    const { payloadBase, payloadBytes, ...ringWords } = ringAddresses(DEFAULT_LAYOUT);
    assert.deepEqual(Object.fromEntries(Object.entries(ringWords).map(([k, v]) => [k, `0x${(v - sharedStart).toString(16)}`])), {
      requestTail: '0x0', requestHead: '0x8', requestSlots: '0x1000', responseTail: '0x8000', responseSlots: '0x9000',
    });
    assert.deepEqual({ base: payloadBase, bytes: payloadBytes }, DEFAULT_LAYOUT.payloadArea);
  });

  it('puts slot s of the request ring 64·s bytes into the slot area and its six words one after another', () => {
    for (const slot of [0n, 1n, RING_SLOTS - 1n]) {
      DESCRIPTOR_WORDS.forEach((_, word) => assert.equal(slotWord(rings, slot, word), rings.requestSlots + 64n * slot + 8n * BigInt(word), `slot ${slot}, word ${word}`));
    }
  });

  it('puts slot s of the response ring 32·s bytes into its area and its four words (tag, status, value, time) one after another', () => {
    for (const slot of [0n, 1n, RING_SLOTS - 1n]) {
      for (let word = 0; word < RESPONSE_WORDS; word++) assert.equal(responseWord(rings, slot, word), rings.responseSlots + 32n * slot + 8n * BigInt(word), `slot ${slot}, word ${word}`);
    }
  });

  it('keeps every ring word inside shared I/O DRAM, before the payload area, 8-byte aligned, and no two words on the same bytes', () => {
    const words: [string, bigint][] = [
      ['request tail', rings.requestTail],
      ['request head', rings.requestHead],
      ['expected sequence number', rings.requestHead + 8n],
      ['response tail', rings.responseTail],
    ];
    for (let slot = 0n; slot < RING_SLOTS; slot++) {
      DESCRIPTOR_WORDS.forEach((name, word) => words.push([`request slot ${slot} ${name}`, slotWord(rings, slot, word)]));
      for (let word = 0; word < RESPONSE_WORDS; word++) words.push([`response slot ${slot} word ${word}`, responseWord(rings, slot, word)]);
    }
    const owner = new Map<bigint, string>();
    for (const [name, address] of words) {
      assert.ok(address >= sharedStart && address + 8n <= rings.payloadBase, `${name} at 0x${address.toString(16)} is outside the ring area`);
      assert.equal(address % 8n, 0n, `${name} is not aligned`);
      const other = owner.get(address);
      assert.equal(other, undefined, `${name} and ${other} share 0x${address.toString(16)}`);
      owner.set(address, name);
    }
    assert.ok(rings.payloadBase + rings.payloadBytes <= sharedEnd, 'the payload area ends inside shared I/O DRAM');
  });
});

/** A fresh machine whose detector raises nothing, so the level stays standard. */
function machine(): GuillotineSystem {
  return new GuillotineSystem({ policy: DEFAULT_POLICY, seed: 5, mode: 'scripted', detectorRules: [] });
}

describe('port API: requests and responses in memory', () => {
  it('finds the descriptor the model wrote at its slot, and writes the response at the same slot of the response ring', () => {
    const system = machine();
    let slot = -1n;
    system.clock.at(1_000, 'model', () =>
      system.core.step(() => {
        system.core.submit({ port: 2n, opcode: OPCODES.read, offset: 0n, length: 8n, tag: 0xa1n });
        slot = system.core.submit({ port: 2n, opcode: OPCODES.write, offset: 64n, length: 16n, tag: 0xb2n });
      }),
    );
    system.clock.runUntil(100_000);
    assert.equal(slot, 1n);
    const r = system.rings;
    const read = (address: bigint) => system.memory.read64(address);
    // Slot 1 of the request ring, at the byte offsets of the layout (not through slotWord).
    assert.deepEqual([0n, 1n, 2n, 3n, 4n, 5n].map((w) => read(r.requestSlots + 64n + 8n * w)), [2n, OPCODES.write, 64n, 16n, 1n, 0xb2n]);
    assert.equal(read(r.requestTail), 2n);
    assert.equal(read(r.requestHead), 2n, 'the hypervisor consumed both slots');
    // Slot 1 of the response ring: tag, status, value (the length), and a completion time.
    assert.equal(read(r.responseTail), 2n);
    assert.deepEqual([0n, 1n, 2n].map((w) => read(r.responseSlots + 32n + 8n * w)), [0xb2n, STATUS.ok, 16n]);
    assert.ok(read(r.responseSlots + 32n + 24n) > 1_000n, 'the response is stamped after the request');
    assert.deepEqual([0n, 1n, 2n].map((w) => read(r.responseSlots + 8n * w)), [0xa1n, STATUS.ok, 8n]);
  });

  it('services a range ending exactly at the end of the payload area and refuses one byte more (bounds)', () => {
    const system = machine();
    const size = system.rings.payloadBytes;
    const requests = [
      { offset: size - 64n, length: 64n, tag: 1n, want: STATUS.ok },
      { offset: size - 64n, length: 65n, tag: 2n, want: STATUS.bounds },
      { offset: 0n, length: size, tag: 3n, want: STATUS.ok },
      { offset: 1n, length: size, tag: 4n, want: STATUS.bounds },
      { offset: size, length: 0n, tag: 5n, want: STATUS.ok },
      { offset: size + 1n, length: 0n, tag: 6n, want: STATUS.bounds },
      { offset: TWO64 - 1n, length: 2n, tag: 7n, want: STATUS.bounds }, // wraps to 1 in 64 bits
    ];
    system.clock.at(1_000, 'model', () => system.core.step(() => requests.forEach((q) => system.core.submit({ port: 2n, opcode: OPCODES.read, offset: q.offset, length: q.length, tag: q.tag }))));
    system.clock.runUntil(1_000_000);
    const status = new Map(system.core.observations.flatMap((o) => (o.kind === 'irq' ? [[o.tag, o.status] as const] : [])));
    for (const q of requests) assert.equal(status.get(q.tag.toString(16)), q.want.toString(), `offset ${q.offset}, length ${q.length}`);
  });

  it('keeps servicing requests when the ring counters wrap around 2^64, in slots 62, 63, 0 and 1', () => {
    const system = machine();
    // The only way to move the counters near 2^64: a producer index the hypervisor refuses
    // (ring-index) and resynchronises to, after which the model continues from it.
    system.clock.at(1_000, 'bad index', () => system.core.step(() => system.core.forceTail(TWO64 - 2n)));
    system.clock.at(10_000, 'resync', () => system.core.step(() => system.core.resync()));
    const slots: bigint[] = [];
    system.clock.at(20_000, 'model', () => system.core.step(() => { for (let i = 1n; i <= 4n; i++) slots.push(system.core.submit({ port: 2n, opcode: OPCODES.read, offset: 0n, length: 8n, tag: 0x100n + i })); }));
    system.clock.runUntil(1_000_000);
    assert.deepEqual(slots, [62n, 63n, 0n, 1n]);
    const irqs = system.core.observations.filter((o) => o.kind === 'irq');
    assert.deepEqual(irqs.map((o) => [o.tag, o.status]), [['0', STATUS['ring-index'].toString()], ...[1n, 2n, 3n, 4n].map((i) => [(0x100n + i).toString(16), STATUS.ok.toString()])]);
    assert.equal(system.memory.read64(system.rings.requestHead), 2n, 'the consumer index wrapped to 2');
    assert.equal(system.serviced.length, 4);
  });
});
