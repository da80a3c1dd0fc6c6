/**
 * What keeps a command bounded when the user gives no bound: a default state cap for `check` and
 * `gen-tests`, a default event cap for `replay`, and a memory guard. Each limit reached is exit 3 ("incomplete") with one line saying which limit
 * and how to raise it; none is reached by any shipped policy, fixture, `npm start` or benchmark.
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { Option } from 'commander';
import { count } from './table.ts';
import { BadInput, Incomplete, integerOption, type Output } from './command.ts';

/**
 * `check`'s default `--max-states`: a million states. The largest shipped run is 173,256 (the
 * benchmark's 11 admins without symmetry; the default policy has 732, or 9,108 without symmetry).
 * Measured on 2 cores: 40 admins without symmetry reach the cap in 93 s at 0.2 GB; 11 admins take
 * up to 0.5 KB a state, so a million stays under about 0.5 GB.
 */
export const DEFAULT_CHECK_MAX_STATES = 1_000_000;

/**
 * `gen-tests`' default `--max-states`: 20,000 states of the reachable graph. Its largest shipped use
 * is the default policy with `--admins every` (9,108 states, 692,208 transitions), which already
 * takes 2.9 GB; the graph holds every (state, event) pair, so memory grows with states times events.
 */
export const DEFAULT_GEN_TESTS_MAX_STATES = 20_000;

/** `replay`'s default `--max-events`: counterexamples are tens of events; 10^5 replay in about 3 s and 0.1 GB. */
export const DEFAULT_MAX_EVENTS = 100_000;

const MIB = 1024 * 1024;

export const maxStatesOption = (fallback: number, why: string) =>
  new Option('--max-states <n>', `stop once this many states are stored (default ${count(fallback)}: ${why}); reaching it is exit 3, "incomplete"`);

export const maxMemoryOption = () =>
  new Option('--max-memory <MiB>', `stop when the process uses more memory than this, in MiB (default: half of this machine's memory, ${count(defaultMemoryLimitMiB())} MiB here); reaching it is exit 3, "incomplete"`);

/** Half of the memory this process may use: the machine's, or its control group's when that is smaller. */
export function defaultMemoryLimitMiB(): number {
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  const machine = totalmem();
  const available = constrained !== undefined && constrained > 0 && constrained < machine ? constrained : machine;
  return Math.max(64, Math.floor(available / 2 / MIB));
}

/** A parsed `--max-states`: the user's value, or the default. */
export function maxStatesFrom(raw: string | undefined, fallback: number): number {
  return integerOption('--max-states', raw, 1, 1e9) ?? fallback;
}

/**
 * The memory guard: a check to call now and then (the checker's progress callback, about once a
 * second; between the stages of test generation) that throws {@link Incomplete} once the process's
 * resident memory passes `limitMiB`, or the JavaScript heap nears V8's own limit — past which Node
 * dies with "heap out of memory" and no report at all.
 */
export function memoryGuard(raw: string | undefined): { readonly limitMiB: number; check(): void } {
  const given = integerOption('--max-memory', raw, 64, 1 << 24);
  const limitMiB = given ?? defaultMemoryLimitMiB();
  const how = given === undefined ? `half of this machine's memory; raise it with --max-memory MiB` : 'set by --max-memory; raise it';
  return {
    limitMiB,
    check() {
      const rss = process.memoryUsage.rss();
      if (rss > limitMiB * MIB) {
        throw new Incomplete(`stopped by the memory guard: the process uses ${count(Math.round(rss / MIB))} MiB, more than ${count(limitMiB)} MiB (${how}), or bound the work with --max-states N`);
      }
      const heap = getHeapStatistics();
      if (heap.used_heap_size > 0.9 * heap.heap_size_limit) {
        throw new Incomplete(`stopped by the memory guard: the JavaScript heap holds ${count(Math.round(heap.used_heap_size / MIB))} MiB, near Node's limit of ${count(Math.round(heap.heap_size_limit / MIB))} MiB; raise it with NODE_OPTIONS=--max-old-space-size=MiB, or bound the work with --max-states N`);
      }
    },
  };
}
