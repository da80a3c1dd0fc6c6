/**
 * Trace files (docs/protocol.md §7): `{"policy": <policy object or path>?, "events": [...]}`, plus
 * what `guillotine check` adds to a counterexample it writes — the property it refutes and, for a
 * liveness failure, the cycle that repeats forever. Validated like a policy: every problem names
 * its key path.
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { checkEvent, type GuillotineEvent } from './events.ts';
import { formatPath, parsePolicy, type Policy, type PolicyProblem } from './policy.ts';
import { loadPolicyFile, readJsonText, readUserFile } from './loadPolicy.ts';
import { scanJson } from './jsonSyntax.ts';
import { quoted } from './terminalText.ts';

/** A policy inside a trace: a path, or an object handed to the policy loader as written. */
const tracePolicy = z.custom<string | Record<string, unknown>>(
  // Not z.record: it copies the object key by key, and a "__proto__" key copied so became the copy's
  // prototype, unseen by the policy loader, which names it as an unknown key when it gets the original.
  (value) => typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value)),
  { error: 'expected a policy file path (a string, relative to the trace) or a policy object' },
);

const TraceSchema = z.strictObject(
  {
    $schema: z.string().optional(),
    policy: tracePolicy.optional(),
    property: z.string({ error: 'expected a property id (a string, as check writes it)' }).optional(),
    seed: z.number({ error: 'expected an integer seed' }).int({ error: 'expected an integer seed' }).optional(),
    events: z.array(z.unknown(), { error: 'expected "events": a list of events like [{"type": "heartbeat"}]' }),
    cycle: z.array(z.unknown(), { error: 'expected "cycle": a list of events, like "events"' }).optional(),
  },
  // Stryker disable next-line ConditionalExpression: with zod 4.6.7 only the strict object's own invalid_type and unrecognized_keys issues reach this function; every other issue carries its own message
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.slice(0, 5).map((key) => quoted(key)).join(', ')}${issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : ''}; allowed keys: policy, events, cycle, property, seed` : issue.code === 'invalid_type' ? 'expected a trace object {"policy"?: ..., "events": [...]}' : undefined) },
);

export interface Trace {
  /** The trace's own policy, when it names one. */
  readonly policy?: Policy;
  readonly property?: string;
  readonly seed?: number;
  readonly events: readonly GuillotineEvent[];
  readonly cycle?: readonly GuillotineEvent[];
}

export type TraceResult = { readonly ok: true; readonly trace: Trace } | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

/** The most bad events of one list named one by one; the rest are counted, so a message stays readable. */
const MAX_EVENT_PROBLEMS = 10;

/** The line on which each element of `events` and `cycle` starts in the file, found only when a problem needs them. */
export type EventLines = () => ReadonlyMap<string, readonly number[]>;

function parseEvents(list: readonly unknown[], key: string, problems: PolicyProblem[], lines: EventLines | undefined): GuillotineEvent[] {
  const events: GuillotineEvent[] = [];
  let bad = 0;
  list.forEach((raw, i) => {
    const checked = checkEvent(raw);
    if (checked.ok) events.push(checked.event);
    else if (++bad <= MAX_EVENT_PROBLEMS) {
      const line = lines?.().get(key)?.[i];
      problems.push({ path: `${key}[${i}]${line === undefined ? '' : ` (line ${line})`}`, message: checked.message });
    }
  });
  if (bad > MAX_EVENT_PROBLEMS) problems.push({ path: key, message: `and ${bad - MAX_EVENT_PROBLEMS} more bad event${bad - MAX_EVENT_PROBLEMS === 1 ? '' : 's'} (${bad} of ${list.length} in all)` });
  return events;
}

/**
 * Validates parsed JSON as a trace; a `policy` given as a path is read relative to `baseDir`. A bad
 * event is named by its index, and by its line when `lines` can tell it (a trace read from a file).
 */
// Stryker disable next-line StringLiteral: resolve('', p) is resolve('.', p)
export function parseTrace(input: unknown, baseDir = '.', lines?: EventLines): TraceResult {
  const shape = TraceSchema.safeParse(input);
  if (!shape.success) return { ok: false, problems: shape.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
  const problems: PolicyProblem[] = [];
  const events = parseEvents(shape.data.events, 'events', problems, lines);
  const cycle = shape.data.cycle && parseEvents(shape.data.cycle, 'cycle', problems, lines);
  let policy: Policy | undefined;
  const raw = shape.data.policy;
  if (raw !== undefined) {
    const result = typeof raw === 'string' ? loadPolicyFile(resolve(baseDir, raw)) : parsePolicy(raw);
    if (result.ok) policy = result.policy;
    else problems.push(...result.problems.map((p) => ({ path: p.path === '(file)' || p.path === '(top level)' ? 'policy' : `policy.${p.path}`, message: p.message })));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, trace: { policy, property: shape.data.property, seed: shape.data.seed, events, ...(cycle ? { cycle } : {}) } };
}

/** Reads and validates a trace file. */
export function loadTraceFile(path: string): TraceResult {
  const file = readUserFile(path);
  if (!file.ok) return { ok: false, problems: [{ path: '(file)', message: `cannot read trace file ${quoted(path, 300)}: ${file.why}` }] };
  return traceFromText(file.text, path);
}

/** A trace file's text read as a trace (its bad events named with their lines), relative paths from the file's directory. */
export function traceFromText(text: string, path: string): TraceResult {
  const read = readJsonText(text, `trace file ${quoted(path, 300)}`, 'trace is {"events": [{"type": "heartbeat"}]}');
  if (!read.ok) return { ok: false, problems: [{ path: '(file)', message: read.message }] };
  let lines: ReadonlyMap<string, readonly number[]> | undefined;
  return parseTrace(read.json, dirname(path), () => {
    if (lines === undefined) {
      const scan = scanJson(text.replace(/^\uFEFF/, ''), ['events', 'cycle']);
      lines = scan.ok ? scan.elementLines : new Map();
    }
    return lines;
  });
}
