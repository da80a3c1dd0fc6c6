/**
 * Physical memory and the model cores' address map (docs/protocol.md §1). Memory is a sparse store
 * of 64-bit words; the hypervisor reaches it over its own bus, the model cores only through
 * {@link ModelBus}, which applies the proofs' `modelMayAccess` to every access — so a model core
 * can touch model DRAM and shared I/O DRAM and nothing else, exactly as `guillotine prove` proves.
 */
import { concreteOps } from '../proofs/bitvector.ts';
import { decodeRegion, modelMayAccess, regionOfCode } from '../proofs/checks/addressMap.ts';
import type { MemoryLayout, Region } from '../proofs/layout.ts';

const MASK64 = (1n << 64n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Sparse physical memory: 8-byte words, zero where never written. */
export class PhysicalMemory {
  /** Keyed by the word's address as a number when it is exact (all of the layout), else as a string. */
  private readonly words = new Map<number | string, bigint>();

  private static key(address: bigint): number | string {
    if (address >= 0n && address <= MAX_SAFE) {
      const n = Number(address); // exact below 2^53; aligning in number arithmetic avoids a bigint allocation
      return n - (n % 8);
    }
    return (address & ~7n).toString(16);
  }

  read64(address: bigint): bigint {
    return this.words.get(PhysicalMemory.key(address)) ?? 0n;
  }

  write64(address: bigint, value: bigint): void {
    this.words.set(PhysicalMemory.key(address), value & MASK64);
  }
}

export type BusResult = { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly region: Region | 'unmapped' };

/** A model core's port onto the interconnect: every access is checked against the address map. */
export class ModelBus {
  /** Accesses refused by the address map, by the region they aimed at. */
  readonly faults = new Map<Region | 'unmapped', number>();

  constructor(
    private readonly memory: PhysicalMemory,
    private readonly layout: MemoryLayout,
    private readonly onFault: (address: bigint, region: Region | 'unmapped') => void = () => {},
  ) {}

  /**
   * Answers of the proofs' check for 8-byte accesses, by address. The address map is fixed for the
   * run, so an answer never goes stale; programs touch a small set of words (ring slots, indices),
   * and remembering the answers keeps floods fast without a second encoding of the check.
   */
  private readonly answers = new Map<bigint, boolean>();

  /** Whether the model may access `bytes` bytes at `address` (the proofs' check, run concretely). */
  allows(address: bigint, bytes: bigint): boolean {
    if (bytes !== 8n) return modelMayAccess(concreteOps, this.layout, address & MASK64, bytes & MASK64);
    let answer = this.answers.get(address);
    if (answer === undefined) {
      answer = modelMayAccess(concreteOps, this.layout, address & MASK64, 8n);
      if (this.answers.size >= 65_536) this.answers.clear(); // bounded: random probes cannot grow it without limit
      this.answers.set(address, answer);
    }
    return answer;
  }

  load(address: bigint): BusResult {
    if (!this.allows(address, 8n)) return this.fault(address);
    return { ok: true, value: this.memory.read64(address) };
  }

  store(address: bigint, value: bigint): BusResult {
    if (!this.allows(address, 8n)) return this.fault(address);
    this.memory.write64(address, value);
    return { ok: true, value };
  }

  private fault(address: bigint): BusResult {
    const region = regionOfCode(decodeRegion(concreteOps, this.layout, address & MASK64));
    this.faults.set(region, (this.faults.get(region) ?? 0) + 1);
    this.onFault(address, region);
    return { ok: false, region };
  }
}
