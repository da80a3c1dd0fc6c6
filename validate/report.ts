/**
 * What `guillotine validate` concludes about a log, as data (printed only at the edge, by the CLI
 * or a caller): consistent, with the behaviour that explains every record; divergent, with the
 * first record no behaviour explains; incomplete, when a search bound was reached before a
 * divergence could be proven; malformed, with the line and what is wrong.
 *
 * A divergence carries what the log shows there, what the statechart allowed (the closest
 * candidates, diffed field by field), the events matched so far as a replay handle (the compact
 * encoding of `spec/events.ts`, for `guillotine replay --path`), and the §4 properties broken if
 * the implementation really did what its log shows.
 */
import { describeEvent, encodePath } from '../spec/events.ts';
import type { LogObservation, LogRecord } from '../spec/log.ts';
import { OBSERVATION_FIELDS } from '../spec/log.ts';
import type { PropertyId } from '../properties/index.ts';
import type { SpecEngine } from './engine.ts';
import type { FieldDiff } from './match.ts';
import { pathEvents, type Attempt, type Candidate } from './search.ts';

/** One behaviour the statechart allowed at the divergent record, and how it differs from the log. */
export interface CandidateReport {
  /** The unobserved events supplied before the record's stimulus, then the stimulus, in the compact encoding. */
  readonly events: string;
  readonly diffs: readonly FieldDiff[];
  /** Why it failed besides the fields (a stimulus too early, a change of level the log does not record), if so. */
  readonly note: string | null;
}

export type DivergenceKind =
  /** No behaviour within the bounds explains the record. */
  | 'unexplained'
  /** The record's time is before the previous record's. */
  | 'time'
  /** The level-record entry does not hash its predecessor: tampered, reordered, or one is missing. */
  | 'chain';

export interface Divergence {
  /** 1-based line of the log (the header is line 1). */
  readonly line: number;
  /** 1-based index among the records. */
  readonly record: number;
  readonly t: number;
  readonly kind: DivergenceKind;
  /** One sentence. */
  readonly summary: string;
  /** The record's stimulus in words, or null when it has none. */
  readonly stimulus: string | null;
  /** What the record shows. */
  readonly shows: LogObservation;
  /** The closest behaviours the statechart allowed there (at most five), closest first. */
  readonly candidates: readonly CandidateReport[];
  /** How many ways of explaining the record were tried. */
  readonly tried: number;
  /** The behaviour matched up to the record before this one. */
  readonly matched: BehaviourReport;
  /** The §4 properties broken if the implementation did what the log shows (from the closest candidate). */
  readonly properties: readonly { readonly property: PropertyId; readonly reason: string }[];
}

/** A behaviour of the statechart: its events as a replay handle. */
export interface BehaviourReport {
  /** The events in the compact encoding, or null when longer than the path limit (then only counted). */
  readonly path: string | null;
  readonly events: number;
  /** How many of them the log did not show (the search supplied them). */
  readonly supplied: number;
}

/** Figures about the log itself, whatever the verdict. */
export interface LogFigures {
  /** Records read (the header not counted), up to and including a divergent one. */
  readonly records: number;
  /** The last record's time, ms. */
  readonly lastT: number;
  /** Level-record entries read, and how many of them carried a hash that was checked against its predecessor. */
  readonly chain: { readonly entries: number; readonly verified: number };
  /** Signed votes: signature verified, taken unverified (no pinned key), counting for nothing (not authentic). */
  readonly votes: { readonly verified: number; readonly unverified: number; readonly refused: number };
}

export type ValidationResult =
  | { readonly kind: 'consistent'; readonly figures: LogFigures; readonly behaviour: BehaviourReport; readonly candidates: number }
  | { readonly kind: 'divergent'; readonly figures: LogFigures; readonly divergence: Divergence }
  | { readonly kind: 'incomplete'; readonly figures: LogFigures; readonly divergence: Divergence; readonly bound: { readonly line: number; readonly what: string } }
  | { readonly kind: 'malformed'; readonly figures: LogFigures; readonly line: number; readonly message: string };

/** The behaviour of a candidate, as a report. */
export function behaviourOf(candidate: Candidate): BehaviourReport {
  return { path: candidate.path === null && candidate.events > 0 ? null : encodePath(pathEvents(candidate.path)), events: candidate.events, supplied: candidate.supplied };
}

/** The record's stimulus in words: `approve a3 (signed vote, nonce 17)`, `heartbeat-missed`. */
export function stimulusWords(record: LogRecord): string | null {
  if (record.event !== undefined) return describeEvent(record.event);
  if (record.vote !== undefined) {
    const v = record.vote;
    return `${v.kind === 'propose' ? `propose ${v.admin} → ${v.to}` : `approve ${v.admin}`} (signed vote for ${v.from} → ${v.to}, nonce ${v.nonce})`;
  }
  return null;
}

/** What a record shows, without its time and stimulus. */
export function observationOf(record: LogRecord): LogObservation {
  const shows: Record<string, unknown> = {};
  for (const field of OBSERVATION_FIELDS) if (record[field] !== undefined) shows[field] = record[field];
  return shows as LogObservation;
}

/** The divergence at an unexplained record, from the search's closest attempts. */
export function unexplained(engine: SpecEngine, at: { line: number; record: number }, record: LogRecord, attempts: readonly Attempt[], tried: number, fallback: Candidate): Divergence {
  const best = attempts[0];
  // Attempts that end the same way read the same, whatever unobserved events led there (a watchdog
  // count, an actuator confirmed): each ending is listed once, after its fewest events.
  const candidates: CandidateReport[] = [];
  const listed = new Set<string>();
  for (const a of attempts) {
    if (candidates.length === 5) break;
    // A stimulus the statechart rejects explains itself: say why.
    const rejected = a.stimulus === null ? null : engine.rejection(a.before, a.stimulus);
    const note = [a.note, rejected === null ? null : `the statechart rejects ${encodePath([a.stimulus!])}: ${rejected}`].filter((n) => n !== null).join('; ');
    const candidate = { events: encodePath(a.events), diffs: a.diffs, note: note === '' ? null : note };
    const text = JSON.stringify([candidate.diffs, a.note]);
    if (listed.has(text)) continue;
    listed.add(text);
    candidates.push(candidate);
  }
  const shows = observationOf(record);
  // Judged on the event the implementation took the stimulus for: a vote it counted although it counts for nothing, too.
  const properties = best === undefined ? [] : engine.violations(best.before, best.taken, best.after, shows);
  const stimulus = stimulusWords(record);
  const closest = best === undefined ? 'no behaviour reaches it within the bounds' : best.diffs.length > 0 ? `the closest one differs on ${best.diffs.map((d) => d.field).join(', ')}` : (best.note ?? 'none takes it');
  return {
    ...at, t: record.t, kind: 'unexplained',
    summary: `no behaviour of the statechart explains this record: ${closest}`,
    stimulus, shows, candidates, tried, matched: behaviourOf(best?.from ?? fallback), properties,
  };
}

/** A divergence found on the log alone (time order, hash chain), before any search. */
export function logDivergence(kind: 'time' | 'chain', summary: string, at: { line: number; record: number }, record: LogRecord, matched: Candidate): Divergence {
  return { ...at, t: record.t, kind, summary, stimulus: stimulusWords(record), shows: observationOf(record), candidates: [], tried: 0, matched: behaviourOf(matched), properties: [] };
}
