/**
 * Trace files (docs/protocol.md §7): `{"policy": <policy object or path>?, "events": [...]}`, plus
 * what `guillotine check` adds to a counterexample it writes — the property it refutes and, for a
 * liveness failure, the cycle that repeats forever. Validated like a policy: every problem names
 * its key path.
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { EventSchema, eventExample, EVENT_TYPES, type EventType, type GuillotineEvent } from './events.ts';
import { formatPath, parsePolicy, quoted, type Policy, type PolicyProblem } from './policy.ts';
import { loadPolicyFile, printable, readJsonText, readUserFile } from './loadPolicy.ts';

const TraceSchema = z.strictObject(
  {
    $schema: z.string().optional(),
    policy: z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a policy file path (a string, relative to the trace) or a policy object' }).optional(),
    property: z.string({ error: 'expected a property id (a string, as check writes it)' }).optional(),
    seed: z.number({ error: 'expected an integer seed' }).int({ error: 'expected an integer seed' }).optional(),
    events: z.array(z.unknown(), { error: 'expected "events": a list of events like [{"type": "heartbeat"}]' }),
    cycle: z.array(z.unknown(), { error: 'expected "cycle": a list of events, like "events"' }).optional(),
  },
  // Stryker disable next-line ConditionalExpression: with zod 4.6.7 only the strict object's own invalid_type and unrecognized_keys issues reach this function; every other issue carries its own message
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.slice(0, 5).map(quoted).join(', ')}${issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : ''}; allowed keys: policy, events, cycle, property, seed` : issue.code === 'invalid_type' ? 'expected a trace object {"policy"?: ..., "events": [...]}' : undefined) },
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

/**
 * A value from a user's file, shown in a message: short, on one line, and without recursion (a
 * value nested 10^5 levels deep overflowed JSON.stringify's stack and crashed `replay`).
 */
function shown(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return printable(JSON.stringify(value) ?? String(value), 60);
}

function parseEvents(list: readonly unknown[], key: string, problems: PolicyProblem[]): GuillotineEvent[] {
  const events: GuillotineEvent[] = [];
  let bad = 0;
  list.forEach((raw, i) => {
    const parsed = EventSchema.safeParse(raw);
    if (parsed.success) events.push(parsed.data as GuillotineEvent);
    else if (++bad > MAX_EVENT_PROBLEMS) return;
    else {
      const type = (raw as { type?: unknown } | null)?.type;
      const known = typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type);
      const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
      const hint = !isObject
        ? `expected an event object like {"type":"heartbeat"}, got ${shown(raw)}`
        : known
          ? `expected ${eventExample(type as EventType)}`
          : `${type === undefined ? 'missing "type"' : `unknown event type ${shown(type)}`}; allowed: ${EVENT_TYPES.join(', ')}`;
      problems.push({ path: `${key}[${i}]`, message: hint });
    }
  });
  if (bad > MAX_EVENT_PROBLEMS) problems.push({ path: key, message: `and ${bad - MAX_EVENT_PROBLEMS} more bad event${bad - MAX_EVENT_PROBLEMS === 1 ? '' : 's'} (${bad} of ${list.length} in all)` });
  return events;
}

/** Validates parsed JSON as a trace; a `policy` given as a path is read relative to `baseDir`. */
// Stryker disable next-line StringLiteral: resolve('', p) is resolve('.', p)
export function parseTrace(input: unknown, baseDir = '.'): TraceResult {
  const shape = TraceSchema.safeParse(input);
  if (!shape.success) return { ok: false, problems: shape.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
  const problems: PolicyProblem[] = [];
  const events = parseEvents(shape.data.events, 'events', problems);
  const cycle = shape.data.cycle && parseEvents(shape.data.cycle, 'cycle', problems);
  let policy: Policy | undefined;
  const raw = shape.data.policy;
  if (raw !== undefined) {
    const result = typeof raw === 'string' ? loadPolicyFile(resolve(baseDir, raw)) : parsePolicy(raw);
    if (result.ok) policy = result.policy;
    else problems.push(...result.problems.map((p) => ({ path: p.path === '(file)' ? 'policy' : `policy.${p.path}`, message: p.message })));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, trace: { policy, property: shape.data.property, seed: shape.data.seed, events, ...(cycle ? { cycle } : {}) } };
}

/** Reads and validates a trace file. */
export function loadTraceFile(path: string): TraceResult {
  const file = readUserFile(path);
  if (!file.ok) return { ok: false, problems: [{ path: '(file)', message: `cannot read trace file ${printable(JSON.stringify(path), 300)}: ${file.why}` }] };
  const read = readJsonText(file.text, `trace file ${printable(JSON.stringify(path), 300)}`, 'trace is {"events": [{"type": "heartbeat"}]}');
  if (!read.ok) return { ok: false, problems: [{ path: '(file)', message: read.message }] };
  return parseTrace(read.json, dirname(path));
}
