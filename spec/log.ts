/**
 * The log a Guillotine implementation writes, for `guillotine validate` (docs/log-format.md):
 * JSON Lines, a header line, then one record per observation — its time, the stimulus the
 * implementation received (a §7 event or a signed vote) and what it showed afterwards (level, open
 * proposal, hypervisor, capabilities, actuators awaiting confirmation, the watchdog's count, the
 * entry it appended to its level record). Every field but the time may be absent: an absent field
 * was not observed. The header names the kinds of stimulus the log records *completely*, so a
 * validator may supply only the others.
 *
 * One zod definition reads the log and generates `spec/log.schema.json` (`npm run schema`), as
 * the policy's does. The bytes an admin signs ({@link voteMessage}) and the level record's hash
 * chain ({@link levelRecordHash}) are part of the format: the simulator writes them and the
 * validator checks them with these very functions.
 *
 * Known limits of the JSON Schema: it cannot say that a record carries at most one stimulus
 * (`event` or `vote`), that a level-record entry with a `hash` needs its `at`, nor that the first
 * line is the header and the others records; the reader says all three.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ACTUATORS, CAPABILITY_FIELDS, LEVELS, capabilityDomain, type Level } from './levels.ts';
import { EVENT_TYPES, EventSchema } from './events.ts';
import { PolicySchema, describe, quoted } from './policy.ts';

/** The value of the header's `format` key: the format and its version. */
export const LOG_FORMAT = 'guillotine-log/1';

/**
 * What a header may declare recorded completely: each §7 event type (`propose` and `approve`
 * cover signed votes as well as plain events), and `level` — every change of level has a record
 * of its own showing the new level.
 */
export const LOG_KINDS = [...EVENT_TYPES, 'level'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** The longest line a log may hold: a record is a few hundred bytes; a longer line is not one. */
export const MAX_LOG_LINE_BYTES = 64 * 1024;


/** A closed object whose unknown keys and wrong types are said with the keys allowed. */
function closed<Shape extends z.ZodRawShape>(shape: Shape, what: string) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.slice(0, 5).map((key) => quoted(key)).join(', ')}${issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : ''}; allowed keys: ${allowed}`
        : issue.code === 'invalid_type'
          ? `expected ${what}, got ${describe(issue.input)}`
          : undefined,
  });
}

const level = z.enum(LEVELS, { error: (issue) => `${describe(issue.input)} is not an isolation level; allowed: ${LEVELS.join(', ')}` });
const adminId = z.string({ error: (issue) => `expected an admin id (string), got ${describe(issue.input)}` }).min(1).max(256);
const nonce = z.number({ error: (issue) => `expected a proposal nonce (a whole number), got ${describe(issue.input)}` }).int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/** The header, the first line of every log. */
export const LogHeaderSchema = closed(
  {
    $schema: z.string().optional(),
    format: z.literal(LOG_FORMAT, { error: (issue) => `expected "format": "${LOG_FORMAT}", got ${describe(issue.input)}` }),
    /** The kinds recorded completely (every occurrence has its record); the validator supplies only the others. */
    complete: z
      .array(z.enum(LOG_KINDS, { error: (issue) => `${describe(issue.input)} is not a kind of record; allowed: ${LOG_KINDS.join(', ')}` }))
      .refine((kinds) => new Set(kinds).size === kinds.length, { error: 'a kind is listed twice' })
      .default([]),
    /** The policy the system ran under (docs/protocol.md §6), so the log checks on its own; `--policy` overrides it. */
    policy: PolicySchema.optional(),
    /** Who wrote the log, in words (for example the command that produced it). */
    source: z.string().max(1000).optional(),
    /**
     * false when the records' times are not the system's clock (a test harness that drives the
     * timers itself, one event at a time): time-driven events are then allowed at any time.
     */
    timed: z.boolean({ error: (issue) => `expected true or false, got ${describe(issue.input)}` }).default(true),
  },
  `a header object {"format": "${LOG_FORMAT}", "complete": [...], "policy"?: {...}, "timed"?: true}`,
);

/** A signed vote as the console received it; the signature covers {@link voteMessage}. */
export const LogVoteSchema = closed(
  {
    kind: z.enum(['propose', 'approve'], { error: (issue) => `${describe(issue.input)} is not a vote kind; allowed: propose, approve` }),
    admin: adminId,
    nonce,
    from: level,
    to: level,
    /** Base64 Ed25519 signature of {@link voteMessage} under the admin's `publicKey`. */
    signature: z.string({ error: (issue) => `expected a base64 signature, got ${describe(issue.input)}` }).max(200).optional(),
  },
  'a vote {"kind", "admin", "nonce", "from", "to", "signature"}',
);

const capability = Object.fromEntries(
  CAPABILITY_FIELDS.map((field) => [field, z.enum(capabilityDomain(field) as [string, ...string[]], { error: (issue) => `${describe(issue.input)} is not a value of ${field}; allowed: ${capabilityDomain(field).join(', ')}` }).optional()]),
) as { [F in (typeof CAPABILITY_FIELDS)[number]]: z.ZodOptional<z.ZodEnum<Record<string, string>>> };

/** One entry of the physical hypervisor's tamper-evident level record, as it appended it. */
export const LevelRecordEntrySchema = closed(
  {
    /** The entry's own timestamp, exactly as the record hashes it (the simulator: microseconds). */
    at: z.number({ error: (issue) => `expected the entry's timestamp (a whole number), got ${describe(issue.input)}` }).int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    from: level,
    to: level,
    /** Why the level changed, in the words of §3: quorum, timeout, heartbeat, mce, assertion-failure, alarm, actuator-fault. */
    cause: z.string({ error: (issue) => `expected a cause (string), got ${describe(issue.input)}` }).regex(/^[a-z][a-z-]{0,39}$/, { error: 'expected a cause of lowercase letters and dashes, like "quorum" or "actuator-fault"' }),
    /** The proposal whose quorum certificate authorised the change, if any. */
    nonce: nonce.nullable().optional(),
    /** {@link levelRecordHash} of the previous entry's hash and this entry: an edited or missing entry breaks the chain. */
    hash: z.string({ error: (issue) => `expected a SHA-256 hash (64 hex digits), got ${describe(issue.input)}` }).regex(/^[0-9a-f]{64}$/, { error: 'expected a SHA-256 hash: 64 lowercase hex digits' }).optional(),
  },
  'a level record entry {"at", "from", "to", "cause", "nonce", "hash"}',
);

const proposal = closed(
  {
    from: level,
    to: level,
    /** The admins whose approvals the implementation counts, the proposer's first (order does not matter; a repeat does). */
    approvals: z.array(adminId, { error: (issue) => `expected a list of admin ids, got ${describe(issue.input)}` }).max(4096),
  },
  'an open proposal {"from", "to", "approvals"} or null',
);

/** One record: its time, at most one stimulus, and any subset of what the implementation showed after it. */
export const LogRecordSchema = closed(
  {
    /** Milliseconds since the system started (the moment of the statechart's initial state); never decreasing. */
    t: z.number({ error: (issue) => `expected "t": the record's time in milliseconds since the start, got ${describe(issue.input)}` }).min(0).max(1e15),
    /** The stimulus, as a §7 event. */
    event: EventSchema.optional(),
    /** The stimulus, as the signed vote the console received (it may count for nothing: forged, replayed, stale). */
    vote: LogVoteSchema.optional(),
    level: level.optional(),
    proposal: proposal.nullable().optional(),
    hypervisor: z.enum(['running', 'rebooting'], { error: (issue) => `${describe(issue.input)} is not a hypervisor state; allowed: running, rebooting` }).optional(),
    capabilities: closed(capability, 'a capability row (docs/protocol.md §2), any subset of its fields').optional(),
    /** Actuators commanded to a new position that have not confirmed yet. */
    actuators: z.array(z.enum(ACTUATORS, { error: (issue) => `${describe(issue.input)} is not an actuator; allowed: ${ACTUATORS.join(', ')}` })).max(ACTUATORS.length).optional(),
    /** Consecutive heartbeat periods the watchdog has counted without a heartbeat. */
    missed: z.number({ error: (issue) => `expected a count (whole number), got ${describe(issue.input)}` }).int().min(0).max(1e9).optional(),
    /** The entry this step appended to the level record. */
    record: LevelRecordEntrySchema.optional(),
  },
  'a record object {"t": <ms>, "event"|"vote"?: ..., "level"?: ..., ...}',
);

export type LogHeader = z.output<typeof LogHeaderSchema>;
/** A header as a writer gives it (defaulted keys optional). */
export type LogHeaderInput = z.input<typeof LogHeaderSchema>;
export type LogVote = z.output<typeof LogVoteSchema>;
export type LevelRecordEntry = z.output<typeof LevelRecordEntrySchema>;
export type LogRecord = z.output<typeof LogRecordSchema>;
/** What a record shows: the observation fields of {@link LogRecord}. */
export type LogObservation = Pick<LogRecord, 'level' | 'proposal' | 'hypervisor' | 'capabilities' | 'actuators' | 'missed' | 'record'>;

/** The fields of a record that are observations, in the order reports list them. */
export const OBSERVATION_FIELDS = ['level', 'proposal', 'hypervisor', 'capabilities', 'actuators', 'missed', 'record'] as const satisfies readonly (keyof LogObservation)[];

export type LogLineResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length === 2 ? '' : 's'})` : '';
  return `${path === '' ? '' : `${path}: `}${issue.message}${more}`;
}

/** Checks parsed JSON as a log header; the message names the key and what is allowed. */
export function parseLogHeader(json: unknown): LogLineResult<LogHeader> {
  const parsed = LogHeaderSchema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: firstProblem(parsed.error) };
}

/** Checks parsed JSON as a log record; the message names the key and what is allowed. */
export function parseLogRecord(json: unknown): LogLineResult<LogRecord> {
  const parsed = LogRecordSchema.safeParse(json);
  if (!parsed.success) return { ok: false, message: firstProblem(parsed.error) };
  const record = parsed.data;
  if (record.event !== undefined && record.vote !== undefined) return { ok: false, message: 'a record carries at most one stimulus: "event" or "vote", not both' };
  if (record.record?.hash !== undefined && record.record.at === undefined) return { ok: false, message: 'record: an entry with a "hash" needs the "at" it hashes' };
  return { ok: true, value: record };
}

// ---------------------------------------------------------------- signatures and the hash chain

/** The exact bytes an admin signs for a vote. */
export function voteMessage(kind: 'propose' | 'approve', voteNonce: number, from: Level, to: Level, admin: string): string {
  return `guillotine-vote/1\n${kind}\n${voteNonce}\n${from}\n${to}\n${admin}`;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 public key from the raw 32-byte base64 form policies use; null when it is not one. */
export function ed25519PublicKey(base64: string): KeyObject | null {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) return null;
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/**
 * Whether `signature` (base64) is a valid Ed25519 signature of `message` under `key`. Only the
 * canonical base64 of 64 bytes is accepted: Buffer.from skips what is not base64, so many strings
 * would otherwise decode to one signature.
 */
export function signatureValid(key: KeyObject, message: string, signature: string): boolean {
  if (typeof signature !== 'string' || typeof message !== 'string') return false;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) return false;
  try {
    return verify(null, Buffer.from(message, 'utf8'), key, bytes);
  } catch {
    return false;
  }
}

/** SHA-256 (hex) over the previous entry's hash and this entry: the link of the level record's chain. */
export function levelRecordHash(previous: string, entry: { readonly at: number; readonly from: Level; readonly to: Level; readonly cause: string; readonly nonce: number | null }): string {
  return createHash('sha256').update(`${previous}|${entry.at}|${entry.from}|${entry.to}|${entry.cause}|${entry.nonce ?? ''}`).digest('hex');
}

/**
 * The exact bytes of `spec/log.schema.json`: the input-side JSON Schema of a log line — a header
 * or a record — two-space indented, with a trailing newline.
 */
export function logSchemaText(): string {
  const schema = z.toJSONSchema(z.union([LogHeaderSchema, LogRecordSchema]), { io: 'input' });
  return JSON.stringify({ ...schema, title: `One line of a Guillotine log (${LOG_FORMAT}, docs/log-format.md): the header, then records` }, null, 2) + '\n';
}
