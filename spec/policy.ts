/**
 * The Guillotine policy: who may change the isolation level, with which quorums, and what the
 * fail-safes do (docs/protocol.md §3, §6). One zod definition is the single source of the policy's
 * shape: it validates policy files, fills in defaults, gives the TypeScript type, and generates
 * `spec/policy.schema.json` for editors.
 *
 * Well-formed but unsafe policies (a de-escalation quorum of 3, no irreversible levels, a detector
 * allowed to destroy) load fine: judging them is the checker's job, not the loader's.
 */
import { z } from 'zod';
import { LEVELS, levelIndex, type Level } from './levels.ts';
// One quoting of user text for every message: short, and nothing a terminal would act on.
import { quoted } from './terminalText.ts';

export { quoted } from './terminalText.ts';

/** A closed object: an unknown key is an error that lists the keys allowed there. */
function closed<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.slice(0, 5).map((key) => quoted(key)).join(', ')}${issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : ''}; allowed keys: ${allowed}`
        : // Stryker disable next-line ConditionalExpression: with zod 4.6.7 only the strict object's own invalid_type and unrecognized_keys issues reach this function; every other issue carries its own message
          issue.code === 'invalid_type'
          ? `expected an object with keys ${allowed}, got ${describe(issue.input)}`
          : undefined,
  });
}

/** A value a user wrote, in words, for a message that says what was expected instead. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${quoted(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

const levelName = z.enum(LEVELS, {
  error: (issue) => `${describe(issue.input)} is not an isolation level; allowed: ${LEVELS.join(', ')}`,
});

function integer(min: number, max: number, what: string) {
  return z
    .number({ error: (issue) => `expected ${what}, got ${describe(issue.input)}` })
    .int({ error: (issue) => `expected ${what}, got ${describe(issue.input)}` })
    .min(min, { error: (issue) => `${describe(issue.input)} is too small; allowed: ${what}` })
    .max(max, { error: (issue) => `${describe(issue.input)} is too large; allowed: ${what}` });
}

/**
 * A duration: at least one microsecond (the simulator's clock step) and at most 1e12 units.
 * A shorter time cannot mean anything there: a heartbeat period of 1e-300 ms never advanced the
 * simulated clock, and `simulate`, `review` and `report` hung on it.
 */
function duration(unit: 'seconds' | 'milliseconds') {
  const smallest = unit === 'seconds' ? 1e-6 : 1e-3;
  const what = `a positive number of ${unit}`;
  return z
    .number({ error: (issue) => `expected ${what}, got ${describe(issue.input)}` })
    .min(smallest, { error: (issue) => `${describe(issue.input)} is too small; allowed: ${what} from ${smallest} (one microsecond, the simulator's clock step) up to 1e12` })
    .max(1e12, { error: (issue) => `${describe(issue.input)} is too large; allowed: ${what} up to 1e12` });
}

/** The most administrators a policy may list (the checker's state encodings are sized for this). */
export const MAX_ADMINS = 16384;

const ADMIN_ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const ED25519_PUBLIC_KEY = /^[A-Za-z0-9+/]{43}=$/;

const adminSchema = closed({
  id: z
    .string({ error: (issue) => `expected an admin id (string), got ${describe(issue.input)}` })
    .regex(ADMIN_ID, { error: (issue) => `${describe(issue.input)} is not a valid admin id; allowed: 1 to 64 characters from A-Z a-z 0-9 _ . @ -, starting with a letter or digit` }),
  publicKey: z
    .string({ error: (issue) => `expected a base64 Ed25519 public key, got ${describe(issue.input)}` })
    .regex(ED25519_PUBLIC_KEY, { error: () => 'expected the base64 encoding of a raw 32-byte Ed25519 public key (44 characters ending in "=")' })
    .optional(),
});

/** The default policy of docs/protocol.md §6, used for every key a policy file leaves out. */
export const POLICY_DEFAULTS = {
  quorum: { escalate: 3, deescalate: 5, timeoutSeconds: 600, onTimeout: 'restrictive' },
  deescalation: { maxStep: 1 },
  irreversible: ['decapitation', 'immolation'],
  heartbeat: { periodMs: 1000, missLimit: 3 },
  detector: { maxLevel: 'offline' },
  faults: { rebootLevel: 'offline' },
  actuators: { confirmDeadlineMs: 500, escalateOnFailureUpTo: 'offline' },
} as const;

/** The policy file's shape (docs/protocol.md §6). Every key but `admins` may be left out. */
export const PolicySchema = closed({
  $schema: z.string().optional(),
  admins: z
    .array(adminSchema, { error: (issue) => `expected a list of admins like [{"id": "a1"}], got ${describe(issue.input)}` })
    .min(1, { error: 'a policy needs at least one admin' })
    .max(MAX_ADMINS, { error: `at most ${MAX_ADMINS} admins are supported` }),
  quorum: closed({
    escalate: integer(1, MAX_ADMINS, 'an integer from 1 to the number of admins').default(POLICY_DEFAULTS.quorum.escalate),
    deescalate: integer(1, MAX_ADMINS, 'an integer from 1 to the number of admins').default(POLICY_DEFAULTS.quorum.deescalate),
    timeoutSeconds: duration('seconds').default(POLICY_DEFAULTS.quorum.timeoutSeconds),
    onTimeout: z
      .enum(['restrictive', 'unchanged'], { error: (issue) => `${describe(issue.input)} is not allowed; allowed: "restrictive", "unchanged"` })
      .default(POLICY_DEFAULTS.quorum.onTimeout),
  }).prefault({}),
  deescalation: closed({
    maxStep: integer(1, LEVELS.length - 1, `an integer from 1 to ${LEVELS.length - 1}`).default(POLICY_DEFAULTS.deescalation.maxStep),
  }).prefault({}),
  irreversible: z
    .array(levelName, { error: (issue) => `expected a list of level names, got ${describe(issue.input)}` })
    .refine((levels) => new Set(levels).size === levels.length, { error: 'a level is listed twice' })
    .default([...POLICY_DEFAULTS.irreversible]),
  heartbeat: closed({
    periodMs: duration('milliseconds').default(POLICY_DEFAULTS.heartbeat.periodMs),
    missLimit: integer(1, 1000, 'an integer from 1 to 1000').default(POLICY_DEFAULTS.heartbeat.missLimit),
  }).prefault({}),
  detector: closed({ maxLevel: levelName.default(POLICY_DEFAULTS.detector.maxLevel) }).prefault({}),
  faults: closed({ rebootLevel: levelName.default(POLICY_DEFAULTS.faults.rebootLevel) }).prefault({}),
  actuators: closed({
    confirmDeadlineMs: duration('milliseconds').default(POLICY_DEFAULTS.actuators.confirmDeadlineMs),
    escalateOnFailureUpTo: levelName.default(POLICY_DEFAULTS.actuators.escalateOnFailureUpTo),
  }).prefault({}),
}).superRefine((policy, ctx) => {
  // Constraints between keys, which no per-key schema can express.
  const seen = new Map<string, number>();
  policy.admins.forEach((admin, i) => {
    const first = seen.get(admin.id);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['admins', i, 'id'], message: `duplicate admin id ${JSON.stringify(admin.id)} (also admins[${first}]); every admin needs a distinct id` });
    } else seen.set(admin.id, i);
  });
  // Admins who share a signing key are one signer: a quorum of "distinct approvals" would be a lie.
  const keyHolders = new Map<string, number>();
  policy.admins.forEach((admin, i) => {
    if (admin.publicKey === undefined) return;
    const first = keyHolders.get(admin.publicKey);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['admins', i, 'publicKey'], message: `the same publicKey as admins[${first}]; every admin needs a key of their own, or distinct approvals could come from one key holder` });
    } else keyHolders.set(admin.publicKey, i);
  });
  const n = policy.admins.length;
  // With no admins the list itself is the problem (already reported); "from 1 to 0" would only confuse.
  if (n === 0) return;
  for (const key of ['escalate', 'deescalate'] as const) {
    if (policy.quorum[key] > n) {
      ctx.addIssue({ code: 'custom', path: ['quorum', key], message: `${policy.quorum[key]} is larger than the number of admins (${n}); allowed: an integer from 1 to ${n}` });
    }
  }
});

/** A policy after validation, with every default filled in. */
export type Policy = z.output<typeof PolicySchema>;
/** A policy as written in a file: everything but `admins` optional. */
export type PolicyInput = z.input<typeof PolicySchema>;
export type Admin = Policy['admins'][number];

/** One problem with a policy file, located by its key path (for example `quorum.escalate`). */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
}

export type PolicyResult = { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

/** Renders a zod issue path as `quorum.escalate` or `admins[2].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out === '' ? '(top level)' : out;
}

/** The most problems one policy reports one by one. */
const MAX_PROBLEMS = 10;

/** Validates already-parsed JSON as a policy, filling defaults. Never throws. At most {@link MAX_PROBLEMS} problems are named, then counted. */
export function parsePolicy(input: unknown): PolicyResult {
  const result = PolicySchema.safeParse(input);
  if (result.success) return { ok: true, policy: result.data };
  const problems = result.error.issues.slice(0, MAX_PROBLEMS).map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  // A list of 2,000 wrong values would be 2,000 lines: the first ones show the mistake, the rest are counted.
  const more = result.error.issues.length - problems.length;
  if (more > 0) problems.push({ path: '(file)', message: `and ${more} more problem${more === 1 ? '' : 's'} (${result.error.issues.length} in all)` });
  return { ok: false, problems };
}

/** The embedded default policy: seven admins a1..a7 and every default of docs/protocol.md §6. */
export const DEFAULT_POLICY: Policy = (() => {
  const parsed = parsePolicy({ admins: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id) => ({ id })) });
  // Stryker disable next-line StringLiteral: the message for an invalid embedded default policy: it is valid, or no module would load
  if (!parsed.ok) throw new Error('the embedded default policy is invalid: ' + JSON.stringify(parsed.problems));
  return parsed.policy;
})();

/** A policy with `n` admins named a1..an and the default quorums scaled to keep their ratio to 7. */
export function scaledPolicy(n: number, overrides: Partial<Omit<PolicyInput, 'admins'>> = {}): Policy {
  const escalate = Math.max(1, Math.ceil((3 * n) / 7));
  const deescalate = Math.max(Math.floor(n / 2) + 1, Math.ceil((5 * n) / 7));
  const parsed = parsePolicy({
    admins: Array.from({ length: n }, (_, i) => ({ id: `a${i + 1}` })),
    quorum: { escalate, deescalate },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(`scaledPolicy(${n}) is invalid: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return parsed.policy;
}

/** Whether a level is irreversible under a policy. */
export function isIrreversible(policy: Policy, level: Level): boolean {
  return policy.irreversible.includes(level);
}

/** The quorum a proposal from one level to another needs. */
export function quorumFor(policy: Policy, from: Level, to: Level): number {
  return levelIndex(to) > levelIndex(from) ? policy.quorum.escalate : policy.quorum.deescalate;
}

const adminIdCache = new WeakMap<Policy, readonly string[]>();

/** Admin ids in policy order (the order every enumeration of events uses). Cached: it is on the checker's hot path. */
export function adminIds(policy: Policy): readonly string[] {
  let ids = adminIdCache.get(policy);
  // Stryker disable next-line ConditionalExpression: the cache only saves work: without it each call builds an equal frozen list
  if (ids === undefined) adminIdCache.set(policy, (ids = Object.freeze(policy.admins.map((a) => a.id))));
  return ids;
}
