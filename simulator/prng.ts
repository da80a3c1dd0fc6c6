/**
 * The simulator's only source of randomness: a seeded xoshiro128** generator. The same seed gives
 * the same stream on every platform (pure 32-bit integer arithmetic, no `Math.random`).
 *
 * Independent concerns draw from independent streams ({@link Prng.fork}), so that adding a draw
 * to one (say, the attacker's timing noise) never shifts another (the victim's key). The
 * noninterference tests depend on that: the model's stream must not depend on hypervisor data.
 */

/** splitmix32: spreads a 32-bit seed over the generator's 128-bit state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of a label, to derive a sub-stream seed from a name. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The seed this stream was created from (reported with every result, for replay). */
  readonly seed: number;

  /** A generator for a 32-bit seed (any integer; it is taken modulo 2^32). */
  constructor(seed: number) {
    this.seed = seed >>> 0;
    const mix = splitmix32(this.seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** An independent stream named by `label`: same parent seed and label → same stream. */
  fork(label: string): Prng {
    return new Prng((this.seed ^ hashLabel(label)) >>> 0 ^ Math.imul(hashLabel(label + '#'), 0x9e3779b1));
  }

  /** The next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A float in [0, 1) with 32 bits of precision. */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in [0, n); `n` must be a positive integer up to 2^32. Unbiased (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new RangeError(`Prng.int needs a whole number from 1 to 2^32, got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** An integer in [lo, hi], both inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Prng.pick needs a non-empty list');
    return items[this.int(items.length)]!;
  }

  /** An exponentially distributed delay with the given mean (the gaps of a Poisson process). */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** A 64-bit unsigned integer, for addresses and descriptor fields. */
  u64(): bigint {
    return (BigInt(this.nextU32()) << 32n) | BigInt(this.nextU32());
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextU32() & 0xff;
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
