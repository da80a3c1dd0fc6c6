/**
 * The software hypervisor on its own cores (docs/protocol.md §1): it services the port API, sends
 * heartbeats to the physical hypervisor, and reboots after a machine-check exception or an
 * assertion failure.
 *
 * Port service, one request at a time: on a doorbell the service core reads the model's `tail`
 * (hostile) and checks it with the proofs' `producerIndexValid`; for each readable slot it
 * **copies the descriptor into hypervisor memory**, validates the copy (port granted, port
 * serviced at the current level, opcode, the proofs' `descriptorInBounds`, sequence number, rate
 * limit, the proofs' `validatePteWrite` for page-table requests), and only then performs the I/O
 * with the copy, writes the response and interrupts the model core. A round services at most
 * {@link BATCH} requests and then yields the core, so a flood cannot starve the heartbeat task.
 *
 * {@link HypervisorVariant} exists only for the resilience experiment's controls: `refetch`
 * re-reads the descriptor from shared memory for the I/O (the double-fetch bug) and `naive-bounds`
 * uses the refuted `offset + length <= size`. The default is the correct hypervisor.
 */
import { concreteOps } from '../proofs/bitvector.ts';
import { descriptorInBounds, naiveDescriptorInBounds } from '../proofs/checks/descriptorBounds.ts';
import { producerIndexValid, slotIndex } from '../proofs/checks/ringIndex.ts';
import type { Level } from '../spec/levels.ts';
import type { EventQueue, Micros } from './clock.ts';
import type { PhysicalMemory } from './memory.ts';
import type { PageTables } from './mmu.ts';
import {
  PORTS, RATE_LIMIT, RING_COUNTER_BITS, RING_SLOTS, STATUS, isOutput, opcodeName, portById, responseWord, slotWord,
  type Descriptor, type PortSpec, type Refusal, type RingAddresses,
} from './ports.ts';
import type { Observation } from './detector.ts';
import { CORRECT_RULES, type SimulatorRules } from './rules.ts';

export interface HypervisorVariant {
  readonly fetch: 'copy-once' | 'refetch';
  readonly bounds: 'exact' | 'naive-bounds';
}

export const CORRECT_HYPERVISOR: HypervisorVariant = { fetch: 'copy-once', bounds: 'exact' };

/** Service costs on the hypervisor's service core, in µs (data-independent: no secret changes them). */
export const COPY_AND_VALIDATE_US = 2;
export const IO_US: Readonly<Record<PortSpec['device'], number>> = { network: 12, storage: 6, mmu: 3 };
export const IRQ_US = 1;
export const BATCH = 16;
/** A page-table write's request in the payload: table frame, entry index and the new PTE, one word each. */
export const PTE_REQUEST_BYTES = 24n;
export const YIELD_US = 20;

/** A request the hypervisor performed: the parameters it actually used for the I/O. */
export interface ServicedRequest {
  readonly at: Micros;
  readonly port: PortSpec;
  readonly opcode: string;
  readonly offset: bigint;
  readonly length: bigint;
  readonly level: Level;
  readonly held: boolean;
}

/** What the hypervisor needs from the rest of the machine. */
export interface HypervisorWiring {
  readonly clock: EventQueue;
  readonly memory: PhysicalMemory;
  readonly rings: RingAddresses;
  readonly pageTables: PageTables;
  readonly level: () => Level;
  readonly observe: (observation: Observation) => void;
  /** Delivers a completion interrupt to the model core now (`at` is the delivery time), with what the response slot says. */
  readonly interrupt: (at: Micros, tag: bigint, status: bigint, value: bigint) => void;
  /** Every performed request, for the escape monitor. */
  readonly serviced: (request: ServicedRequest) => void;
  /** The accepted page-table write, for the monitor (before and after executable mappings). */
  readonly pteApplied?: (before: readonly string[], after: readonly string[]) => void;
}

export class SoftwareHypervisor {
  private running = true;
  private head = 0n;
  private responseTail = 0n;
  private expectedSeq = 0n;
  private busyUntil: Micros = 0;
  private roundScheduled = false;
  private tokens = RATE_LIMIT.standard.burst;
  private refilledAt: Micros = 0;
  /** Outputs held for human review at probation (port, length), oldest first. */
  readonly reviewQueue: { port: string; length: bigint }[] = [];
  readonly stats = { tried: 0, serviced: 0, held: 0, refused: new Map<Refusal, number>() };

  constructor(
    private readonly wiring: HypervisorWiring,
    private readonly variant: HypervisorVariant = CORRECT_HYPERVISOR,
    /** The port gate's reading of §2; the product always runs {@link CORRECT_RULES}. */
    private readonly rules: Pick<SimulatorRules, 'portServiced'> = CORRECT_RULES,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** When the service core is next free (heartbeats wait for it). */
  get freeAt(): Micros {
    return Math.max(this.busyUntil, this.wiring.clock.now);
  }

  /** The hypervisor goes down (MCE, assertion failure): requests wait in the ring until it is back. */
  crash(): void {
    this.running = false;
    this.active = false;
    // Stryker disable next-line UpdateOperator: only lives !== life is ever tested, and -- changes the count as surely as ++
    this.lives++;
  }

  /** Counts crashes, so I/O scheduled before one is recognised after the reboot and dropped. */
  private lives = 0;

  /** Back from reboot: state is re-read from shared memory and the level record; pending requests are serviced. */
  boot(): void {
    this.running = true;
    this.doorbell();
  }

  /** The model rang the doorbell. */
  doorbell(): void {
    // While a round is active it re-reads the tail before every request, so a doorbell adds nothing.
    if (!this.running || this.roundScheduled || this.active) return;
    this.roundScheduled = true;
    // Stryker disable next-line StringLiteral: timer labels are read only by the clock's error for a timer scheduled in the past, which the hypervisor never schedules
    this.wiring.clock.at(this.freeAt + IRQ_US, 'port service round', () => this.round());
  }

  private refuse(refusal: Refusal, tag: bigint, at: Micros): void {
    this.stats.refused.set(refusal, (this.stats.refused.get(refusal) ?? 0) + 1);
    this.wiring.observe({ kind: 'refused', refusal });
    this.respond(tag, STATUS[refusal], 0n, at);
  }

  /** Responses written since the last interrupt, delivered together (interrupt coalescing). */
  private unsignalled: { at: Micros; tag: bigint; status: bigint; value: bigint }[] = [];

  private respond(tag: bigint, status: bigint, value: bigint, at: Micros): void {
    const { memory, rings } = this.wiring;
    const slot = slotIndex(concreteOps, RING_COUNTER_BITS, this.responseTail, RING_SLOTS);
    const base = responseWord(rings, slot, 0); // tag, status, value, time: consecutive words
    memory.write64(base, tag);
    memory.write64(base + 8n, status);
    memory.write64(base + 16n, value);
    memory.write64(base + 24n, BigInt(at));
    this.responseTail = (this.responseTail + 1n) & ((1n << 64n) - 1n);
    memory.write64(rings.responseTail, this.responseTail);
    this.unsignalled.push({ at: at + IRQ_US, tag, status, value });
  }

  /** Raises the completion interrupt for every response written so far. */
  private signal(): void {
    const batch = this.unsignalled;
    if (batch.length === 0) return;
    this.unsignalled = [];
    // One interrupt for the batch, raised when its last response is written; the model sees
    // every response of the batch at that moment.
    const deliverAt = Math.max(batch[batch.length - 1]!.at, this.wiring.clock.now);
    // Stryker disable next-line StringLiteral: timer labels are read only by the clock's error for a timer scheduled in the past, which the hypervisor never schedules
    this.wiring.clock.at(deliverAt, 'completion interrupt', () => {
      for (const r of batch) this.wiring.interrupt(deliverAt, r.tag, r.status, r.value);
    });
  }

  private active = false;

  /** A port-service round: from the request ring's head to its tail, in batches of at most BATCH. */
  private round(): void {
    this.roundScheduled = false;
    if (!this.running || this.active) return;
    const tail = this.wiring.memory.read64(this.wiring.rings.requestTail); // hostile: the model writes it
    if (!producerIndexValid(concreteOps, RING_COUNTER_BITS, this.head, tail, RING_SLOTS)) return this.resynchronise(tail);
    this.active = true;
    this.serve({ cursor: this.freeAt, budget: BATCH });
  }

  /** The model claims more readable slots than the ring has: read nothing, refuse once, and take its tail as the head. */
  private resynchronise(tail: bigint): void {
    const { memory, rings } = this.wiring;
    const cursor = this.freeAt;
    this.stats.tried++;
    this.refuse('ring-index', 0n, cursor);
    this.head = tail;
    memory.write64(rings.requestHead, this.head);
    memory.write64(rings.requestHead + 8n, this.expectedSeq);
    this.busyUntil = cursor + COPY_AND_VALIDATE_US;
    this.signal();
  }

  /** Ends the round's work at `cursor`: the core is busy until then, and the responses written so far are signalled. */
  private endRound(cursor: Micros): void {
    this.active = false;
    this.busyUntil = Math.max(this.busyUntil, cursor);
    this.signal();
  }

  /**
   * Serves requests until the ring is empty, the batch is spent (the core is yielded, and a new
   * round continues) or a request waits for its I/O. Refused requests cost only the copy and
   * validation, so they are handled in this one loop; a request that passes validation schedules
   * its I/O, and the round continues from there ({@link ioThenServe}). `round` is the time the core
   * has reached and the batch left, shared with the I/O that continues it.
   */
  private serve(round: { cursor: Micros; budget: number }): void {
    const { memory, rings, clock } = this.wiring;
    for (;;) {
      if (!this.running) return this.endRound(round.cursor);
      const tailNow = memory.read64(rings.requestTail);
      if (this.head === tailNow) return this.endRound(round.cursor);
      if (!producerIndexValid(concreteOps, RING_COUNTER_BITS, this.head, tailNow, RING_SLOTS)) {
        this.endRound(round.cursor);
        return this.doorbell(); // a new round refuses the bad tail
      }
      if (round.budget-- === 0) {
        // Yield the core (heartbeats and other tasks run), then continue.
        this.endRound(round.cursor);
        this.roundScheduled = true;
        clock.at(round.cursor + YIELD_US, 'port service round', () => this.round());
        return;
      }
      const slot = slotIndex(concreteOps, RING_COUNTER_BITS, this.head, RING_SLOTS);
      const copy = this.fetch(slot); // the copy in hypervisor memory
      this.head = (this.head + 1n) & ((1n << 64n) - 1n);
      memory.write64(rings.requestHead, this.head);
      this.stats.tried++;
      this.wiring.observe({ kind: 'request' });
      const validatedAt = round.cursor + COPY_AND_VALIDATE_US;
      const verdict = this.validate(copy, validatedAt);
      if (verdict.kind === 'refused') {
        this.refuse(verdict.refusal, copy.tag, validatedAt);
        round.cursor = validatedAt;
        continue;
      }
      return this.ioThenServe(slot, copy, verdict.port, validatedAt, round);
    }
  }

  /** Schedules a validated request's I/O on its device; when it is done (unless a crash came first) the round is served on. */
  private ioThenServe(slot: bigint, copy: Descriptor, validated: PortSpec, validatedAt: Micros, round: { cursor: Micros; budget: number }): void {
    const performAt = validatedAt + IO_US[validated.device];
    this.busyUntil = performAt;
    this.signal();
    const life = this.lives;
    // Stryker disable next-line StringLiteral: timer labels are read only by the clock's error for a timer scheduled in the past, which the hypervisor never schedules
    this.wiring.clock.at(performAt, 'port I/O', () => {
      // A crash (MCE, assertion failure) during the I/O kills it with the hypervisor: nothing is
      // performed and no completion is sent; the round ended with the crash (after the reboot,
      // a new round re-reads the ring).
      if (this.lives !== life) return;
      // The correct hypervisor performs the I/O with its copy; the `refetch` control reads the slot again.
      const used = this.variant.fetch === 'refetch' ? this.fetch(slot) : copy;
      const port = portById(used.port) ?? validated;
      // The level may have risen since validation: the I/O is gated again at the moment it happens,
      // so a request checked at standard is not carried out at severed or offline.
      if (!this.rules.portServiced(this.wiring.level(), port)) this.refuse('level', used.tag, performAt);
      else this.perform(port, used, performAt);
      round.cursor = performAt;
      this.serve(round);
    });
  }

  private fetch(slot: bigint): Descriptor {
    const { memory, rings } = this.wiring;
    const base = slotWord(rings, slot, 0); // the slot's words are consecutive, in DESCRIPTOR_WORDS order
    return { port: memory.read64(base), opcode: memory.read64(base + 8n), offset: memory.read64(base + 16n), length: memory.read64(base + 24n), seq: memory.read64(base + 32n), tag: memory.read64(base + 40n) };
  }

  private validate(d: Descriptor, at: Micros): { kind: 'refused'; refusal: Refusal } | { kind: 'ok'; port: PortSpec } {
    const level = this.wiring.level();
    const seq = this.expectedSeq;
    this.expectedSeq = (this.expectedSeq + 1n) & ((1n << 64n) - 1n);
    const port = portById(d.port);
    if (port === null) return { kind: 'refused', refusal: 'not-granted' };
    if (!this.rules.portServiced(level, port)) return { kind: 'refused', refusal: 'level' };
    const opcode = opcodeName(d.opcode);
    if (opcode === null || !port.opcodes.includes(opcode)) return { kind: 'refused', refusal: 'opcode' };
    const size = this.wiring.rings.payloadBytes;
    const inBounds = this.variant.bounds === 'naive-bounds' ? naiveDescriptorInBounds(concreteOps, d.offset, d.length, size) : descriptorInBounds(concreteOps, d.offset, d.length, size);
    if (!inBounds) return { kind: 'refused', refusal: 'bounds' };
    // The page-table write reads exactly its request (table, index, PTE) from the payload: the
    // descriptor must cover those bytes, or the read would run past the checked range (into
    // hypervisor DRAM at the end of the payload area) and the status would leak what it found.
    if (port.device === 'mmu' && d.length !== PTE_REQUEST_BYTES) return { kind: 'refused', refusal: 'bounds' };
    if (d.seq !== seq) return { kind: 'refused', refusal: 'sequence' };
    if (!this.takeToken(level, at)) return { kind: 'refused', refusal: 'rate' };
    return { kind: 'ok', port };
  }

  private takeToken(level: Level, at: Micros): boolean {
    const limit = RATE_LIMIT[level];
    this.tokens = Math.min(limit.burst, this.tokens + ((at - this.refilledAt) / 1_000_000) * limit.perSecond);
    this.refilledAt = at;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private perform(port: PortSpec, d: Descriptor, at: Micros): void {
    const level = this.wiring.level();
    const opcode = opcodeName(d.opcode) ?? 'read';
    if (port.device === 'mmu') {
      const { memory, rings, pageTables } = this.wiring;
      const base = rings.payloadBase + d.offset;
      const request = { table: memory.read64(base), index: memory.read64(base + 8n), pte: memory.read64(base + 16n) };
      const before = pageTables.executableMappings();
      const result = pageTables.apply(request);
      if (!result.ok) return this.refuse('pte', d.tag, at);
      this.wiring.pteApplied?.(before, pageTables.executableMappings());
    }
    const held = level === 'probation' && isOutput(opcode);
    if (held) {
      this.reviewQueue.push({ port: port.name, length: d.length });
      if (this.reviewQueue.length > 1024) this.reviewQueue.shift();
    }
    this.stats.serviced++;
    if (held) this.stats.held++;
    this.wiring.serviced({ at, port, opcode, offset: d.offset, length: d.length, level, held });
    // A storage read returns a checksum of the payload range it would read (data-independent of the hypervisor).
    this.respond(d.tag, held ? STATUS.held : STATUS.ok, d.length, at);
  }
}

/** Every port, for reports. */
export const PORT_NAMES = PORTS.map((p) => p.name);
