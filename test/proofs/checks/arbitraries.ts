/**
 * fast-check generators for the hardware checks' inputs, biased to the values where bit-vector code
 * goes wrong: 0, 1, all-ones, the sign bit, and every layout bound ±1.
 */
import fc from 'fast-check';
import { DEFAULT_LAYOUT, PAGE_SHIFT, REGIONS } from '../../../proofs/layout.ts';
export { SEED } from '../../seed.ts';

const max = (width: number) => (1n << BigInt(width)) - 1n;

/** Unsigned values of `width` bits, with edge values and the given interesting points ±1 mixed in. */
export function bits(width: number, points: readonly bigint[] = []): fc.Arbitrary<bigint> {
  const m = max(width);
  const edges = [0n, 1n, 2n, m, m - 1n, 1n << BigInt(width - 1), (1n << BigInt(width - 1)) - 1n];
  const near = points.flatMap((p) => [p - 1n, p, p + 1n]).filter((p) => p >= 0n && p <= m);
  return fc.oneof(fc.constantFrom(...edges, ...(near.length > 0 ? near : [0n])), fc.bigInt({ min: 0n, max: m }), fc.bigInt({ min: 0n, max: 1n << 20n }));
}

/** Every region bound of the default layout, in frames. */
export const FRAME_POINTS: readonly bigint[] = [...REGIONS, 'executable' as const].flatMap((r) => [DEFAULT_LAYOUT[r].base, DEFAULT_LAYOUT[r].bound]);
/** Every region bound of the default layout, in bytes. */
export const BYTE_POINTS: readonly bigint[] = FRAME_POINTS.map((f) => f << BigInt(PAGE_SHIFT));

/** A 44-bit frame number near a region bound, superpage-aligned sometimes, or anything. */
export const frame: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(...FRAME_POINTS).chain((p) => fc.integer({ min: -600, max: 600 }).map((d) => { const f = p + BigInt(d); return f < 0n ? 0n : f; })),
  fc.constantFrom(...FRAME_POINTS).map((p) => p & ~511n),
  bits(44),
);

/** A 64-bit Sv39 entry: random flags over a frame near a bound, reserved/PBMT/N bits mostly clear. */
export const pte: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 0, max: 1023 }), frame).map(([flags, ppn]) => (ppn << 10n) | BigInt(flags)) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 1023 }), frame, fc.bigInt({ min: 0n, max: 1023n })).map(([flags, ppn, high]) => (high << 54n) | (ppn << 10n) | BigInt(flags)) },
  { weight: 1, arbitrary: bits(64) },
);
