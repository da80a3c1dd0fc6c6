/**
 * fast-check generators of policy files as users write them (docs/protocol.md §6): valid ones with
 * random admin counts and ids, quorums in range, random levels and random optional keys left out;
 * and invalid ones made from a valid one by breaking exactly one thing, each labelled with the key
 * path a good error message must name.
 */
import fc from 'fast-check';
import { LEVELS } from '../../spec/levels.ts';
import { POLICY_DEFAULTS } from '../../spec/policy.ts';
export { SEED } from '../seed.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const level = fc.constantFrom(...LEVELS);
const adminId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,20}$/);
const publicKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('base64'));
/** Positive numbers as JSON can carry them: small integers, fractions, and large values near the 1e12 cap. */
const positive = fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 1e-3, max: 1e12, noNaN: true, noDefaultInfinity: true }));

/**
 * A valid policy file. The default quorums (3 and 5) only fit from 3 and 5 admins on, so with
 * fewer admins the generator always writes the quorum it needs; every other key may be left out.
 */
export const validPolicyInput: fc.Arbitrary<JsonObject> = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record(
    {
      admins: fc.uniqueArray(fc.record({ id: adminId, publicKey }, { requiredKeys: ['id'] }), { minLength: n, maxLength: n, selector: (a) => a.id }),
      quorum: fc.record(
        {
          escalate: fc.integer({ min: 1, max: n }),
          deescalate: fc.integer({ min: 1, max: n }),
          timeoutSeconds: positive,
          onTimeout: fc.constantFrom('restrictive', 'unchanged'),
        },
        { requiredKeys: [...(n < POLICY_DEFAULTS.quorum.escalate ? ['escalate' as const] : []), ...(n < POLICY_DEFAULTS.quorum.deescalate ? ['deescalate' as const] : [])] },
      ),
      deescalation: fc.record({ maxStep: fc.integer({ min: 1, max: LEVELS.length - 1 }) }, { requiredKeys: [] }),
      irreversible: fc.shuffledSubarray([...LEVELS]),
      heartbeat: fc.record({ periodMs: positive, missLimit: fc.integer({ min: 1, max: 1000 }) }, { requiredKeys: [] }),
      detector: fc.record({ maxLevel: level }, { requiredKeys: [] }),
      faults: fc.record({ rebootLevel: level }, { requiredKeys: [] }),
      actuators: fc.record({ confirmDeadlineMs: positive, escalateOnFailureUpTo: level }, { requiredKeys: [] }),
    },
    { requiredKeys: n < POLICY_DEFAULTS.quorum.deescalate ? ['admins', 'quorum'] : ['admins'] },
  )
  // What JSON.parse gives: plain objects (fast-check builds null-prototype records).
  .map((policy) => JSON.parse(JSON.stringify(policy)) as JsonObject),
);

/**
 * What loading a valid file must give, written out key by key from §6's defaults (a deliberately
 * naive model of the loader, not a call to it).
 */
export function expectedPolicy(input: JsonObject): JsonObject {
  const d = POLICY_DEFAULTS;
  const section = (key: keyof typeof POLICY_DEFAULTS & string): Json => ({ ...(d[key] as JsonObject), ...((input[key] as JsonObject | undefined) ?? {}) });
  return {
    admins: input.admins!,
    quorum: section('quorum'),
    deescalation: section('deescalation'),
    irreversible: input.irreversible ?? [...d.irreversible],
    heartbeat: section('heartbeat'),
    detector: section('detector'),
    faults: section('faults'),
    actuators: section('actuators'),
  };
}

/** A policy file with exactly one thing wrong, and the key path the message must name. */
export interface BrokenPolicy {
  readonly input: JsonObject;
  /** The key path as the loader prints it: `quorum.escalate`, `admins[2].id`, `(top level)`. */
  readonly path: string;
  /** What was broken, for the failure message. */
  readonly what: string;
  /** What the message must say besides the path (what is wrong, or what is allowed). */
  readonly mention: RegExp;
}

type Section = 'quorum' | 'deescalation' | 'heartbeat' | 'detector' | 'faults' | 'actuators';
type Leaf = { readonly section: Section; readonly key: string; readonly kind: 'integer' | 'positive' | 'level' | 'onTimeout' };

const LEAVES: readonly Leaf[] = [
  { section: 'quorum', key: 'escalate', kind: 'integer' },
  { section: 'quorum', key: 'deescalate', kind: 'integer' },
  { section: 'quorum', key: 'timeoutSeconds', kind: 'positive' },
  { section: 'quorum', key: 'onTimeout', kind: 'onTimeout' },
  { section: 'deescalation', key: 'maxStep', kind: 'integer' },
  { section: 'heartbeat', key: 'periodMs', kind: 'positive' },
  { section: 'heartbeat', key: 'missLimit', kind: 'integer' },
  { section: 'detector', key: 'maxLevel', kind: 'level' },
  { section: 'faults', key: 'rebootLevel', kind: 'level' },
  { section: 'actuators', key: 'confirmDeadlineMs', kind: 'positive' },
  { section: 'actuators', key: 'escalateOnFailureUpTo', kind: 'level' },
];

const ALLOWED_KEYS: Readonly<Record<Section | '(top level)', readonly string[]>> = {
  '(top level)': ['$schema', 'admins', 'quorum', 'deescalation', 'irreversible', 'heartbeat', 'detector', 'faults', 'actuators'],
  quorum: ['escalate', 'deescalate', 'timeoutSeconds', 'onTimeout'],
  deescalation: ['maxStep'],
  heartbeat: ['periodMs', 'missLimit'],
  detector: ['maxLevel'],
  faults: ['rebootLevel'],
  actuators: ['confirmDeadlineMs', 'escalateOnFailureUpTo'],
};

/** The input with `section.key` set to `value` (the section created if the file left it out). */
function withLeaf(input: JsonObject, section: Section, key: string, value: Json): JsonObject {
  return { ...input, [section]: { ...((input[section] as JsonObject | undefined) ?? {}), [key]: value } };
}

/** A value of the wrong JSON type for a leaf of this kind. */
function wrongTypeValue(kind: Leaf['kind']): fc.Arbitrary<Json> {
  const numeric = kind === 'integer' || kind === 'positive';
  return fc.oneof(
    numeric ? fc.integer({ min: 1, max: 9 }).map(String) : fc.integer({ min: 0, max: 5 }),
    fc.constant(null),
    fc.boolean(),
    fc.constant<Json>([]),
    fc.constant<Json>({}),
  );
}

/** An out-of-range value for a numeric leaf, given the number of admins. */
function outOfRange(leaf: Leaf, admins: number): fc.Arbitrary<Json> {
  if (leaf.kind === 'positive') return fc.oneof(fc.constant(0), fc.integer({ min: -1_000_000, max: -1 }), fc.double({ min: 1.5e12, max: 1e300, noNaN: true, noDefaultInfinity: true }));
  const max = leaf.section === 'quorum' ? admins : leaf.key === 'maxStep' ? LEVELS.length - 1 : 1000;
  return fc.oneof(fc.constant(0), fc.integer({ min: -100, max: -1 }), fc.integer({ min: max + 1, max: max + 50 }), fc.constantFrom(1.5, 2.25));
}

/** A regular expression matching `text` literally. */
const literal = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const ALLOWED_LEVELS = literal(`allowed: ${LEVELS.join(', ')}`);

/** A string that is not a level name (and not one in another case, which would look valid to a reader). */
const notALevel = fc.string({ minLength: 0, maxLength: 12 }).filter((s) => !(LEVELS as readonly string[]).includes(s));
// Built once: fast-check compiles a regular expression into an arbitrary, which is slow to redo per run.
const keyName = fc.stringMatching(/^[a-zA-Z$][a-zA-Z0-9]{0,12}$/);
const NOT_A_KEY = Object.fromEntries(Object.entries(ALLOWED_KEYS).map(([section, keys]) => [section, keyName.filter((k) => !keys.includes(k))])) as Record<Section | '(top level)', fc.Arbitrary<string>>;
const notAKey = (section: Section | '(top level)') => NOT_A_KEY[section];
const notAnAdminKey = keyName.filter((k) => k !== 'id' && k !== 'publicKey');

/** A valid policy with exactly one thing broken: a wrong type, an out-of-range number, an unknown key, an unknown level, a duplicate id. */
export const brokenPolicy: fc.Arbitrary<BrokenPolicy> = validPolicyInput.chain((input) => {
  const admins = input.admins as JsonObject[];
  const n = admins.length;
  const leaf = fc.constantFrom(...LEAVES);
  const wrongType = leaf.chain((l) =>
    wrongTypeValue(l.kind).map((v): BrokenPolicy => ({ input: withLeaf(input, l.section, l.key, v), path: `${l.section}.${l.key}`, what: `wrong type ${JSON.stringify(v)}`, mention: /expected |allowed: / })),
  );
  const range = fc.constantFrom(...LEAVES.filter((l) => l.kind === 'integer' || l.kind === 'positive')).chain((l) =>
    outOfRange(l, n).map((v): BrokenPolicy => ({ input: withLeaf(input, l.section, l.key, v), path: `${l.section}.${l.key}`, what: `out of range ${JSON.stringify(v)}`, mention: /allowed: |expected an integer/ })),
  );
  const enumValue = fc.constantFrom(...LEAVES.filter((l) => l.kind === 'level' || l.kind === 'onTimeout')).chain((l) =>
    notALevel.map((v): BrokenPolicy => ({ input: withLeaf(input, l.section, l.key, v), path: `${l.section}.${l.key}`, what: `unknown value ${JSON.stringify(v)}`, mention: l.kind === 'level' ? ALLOWED_LEVELS : /allowed: "restrictive", "unchanged"/ })),
  );
  const irreversibleLevel = fc.tuple(notALevel, fc.nat()).map(([v, at]): BrokenPolicy => {
    const list = [...((input.irreversible as string[] | undefined) ?? [])];
    const i = at % (list.length + 1);
    list.splice(i, 0, v);
    return { input: { ...input, irreversible: list }, path: `irreversible[${i}]`, what: `unknown level ${JSON.stringify(v)}`, mention: ALLOWED_LEVELS };
  });
  const topKey = notAKey('(top level)').map((k): BrokenPolicy => ({ input: { ...input, [k]: 1 }, path: '(top level)', what: `unknown key ${k}`, mention: literal(`unknown key ${JSON.stringify(k)}`) }));
  const nestedKey = fc.constantFrom(...(Object.keys(ALLOWED_KEYS).filter((s) => s !== '(top level)') as Section[])).chain((s) =>
    notAKey(s).map((k): BrokenPolicy => ({ input: withLeaf(input, s, k, 1), path: s, what: `unknown key ${s}.${k}`, mention: literal(`unknown key ${JSON.stringify(k)}; allowed keys: ${ALLOWED_KEYS[s].join(', ')}`) })),
  );
  const adminKey = fc.tuple(fc.nat({ max: n - 1 }), notAnAdminKey).map(([i, k]): BrokenPolicy => ({
    input: { ...input, admins: admins.map((a, j) => (j === i ? { ...a, [k]: 'x' } : a)) },
    path: `admins[${i}]`,
    what: `unknown admin key ${k}`,
    mention: literal(`unknown key ${JSON.stringify(k)}; allowed keys: id, publicKey`),
  }));
  // A duplicate is a copy of an earlier admin's id put in place of a later one's: the later index is the one to name.
  const duplicate =
    n < 2
      ? fc.constant<BrokenPolicy>({ input: { ...input, admins: [...admins, { id: admins[0]!.id! }] }, path: 'admins[1].id', what: 'duplicate id', mention: /duplicate admin id .*\(also admins\[0\]\)/ })
      : fc.tuple(fc.nat({ max: n - 2 }), fc.nat()).map(([i, d]): BrokenPolicy => {
          const j = i + 1 + (d % (n - 1 - i));
          return { input: { ...input, admins: admins.map((a, k) => (k === j ? { ...a, id: admins[i]!.id! } : a)) }, path: `admins[${j}].id`, what: `duplicate id of admins[${i}]`, mention: literal(`duplicate admin id ${JSON.stringify(admins[i]!.id)} (also admins[${i}])`) };
        });
  return fc.oneof(wrongType, range, enumValue, irreversibleLevel, topKey, nestedKey, adminKey, duplicate);
});
