/**
 * The visited set: states packed into fixed-width rows of 32-bit words, stored one after another
 * in one typed array and found again through an open-addressing hash table of row numbers (linear
 * probing, at most half full). No per-state object, string or Map entry: a state costs its words
 * plus two slots of the table, and a lookup hashes and compares words in place.
 *
 * Rows are numbered in insertion order, so a row number is also the state's id in the
 * breadth-first order, and the parent/action arrays of the search index by it.
 */
export class StateTable {
  /** Words per state. */
  readonly width: number;
  private rows: Uint32Array;
  /** Row number + 1 of the state in each slot; 0 marks an empty slot. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(width: number, expected = 1024) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`StateTable: width must be a positive integer, not ${width}`);
    this.width = width;
    const capacity = 1 << Math.max(4, Math.ceil(Math.log2(expected * 2)));
    this.slots = new Int32Array(capacity);
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
    let slot = hashWords(words, at, width) & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) break;
      if (this.rowEquals(entry - 1, words, at)) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
    const id = this.count++;
    if ((id + 1) * width > this.rows.length) {
      const grown = new Uint32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    this.rows.set(words.subarray(at, at + width), id * width);
    this.slots[slot] = id + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  /** The id of a stored state, or -1. */
  find(words: Uint32Array, at = 0): number {
    let slot = hashWords(words, at, this.width) & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (this.rowEquals(entry - 1, words, at)) return entry - 1;
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

  private rehash() {
    const capacity = this.slots.length * 2;
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = hashWords(this.rows, id * this.width, this.width) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
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
