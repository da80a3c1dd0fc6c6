/**
 * Traces in the Informal Trace Format (ITF, Apalache ADR-015, also written and read by Quint):
 * `{"#meta", "vars", "states": [...], "loop"?}`, a state per step, each a record of the trace's
 * variables. What the workbench writes (`check --traces DIR --format itf`, `replay --out FILE
 * --format itf`), so Quint's and Apalache's tooling (the ITF trace viewer, `itf-py`, Quint's
 * `ofItf`) can read a counterexample, and what it reads back (`replay FILE.itf.json`).
 *
 * Encoding, following Quint's own ITF output:
 * - every state has the machine's observable variables — `level`, `hypervisor`, `proposal` (an
 *   Option variant: `{"tag": "None", "value": {"#tup": []}}` or `{"tag": "Some", "value":
 *   {"from", "to", "approvals": {"#set": [...]}}}`), `missedHeartbeats` (`{"#bigint": "0"}`),
 *   `pendingActuators` (a set), `ports`, `modelCores` — plus whether the step's event was
 *   `accepted` and its `rejection` reason (an Option);
 * - the event that led to a state is Quint's model-based-testing pair: `mbt::actionTaken` (the
 *   event type of docs/protocol.md §7; `init` in the first state) and `mbt::nondetPicks` (a record of
 *   the event's fields `admin`, `target`, `level`, `actuator`, each an Option);
 * - a liveness counterexample's cycle is the ITF loop: `loop` is the index of the state the last
 *   state returns to (equal to it up to renaming admins), and the steps after it are the cycle;
 * - `#meta` carries the format's name and description link, the source, the property refuted, and
 *   the policy itself, so the file replays on its own.
 *
 * The reader needs only `mbt::actionTaken` and `mbt::nondetPicks` from each state after the
 * first, so it also reads a trace of a Quint model whose actions are named after the §7 events
 * and whose nondeterministic picks after their fields; the other variables are ignored (the
 * replay recomputes them).
 */
import { dirname, resolve } from 'node:path';
import { EVENT_TYPES, EventSchema, eventExample, type EventType, type GuillotineEvent } from './events.ts';
import type { Level } from './levels.ts';
import { parsePolicy, quoted, type Policy, type PolicyProblem } from './policy.ts';
import { loadPolicyFile, readJsonText } from './loadPolicy.ts';
import { readUserFile } from './readUserFile.ts';
import { traceFromText, type TraceResult } from './trace.ts';

/** An ITF value, as the ADR writes them (the subset the workbench writes, and what it reads). */
export type ItfValue =
  | string
  | boolean
  | number
  | { readonly '#bigint': string }
  | { readonly '#set': readonly ItfValue[] }
  | { readonly '#tup': readonly ItfValue[] }
  | { readonly tag: string; readonly value: ItfValue }
  | readonly ItfValue[]
  | { readonly [field: string]: ItfValue };

export interface ItfState {
  readonly '#meta': { readonly index: number };
  readonly [variable: string]: ItfValue | { readonly index: number };
}

export interface ItfTrace {
  readonly '#meta': Readonly<Record<string, unknown>>;
  readonly vars: readonly string[];
  readonly states: readonly ItfState[];
  readonly loop?: number;
}

/** What a state of the machine shows, as `guillotine replay` reports it (`checker/replay.ts`'s `StateView`). */
export interface ObservedState {
  readonly level: Level;
  readonly hypervisor: string;
  readonly proposal: { readonly from: Level; readonly to: Level; readonly approvals: readonly string[] } | null;
  readonly missedHeartbeats: number;
  readonly pendingActuators: readonly string[];
  readonly ports: string;
  readonly modelCores: string;
}

/** A replayed trace, as `checker/replay.ts`'s `ReplayReport` gives it. */
export interface ObservedRun {
  readonly initial: ObservedState;
  readonly steps: readonly { readonly event: GuillotineEvent; readonly accepted: boolean; readonly reason?: string; readonly state: ObservedState; readonly inCycle?: boolean }[];
}

export const ACTION_TAKEN = 'mbt::actionTaken';
export const NONDET_PICKS = 'mbt::nondetPicks';
const FIELDS = ['admin', 'target', 'level', 'actuator'] as const;
export const ITF_VARS = ['level', 'hypervisor', 'proposal', 'missedHeartbeats', 'pendingActuators', 'ports', 'modelCores', 'accepted', 'rejection', ACTION_TAKEN, NONDET_PICKS] as const;

const NONE: ItfValue = { tag: 'None', value: { '#tup': [] } };
const some = (value: ItfValue): ItfValue => ({ tag: 'Some', value });
const bigint = (n: number): ItfValue => ({ '#bigint': String(n) });

function stateOf(index: number, s: ObservedState, action: string, event: GuillotineEvent | null, accepted: boolean, reason: string | null): ItfState {
  const record = (event ?? {}) as Readonly<Record<string, string>>;
  const picks: Record<string, ItfValue> = {};
  for (const f of FIELDS) picks[f] = record[f] === undefined ? NONE : some(record[f]!);
  return {
    '#meta': { index },
    level: s.level,
    hypervisor: s.hypervisor,
    proposal: s.proposal === null ? NONE : some({ from: s.proposal.from, to: s.proposal.to, approvals: { '#set': [...s.proposal.approvals] } }),
    missedHeartbeats: bigint(s.missedHeartbeats),
    pendingActuators: { '#set': [...s.pendingActuators] },
    ports: s.ports,
    modelCores: s.modelCores,
    accepted,
    rejection: reason === null ? NONE : some(reason),
    [ACTION_TAKEN]: action,
    [NONDET_PICKS]: picks,
  };
}

/**
 * The ITF trace of a replayed run: the initial state, then the state after each step. With a
 * cycle (the steps marked `inCycle`), `loop` is the index of the state the cycle starts from.
 * Deterministic: the same run gives the same object, in the same key order.
 */
export function itfTrace(policy: Policy, run: ObservedRun, meta: { readonly property?: string; readonly description?: string } = {}): ItfTrace {
  const states: ItfState[] = [stateOf(0, run.initial, 'init', null, true, null)];
  run.steps.forEach((step, i) => states.push(stateOf(i + 1, step.state, step.event.type, step.event, step.accepted, step.accepted ? null : (step.reason ?? 'rejected'))));
  const firstCycle = run.steps.findIndex((s) => s.inCycle === true);
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'guillotine',
      description: meta.description ?? 'a trace of the Guillotine statechart: each state after one event of docs/protocol.md §7 (mbt::actionTaken, mbt::nondetPicks)',
      ...(meta.property === undefined ? {} : { property: meta.property }),
      policy,
    },
    vars: [...ITF_VARS],
    states,
    ...(firstCycle === -1 ? {} : { loop: firstCycle }),
  };
}

/** Whether parsed JSON is shaped like an ITF trace (`vars` and `states`) rather than a workbench trace (`events`). */
export function looksLikeItf(json: unknown): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && 'states' in json && 'vars' in json && !('events' in json);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An Option variant's payload: `undefined` for None, the value for Some, or a problem. */
function option(v: unknown): { ok: true; value: unknown } | { ok: false } {
  if (!isRecord(v) || typeof v.tag !== 'string') return { ok: false };
  if (v.tag === 'None') return { ok: true, value: undefined };
  if (v.tag === 'Some') return { ok: true, value: v.value };
  return { ok: false };
}

/** The most bad states named one by one; the rest are counted. */
const MAX_PROBLEMS = 10;

/**
 * Reads parsed JSON as an ITF trace of §7 events: the events from each state's
 * `mbt::actionTaken` and `mbt::nondetPicks`, the cycle from `loop`, the policy from `#meta.policy`
 * (an object, or a path relative to `baseDir`). Every problem is named by its key path
 * (`states[3].mbt::nondetPicks.admin`) and what is allowed there.
 */
export function parseItf(input: unknown, baseDir = '.'): TraceResult {
  const problems: PolicyProblem[] = [];
  const fail = (path: string, message: string): TraceResult => ({ ok: false, problems: [{ path, message }] });
  if (!isRecord(input)) return fail('(top level)', 'expected an ITF trace object {"vars": [...], "states": [...]}');
  if (!Array.isArray(input.vars) || !input.vars.every((v) => typeof v === 'string')) return fail('vars', 'expected a list of variable names');
  if (!Array.isArray(input.states) || input.states.length === 0) return fail('states', 'expected a non-empty list of states (the first is the initial state)');
  const states = input.states as unknown[];
  const loop = input.loop;
  if (loop !== undefined && (typeof loop !== 'number' || !Number.isInteger(loop) || loop < 0 || loop >= states.length)) return fail('loop', `expected the index of a state, from 0 to ${states.length - 1}`);
  const events: GuillotineEvent[] = [];
  let bad = 0;
  states.forEach((raw, i) => {
    if (i === 0) return;
    const at = `states[${i}]`;
    const problem = (path: string, message: string) => {
      if (++bad <= MAX_PROBLEMS) problems.push({ path, message });
    };
    if (!isRecord(raw)) return problem(at, 'expected a state object');
    const action = raw[ACTION_TAKEN];
    if (typeof action !== 'string' || !(EVENT_TYPES as readonly string[]).includes(action)) {
      return problem(`${at}.${ACTION_TAKEN}`, `expected the event type of this step, one of ${EVENT_TYPES.join(', ')}${typeof action === 'string' ? `; got ${quoted(action)}` : ''}`);
    }
    const picks = raw[NONDET_PICKS] ?? {};
    if (!isRecord(picks)) return problem(`${at}.${NONDET_PICKS}`, 'expected a record of Option variants: admin, target, level, actuator');
    const fields: Record<string, unknown> = { type: action };
    for (const f of FIELDS) {
      if (picks[f] === undefined) continue;
      const o = option(picks[f]);
      if (!o.ok) return problem(`${at}.${NONDET_PICKS}.${f}`, 'expected {"tag": "Some", "value": ...} or {"tag": "None", "value": {"#tup": []}}');
      if (o.value !== undefined) fields[f] = o.value;
    }
    const parsed = EventSchema.safeParse(fields);
    if (!parsed.success) return problem(`${at}.${NONDET_PICKS}`, `the picks do not make ${/^[aeiou]/.test(action) ? 'an' : 'a'} ${action} event: expected ${eventExample(action as EventType)}`);
    events.push(parsed.data as GuillotineEvent);
  });
  if (bad > MAX_PROBLEMS) problems.push({ path: 'states', message: `and ${bad - MAX_PROBLEMS} more bad states (${bad} in all)` });
  let policy: Policy | undefined;
  const meta = input['#meta'];
  const rawPolicy = isRecord(meta) ? meta.policy : undefined;
  if (rawPolicy !== undefined) {
    const result = typeof rawPolicy === 'string' ? loadPolicyFile(resolve(baseDir, rawPolicy)) : parsePolicy(rawPolicy);
    if (result.ok) policy = result.policy;
    else problems.push(...result.problems.map((p) => ({ path: p.path === '(file)' ? '#meta.policy' : `#meta.policy.${p.path}`, message: p.message })));
  }
  if (problems.length > 0) return { ok: false, problems };
  const property = isRecord(meta) && typeof meta.property === 'string' ? meta.property : undefined;
  // State i is reached by event i - 1: the events up to the loop state are the path, the rest the cycle.
  const cut = typeof loop === 'number' ? loop : events.length;
  return { ok: true, trace: { ...(policy ? { policy } : {}), ...(property ? { property } : {}), events: events.slice(0, cut), ...(typeof loop === 'number' ? { cycle: events.slice(cut) } : {}) } };
}

/** Reads and validates an ITF trace file. */
export function loadItfFile(path: string): TraceResult {
  const file = readUserFile(path);
  if (!file.ok) return { ok: false, problems: [{ path: '(file)', message: `cannot read trace file ${quoted(path, 300)}: ${file.why}` }] };
  const read = readJsonText(file.text, `trace file ${quoted(path, 300)}`, 'ITF trace is {"vars": [], "states": [{}]}');
  if (!read.ok) return { ok: false, problems: [{ path: '(file)', message: read.message }] };
  return parseItf(read.json, dirname(path));
}

/**
 * Reads a trace file in either format the workbench knows: its own `{"policy"?, "events"}`, or
 * ITF (recognised by its `vars` and `states`). One read of the file.
 */
export function loadAnyTraceFile(path: string): TraceResult {
  const file = readUserFile(path);
  if (!file.ok) return { ok: false, problems: [{ path: '(file)', message: `cannot read trace file ${quoted(path, 300)}: ${file.why}` }] };
  const read = readJsonText(file.text, `trace file ${quoted(path, 300)}`, 'trace is {"events": [{"type": "heartbeat"}]}');
  if (!read.ok) return { ok: false, problems: [{ path: '(file)', message: read.message }] };
  // The workbench's own format is read as loadTraceFile reads it, bad events named with their lines.
  return looksLikeItf(read.json) ? parseItf(read.json, dirname(path)) : traceFromText(file.text, path);
}
