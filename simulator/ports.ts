/**
 * The port API's data (docs/protocol.md §1): the ports granted to the model, the request
 * descriptor and its encoding in shared I/O DRAM, the ring geometry, and the port gate — which
 * ports the hypervisor services at each isolation level (§2's "ports serviced" column).
 *
 * The checks on a descriptor's bounds and on the ring indices are not here: they are the
 * proofs' functions (`proofs/checks/descriptorBounds.ts`, `proofs/checks/ringIndex.ts`), run
 * concretely by the hypervisor in `hypervisor.ts`, so the simulator enforces exactly what Z3 proves.
 */
import { CAPABILITIES, servicesPort, type Level } from '../spec/levels.ts';
import { PAGE_SHIFT, type MemoryLayout } from '../proofs/layout.ts';

export const OPCODES = { read: 1n, write: 2n, send: 3n, recv: 4n, 'pte-write': 5n } as const;
export type Opcode = keyof typeof OPCODES;

/** Opcode names by code (codes are small: indexing an array is cheaper than hashing a bigint). */
const OPCODE_BY_CODE: (Opcode | undefined)[] = [];
for (const [name, code] of Object.entries(OPCODES)) OPCODE_BY_CODE[Number(code)] = name as Opcode;

export function opcodeName(code: bigint): Opcode | null {
  // Number() is exact on the few small codes and maps every other bigint (negative, huge) to an index
  // the array does not have: no range test needed.
  return OPCODE_BY_CODE[Number(code)] ?? null;
}

/** Whether an opcode sends data out of the model (held for human review at probation). */
export function isOutput(opcode: Opcode): boolean {
  return opcode === 'write' || opcode === 'send';
}

export interface PortSpec {
  readonly id: number;
  readonly name: string;
  /** `network` ports reach the outside world; `local` ones reach local devices only. */
  readonly class: 'network' | 'local';
  readonly device: 'network' | 'storage' | 'mmu';
  readonly opcodes: readonly Opcode[];
  /** Whether the port stays open at probation (the allowlist). */
  readonly allowlisted: boolean;
}

/** The ports granted to the model; any other port number is not granted. */
export const PORTS: readonly PortSpec[] = [
  { id: 0, name: 'net.egress', class: 'network', device: 'network', opcodes: ['send', 'recv'], allowlisted: false },
  { id: 1, name: 'net.review', class: 'network', device: 'network', opcodes: ['send', 'recv'], allowlisted: true },
  { id: 2, name: 'storage', class: 'local', device: 'storage', opcodes: ['read', 'write'], allowlisted: true },
  { id: 3, name: 'scratch', class: 'local', device: 'storage', opcodes: ['read', 'write'], allowlisted: false },
  { id: 4, name: 'mmu', class: 'local', device: 'mmu', opcodes: ['pte-write'], allowlisted: true },
];

/** The granted port with number `id`, or null (port ids are 0..PORTS.length-1, in order). */
export function portById(id: bigint): PortSpec | null {
  return id >= 0n && id < BigInt(PORTS.length) ? PORTS[Number(id)]! : null;
}

/**
 * Whether the hypervisor services a port at a level, from §2's table: `all` → every granted port;
 * `allowlist` → allowlisted ports only; `local` → local ports only; `none` → nothing.
 */
export function portServiced(level: Level, port: PortSpec): boolean {
  const service = CAPABILITIES[level].ports;
  if (service === 'allowlist') return port.allowlisted;
  return servicesPort(service, port.class);
}

/** Requests per second each level allows (a token bucket; probation is the "rate-limited" row). */
export const RATE_LIMIT: Readonly<Record<Level, { readonly perSecond: number; readonly burst: number }>> = {
  standard: { perSecond: 20_000, burst: 256 },
  probation: { perSecond: 50, burst: 10 },
  severed: { perSecond: 2_000, burst: 64 },
  offline: { perSecond: 0, burst: 0 },
  decapitation: { perSecond: 0, burst: 0 },
  immolation: { perSecond: 0, burst: 0 },
};

/** A request descriptor: six 64-bit words in a ring slot. */
export interface Descriptor {
  readonly port: bigint;
  readonly opcode: bigint;
  readonly offset: bigint;
  readonly length: bigint;
  readonly seq: bigint;
  readonly tag: bigint;
}

export const DESCRIPTOR_WORDS = ['port', 'opcode', 'offset', 'length', 'seq', 'tag'] as const;

/** Ring geometry: slots per ring (a power of two) and counter width (the proofs cover 32 and 64). */
export const RING_SLOTS = 64n;
export const RING_COUNTER_BITS = 64;
const SLOT_BYTES = 64n;
const RESPONSE_BYTES = 32n;

/** Byte addresses of the rings inside shared I/O DRAM, derived from the layout. */
export interface RingAddresses {
  readonly requestTail: bigint; // written by the model (producer)
  readonly requestHead: bigint; // written by the hypervisor (consumer)
  readonly requestSlots: bigint;
  readonly responseTail: bigint; // written by the hypervisor
  readonly responseSlots: bigint;
  readonly payloadBase: bigint;
  readonly payloadBytes: bigint;
}

export function ringAddresses(layout: MemoryLayout): RingAddresses {
  const base = layout.sharedIoDram.base << BigInt(PAGE_SHIFT);
  return {
    requestTail: base,
    requestHead: base + 8n,
    requestSlots: base + 0x1000n,
    responseTail: base + 0x8000n,
    responseSlots: base + 0x9000n,
    payloadBase: layout.payloadArea.base,
    payloadBytes: layout.payloadArea.bytes,
  };
}

/** The address of word `word` of request slot `slot`. */
export function slotWord(rings: RingAddresses, slot: bigint, word: number): bigint {
  return rings.requestSlots + slot * SLOT_BYTES + BigInt(word) * 8n;
}

/** The address of word `word` (tag, status, value, time) of response slot `slot`. */
export function responseWord(rings: RingAddresses, slot: bigint, word: number): bigint {
  return rings.responseSlots + slot * RESPONSE_BYTES + BigInt(word) * 8n;
}

/** Why the hypervisor refused a request: one code per validation rule, in the order they apply. */
export const REFUSALS = [
  'ring-index', // the model's tail claims more than RING_SLOTS readable slots
  'not-granted', // no such port is granted to the model
  'level', // the port is not serviced at the current isolation level
  'opcode', // the opcode is not allowed on this port
  'bounds', // [offset, offset + length) is not inside the payload area
  'sequence', // the sequence number is not the next one
  'rate', // over the level's rate limit
  'pte', // the page-table write breaks the MMU rule
] as const;
export type Refusal = (typeof REFUSALS)[number];

/** Response status words the model reads back. */
export const STATUS: Readonly<Record<'ok' | 'held' | Refusal, bigint>> = {
  ok: 0n, held: 1n, 'ring-index': 2n, 'not-granted': 3n, level: 4n, opcode: 5n, bounds: 6n, sequence: 7n, rate: 8n, pte: 9n,
};
