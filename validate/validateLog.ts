/**
 * A whole log checked against the statechart: the reader's lines fed to a monitor set up from the
 * header (the policy it carries unless one is given, the kinds it records completely). Text goes
 * in by chunks, so a file, a pipe or a growing file can be validated as it streams; the first
 * malformed line or divergence ends it.
 *
 * ```ts
 * const validation = logValidation({ policy });
 * for (const chunk of chunks) if (validation.push(chunk) !== null) break;
 * const result = validation.end();   // consistent | divergent | incomplete | malformed
 * ```
 */
import { DEFAULT_POLICY, type Policy } from '../spec/policy.ts';
import type { LogHeader } from '../spec/log.ts';
import { createMonitor, type BehaviourStep, type ExplainedRecord, type Monitor, type MonitorOptions } from './monitor.ts';
import { LogReader } from './reader.ts';
import type { LogFigures, ValidationResult } from './report.ts';

export interface ValidationOptions extends Omit<MonitorOptions, 'complete' | 'engine'> {
  /** The policy to check against; default: the one in the log's header, else the embedded default. */
  readonly policy?: Policy;
  /** Called every 256 records (progress for a slow search); never part of the result. */
  readonly onProgress?: (figures: LogFigures) => void;
}

/** Where the policy of a validation came from. */
export type PolicySource = 'given' | 'log' | 'default';

export interface LogValidation {
  /** Feeds text; returns the verdict once it is final (malformed or divergent), else null. */
  push(chunk: string): ValidationResult | null;
  /** The end of the log: the final verdict. */
  end(): ValidationResult;
  /** The header once read (null before). */
  readonly header: LogHeader | null;
  /** The policy in use once the header is read. */
  readonly policy: Policy | null;
  readonly policySource: PolicySource | null;
  /** Figures so far (records read, chain entries, votes). */
  figures(): LogFigures;
  /** The events of the behaviour the result reports, each tied to its record or marked supplied (`Monitor.steps`); null before the header or past the path limit. */
  steps(): readonly BehaviourStep[] | null;
  /** The records that behaviour explains, each with how many of its events came before it (`Monitor.explained`). */
  explained(): readonly ExplainedRecord[] | null;
}

const NO_FIGURES: LogFigures = { records: 0, lastT: 0, chain: { entries: 0, verified: 0 }, votes: { verified: 0, unverified: 0, refused: 0 } };

/** A validation of one log, fed by chunks. */
export function logValidation(options: ValidationOptions = {}): LogValidation {
  const reader = new LogReader();
  let monitor: Monitor | null = null;
  let header: LogHeader | null = null;
  let policy: Policy | null = null;
  let policySource: PolicySource | null = null;
  let final: ValidationResult | null = null;
  const figures = () => monitor?.figures() ?? NO_FIGURES;

  const take = (lines: ReturnType<LogReader['push']>): ValidationResult | null => {
    for (const line of lines) {
      if (final !== null) break;
      if (line.kind === 'malformed') final = { kind: 'malformed', figures: figures(), line: line.line, message: line.message };
      else if (line.kind === 'header') {
        header = line.header;
        policySource = options.policy !== undefined ? 'given' : line.header.policy !== undefined ? 'log' : 'default';
        policy = options.policy ?? line.header.policy ?? DEFAULT_POLICY;
        const { onProgress: _progress, policy: _policy, ...limits } = options;
        monitor = createMonitor(policy, { ...limits, complete: line.header.complete, timed: line.header.timed });
      } else {
        const verdict = monitor!.observe(line.record, line.line);
        if (verdict.kind !== 'consistent') final = monitor!.result();
        else if (options.onProgress !== undefined && (line.line & 255) === 0) options.onProgress(monitor!.figures());
      }
    }
    return final;
  };

  return {
    push: (chunk) => final ?? take(reader.push(chunk)),
    end() {
      if (final === null) take(reader.end());
      return final ?? monitor!.result();
    },
    get header() {
      return header;
    },
    get policy() {
      return policy;
    },
    get policySource() {
      return policySource;
    },
    figures,
    steps: () => monitor?.steps() ?? null,
    explained: () => monitor?.explained() ?? null,
  };
}

/** Validates a whole log held in memory (tests, small logs). */
export function validateLogText(text: string, options: ValidationOptions = {}): ValidationResult {
  const validation = logValidation(options);
  return validation.push(text) ?? validation.end();
}
