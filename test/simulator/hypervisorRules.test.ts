/**
 * The software hypervisor's rules, one law per test, driven directly: a bench wires a
 * `SoftwareHypervisor` to its own clock, memory and page tables, plays the model's side of the
 * request ring by writing descriptors into shared memory (so the level and the timing are the
 * test's to choose), and reads back what the model would see — the response slots, the published
 * indices and the completion interrupts — and what the hypervisor logs (`observe`, its stats).
 *
 * A refusal is checked on both sides: the model gets a response with the refusal's status (so it
 * is never left waiting) and the refusal is logged for the detector; a refused request is never
 * carried out. Times are virtual microseconds, computed from the published service costs.
 */
import assert from 'node:assert/strict';
import { DEFAULT_LAYOUT } from '../../proofs/layout.ts';
import type { Level } from '../../spec/levels.ts';
import { EventQueue, type Micros } from '../../simulator/clock.ts';
import type { Observation } from '../../simulator/detector.ts';
import {
  BATCH, COPY_AND_VALIDATE_US, IO_US, IRQ_US, PTE_REQUEST_BYTES, SoftwareHypervisor, YIELD_US,
  type HypervisorVariant, type ServicedRequest,
} from '../../simulator/hypervisor.ts';
import { PhysicalMemory } from '../../simulator/memory.ts';
import { PageTables, leafPte, pointerPte } from '../../simulator/mmu.ts';
import { OPCODES, PORTS, RATE_LIMIT, RING_SLOTS, STATUS, responseWord, ringAddresses, slotWord, type Refusal } from '../../simulator/ports.ts';

const MASK64 = (1n << 64n) - 1n;

interface Request {
  readonly port: bigint;
  readonly opcode: bigint;
  readonly offset?: bigint;
  readonly length?: bigint;
  readonly tag: bigint;
  /** Defaults to the next sequence number, as a well-behaved model core does. */
  readonly seq?: bigint;
}

interface Response {
  readonly tag: bigint;
  readonly status: bigint;
  readonly value: bigint;
  readonly at: bigint;
}

/** A hypervisor on a bench: the test plays the model core and the level record. */
class Bench {
  readonly clock = new EventQueue();
  readonly memory = new PhysicalMemory();
  readonly rings = ringAddresses(DEFAULT_LAYOUT);
  readonly pageTables = new PageTables(DEFAULT_LAYOUT);
  level: Level = 'standard';
  readonly observed: Observation[] = [];
  readonly irqs: { at: Micros; tag: bigint; status: bigint }[] = [];
  readonly serviced: ServicedRequest[] = [];
  pteApplied = 0;
  /** Called on every observation (a test may make the hypervisor crash from inside its round). */
  onObserve: (o: Observation) => void = () => {};
  readonly hv: SoftwareHypervisor;
  private tail = 0n;
  private seq = 0n;

  constructor(variant?: HypervisorVariant) {
    this.hv = new SoftwareHypervisor(
      {
        clock: this.clock,
        memory: this.memory,
        rings: this.rings,
        pageTables: this.pageTables,
        level: () => this.level,
        observe: (o) => {
          this.observed.push(o);
          this.onObserve(o);
        },
        interrupt: (at, tag, status) => this.irqs.push({ at, tag, status }),
        serviced: (r) => this.serviced.push(r),
        pteApplied: () => this.pteApplied++,
      },
      variant,
    );
  }

  /** Runs `action` at virtual time `at`. */
  at(at: Micros, action: () => void): void {
    this.clock.at(at, 'bench', action);
  }

  /** What the model core does: the descriptor into the next slot, then the tail, then the doorbell. */
  submit(r: Request): void {
    const seq = r.seq ?? this.seq;
    this.seq = seq + 1n;
    const base = slotWord(this.rings, this.tail % RING_SLOTS, 0);
    [r.port, r.opcode, r.offset ?? 0n, r.length ?? 64n, seq, r.tag].forEach((w, i) => this.memory.write64(base + BigInt(i) * 8n, w));
    this.tail = (this.tail + 1n) & MASK64;
    this.memory.write64(this.rings.requestTail, this.tail);
    this.hv.doorbell();
  }

  /** A hostile producer index, then the doorbell. */
  forceTail(tail: bigint): void {
    this.memory.write64(this.rings.requestTail, tail);
    this.hv.doorbell();
  }

  /** The model re-reads the consumer index and expected sequence number the hypervisor publishes. */
  resync(): void {
    this.tail = this.head;
    this.seq = this.publishedSeq;
  }

  get head(): bigint {
    return this.memory.read64(this.rings.requestHead);
  }

  get publishedSeq(): bigint {
    return this.memory.read64(this.rings.requestHead + 8n);
  }

  /** How many responses the hypervisor has published. */
  get responseCount(): bigint {
    return this.memory.read64(this.rings.responseTail);
  }

  /** The response in slot `i`, as the model reads it. */
  response(i: bigint): Response {
    const w = (k: number) => this.memory.read64(responseWord(this.rings, i % RING_SLOTS, k));
    return { tag: w(0), status: w(1), value: w(2), at: w(3) };
  }

  responses(): Response[] {
    return Array.from({ length: Number(this.responseCount) }, (_, i) => this.response(BigInt(i)));
  }

  /** Refusals as logged for the detector, in order. */
  refusals(): Refusal[] {
    return this.observed.flatMap((o) => (o.kind === 'refused' ? [o.refusal] : []));
  }

  run(until: Micros = 1_000_000): void {
    this.clock.runUntil(until);
  }
}

const STORAGE = 2n;
const MMU = 4n;
const UNGRANTED = 99n;
const read = (tag: bigint, length = 64n): Request => ({ port: STORAGE, opcode: OPCODES.read, offset: 0n, length, tag });
const write = (tag: bigint, length = 64n): Request => ({ port: STORAGE, opcode: OPCODES.write, offset: 0n, length, tag });
const ungranted = (tag: bigint): Request => ({ port: UNGRANTED, opcode: OPCODES.read, tag });

/** A page-table write that the MMU rule accepts: link the first spare level-1 table from root entry 1. */
function linkSpare(bench: Bench, offset: bigint, tag: bigint): { request: Request; table: bigint; index: bigint; pte: bigint } {
  const spare = bench.pageTables.spare.find((f) => bench.pageTables.levelOf(f) === 1n)!;
  const table = bench.pageTables.root;
  const index = 1n;
  const pte = pointerPte(spare);
  storeWords(bench, offset, [table, index, pte]);
  return { request: { port: MMU, opcode: OPCODES['pte-write'], offset, length: PTE_REQUEST_BYTES, tag }, table, index, pte };
}

function storeWords(bench: Bench, offset: bigint, words: readonly bigint[]): void {
  words.forEach((w, i) => bench.memory.write64(bench.rings.payloadBase + offset + BigInt(i) * 8n, w));
}

/** A valid request on each port, in the opcode that is not an output (so nothing is held at probation). */
function validOn(bench: Bench, portId: number, tag: bigint): Request {
  const port = PORTS[portId]!;
  if (port.device === 'mmu') return linkSpare(bench, 0x1000n, tag).request;
  return { port: BigInt(portId), opcode: port.device === 'network' ? OPCODES.recv : OPCODES.read, offset: 0n, length: 64n, tag };
}

describe('software hypervisor: responses, interrupts and published indices', () => {
  it('answers every request, serviced or refused, in its own response slot (tag, status, value, time) and publishes the indices', () => {
    const b = new Bench();
    b.at(100, () => {
      b.submit(read(0xa1n, 64n));
      b.submit(ungranted(0xb2n));
      b.submit(write(0xc3n, 32n));
    });
    b.run();
    // Round at 101; A validated at 103, read at 109; B refused at 111; C validated at 113, written at 119.
    const v = COPY_AND_VALIDATE_US;
    const io = IO_US.storage;
    const aDone = 101 + v + io;
    const bRefused = aDone + v;
    const cDone = bRefused + v + io;
    assert.deepEqual(b.responses(), [
      { tag: 0xa1n, status: STATUS.ok, value: 64n, at: BigInt(aDone) },
      { tag: 0xb2n, status: STATUS['not-granted'], value: 0n, at: BigInt(bRefused) },
      { tag: 0xc3n, status: STATUS.ok, value: 32n, at: BigInt(cDone) },
    ]);
    assert.equal(b.responseCount, 3n, 'the response tail counts every response');
    assert.equal(b.head, 3n, 'the consumer index is published past every slot read');
    // Responses written before an I/O are signalled before it starts (one interrupt for the pair),
    // each interrupt comes IRQ_US after the last response it carries.
    assert.deepEqual(b.irqs, [
      { at: bRefused + IRQ_US, tag: 0xa1n, status: STATUS.ok },
      { at: bRefused + IRQ_US, tag: 0xb2n, status: STATUS['not-granted'] },
      { at: cDone + IRQ_US, tag: 0xc3n, status: STATUS.ok },
    ]);
    assert.deepEqual(b.serviced.map((s) => [s.at, s.port.name, s.opcode, s.length, s.held]), [
      [aDone, 'storage', 'read', 64n, false],
      [cDone, 'storage', 'write', 32n, false],
    ]);
    assert.deepEqual(b.refusals(), ['not-granted'], 'the refusal is logged for the detector');
    assert.deepEqual({ tried: b.hv.stats.tried, serviced: b.hv.stats.serviced, refused: [...b.hv.stats.refused] }, { tried: 3, serviced: 2, refused: [['not-granted', 1]] });
  });

  it('keeps servicing after a round is over: a request arriving later starts a new round', () => {
    const b = new Bench();
    b.at(100, () => b.submit(read(1n)));
    b.at(5_000, () => b.submit(read(2n)));
    b.run();
    assert.deepEqual(b.responses().map((r) => [r.tag, r.status, r.at]), [
      [1n, STATUS.ok, BigInt(101 + COPY_AND_VALIDATE_US + IO_US.storage)],
      [2n, STATUS.ok, BigInt(5_001 + COPY_AND_VALIDATE_US + IO_US.storage)],
    ]);
  });
});

describe('software hypervisor: validation of the copied descriptor', () => {
  // §2's "ports serviced" column, written out: standard all, probation the allowlist, severed the
  // local ports, offline none.
  const OPEN: Record<string, readonly string[]> = {
    standard: ['net.egress', 'net.review', 'storage', 'scratch', 'mmu'],
    probation: ['net.review', 'storage', 'mmu'],
    severed: ['storage', 'scratch', 'mmu'],
    offline: [],
  };
  for (const [level, open] of Object.entries(OPEN)) {
    it(`at ${level}, services ${open.join(', ') || 'no port'} and refuses the other ports as "level" at validation, before any I/O time`, () => {
      for (const [id, port] of PORTS.entries()) {
        const b = new Bench();
        b.level = level as Level;
        const request = validOn(b, id, 7n);
        b.at(100, () => b.submit(request));
        b.run();
        const validated = 101 + COPY_AND_VALIDATE_US;
        if (open.includes(port.name)) {
          assert.deepEqual(b.responses(), [{ tag: 7n, status: STATUS.ok, value: request.length, at: BigInt(validated + IO_US[port.device]) }], `${port.name} at ${level}`);
          assert.deepEqual(b.serviced.map((s) => [s.port.name, s.level]), [[port.name, level]]);
          assert.deepEqual(b.refusals(), []);
        } else {
          assert.deepEqual(b.responses(), [{ tag: 7n, status: STATUS.level, value: 0n, at: BigInt(validated) }], `${port.name} at ${level}`);
          assert.deepEqual(b.serviced, []);
          assert.deepEqual(b.refusals(), ['level']);
        }
      }
    });
  }

  it('refuses a range that leaves the payload area, even one whose end wraps past 2^64, and services one that ends exactly at its end', () => {
    const size = ringAddresses(DEFAULT_LAYOUT).payloadBytes;
    const cases: [bigint, bigint, bigint][] = [
      [size - 64n, 64n, STATUS.ok], // ends exactly at the end
      [size - 64n, 65n, STATUS.bounds], // one byte past it
      [MASK64 - 7n, 16n, STATUS.bounds], // offset + length wraps to 8: the naive check would accept it
      [0n, size + 1n, STATUS.bounds],
    ];
    for (const [offset, length, status] of cases) {
      const b = new Bench();
      b.at(100, () => b.submit({ port: STORAGE, opcode: OPCODES.read, offset, length, tag: 5n }));
      b.run();
      assert.deepEqual(b.responses().map((r) => r.status), [status], `offset 0x${offset.toString(16)} length 0x${length.toString(16)}`);
      assert.equal(b.serviced.length, status === STATUS.ok ? 1 : 0);
      assert.deepEqual(b.refusals(), status === STATUS.ok ? [] : ['bounds']);
    }
  });

  it('makes every request consume the next sequence number, refused or not, and refuses any other number without losing its place', () => {
    const b = new Bench();
    b.at(100, () => {
      b.submit({ ...read(1n), seq: 0n });
      b.submit({ ...ungranted(2n), seq: 1n }); // refused, but its number is used up
      b.submit({ ...read(3n), seq: 2n });
      b.submit({ ...read(4n), seq: 7n }); // a replayed or forged number
      b.submit({ ...read(5n), seq: 4n }); // the numbering goes on past the refused one
    });
    b.run();
    assert.deepEqual(b.responses().map((r) => [r.tag, r.status]), [
      [1n, STATUS.ok], [2n, STATUS['not-granted']], [3n, STATUS.ok], [4n, STATUS.sequence], [5n, STATUS.ok],
    ]);
    assert.deepEqual(b.refusals(), ['not-granted', 'sequence']);
    assert.deepEqual(b.serviced.map((s) => s.opcode), ['read', 'read', 'read']);
  });

  it(`at probation, a client asking twice the allowed rate is served its burst, then one request in two (${RATE_LIMIT.probation.perSecond}/s, burst ${RATE_LIMIT.probation.burst})`, () => {
    const b = new Bench();
    b.level = 'probation';
    // One request every 10 ms: each brings half a token (50/s); the bucket starts full at 10.
    // Before the n-th request it holds 10 - (n - 1)/2 tokens, exactly 1 at the 19th; afterwards it alternates 0.5, 1.
    const n = 24;
    for (let i = 0; i < n; i++) b.at(10_000 + i * 10_000, () => b.submit(read(BigInt(i + 1))));
    b.run(10_000 + n * 10_000);
    const expected = Array.from({ length: n }, (_, i) => (i < 19 || i % 2 === 0 ? STATUS.ok : STATUS.rate));
    assert.deepEqual(b.responses().map((r) => r.status), expected);
    assert.equal(b.serviced.length, 21);
    assert.deepEqual(b.refusals(), ['rate', 'rate', 'rate']);
    assert.equal(b.hv.stats.refused.get('rate'), 3);
  });
});

describe('software hypervisor: page-table writes', () => {
  it('applies a page-table write read from the payload at the descriptor offset, when the MMU rule accepts it', () => {
    const b = new Bench();
    const offset = 0x2000n;
    // Decoys just below the request: a hypervisor reading the wrong words would write something else.
    storeWords(b, offset - 24n, [0x11n, 0x22n, 0x33n]);
    const { request, table, index, pte } = linkSpare(b, offset, 9n);
    b.at(100, () => b.submit(request));
    b.run();
    assert.equal(b.pageTables.entry(table, index), pte, 'the requested entry was written');
    assert.equal(b.pteApplied, 1, 'the monitor saw the accepted write');
    assert.deepEqual(b.responses().map((r) => [r.tag, r.status, r.at]), [[9n, STATUS.ok, BigInt(101 + COPY_AND_VALIDATE_US + IO_US.mmu)]]);
    assert.deepEqual(b.serviced.map((s) => s.port.name), ['mmu']);
  });

  it('refuses a page-table write the MMU rule forbids: nothing changes, the model gets "pte" and the refusal is logged', () => {
    const b = new Bench();
    const l0 = b.pageTables.spare.find((f) => b.pageTables.levelOf(f) === 0n)!;
    // A writable and executable leaf: the rule never lets the model create an executable mapping.
    const forbidden = leafPte(DEFAULT_LAYOUT.executable.base, ['R', 'W', 'X', 'U']);
    storeWords(b, 0n, [l0, 3n, forbidden]);
    const before = b.pageTables.executableMappings();
    b.at(100, () => b.submit({ port: MMU, opcode: OPCODES['pte-write'], offset: 0n, length: PTE_REQUEST_BYTES, tag: 4n }));
    b.run();
    assert.equal(b.pageTables.entry(l0, 3n), 0n);
    assert.deepEqual(b.pageTables.executableMappings(), before);
    assert.equal(b.pteApplied, 0);
    assert.deepEqual(b.serviced, [], 'a refused write is not reported as carried out');
    assert.deepEqual(b.responses().map((r) => [r.tag, r.status]), [[4n, STATUS.pte]]);
    assert.deepEqual(b.refusals(), ['pte']);
  });
});

describe('software hypervisor: outputs held for review at probation', () => {
  it('carries out outputs (write, send) at probation but holds them for human review; reads and every output at standard are not held', () => {
    const b = new Bench();
    b.level = 'probation';
    b.at(100, () => {
      b.submit(write(1n, 40n));
      b.submit(read(2n));
      b.submit({ port: 1n, opcode: OPCODES.send, offset: 0n, length: 48n, tag: 3n });
      b.submit({ port: 1n, opcode: OPCODES.recv, offset: 0n, length: 8n, tag: 4n });
    });
    b.run();
    assert.deepEqual(b.responses().map((r) => [r.tag, r.status]), [[1n, STATUS.held], [2n, STATUS.ok], [3n, STATUS.held], [4n, STATUS.ok]]);
    assert.deepEqual(b.serviced.map((s) => s.held), [true, false, true, false]);
    assert.deepEqual(b.hv.reviewQueue, [{ port: 'storage', length: 40n }, { port: 'net.review', length: 48n }]);
    assert.equal(b.hv.stats.held, 2);
    assert.equal(b.hv.stats.serviced, 4);

    const s = new Bench();
    s.at(100, () => {
      s.submit(write(1n));
      s.submit({ port: 0n, opcode: OPCODES.send, offset: 0n, length: 48n, tag: 2n });
    });
    s.run();
    assert.deepEqual(s.responses().map((r) => r.status), [STATUS.ok, STATUS.ok]);
    assert.deepEqual(s.hv.reviewQueue, []);
    assert.equal(s.hv.stats.held, 0);
  });

  it('keeps the 1024 most recent held outputs for review, dropping the oldest', () => {
    const b = new Bench();
    b.level = 'probation';
    const n = 1026;
    // One every 25 ms stays under probation's 50 requests/s; each output has its own length.
    for (let i = 1; i <= n; i++) b.at(i * 25_000, () => b.submit(write(BigInt(i), BigInt(i))));
    b.run((n + 1) * 25_000);
    assert.equal(b.hv.stats.held, n);
    assert.equal(b.hv.reviewQueue.length, 1024);
    assert.deepEqual([b.hv.reviewQueue[0]!.length, b.hv.reviewQueue.at(-1)!.length], [3n, BigInt(n)]);
  });
});

describe('software hypervisor: hostile producer index', () => {
  it('refuses a producer index claiming more slots than the ring has: answered with tag 0, logged, nothing read, head and sequence republished', () => {
    const b = new Bench();
    b.at(100, () => {
      b.submit(ungranted(1n));
      b.submit(ungranted(2n));
    });
    let freeAt = -1;
    b.at(200, () => b.forceTail(2n + RING_SLOTS + 1n));
    b.at(202, () => {
      freeAt = b.hv.freeAt;
      b.resync();
      b.submit(read(3n));
    });
    b.run();
    // Round at 201: the bad index is refused there, costing one validation.
    assert.equal(freeAt, 201 + COPY_AND_VALIDATE_US, 'the refusal occupied the service core for one validation');
    assert.equal(b.hv.stats.tried, 4);
    assert.deepEqual(b.refusals(), ['not-granted', 'not-granted', 'ring-index']);
    assert.deepEqual(b.responses()[2], { tag: 0n, status: STATUS['ring-index'], value: 0n, at: 201n });
    assert.deepEqual(b.irqs[2], { at: 201 + IRQ_US, tag: 0n, status: STATUS['ring-index'] });
    assert.equal(b.head, 2n + RING_SLOTS + 1n + 1n, 'the consumer index jumped to the claimed tail, then past the next request');
    // The model resynchronised from the published head and sequence number: its next request is serviced.
    assert.deepEqual(b.responses()[3], { tag: 3n, status: STATUS.ok, value: 64n, at: BigInt(201 + COPY_AND_VALIDATE_US + IRQ_US + COPY_AND_VALIDATE_US + IO_US.storage) });
  });

  it('publishes the expected sequence number next to the consumer index when it resynchronises', () => {
    const b = new Bench();
    b.at(100, () => {
      b.submit(ungranted(1n));
      b.submit(ungranted(2n));
      b.submit(ungranted(3n));
    });
    b.at(200, () => b.forceTail(MASK64));
    b.run();
    assert.equal(b.head, MASK64);
    assert.equal(b.publishedSeq, 3n);
    assert.equal(b.memory.read64(b.rings.requestTail), MASK64, 'the producer index is the model\'s: the hypervisor does not write it');
  });

  it('refuses a producer index pushed out of range during an I/O as soon as it returns to the ring, reading no slot beyond the real ones', () => {
    const b = new Bench();
    b.at(100, () => b.submit(read(1n)));
    b.at(105, () => b.forceTail(1n + RING_SLOTS + 1n)); // while the read is in flight (103..109)
    b.run();
    assert.equal(b.hv.stats.tried, 2, 'the read and the bad index, and no slot after them');
    assert.deepEqual(b.refusals(), ['ring-index']);
    assert.deepEqual(b.serviced.map((s) => s.length), [64n]);
    const done = 101 + COPY_AND_VALIDATE_US + IO_US.storage;
    assert.deepEqual(b.responses().map((r) => [r.tag, r.status, r.at]), [[1n, STATUS.ok, BigInt(done)], [0n, STATUS['ring-index'], BigInt(done + IRQ_US)]]);
  });
});

describe('software hypervisor: sharing the service core', () => {
  it(`services a flood ${BATCH} requests at a time and yields the core ${YIELD_US} µs between batches, however often the doorbell rings`, () => {
    const b = new Bench();
    const flood = BATCH + 2;
    b.at(100, () => {
      for (let i = 0; i < flood; i++) b.submit(ungranted(BigInt(i))); // each rings the doorbell
    });
    b.at(140, () => b.submit(ungranted(99n))); // during the yield
    b.run();
    const v = COPY_AND_VALIDATE_US;
    const firstBatchEnd = 101 + BATCH * v;
    const resumed = firstBatchEnd + YIELD_US;
    const times = [...Array.from({ length: BATCH }, (_, i) => 101 + (i + 1) * v), resumed + v, resumed + 2 * v, resumed + 3 * v];
    assert.deepEqual(b.responses().map((r) => Number(r.at)), times);
    assert.deepEqual(b.irqs.map((i) => i.at), [...Array<number>(BATCH).fill(firstBatchEnd + IRQ_US), ...Array<number>(3).fill(resumed + 3 * v + IRQ_US)]);
    assert.equal(b.hv.stats.refused.get('not-granted'), flood + 1);
  });

  it(`yields the core every ${BATCH} requests to a stream that keeps arriving while requests are in their I/O, too`, () => {
    // Requests arrive twice as fast as they are serviced, each ringing the doorbell during an I/O:
    // the stream must not open a second round with a fresh budget (that would never yield).
    const b = new Bench();
    const n = BATCH + 4;
    const perRequest = COPY_AND_VALIDATE_US + IO_US.storage;
    for (let i = 0; i < n; i++) b.at(100 + i * (perRequest / 2), () => b.submit(read(BigInt(i))));
    b.run();
    const firstBatch = Array.from({ length: BATCH }, (_, k) => 101 + (k + 1) * perRequest);
    const resumed = firstBatch.at(-1)! + YIELD_US;
    const rest = Array.from({ length: n - BATCH }, (_, k) => resumed + (k + 1) * perRequest);
    assert.deepEqual(b.serviced.map((s) => s.at), [...firstBatch, ...rest]);
  });

  it('makes a request that arrives while refused ones are being validated wait for the service core', () => {
    const b = new Bench();
    let freeAt = -1;
    b.at(100, () => {
      for (let i = 0; i < 3; i++) b.submit(ungranted(BigInt(i)));
    });
    b.at(102, () => {
      freeAt = b.hv.freeAt;
      b.submit(read(9n));
    });
    b.run();
    const busy = 101 + 3 * COPY_AND_VALIDATE_US;
    assert.equal(freeAt, busy);
    assert.deepEqual(b.responses().at(-1), { tag: 9n, status: STATUS.ok, value: 64n, at: BigInt(busy + IRQ_US + COPY_AND_VALIDATE_US + IO_US.storage) });
  });
});

describe('software hypervisor: crashes and reboots', () => {
  it('services after a reboot the requests written while it was down, and drops the I/O the crash interrupted', () => {
    const b = new Bench();
    b.at(100, () => b.submit(read(1n))); // its I/O would complete at 109
    b.at(105, () => b.hv.crash());
    b.at(200, () => b.submit(read(2n))); // the doorbell rings into a dead hypervisor
    b.at(300, () => b.hv.boot());
    b.run();
    assert.deepEqual(b.serviced.map((s) => s.at), [301 + COPY_AND_VALIDATE_US + IO_US.storage]);
    assert.deepEqual(b.responses().map((r) => r.tag), [2n], 'no completion for the interrupted request');
    assert.deepEqual(b.irqs.map((i) => i.tag), [2n]);
  });

  it('handles nothing while it is down, not even a bad producer index whose round was already scheduled', () => {
    const b = new Bench();
    b.at(100, () => {
      b.forceTail(RING_SLOTS + 1n); // schedules a round at 101
      b.hv.crash();
    });
    b.at(300, () => b.hv.boot());
    b.run();
    assert.deepEqual(b.responses(), [{ tag: 0n, status: STATUS['ring-index'], value: 0n, at: 301n }]);
    assert.equal(b.hv.stats.tried, 1);
  });

  it('stops its round at once when it crashes in the middle of it (an assertion failure raised while validating)', () => {
    const b = new Bench();
    let crashes = 0;
    b.onObserve = (o) => {
      if (o.kind === 'request' && crashes === 0) {
        crashes++;
        b.hv.crash();
      }
    };
    b.at(100, () => {
      for (let i = 1n; i <= 3n; i++) b.submit(ungranted(i));
    });
    b.run(200);
    assert.equal(b.hv.stats.tried, 1, 'nothing after the crash is handled');
    assert.equal(b.head, 1n);
    b.at(300, () => b.hv.boot());
    b.run(1_000);
    assert.equal(b.hv.stats.tried, 3, 'the rest waited in the ring for the reboot');
    assert.deepEqual(b.responses().slice(1).map((r) => [r.tag, r.at]), [[2n, 303n], [3n, 305n]]);
  });
});
