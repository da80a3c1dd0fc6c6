/**
 * What every experiment returns: its figures and a list of claims, each with the evidence that
 * decides it. The CLI prints these; `--json` prints exactly this object. An experiment "holds"
 * when every claim holds.
 */

/** One claim an experiment makes, decided by its evidence. */
export interface Claim {
  /** A stable id, e.g. `conventional-leaks`. */
  readonly id: string;
  readonly statement: string;
  readonly holds: boolean;
  /** The figures that decide it, in words. */
  readonly evidence: string;
}

export function claim(id: string, statement: string, holds: boolean, evidence: string): Claim {
  return { id, statement, holds, evidence };
}

/** Median, p99 and max of a list of numbers (null for an empty list). Nearest-rank percentiles. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1]! };
}

/** Rounds to a few decimals so JSON output stays readable and stable. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
