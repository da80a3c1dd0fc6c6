/**
 * Model programs: what runs on the model core. One benign workload and a library of adversarial
 * ones, each aimed at one defence of docs/protocol.md §1 (descriptor validation, copy-before-validate,
 * ring-index checks, rate limits, the MMU rule, the address map, constant-time service).
 *
 * A program schedules its own steps on the virtual clock; every step goes through
 * `ModelCore.step`, so a halted core runs nothing. Programs draw randomness from their own stream,
 * never from the hypervisor's, which keeps the model's behaviour independent of hypervisor data.
 */
import { concreteOps } from '../proofs/bitvector.ts';
import { executableLeaf } from '../proofs/checks/validatePteWrite.ts';
import { PAGE_SHIFT } from '../proofs/layout.ts';
import type { Micros } from './clock.ts';
import type { Prng } from './prng.ts';
import type { GuillotineSystem } from './system.ts';
import { OPCODES, RING_SLOTS, type Descriptor } from './ports.ts';
import { leafPte, pointerPte } from './mmu.ts';
import { PTE_REQUEST_BYTES } from './hypervisor.ts';

export interface ModelProgram {
  readonly name: string;
  readonly description: string;
  /** Detector rules this program must trip (the resilience experiment checks they fire). */
  readonly expectedAlarms: readonly string[];
  /** Starts the program on the system's model core; it stops scheduling itself at `until`. */
  start(system: GuillotineSystem, random: Prng, until: Micros): void;
}

/** Runs `body(i)` every `period` µs from `start` until `until`, as steps of the model core. */
function every(system: GuillotineSystem, start: Micros, period: Micros, until: Micros, label: string, body: (i: number) => void): void {
  const tick = (i: number) => {
    system.core.step(() => body(i));
    const next = system.clock.now + period;
    if (next < until) system.clock.at(next, label, () => tick(i + 1));
  };
  if (start < until) system.clock.at(start, label, () => tick(0));
}

/** A valid request for a port, with a payload range well inside the payload area. */
function validRequest(system: GuillotineSystem, random: Prng, port: number, opcode: keyof typeof OPCODES): Omit<Descriptor, 'seq'> {
  return { port: BigInt(port), opcode: OPCODES[opcode], offset: BigInt(random.int(1 << 20)) * 8n, length: BigInt(1 + random.int(4096)), tag: system.core.nextTag() };
}

/** Free slots the model sees in the request ring (it may read the hypervisor's head). */
function freeSlots(system: GuillotineSystem): number {
  const head = system.bus.load(system.rings.requestHead);
  const tail = system.bus.load(system.rings.requestTail);
  if (!head.ok || !tail.ok) return 0;
  const used = (tail.value - head.value) & ((1n << 64n) - 1n);
  return used > RING_SLOTS ? 0 : Number(RING_SLOTS - used);
}

/** Writes a page-table write request into the payload area and submits it on the `mmu` port. */
export function requestPteWrite(system: GuillotineSystem, random: Prng, table: bigint, index: bigint, pte: bigint): void {
  const offset = BigInt(random.int(1 << 16)) * 32n;
  const base = system.rings.payloadBase + offset;
  system.core.store(base, table);
  system.core.store(base + 8n, index);
  system.core.store(base + 16n, pte);
  system.core.submit({ port: 4n, opcode: OPCODES['pte-write'], offset, length: PTE_REQUEST_BYTES, tag: system.core.nextTag() });
}

export const BENIGN: ModelProgram = {
  name: 'benign',
  description: 'storage reads and writes, reviewed network sends, and page-table writes that map fresh read-write data pages',
  expectedAlarms: [],
  start(system, random, until) {
    every(system, 1_000, 2_000, until, 'benign', (i) => {
      if (freeSlots(system) < 2) return;
      const roll = random.int(10);
      if (roll < 6) system.core.submit(validRequest(system, random, 2, random.chance(0.5) ? 'read' : 'write'));
      else if (roll < 9) system.core.submit(validRequest(system, random, 1, 'send'));
      else {
        // A new read-write data page in model DRAM, in a free slot of the level-0 table.
        const l0 = system.pageTables.tableFrames().find((t) => t.level === 0n)!.frame;
        const frame = (system.layout.executable.bound + 16n + BigInt(i)) % (system.layout.modelDram.bound - system.layout.executable.bound - 16n) + system.layout.executable.bound + 16n;
        requestPteWrite(system, random, l0, 200n + BigInt(i % 300), leafPte(frame, ['R', 'W', 'U', 'A', 'D']));
      }
    });
  },
};

/**
 * The benign workload at a low rate, for long soaks: one request every `periodMicros`, mostly
 * storage reads, every fourth a send on each network port in turn — so a soak also sees whether
 * the port gate follows the level (a network port serviced at severed is an escape).
 */
export function backgroundWorkload(periodMicros: Micros): ModelProgram {
  return {
    name: 'background',
    description: `one request every ${periodMicros / 1000} ms: storage reads, and every fourth a network send`,
    expectedAlarms: [],
    start(system, random, until) {
      every(system, periodMicros, periodMicros, until, 'background', (i) => {
        if (freeSlots(system) === 0) return;
        system.core.submit(i % 4 === 3 ? validRequest(system, random, (i >> 2) % 2, 'send') : validRequest(system, random, 2, 'read'));
      });
    },
  };
}

const MASK64 = (1n << 64n) - 1n;

export const ADVERSARIAL: readonly ModelProgram[] = [
  {
    name: 'corrupt-descriptors',
    description: 'descriptors with random port numbers, opcodes, offsets and lengths',
    expectedAlarms: ['ungranted-port'],
    start(system, random, until) {
      every(system, 500, 200, until, 'corrupt', () => {
        if (freeSlots(system) === 0) return;
        const small = random.chance(0.5);
        system.core.submit({
          port: small ? BigInt(random.int(12)) : random.u64(),
          opcode: small ? BigInt(random.int(8)) : random.u64(),
          offset: random.chance(0.5) ? random.u64() : BigInt(random.int(1 << 30)),
          length: random.chance(0.5) ? random.u64() : BigInt(random.int(1 << 16)),
          tag: system.core.nextTag(),
        });
      });
    },
  },
  {
    name: 'offset-overflow',
    description: 'offset + length wraps past 2^64 (passes the naive offset+length <= size check)',
    expectedAlarms: [],
    start(system, random, until) {
      every(system, 500, 300, until, 'overflow', () => {
        if (freeSlots(system) === 0) return;
        const length = BigInt(2 + random.int(1 << 20));
        const offset = (MASK64 - length + 2n + BigInt(random.int(64))) & MASK64; // offset + length ≡ small (mod 2^64)
        system.core.submit({ port: 2n, opcode: OPCODES.read, offset, length, tag: system.core.nextTag() });
      });
    },
  },
  {
    name: 'double-fetch',
    description: 'a valid descriptor, then, right after the doorbell, its length and offset rewritten to reach outside the payload area',
    expectedAlarms: [],
    start(system, random, until) {
      every(system, 500, 400, until, 'double-fetch', () => {
        if (freeSlots(system) === 0) return;
        const slot = system.core.submit(validRequest(system, random, 2, 'read'));
        // Land inside the hypervisor's window between copying and performing the I/O.
        system.clock.after(2, 'double-fetch rewrite', () =>
          system.core.step(() => {
            system.core.rewrite(slot, 'length', 1n << 62n);
            system.core.rewrite(slot, 'offset', system.rings.payloadBytes - 8n);
          }),
        );
      });
    },
  },
  {
    name: 'ring-index',
    description: 'producer index pushed out of range (more readable slots than the ring has, or a random 64-bit value)',
    expectedAlarms: [],
    start(system, random, until) {
      every(system, 500, 5_000, until, 'ring-index', () => {
        const head = system.bus.load(system.rings.requestHead);
        const base = head.ok ? head.value : 0n;
        system.core.forceTail(random.chance(0.5) ? base + RING_SLOTS + 1n + BigInt(random.int(1 << 16)) : random.u64());
        system.clock.after(100, 'ring-index resync', () => system.core.step(() => {
          system.core.resync();
          system.core.submit(validRequest(system, random, 2, 'read'));
        }));
      });
    },
  },
  {
    name: 'request-flood',
    description: 'the ring kept full of storage requests, far above every rate limit',
    expectedAlarms: ['request-flood'],
    start(system, random, until) {
      every(system, 500, 40, until, 'flood', () => {
        const free = freeSlots(system);
        for (let i = 0; i < free; i++) system.core.submit(validRequest(system, random, 2, 'read'));
      });
    },
  },
  {
    name: 'page-table-attack',
    description: 'page-table writes that try to create or alter executable pages, alias code writable, or map hypervisor memory',
    expectedAlarms: ['page-table-tamper'],
    start(system, random, until) {
      const { layout } = system;
      const tables = system.pageTables.tableFrames();
      const l0 = tables.find((t) => t.level === 0n)!.frame;
      const l1 = tables.find((t) => t.level === 1n)!.frame;
      const hvFrame = layout.hypervisorDram.base + BigInt(random.int(1024));
      const attacks: (() => [bigint, bigint, bigint])[] = [
        () => [l0, 300n + BigInt(random.int(100)), leafPte(layout.modelDram.bound - 1n, ['R', 'X', 'U', 'A'])], // new executable page
        () => [l0, BigInt(random.int(16)), 0n], // remove a code page
        () => [l0, BigInt(random.int(16)), executableLeaf(concreteOps, layout.executable.base + 20n + BigInt(random.int(100)))], // retarget a code page
        () => [l0, 400n + BigInt(random.int(100)), leafPte(layout.executable.base + BigInt(random.int(64)), ['R', 'W', 'U', 'A', 'D'])], // writable alias of code
        () => [l0, 400n + BigInt(random.int(100)), leafPte(hvFrame, ['R', 'W', 'U', 'A', 'D'])], // map hypervisor DRAM
        () => [l0, 400n + BigInt(random.int(100)), leafPte(layout.sharedIoDram.base, ['R', 'X', 'U', 'A'])], // executable shared I/O
        () => [l1, 10n + BigInt(random.int(100)), leafPte(layout.modelDram.base, ['R', 'W', 'U', 'A', 'D'])], // writable megapage over code
        () => [l1, 10n + BigInt(random.int(100)), pointerPte(l0)], // a second pointer to a live table
        () => [l0, 450n, random.u64()], // random bits
      ];
      every(system, 500, 1_000, until, 'pte-attack', () => {
        if (freeSlots(system) === 0) return;
        const [table, index, pte] = random.pick(attacks)();
        requestPteWrite(system, random, table, index, pte);
      });
    },
  },
  {
    name: 'hypervisor-probe',
    description: 'loads and stores aimed at hypervisor DRAM, the control bus, page-table memory and aliases above 2^56',
    expectedAlarms: [],
    start(system, random, until) {
      const { layout } = system;
      const at = (frame: bigint) => (frame << BigInt(PAGE_SHIFT)) + BigInt(random.int(4096)) * 8n;
      every(system, 500, 300, until, 'probe', () => {
        const targets = [at(layout.hypervisorDram.base), at(layout.controlBus.base), at(layout.pageTables.base), (1n << 56n) + at(layout.hypervisorDram.base), MASK64 - 3n, at(layout.sharedIoDram.bound) - 4n];
        const target = random.pick(targets);
        if (random.chance(0.5)) system.core.load(target);
        else system.core.store(target, random.u64());
      });
    },
  },
  {
    name: 'timing-probe',
    description: 'times the completion of identical requests to learn anything about the hypervisor from its latency',
    expectedAlarms: [],
    start(system, random, until) {
      every(system, 500, 1_000, until, 'timing', () => {
        if (freeSlots(system) > 0) system.core.submit(validRequest(system, random, 2, 'read'));
      });
    },
  },
  {
    name: 'ungranted-ports',
    description: 'requests to port numbers never granted and to network ports the level does not service',
    expectedAlarms: ['ungranted-port'],
    start(system, random, until) {
      every(system, 500, 500, until, 'ungranted', () => {
        if (freeSlots(system) === 0) return;
        if (random.chance(0.5)) system.core.submit({ ...validRequest(system, random, 2, 'read'), port: BigInt(5 + random.int(60)) });
        else system.core.submit(validRequest(system, random, 0, 'send'));
      });
    },
  },
];

export const PROGRAMS: readonly ModelProgram[] = [BENIGN, ...ADVERSARIAL];

export function programByName(name: string): ModelProgram | null {
  return PROGRAMS.find((p) => p.name === name) ?? null;
}
