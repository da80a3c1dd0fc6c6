/**
 * The discrete-event core: virtual time in whole microseconds and a priority queue of timed
 * actions. Ties are broken by scheduling order, so a run is a pure function of its inputs and
 * seed: the same seed gives the same sequence of events, byte for byte.
 *
 * The queue is a binary heap (O(log n) per event); cancelled timers are marked and skipped when
 * they reach the top, which keeps cancellation O(1).
 */

/** Virtual time, in whole microseconds since the start of the run. */
export type Micros = number;

export const MICROS_PER_MS = 1_000;
export const MICROS_PER_SECOND = 1_000_000;

/** A handle to a scheduled action, for cancelling it. */
export interface Timer {
  readonly at: Micros;
  readonly label: string;
  cancelled: boolean;
}

interface Entry extends Timer {
  readonly seq: number;
  readonly run: () => void;
}

export class EventQueue {
  private heap: Entry[] = [];
  private seq = 0;
  private time: Micros = 0;
  /** How many actions have run (the simulator's "events processed" figure). */
  processed = 0;

  /** The current virtual time. */
  get now(): Micros {
    return this.time;
  }

  /** Schedules `run` at absolute time `at` (not before now). */
  at(at: Micros, label: string, run: () => void): Timer {
    if (!Number.isFinite(at) || at < this.time) throw new RangeError(`cannot schedule "${label}" at ${at} µs: the clock is already at ${this.time} µs`);
    const entry: Entry = { at: Math.round(at), label, cancelled: false, seq: this.seq++, run };
    this.push(entry);
    return entry;
  }

  /** Schedules `run` after `delay` microseconds. */
  after(delay: Micros, label: string, run: () => void): Timer {
    return this.at(this.time + Math.max(0, delay), label, run);
  }

  /** Cancels a timer; cancelling twice or after it ran does nothing. */
  cancel(timer: Timer | null | undefined): void {
    if (timer) timer.cancelled = true;
  }

  /** The time of the next pending action, or null when none is pending. */
  peek(): Micros | null {
    this.dropCancelled();
    return this.heap[0]?.at ?? null;
  }

  /** Runs every action due at or before `until`, in order, then sets the clock to `until`. */
  runUntil(until: Micros): void {
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (top === undefined || top.at > until) break;
      this.pop();
      this.time = top.at;
      this.processed++;
      top.run();
    }
    if (until > this.time) this.time = until;
  }

  /** Runs actions due now (at the current time) only. */
  runDue(): void {
    this.runUntil(this.time);
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.pop();
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(l, m)) m = l;
      if (r < heap.length && this.less(r, m)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}
