/**
 * A set-associative cache with LRU replacement, enough to show a Prime+Probe channel: it says
 * whether an access hits and evicts the least recently used line of its set on a miss.
 *
 * {@link CacheLayout} is the switch the side-channel experiment turns: `conventional` gives the
 * model cores and the hypervisor cores one shared cache; `guillotine` gives each side its own
 * hierarchy (docs/protocol.md §1: no shared caches, TLBs or predictors between the two sides).
 */

export type CacheLayout = 'conventional' | 'guillotine';
export const CACHE_LAYOUTS: readonly CacheLayout[] = ['conventional', 'guillotine'];

export interface CacheGeometry {
  readonly sets: number;
  readonly ways: number;
  readonly lineBytes: number;
}

export const DEFAULT_GEOMETRY: CacheGeometry = { sets: 64, ways: 8, lineBytes: 64 };

/** Cycles for a hit and a miss of the last-level cache the experiment probes. */
export const HIT_CYCLES = 40;
export const MISS_CYCLES = 220;

export class Cache {
  /** Per set, the resident line tags, most recently used last. */
  private readonly lines: bigint[][];
  hits = 0;
  misses = 0;

  constructor(readonly geometry: CacheGeometry = DEFAULT_GEOMETRY) {
    this.lines = Array.from({ length: geometry.sets }, () => []);
  }

  /** The set an address maps to. */
  setOf(address: bigint): number {
    return Number((address / BigInt(this.geometry.lineBytes)) % BigInt(this.geometry.sets));
  }

  /** Accesses the line holding `address`; true on a hit. A miss fills the line, evicting the LRU one. */
  access(address: bigint): boolean {
    const line = address / BigInt(this.geometry.lineBytes);
    const set = this.lines[Number(line % BigInt(this.geometry.sets))]!;
    const at = set.indexOf(line);
    if (at >= 0) {
      set.splice(at, 1);
      set.push(line);
      this.hits++;
      return true;
    }
    if (set.length >= this.geometry.ways) set.shift();
    set.push(line);
    this.misses++;
    return false;
  }
}

/** The caches of the two core groups under a layout: one shared object, or two separate ones. */
export interface CacheHierarchy {
  readonly layout: CacheLayout;
  readonly model: Cache;
  readonly hypervisor: Cache;
}

export function cacheHierarchy(layout: CacheLayout, geometry: CacheGeometry = DEFAULT_GEOMETRY): CacheHierarchy {
  const model = new Cache(geometry);
  return { layout, model, hypervisor: layout === 'conventional' ? model : new Cache(geometry) };
}
