/**
 * A model core as a model program sees it: loads and stores through the address map, a cycle
 * counter, the port API's producer side (write a descriptor into the request ring, advance the
 * tail, ring the doorbell) and completion interrupts. Everything the model can observe is
 * appended to {@link ModelCore.observations} with its virtual time — the noninterference tests
 * compare exactly this log between runs.
 *
 * A halted core (offline and above) executes nothing: programs keep being scheduled, but each
 * step is skipped, and the escape monitor counts any step that runs while the level says halted.
 */
import type { EventQueue, Micros } from './clock.ts';
import type { Cache } from './cache.ts';
import { HIT_CYCLES, MISS_CYCLES } from './cache.ts';
import type { ModelBus } from './memory.ts';
import { DESCRIPTOR_WORDS, slotWord, type Descriptor, type RingAddresses } from './ports.ts';
import { concreteOps } from '../proofs/bitvector.ts';
import { slotIndex } from '../proofs/checks/ringIndex.ts';
import { RING_COUNTER_BITS, RING_SLOTS } from './ports.ts';

/** One thing the model observed. */
export type ModelObservation =
  | { readonly at: Micros; readonly kind: 'load'; readonly address: string; readonly value: string }
  | { readonly at: Micros; readonly kind: 'fault'; readonly address: string }
  | { readonly at: Micros; readonly kind: 'timed-load'; readonly cycles: number }
  | { readonly at: Micros; readonly kind: 'irq'; readonly tag: string; readonly status: string; readonly value: string };

export class ModelCore {
  halted = false;
  /** Our producer counter (the model's own view; adversarial programs may write anything to shared memory). */
  private tail = 0n;
  private seq = 0n;
  private tags = 0n;
  readonly observations: ModelObservation[] = [];
  /** Steps skipped because the core was halted. */
  skipped = 0;
  /** Steps executed. */
  executed = 0;
  /** Keep the observation log (tests) or only count (long soaks). */
  record = true;

  constructor(
    private readonly clock: EventQueue,
    private readonly bus: ModelBus,
    private readonly cache: Cache,
    private readonly rings: RingAddresses,
    private readonly doorbellLine: () => void,
    /** Reports that the core executed a step (the monitor checks the level allows it). */
    private readonly executedStep: () => void,
  ) {}

  /** A fresh request tag (per core, so two runs of a program produce the same tags). */
  nextTag(): bigint {
    return ++this.tags;
  }

  private note(observation: ModelObservation): void {
    if (this.record) this.observations.push(observation);
  }

  /** Runs `body` as one step of a program at the current time, unless the core is halted. */
  step(body: () => void): void {
    if (this.halted) {
      this.skipped++;
      return;
    }
    this.executedStep();
    this.executed++;
    body();
  }

  load(address: bigint): bigint | null {
    const result = this.bus.load(address);
    if (!result.ok) {
      this.note({ at: this.clock.now, kind: 'fault', address: address.toString(16) });
      return null;
    }
    this.cache.access(address);
    this.note({ at: this.clock.now, kind: 'load', address: address.toString(16), value: result.value.toString(16) });
    return result.value;
  }

  store(address: bigint, value: bigint): boolean {
    const result = this.bus.store(address, value);
    if (!result.ok) this.note({ at: this.clock.now, kind: 'fault', address: address.toString(16) });
    return result.ok;
  }

  /** A load timed with the cycle counter: what a Prime+Probe attacker measures. `jitter` is added cycles. */
  timedLoad(address: bigint, jitter: number): number {
    const allowed = this.bus.allows(address, 8n);
    const hit = allowed && this.cache.access(address);
    const cycles = (hit ? HIT_CYCLES : MISS_CYCLES) + jitter;
    this.note({ at: this.clock.now, kind: 'timed-load', cycles });
    return cycles;
  }

  /** Writes a descriptor into the next request slot, advances the tail and rings the doorbell. */
  submit(fields: Omit<Descriptor, 'seq'> & { readonly seq?: bigint }): bigint {
    const seq = fields.seq ?? this.seq;
    this.seq = seq + 1n;
    const slot = slotIndex(concreteOps, RING_COUNTER_BITS, this.tail, RING_SLOTS);
    const descriptor: Descriptor = { ...fields, seq };
    // Word by word, each store through the address map (the slot's words are consecutive).
    const base = slotWord(this.rings, slot, 0);
    this.bus.store(base, descriptor.port);
    this.bus.store(base + 8n, descriptor.opcode);
    this.bus.store(base + 16n, descriptor.offset);
    this.bus.store(base + 24n, descriptor.length);
    this.bus.store(base + 32n, descriptor.seq);
    this.bus.store(base + 40n, descriptor.tag);
    this.tail = (this.tail + 1n) & ((1n << 64n) - 1n);
    this.bus.store(this.rings.requestTail, this.tail);
    this.doorbellLine();
    return slot;
  }

  /** The slot the last submitted descriptor went to (for double-fetch rewrites). */
  lastSlot(): bigint {
    return slotIndex(concreteOps, RING_COUNTER_BITS, (this.tail - 1n) & ((1n << 64n) - 1n), RING_SLOTS);
  }

  /** Rewrites one word of a request slot in shared memory (adversarial programs). */
  rewrite(slot: bigint, word: (typeof DESCRIPTOR_WORDS)[number], value: bigint): void {
    this.bus.store(slotWord(this.rings, slot, DESCRIPTOR_WORDS.indexOf(word)), value);
  }

  /** Writes an arbitrary producer index and rings the doorbell (adversarial programs). */
  forceTail(value: bigint): void {
    this.bus.store(this.rings.requestTail, value & ((1n << 64n) - 1n));
    this.doorbellLine();
  }

  /** Re-reads the consumer index and expected sequence number the hypervisor publishes (after a ring fault). */
  resync(): void {
    const head = this.bus.load(this.rings.requestHead);
    const seq = this.bus.load(this.rings.requestHead + 8n);
    if (head.ok) this.tail = head.value;
    if (seq.ok) this.seq = seq.value;
  }

  /** A completion interrupt arrives. */
  interrupt(at: Micros, tag: bigint, status: bigint, value: bigint): void {
    this.note({ at, kind: 'irq', tag: tag.toString(16), status: status.toString(), value: value.toString(16) });
  }
}
