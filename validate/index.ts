/**
 * Trace validation (issue 21): does a log a Guillotine implementation wrote follow the protocol,
 * and if not, where did it first leave it? The library behind `guillotine validate`:
 *
 * - `reader.ts` reads the log format of `spec/log.ts` as it streams in;
 * - `votes.ts` says what a logged signed vote means to the statechart;
 * - `match.ts` compares a record with a state, field by field;
 * - `search.ts` finds the behaviours that explain the next record, supplying what the log does not show;
 * - `monitor.ts` checks records one by one (`createMonitor(policy).observe(record)`), online;
 * - `report.ts` is what it concludes, as data;
 * - `validateLog.ts` puts the reader and a monitor together for a whole log;
 * - `engine.ts` is the one seam to the statechart (`referenceEngine`, `PROPERTIES`, `advanceHistory`).
 *
 * For a visualizer: a `ValidationResult` gives the matched behaviour as a replay handle
 * (`behaviour.path`, or `divergence.matched.path` up to the divergent record), the divergent
 * record's line and index (`divergence.line`, `divergence.record`), and the statechart's closest
 * candidates there (`divergence.candidates[i].events`, each continuing `matched.path`, and
 * `.diffs`). Replaying `matched.path` then a candidate's `events` on the statechart draws what the
 * spec would have done; the record's `shows` is what the implementation did.
 */
export { createMonitor, DEFAULT_MAX_CANDIDATES, DEFAULT_MAX_GAP, DEFAULT_PATH_LIMIT, type BehaviourStep, type ExplainedRecord, type Monitor, type MonitorOptions, type MonitorVerdict } from './monitor.ts';
export { logValidation, validateLogText, type LogValidation, type PolicySource, type ValidationOptions } from './validateLog.ts';
export { LogReader, type LogLine } from './reader.ts';
export type { BehaviourReport, CandidateReport, Divergence, DivergenceKind, LogFigures, ValidationResult } from './report.ts';
export type { FieldDiff } from './match.ts';
export { specEngine, type SpecEngine } from './engine.ts';
