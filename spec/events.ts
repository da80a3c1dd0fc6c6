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
import { quoted } from './policy.ts';

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
    const parsed = EventSchema.safeParse(Object.fromEntries([['type', type], ...fields.map((f, j) => [f, args[j]])]));
    if (!parsed.success) {
      // Name the field that is wrong (`target`, `level`, `actuator`), not only what zod expected.
      const issue = parsed.error.issues[0];
      // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: each event is built with exactly its type's keys, so a zod issue always has a one-key path: neither the length test, the join separator nor the empty fallback shows
      const field = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
      // Stryker disable next-line StringLiteral: a failed parse always has an issue, so the 'invalid' fallback never shows
      return { ok: false, message: `event ${i + 1} ${quoted(part)}: ${field}${issue?.message ?? 'invalid'}` };
    }
    events.push(parsed.data as GuillotineEvent);
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
