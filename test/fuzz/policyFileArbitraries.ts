/**
 * fast-check generators of policy *files*, bytes and all, as a careless user or an attacker writes
 * them: random JSON, valid policies with one value replaced by something hostile (huge, negative,
 * wrong type, unicode, deeply nested), keys written twice, byte-order marks, empty and truncated
 * files, binary garbage and nesting 10^5 levels deep. Each file says what it is, for the failure
 * message, and whether the loader must refuse it.
 */
import fc from 'fast-check';
import { validPolicyInput, type JsonObject } from '../spec/policyArbitraries.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface PolicyFile {
  readonly what: string;
  readonly bytes: Buffer;
  /** True when the file is bad input whatever the loader's details (a duplicate key, an empty file, ...). */
  readonly mustRefuse: boolean;
}

/** A file as fast-check prints a counterexample: what it is and its size (the bytes can be megabytes; `what` reproduces it). */
function policyFileOf(what: string, bytes: Buffer, mustRefuse: boolean): PolicyFile {
  return { what, bytes, mustRefuse, [fc.toStringMethod]: () => `${what} (${bytes.length} bytes, starting ${JSON.stringify(bytes.subarray(0, 60).toString('utf8'))})` } as PolicyFile;
}

const text = (what: string, body: string, mustRefuse: boolean): PolicyFile => policyFileOf(what, Buffer.from(body, 'utf8'), mustRefuse);

/** Numbers a policy key should never take, and those at the edges of what it may. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, 1e-300, 2 ** 53 + 2, -(2 ** 53), 2 ** 32, 2 ** 64, 1e12, 1e12 + 1, 0.001, 0.0009, 1024, 1025, 1.5),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Strings from every corner of Unicode, with lone surrogates, controls and the odd very long one. */
export const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', 'a1', 'a\u0000', '\u001b[2J\u001b[31mred', '\ud800', 'ａ１', 'a1\u200b', '𝔞1', '\u202eevil', 'x'.repeat(100_000), '__proto__', 'constructor'),
);

/** Any JSON value, hostile leaves included. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: hostileNumber },
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [[]], { admins: [] }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2000 }).map((n) => Array.from({ length: n }, (_, i) => ({ id: `a${i}` }))) },
);

/** The key paths of a JSON value, deepest first not guaranteed; `[]` is the value itself. */
function keyPaths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => keyPaths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) keyPaths(v, [...prefix, k], out);
  return out;
}

function replaceAt(value: Json, path: readonly (string | number)[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, replacement) : v));
  const object = value as { [key: string]: Json };
  return { ...object, [head as string]: replaceAt(object[head as string] ?? null, rest, replacement) };
}

/** A valid policy with one value (anywhere, the whole file included) replaced by a hostile one. */
const mutatedPolicy = validPolicyInput.chain((policy) => {
  const paths = keyPaths(policy as Json);
  return fc.tuple(fc.constantFrom(...paths), hostileValue).map(([path, value]) => text(`${JSON.stringify(path)} := ${JSON.stringify(value).slice(0, 80)}`, JSON.stringify(replaceAt(policy as Json, path, value)), false));
});

/** A valid policy with a hostile key added at the top level or in a section. */
const extraKey = fc.tuple(validPolicyInput, hostileString, fc.constantFrom('', 'quorum', 'heartbeat', 'admins.0')).map(([policy, key, where]) => {
  const copy = JSON.parse(JSON.stringify(policy)) as JsonObject;
  const target = where === '' ? copy : where === 'admins.0' ? ((copy.admins as JsonObject[])[0] as JsonObject) : (((copy[where] as JsonObject | undefined) ?? (copy[where] = {})) as JsonObject);
  // JSON.parse turns "__proto__" into an own key, as a file would; assigning it here would set the prototype instead.
  Object.defineProperty(target, key, { value: 1, enumerable: true, configurable: true, writable: true });
  return text(`extra key ${JSON.stringify(key).slice(0, 40)} in ${where || '(top level)'}`, JSON.stringify(copy), false);
});

/** Admin ids from all of Unicode (the loader allows only a small alphabet; everything else must be refused, not crash). */
const unicodeIds = fc.uniqueArray(hostileString, { minLength: 1, maxLength: 8 }).map((ids) =>
  text(`admin ids ${JSON.stringify(ids).slice(0, 80)}`, JSON.stringify({ admins: ids.map((id) => ({ id })), quorum: { escalate: 1, deescalate: 1 } }), false),
);

/** A key written twice in one object, at the top level or inside a section, with different values. */
const duplicateKey = fc.tuple(validPolicyInput, fc.constantFrom('admins', 'quorum', 'heartbeat', 'quorum.escalate', 'admins[0].id'), fc.boolean()).map(([policy, key, spaced]) => {
  const p: JsonObject = { ...policy, quorum: { escalate: 1, deescalate: 1, ...((policy.quorum as JsonObject | undefined) ?? {}) }, heartbeat: policy.heartbeat ?? { missLimit: 3 } };
  const body = (o: JsonObject, dup: string | null, value: string) =>
    '{' + Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).concat(dup === null ? [] : [`${JSON.stringify(dup)}:${value}`]).join(spaced ? ', ' : ',') + '}';
  const admins = p.admins as JsonObject[];
  const quorum = p.quorum as JsonObject;
  let out: string;
  if (key === 'quorum.escalate') out = body({ ...p, quorum: '@Q@' } as unknown as JsonObject, null, '').replace('"@Q@"', () => body(quorum, 'escalate', '1'));
  else if (key === 'admins[0].id') out = body({ ...p, admins: '@A@' } as unknown as JsonObject, null, '').replace('"@A@"', () => '[' + [body(admins[0]!, 'id', '"zz"'), ...admins.slice(1).map((a) => JSON.stringify(a))].join(',') + ']');
  else out = body(Object.fromEntries(Object.entries(p).filter(([k]) => k !== key)) as JsonObject, key, JSON.stringify(p[key]));
  // The duplicate must really be a duplicate: the first occurrence is there too.
  if (key === 'admins' || key === 'quorum' || key === 'heartbeat') out = `{${JSON.stringify(key)}:${JSON.stringify(p[key])},` + out.slice(1);
  return text(`key ${key} written twice`, out, true);
});

/** Arrays nested `depth` deep in place of the whole file, of admins, of a section or of an id. */
const deepNesting = fc.tuple(fc.constantFrom(1_000, 100_000), fc.constantFrom('file', 'admins', 'quorum', 'id', '$schema', 'object-chain')).map(([depth, where]) => {
  const deep = where === 'object-chain' ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
  const body =
    where === 'file' ? deep
    : where === 'admins' ? `{"admins":${deep}}`
    : where === 'quorum' ? `{"admins":[{"id":"a1"}],"quorum":${deep}}`
    : where === 'id' ? `{"admins":[{"id":${deep}}]}`
    : `{"admins":[{"id":"a1"}],"quorum":{"escalate":1,"deescalate":1},"$schema":${deep}}`;
  return text(`${depth} levels of nesting at ${where}`, body, true);
});

const bom = fc.tuple(fc.oneof(validPolicyInput.map((p) => JSON.stringify(p)), fc.constantFrom('', '{}', '[]', '\uFEFF{}')), fc.constantFrom('\uFEFF', '\uFEFF\uFEFF', ' \uFEFF')).map(([body, mark]) =>
  text(`${JSON.stringify(mark)} before ${body.slice(0, 40)}`, mark + body, mark !== '\uFEFF' || body === '' || !body.startsWith('{"admins"')),
);

const emptyish = fc.constantFrom('', ' ', '\n', '\t\r\n', '\uFEFF', 'null', '0', '""', '[]', '{}', 'true').map((body) => text(`the file ${JSON.stringify(body)}`, body, true));

const truncated = fc.tuple(validPolicyInput, fc.double({ min: 0, max: 0.999, noNaN: true })).map(([policy, at]) => {
  const full = JSON.stringify(policy, null, 2);
  const cut = full.slice(0, Math.floor(full.length * at));
  return text(`the first ${cut.length} of ${full.length} characters of a valid policy`, cut, true);
});

const garbage = fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((bytes) => policyFileOf(`random bytes ${Buffer.from(bytes).toString('hex').slice(0, 80)}`, Buffer.from(bytes), false));

const randomJson = fc.jsonValue({ maxDepth: 6 }).map((v) => text(`random JSON ${JSON.stringify(v).slice(0, 80)}`, JSON.stringify(v), false));

/** Every kind of policy file above, valid policies (so accepted files are exercised too) among them. */
export const policyFile: fc.Arbitrary<PolicyFile> = fc.oneof(
  { weight: 1, arbitrary: validPolicyInput.map((p) => text('a valid policy', JSON.stringify(p, null, 2), false)) },
  { weight: 4, arbitrary: mutatedPolicy },
  { weight: 1, arbitrary: extraKey },
  { weight: 1, arbitrary: unicodeIds },
  { weight: 2, arbitrary: duplicateKey },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: bom },
  { weight: 1, arbitrary: emptyish },
  { weight: 1, arbitrary: truncated },
  { weight: 1, arbitrary: garbage },
  { weight: 1, arbitrary: randomJson },
);
