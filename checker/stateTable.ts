/**
 * The visited set: states packed into fixed-width rows of 32-bit words, stored one after another
 * in one typed array and found again through an open-addressing hash table (linear probing, at
 * most half full). Each slot is two words side by side, the row number + 1 and the state's full
 * hash, so a probe reads one cache line and a row is compared only when the hashes agree: the rows
 * are where a lookup misses the cache, and a probe that lands on another state no longer touches
 * them. No per-state object, string or Map entry: a state costs its words plus two slots.
 *
 * Rows are numbered in insertion order, so a row number is also the state's id in the
 * breadth-first order, and the parent/action arrays of the search index by it.
 */
export class StateTable {
  /** Words per state. */
  readonly width: number;
  private rows: Uint32Array;
  /** Per slot: row number + 1 (0 marks an empty slot), then the row's hash. */
  private slots: Int32Array;
  /** Slots - 1 (a power of two minus one). */
  private mask: number;
  private count = 0;

  constructor(width: number, expected = 1024) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`StateTable: width must be a positive integer, not ${width}`);
    this.width = width;
    const capacity = 1 << Math.max(4, Math.ceil(Math.log2(expected * 2)));
    this.slots = new Int32Array(2 * capacity);
    this.mask = capacity - 1;
    this.rows = new Uint32Array(Math.max(16, expected) * width);
  }

  /** The number of distinct states stored. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table's arrays (rows and slots), for the benchmark's bytes per state. */
  get bytes(): number {
    return this.rows.byteLength + this.slots.byteLength;
  }

  /**
   * The id of the state in `words[at .. at + width)`, adding it if it is new. A new state's id is
   * the previous {@link size}, which is how callers tell "new" from "seen" without an allocation.
   */
  add(words: Uint32Array, at = 0): number {
    const width = this.width;
    const hash = hashWords(words, at, width) | 0;
    const slots = this.slots;
    let slot = hash & this.mask;
    for (;;) {
      const entry = slots[2 * slot]!;
      if (entry === 0) break;
      if (slots[2 * slot + 1] === hash && this.rowEquals(entry - 1, words, at)) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
    const id = this.count++;
    if ((id + 1) * width > this.rows.length) {
      const grown = new Uint32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    // A word-by-word copy, not `set(subarray(…))`: no view object per new state for the GC to collect.
    const rows = this.rows;
    const to = id * width;
    for (let i = 0; i < width; i++) rows[to + i] = words[at + i]!;
    slots[2 * slot] = id + 1;
    slots[2 * slot + 1] = hash;
    if (this.count * 4 > slots.length) this.rehash();
    return id;
  }

  /** The id of a stored state, or -1. */
  find(words: Uint32Array, at = 0): number {
    const hash = hashWords(words, at, this.width) | 0;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[2 * slot]!;
      if (entry === 0) return -1;
      if (this.slots[2 * slot + 1] === hash && this.rowEquals(entry - 1, words, at)) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /**
   * The array every row lives in, and where row `id` starts: for a reader that must not allocate a
   * view per state. Valid until the next {@link add} (which may move the rows).
   */
  get words(): Uint32Array {
    return this.rows;
  }

  offsetOf(id: number): number {
    if (!(id >= 0 && id < this.count)) throw new RangeError(`StateTable: no state ${id} (${this.count} stored)`);
    return id * this.width;
  }

  /** The words of state `id` (a view: valid until the next {@link add}). */
  row(id: number): Uint32Array {
    if (!(id >= 0 && id < this.count)) throw new RangeError(`StateTable: no state ${id} (${this.count} stored)`);
    return this.rows.subarray(id * this.width, (id + 1) * this.width);
  }

  private rowEquals(id: number, words: Uint32Array, at: number): boolean {
    const base = id * this.width;
    for (let i = 0; i < this.width; i++) if (this.rows[base + i] !== words[at + i]) return false;
    return true;
  }

  /** Twice the slots; the stored hashes place every row again without reading it. */
  private rehash() {
    const capacity = this.slots.length; // slots.length / 2 slots now, twice that after
    const slots = new Int32Array(2 * capacity);
    const mask = capacity - 1;
    const old = this.slots;
    for (let i = 0; i < old.length; i += 2) {
      const entry = old[i]!;
      if (entry === 0) continue;
      const hash = old[i + 1]!;
      let slot = hash & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = entry;
      slots[2 * slot + 1] = hash;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** A 32-bit hash of `width` words (Murmur3's mixing steps): well spread, so linear probing stays short. */
export function hashWords(words: Uint32Array, at: number, width: number): number {
  let h = 0x9747b28c ^ width;
  for (let i = 0; i < width; i++) {
    let k = Math.imul(words[at + i]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
