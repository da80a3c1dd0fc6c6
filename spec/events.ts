/**
 * The event vocabulary of the protocol (docs/protocol.md §7), its JSON form, and the one compact
 * encoding of a path of events used everywhere a failure is reported: CLI tables, trace files,
 * test titles and the visualizer's URL (`propose:a1:severed,approve:a2,timeout`).
 *
 * An event that is well-formed but not allowed in the current state (an approval by a non-admin,
 * a proposal with no effect) is not bad input: the machine rejects it with a reason.
 */
import { z } from 'zod';
import { ACTUATORS, LEVELS, type Actuator, type Level } from './levels.ts';
// Parts of a path are quoted short and printable: a 10,000-character --path made a message as long.
import { quoted } from './terminalText.ts';

export type GuillotineEvent =
  | { readonly type: 'propose'; readonly admin: string; readonly target: Level }
  | { readonly type: 'approve'; readonly admin: string }
  | { readonly type: 'timeout' }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'heartbeat-missed' }
  | { readonly type: 'alarm'; readonly level: Level }
  | { readonly type: 'mce' }
  | { readonly type: 'assertion-failure' }
  | { readonly type: 'reboot-complete' }
  | { readonly type: 'actuator-confirm'; readonly actuator: Actuator }
  | { readonly type: 'actuator-fault'; readonly actuator: Actuator };

export type EventType = GuillotineEvent['type'];

export const EVENT_TYPES = [
  'propose', 'approve', 'timeout', 'heartbeat', 'heartbeat-missed', 'alarm', 'mce',
  'assertion-failure', 'reboot-complete', 'actuator-confirm', 'actuator-fault',
] as const satisfies readonly EventType[];

/** The fail-safe events: automatic triggers that may only ever raise the level. */
export const FAILSAFE_EVENTS = ['heartbeat-missed', 'alarm', 'mce', 'assertion-failure', 'actuator-fault'] as const satisfies readonly EventType[];

const adminRef = z.string().min(1).max(256);
const level = z.enum(LEVELS);
const actuator = z.enum(ACTUATORS);

/** JSON schema of one event; each variant is closed (no unknown keys). */
export const EventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('propose'), admin: adminRef, target: level }),
  z.strictObject({ type: z.literal('approve'), admin: adminRef }),
  z.strictObject({ type: z.literal('timeout') }),
  z.strictObject({ type: z.literal('heartbeat') }),
  z.strictObject({ type: z.literal('heartbeat-missed') }),
  z.strictObject({ type: z.literal('alarm'), level }),
  z.strictObject({ type: z.literal('mce') }),
  z.strictObject({ type: z.literal('assertion-failure') }),
  z.strictObject({ type: z.literal('reboot-complete') }),
  z.strictObject({ type: z.literal('actuator-confirm'), actuator }),
  z.strictObject({ type: z.literal('actuator-fault'), actuator }),
]);

const FIELDS: { readonly [T in EventType]: readonly string[] } = {
  propose: ['admin', 'target'],
  approve: ['admin'],
  timeout: [],
  heartbeat: [],
  'heartbeat-missed': [],
  alarm: ['level'],
  mce: [],
  'assertion-failure': [],
  'reboot-complete': [],
  'actuator-confirm': ['actuator'],
  'actuator-fault': ['actuator'],
};

/** The example a message shows for an event type, so a user can copy the right form. */
export function eventExample(type: EventType): string {
  const example: Record<string, string> = { admin: 'a1', target: 'severed', level: 'probation', actuator: 'network-relay' };
  return JSON.stringify(Object.fromEntries([['type', type], ...FIELDS[type].map((f) => [f, example[f]])]));
}

/** `propose:a1:severed` — one event in the compact path encoding. */
export function encodeEvent(event: GuillotineEvent): string {
  const record = event as unknown as Record<string, string>;
  return [event.type, ...FIELDS[event.type].map((f) => record[f])].join(':');
}

/** The compact encoding of a path: events joined by commas. */
export function encodePath(events: readonly GuillotineEvent[]): string {
  return events.map(encodeEvent).join(',');
}

export type DecodeResult = { readonly ok: true; readonly events: GuillotineEvent[] } | { readonly ok: false; readonly message: string };

/** What each field of an event holds, in words, and the values it allows (null: any admin id). */
const FIELD_RULES: { readonly [F in 'admin' | 'target' | 'level' | 'actuator']: { readonly what: string; readonly allowed: readonly string[] | null } } = {
  admin: { what: 'an admin id', allowed: null },
  target: { what: 'an isolation level', allowed: LEVELS },
  level: { what: 'an isolation level', allowed: LEVELS },
  actuator: { what: 'an actuator', allowed: ACTUATORS },
};

/** A value from a user's event, shown in a message: short, on one line, without recursion. */
function shownValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return quoted(value);
  return `${typeof value} ${String(value)}`;
}

/** What is wrong with one field's value, in words naming the field and what it allows, or null. */
function fieldProblem(field: keyof typeof FIELD_RULES, value: unknown): string | null {
  const rule = FIELD_RULES[field];
  if (typeof value !== 'string') return `"${field}" must be ${rule.what} (a string), got ${shownValue(value)}`;
  if (rule.allowed === null) {
    // The schema's bound on an admin reference (an event names admins a policy may not have).
    return value.length >= 1 && value.length <= 256 ? null : `"${field}" must be ${rule.what} of 1 to 256 characters, got ${value.length === 0 ? 'an empty string' : `${value.length} characters`}`;
  }
  return rule.allowed.includes(value) ? null : `"${field}" ${quoted(value)} is not ${rule.what}; allowed: ${rule.allowed.join(', ')}`;
}

/**
 * An event checked: the event, or what is wrong with it — `detail` in words, `type` when the event
 * type itself was fine, and `message`, the two together (`propose: "target" … is not …`).
 */
export type EventCheck =
  | { readonly ok: true; readonly event: GuillotineEvent }
  | { readonly ok: false; readonly type: EventType | null; readonly detail: string; readonly message: string };

function refused(type: EventType | null, detail: string): EventCheck {
  return { ok: false, type, detail, message: type === null ? detail : `${type}: ${detail}` };
}

/**
 * Validates one event as a user wrote it (a trace file's object, or a decoded part of a path), saying
 * what is wrong in the workbench's words: the event type, the field, what was given and the values
 * allowed (`propose: "target" "nowhere" is not an isolation level; allowed: standard, …`), never
 * the schema library's wording. Accepts exactly what {@link EventSchema} accepts.
 */
export function checkEvent(raw: unknown): EventCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refused(null, `expected an event object like {"type":"heartbeat"}, got ${shownValue(raw)}`);
  const record = raw as Record<string, unknown>;
  const type = Object.hasOwn(record, 'type') ? record.type : undefined;
  if (type === undefined) return refused(null, `missing "type"; allowed types: ${EVENT_TYPES.join(', ')}`);
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) return refused(null, `unknown event type ${shownValue(type)}; allowed: ${EVENT_TYPES.join(', ')}`);
  const known = type as EventType;
  const fields = FIELDS[known] as readonly (keyof typeof FIELD_RULES)[];
  const takes = fields.length === 0 ? `${type} takes no other key than "type"` : `${type} takes ${fields.map((f) => `"${f}"`).join(' and ')}`;
  // Own keys, so a "__proto__" written in the file is named like any other unknown key.
  const unknown = Object.keys(record).filter((k) => k !== 'type' && !(fields as readonly string[]).includes(k));
  if (unknown.length > 0) return refused(known, `unknown key ${unknown.slice(0, 3).map((k) => quoted(k)).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}; ${takes}, as in ${eventExample(known)}`);
  for (const field of fields) {
    if (!Object.hasOwn(record, field)) return refused(known, `missing "${field}" (${FIELD_RULES[field].what}); ${takes}, as in ${eventExample(known)}`);
    const problem = fieldProblem(field, record[field]);
    if (problem !== null) return refused(known, problem);
  }
  const parsed = EventSchema.safeParse(raw);
  // Unreachable while the checks above mirror the schema (a test holds them to it); never zod's words.
  if (!parsed.success) return refused(known, `not a valid ${type} event; write it as ${eventExample(known)}`);
  return { ok: true, event: parsed.data as GuillotineEvent };
}

/** Parses the compact path encoding back into events; the inverse of {@link encodePath}. */
export function decodePath(text: string): DecodeResult {
  const events: GuillotineEvent[] = [];
  const parts = text.trim() === '' ? [] : text.split(',');
  for (const [i, part] of parts.entries()) {
    const [type, ...args] = part.trim().split(':');
    // Stryker disable next-line StringLiteral: split(':') always gives a first element, so the '' fallback is never read
    if (!(EVENT_TYPES as readonly string[]).includes(type ?? '')) {
      return { ok: false, message: `event ${i + 1} ${quoted(part)}: unknown event type; allowed: ${EVENT_TYPES.join(', ')}` };
    }
    const fields = FIELDS[type as EventType];
    if (args.length !== fields.length) {
      return { ok: false, message: `event ${i + 1} ${quoted(part)}: ${type} takes ${fields.length === 0 ? 'no fields' : fields.join(' and ')} (for example ${encodeEvent(EventSchema.parse(JSON.parse(eventExample(type as EventType))) as GuillotineEvent)})` };
    }
    const checked = checkEvent(Object.fromEntries([['type', type], ...fields.map((f, j) => [f, args[j]])]));
    if (!checked.ok) return { ok: false, message: `event ${i + 1} ${quoted(part)}: ${checked.detail}` };
    events.push(checked.event);
  }
  return { ok: true, events };
}

/** A human label for an event, as tables show it: `propose a1 → severed`. */
export function describeEvent(event: GuillotineEvent): string {
  switch (event.type) {
    case 'propose':
      return `propose ${event.admin} → ${event.target}`;
    case 'approve':
      return `approve ${event.admin}`;
    case 'alarm':
      return `alarm ${event.level}`;
    case 'actuator-confirm':
    case 'actuator-fault':
      return `${event.type} ${event.actuator}`;
    default:
      return event.type;
  }
}
