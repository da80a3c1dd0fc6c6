/**
 * An online monitor of a Guillotine implementation against the statechart: feed it the records of
 * the implementation's log as they are written (`observe`), and it says at once whether the run
 * so far follows the protocol, or at which record it first left it. What `guillotine validate`
 * runs over a file, and what an implementation can embed:
 *
 * ```ts
 * const monitor = createMonitor(policy, { complete: ['propose', 'approve', 'level'] });
 * for (const record of records) {
 *   const verdict = monitor.observe(record);
 *   if (verdict.kind !== 'consistent') alert(verdict.divergence.summary);
 * }
 * ```
 *
 * Per record it checks, in order: the time does not go back; a level-record entry hashes its
 * predecessor's (when the log carries hashes); then a behaviour of the statechart explains it
 * (`search.ts`). It keeps the set of states consistent with the log so far (merged when equal)
 * and, for each, its behaviour as a shared list of events — a few bytes per event, up to
 * `pathLimit` events, after which only the count is kept: memory stays flat in the log's length.
 */
import type { LevelRecordEntry, LogKind, LogRecord } from '../spec/log.ts';
import { levelRecordHash } from '../spec/log.ts';
import type { Policy } from '../spec/policy.ts';
import { specEngine, type SpecEngine } from './engine.ts';
import { logDivergence, unexplained, behaviourOf, type Divergence, type LogFigures, type ValidationResult } from './report.ts';
import { pathCells, searchGap, START_TIMES, TIME_SLACK_MS, type Candidate, type SearchSettings } from './search.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { voteChecker, type Authenticity } from './votes.ts';

export interface MonitorOptions {
  /** The kinds the log records completely (its header's `complete`); the search supplies only the others. Default: none. */
  readonly complete?: readonly LogKind[];
  /** Whether the records' times are the system's clock (its header's `timed`, default true); if not, timers are not checked. */
  readonly timed?: boolean;
  /** The most unobserved events supplied before one record (default {@link DEFAULT_MAX_GAP}). */
  readonly maxGap?: number;
  /** The most states kept after a record (default {@link DEFAULT_MAX_CANDIDATES}). */
  readonly maxCandidates?: number;
  /** Behaviours longer than this many events are counted, not kept (default {@link DEFAULT_PATH_LIMIT}). */
  readonly pathLimit?: number;
  /** The statechart to check against (default: the compiled engine of `policy`); the seam for another interpreter. */
  readonly engine?: SpecEngine;
}

export const DEFAULT_MAX_GAP = 8;
export const DEFAULT_MAX_CANDIDATES = 10_000;
export const DEFAULT_PATH_LIMIT = 100_000;

/** The verdict after a record: still consistent, or the divergence (proven, or not within the bounds). */
export type MonitorVerdict =
  | { readonly kind: 'consistent' }
  | { readonly kind: 'divergent'; readonly divergence: Divergence }
  | { readonly kind: 'incomplete'; readonly divergence: Divergence; readonly bound: { readonly line: number; readonly what: string } };

export interface Monitor {
  /**
   * Checks the next record (`line`: its line in the log, for reports; default: its index + 1).
   * After a divergence the monitor stops and returns it again for every further record.
   */
  observe(record: LogRecord, line?: number): MonitorVerdict;
  /** The verdict so far, with the behaviour that explains every record while consistent. */
  result(): ValidationResult;
  /** Figures about the records observed so far. */
  figures(): LogFigures;
  /**
   * The events of the behaviour {@link result} reports (the one explaining every record, or the one
   * matched up to a divergence), each with the line and time of the record whose stimulus it was,
   * or null when the search supplied it; null when the behaviour is longer than the path limit.
   */
  steps(): readonly BehaviourStep[] | null;
  /**
   * The records that behaviour explains, in the log's order, each with how many of its events came
   * before the record was matched (the record shows the state after them); null past the path limit.
   */
  explained(): readonly ExplainedRecord[] | null;
}

/** A record a behaviour explained, and where in the behaviour. */
export interface ExplainedRecord {
  readonly line: number;
  readonly t: number;
  /** The events of the behaviour up to and including the record's stimulus, if it had one that counts. */
  readonly after: number;
}

/** One event of a matched behaviour and where it came from. */
export interface BehaviourStep {
  readonly event: GuillotineEvent;
  /** The record whose stimulus the event was; null when the search supplied it (the log does not show it). */
  readonly recorded: { readonly line: number; readonly t: number } | null;
}

/**
 * The level record's hash chain as a log shows it: each entry with a `hash` must hash its
 * predecessor's. An entry without one breaks the chain (the next cannot be checked) without
 * failing it: a log need not carry hashes.
 */
class LevelRecordChain {
  /** The previous entry's hash: '' before the first entry, null once an entry came without one. */
  private head: string | null = '';
  entries = 0;
  verified = 0;

  /** Takes the next entry; returns why it breaks the chain, or null. */
  append(entry: LevelRecordEntry): string | null {
    this.entries++;
    if (entry.hash === undefined) {
      this.head = null;
      return null;
    }
    if (this.head !== null) {
      const expected = levelRecordHash(this.head, { at: entry.at!, from: entry.from, to: entry.to, cause: entry.cause, nonce: entry.nonce ?? null });
      if (expected !== entry.hash) return `level-record entry ${this.entries} (${entry.from}→${entry.to}, ${entry.cause}) does not hash its predecessor: it was altered, or an entry before it is missing or out of order`;
      this.verified++;
    }
    this.head = entry.hash;
    return null;
  }
}

/** A monitor of `policy`'s statechart, in its initial state, for a log recording `options.complete` completely. */
export function createMonitor(policy: Policy, options: MonitorOptions = {}): Monitor {
  const engine = options.engine ?? specEngine(policy);
  const complete = new Set(options.complete ?? []);
  const settings: SearchSettings = {
    engine,
    supplied: engine.alphabet.filter((e) => !complete.has(e.type)),
    levelComplete: complete.has('level'),
    timed: options.timed ?? true,
    maxGap: options.maxGap ?? DEFAULT_MAX_GAP,
    maxCandidates: options.maxCandidates ?? DEFAULT_MAX_CANDIDATES,
    pathLimit: options.pathLimit ?? DEFAULT_PATH_LIMIT,
  };
  const authenticity = voteChecker(policy);
  let frontier: readonly Candidate[] = [{ state: engine.initial(), nonce: null, times: START_TIMES, path: null, explained: null, events: 0, supplied: 0 }];
  let verdict: MonitorVerdict = { kind: 'consistent' };
  let records = 0;
  let lastT = 0;
  const chain = new LevelRecordChain();
  let highestNonce: number | null = null;
  const votes = { verified: 0, unverified: 0, refused: 0 };
  let bound: { line: number; what: string } | null = null;
  // The behaviour a divergence reports as matched (its events are what a visualizer draws).
  let matched: Candidate | null = null;

  const figures = (): LogFigures => ({ records, lastT, chain: { entries: chain.entries, verified: chain.verified }, votes: { ...votes } });
  const stop = (divergence: Divergence): MonitorVerdict => {
    verdict = bound === null || divergence.kind !== 'unexplained' ? { kind: 'divergent', divergence } : { kind: 'incomplete', divergence, bound };
    return verdict;
  };

  return {
    observe(record, line) {
      if (verdict.kind !== 'consistent') return verdict;
      records++;
      const at = { line: line ?? records, record: records };
      if (record.t < lastT - TIME_SLACK_MS) {
        matched = frontier[0]!;
        return stop(logDivergence('time', `record ${records} is at ${record.t} ms, before the previous record's ${lastT} ms: records out of order, or a clock that went back`, at, record, frontier[0]!));
      }
      lastT = Math.max(lastT, record.t);
      const broken = record.record === undefined ? null : chain.append(record.record);
      if (broken !== null) {
        matched = frontier[0]!;
        return stop(logDivergence('chain', broken, at, record, frontier[0]!));
      }
      let authentic: Authenticity | null = null;
      if (record.vote !== undefined) {
        authentic = authenticity(record.vote);
        if (!authentic.authentic) votes.refused++;
        else if (authentic.verified) votes.verified++;
        else votes.unverified++;
      }
      const ctx = { record, line: at.line, authenticity: authentic, highestNonce };
      const outcome = searchGap(settings, frontier, ctx);
      if (outcome.cut !== null) bound ??= { line: at.line, what: outcome.cut };
      if (outcome.kind === 'unexplained') {
        // Search again, keeping every attempt, to say what the statechart allowed (only on a failure: it costs).
        const explained = searchGap(settings, frontier, ctx, true);
        const attempts = explained.kind === 'unexplained' ? explained.attempts : [];
        matched = attempts[0]?.from ?? frontier[0]!;
        return stop(unexplained(engine, at, record, attempts, outcome.tried, frontier[0]!));
      }
      frontier = outcome.candidates;
      if (record.vote?.kind === 'propose' && authentic?.authentic === true) highestNonce = Math.max(highestNonce ?? record.vote.nonce, record.vote.nonce);
      return verdict;
    },
    result() {
      if (verdict.kind === 'divergent') return { kind: 'divergent', figures: figures(), divergence: verdict.divergence };
      if (verdict.kind === 'incomplete') return { kind: 'incomplete', figures: figures(), divergence: verdict.divergence, bound: verdict.bound };
      // The shortest behaviour first: the search keeps candidates in breadth-first order.
      const best = frontier.reduce((a, b) => (b.events < a.events ? b : a));
      return { kind: 'consistent', figures: figures(), behaviour: behaviourOf(best), candidates: frontier.length };
    },
    figures,
    explained() {
      const c = matched ?? frontier.reduce((a, b) => (b.events < a.events ? b : a));
      if (c.path === null && c.events > 0) return null;
      const out: ExplainedRecord[] = [];
      for (let cell = c.explained; cell !== null; cell = cell.prev) out.push({ line: cell.line, t: cell.t, after: cell.after });
      return out.reverse();
    },
    steps() {
      const c = matched ?? frontier.reduce((a, b) => (b.events < a.events ? b : a));
      if (c.path === null && c.events > 0) return null;
      return pathCells(c.path).map((cell) => ({ event: cell.event, recorded: cell.recorded ?? null }));
    },
  };
}
