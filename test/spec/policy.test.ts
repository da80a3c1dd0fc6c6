import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DEFAULT_POLICY, MAX_ADMINS, parsePolicy, quorumFor, quoted, scaledPolicy, type Policy, type PolicyProblem } from '../../spec/policy.ts';
import { LEVELS } from '../../spec/levels.ts';
import { loadPolicyFile, parsePolicyText } from '../../spec/loadPolicy.ts';
import { brokenPolicy, expectedPolicy, SEED, validPolicyInput } from './policyArbitraries.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function loaded(input: unknown): Policy {
  const result = parsePolicy(input);
  if (!result.ok) assert.fail(`expected a valid policy, got: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return result.policy;
}

describe('spec/policy: the default policy is the one of docs/protocol.md §6', () => {
  it('reads the §6 policy file, written out in full, as DEFAULT_POLICY', () => {
    const result = loadPolicyFile(fixture('policies/default.json'));
    assert.ok(result.ok);
    assert.deepEqual(result.policy, DEFAULT_POLICY);
  });

  it('fills every key but admins from the defaults: seven admins alone give DEFAULT_POLICY', () => {
    const result = loadPolicyFile(fixture('policies/minimal.json'));
    assert.ok(result.ok);
    const { $schema, ...rest } = result.policy;
    assert.equal($schema, '../../../spec/policy.schema.json', 'a $schema key is accepted, for editors');
    assert.deepEqual(rest, DEFAULT_POLICY);
  });

  it('has the numbers of §3: 7 admins, 3 to escalate, 5 to de-escalate, 10 minutes, restrictive timeout, 3 missed heartbeats', () => {
    assert.deepEqual(DEFAULT_POLICY.admins.map((a) => a.id), ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']);
    assert.deepEqual(DEFAULT_POLICY.quorum, { escalate: 3, deescalate: 5, timeoutSeconds: 600, onTimeout: 'restrictive' });
    assert.deepEqual(DEFAULT_POLICY.irreversible, ['decapitation', 'immolation']);
    assert.equal(DEFAULT_POLICY.heartbeat.missLimit, 3);
    assert.equal(DEFAULT_POLICY.detector.maxLevel, 'offline');
    assert.equal(DEFAULT_POLICY.faults.rebootLevel, 'offline');
    assert.equal(DEFAULT_POLICY.actuators.escalateOnFailureUpTo, 'offline');
  });

  it('reads a file saved with a UTF-8 byte-order mark, as some editors write them', () => {
    const result = loadPolicyFile(fixture('policies/byte-order-mark.json'));
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.deepEqual(result.policy, DEFAULT_POLICY);
  });

  it('loads a well-formed but unsafe policy: judging it is the checker\'s job, not the loader\'s', () => {
    const result = loadPolicyFile(fixture('policies/unsafe.json'));
    assert.ok(result.ok, 'an unsafe policy is not bad input');
    assert.equal(result.policy.quorum.deescalate, 3);
    assert.deepEqual(result.policy.irreversible, []);
  });

  it('scales the default quorums to n admins, keeping de-escalation a strict majority', () => {
    for (let n = 1; n <= 20; n++) {
      const p = scaledPolicy(n);
      assert.equal(p.admins.length, n);
      assert.ok(p.quorum.escalate >= 1 && p.quorum.escalate <= n, `escalate for n=${n}`);
      assert.ok(2 * p.quorum.deescalate > n && p.quorum.deescalate <= n, `deescalate for n=${n}`);
      assert.ok(p.quorum.escalate + p.quorum.deescalate > n, `the quorums of n=${n} intersect`);
    }
    assert.deepEqual(scaledPolicy(7), DEFAULT_POLICY);
  });

  it(`accepts up to ${MAX_ADMINS} admins and refuses one more, naming admins`, () => {
    const admins = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `admin${i}` }));
    assert.ok(parsePolicy({ admins: admins(MAX_ADMINS) }).ok);
    const over = parsePolicy({ admins: admins(MAX_ADMINS + 1) });
    assert.ok(!over.ok);
    assert.deepEqual(over.problems.map((p) => p.path), ['admins']);
  });

  it('reports a JSON syntax error as a problem of the file instead of throwing', () => {
    const result = parsePolicyText('{"admins": [}', 'policy file "x.json"');
    assert.ok(!result.ok);
    assert.equal(result.problems[0]!.path, '(file)');
    assert.match(result.problems[0]!.message, /^policy file "x\.json" is not valid JSON: ./);
  });
});

describe(`spec/policy: random policies load, fill defaults and round-trip (fast-check seed ${SEED})`, () => {
  it(`loads every valid policy with defaults filled for omitted keys (seed ${SEED})`, () => {
    fc.assert(
      fc.property(validPolicyInput, (input) => {
        assert.deepEqual(loaded(input), expectedPolicy(input));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it(`round-trips a loaded policy through JSON unchanged, and loading is idempotent (seed ${SEED})`, () => {
    fc.assert(
      fc.property(validPolicyInput, (input) => {
        const policy = loaded(input);
        assert.deepEqual(loaded(JSON.parse(JSON.stringify(policy))), policy);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it(`refuses every policy with one thing broken, naming exactly its key path (seed ${SEED})`, () => {
    fc.assert(
      fc.property(brokenPolicy, ({ input, path, what, mention }) => {
        const result = parsePolicy(JSON.parse(JSON.stringify(input)));
        assert.ok(!result.ok, `${what} at ${path} was accepted`);
        assert.deepEqual(result.problems.map((p) => p.path), [path], `${what}: ${JSON.stringify(result.problems)}`);
        assert.match(result.problems[0]!.message, mention, what);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

/** Seven valid admins, so that the one thing a test breaks is the only problem reported. */
const SEVEN = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id) => ({ id }));

/** The problems of an input that must be refused (called inside each `it`, so a mutant is active). */
function problems(input: unknown): readonly PolicyProblem[] {
  const result = parsePolicy(input);
  if (result.ok) assert.fail(`expected ${JSON.stringify(input).slice(0, 200)} to be refused`);
  return result.problems;
}

/** The one problem of an input with exactly one thing wrong: its path and message. */
function theProblem(input: unknown): PolicyProblem {
  const all = problems(input);
  assert.equal(all.length, 1, `expected one problem, got ${JSON.stringify(all)}`);
  return all[0]!;
}

/**
 * Any character, but often one of the controls or line separators: uniform code points would
 * almost never hit them (and fast-check's 'binary' unit is slow to build).
 */
const character = fc.oneof(fc.integer({ min: 0, max: 0xa0 }), fc.integer({ min: 0x2020, max: 0x202f }), fc.integer({ min: 0, max: 0x10ffff })).map((c) => String.fromCodePoint(c));

/** Characters that act on a terminal or break a line when printed: C0, DEL, C1, U+2028/2029. */
const TERMINAL_ACTIVE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe('spec/policy: a bad policy file gets one clear message per problem (docs/protocol.md §6: name what is wrong and what is allowed)', () => {
  it('names up to five unknown keys, counts the rest, and lists the keys allowed there', () => {
    const seven = theProblem({ admins: SEVEN, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1 });
    assert.equal(seven.path, '(top level)');
    assert.match(seven.message, /^unknown key "k1", "k2", "k3", "k4", "k5" and 2 more; allowed keys: \$schema, admins, quorum, /);
    assert.doesNotMatch(seven.message, /k6|k7/, 'keys past the fifth are counted, not listed');
    // Exactly five: all named, and no "and 0 more".
    const five = theProblem({ admins: SEVEN, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1 });
    assert.match(five.message, /^unknown key "k1", "k2", "k3", "k4", "k5"; allowed keys: /);
    assert.doesNotMatch(five.message, /more/);
    const six = theProblem({ admins: SEVEN, quorum: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 } });
    assert.equal(six.path, 'quorum');
    assert.match(six.message, /"e" and 1 more; allowed keys: escalate, deescalate, timeoutSeconds, onTimeout$/);
  });

  it('quotes a 100,000-character unknown key cut to 40 characters, so the message stays one readable line', () => {
    const key = 'k'.repeat(100_000);
    const { message } = theProblem({ admins: SEVEN, [key]: 1 });
    assert.ok(message.includes(`"${'k'.repeat(40)}…"`), message.slice(0, 200));
    assert.ok(message.length < 300, `a message of ${message.length} characters`);
  });

  it(`quotes user text so that it reads back as JSON, at most 40 characters of it, with nothing a terminal would act on (seed ${SEED})`, () => {
    // The boundary by hand (40 kept whole, 41 cut), then random text with control characters.
    for (const text of ['', 'a'.repeat(40), 'a'.repeat(41), '\u001b[2J\u007f\u009b\u2028\u2029 end']) {
      const out = quoted(text);
      assert.equal(JSON.parse(out), text.length > 40 ? text.slice(0, 40) + '…' : text, JSON.stringify(out));
      assert.doesNotMatch(out, TERMINAL_ACTIVE, JSON.stringify(out));
    }
    assert.equal(quoted('a'.repeat(41)), `"${'a'.repeat(40)}…"`);
    assert.equal(quoted('\u007f\u009b\u2028'), '"\\u007f\\u009b\\u2028"', 'escaped as \\u with four hex digits');
    fc.assert(
      fc.property(fc.string({ unit: character, maxLength: 60 }), (text) => {
        const out = quoted(text);
        assert.equal(JSON.parse(out), text.length > 40 ? text.slice(0, 40) + '…' : text);
        assert.doesNotMatch(out, TERMINAL_ACTIVE);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('says what was found instead of the expected value: null, a boolean and its value, an object', () => {
    assert.match(theProblem({ admins: null }).message, /^expected a list of admins like .*, got null$/);
    const wrong = problems({ admins: SEVEN, quorum: { escalate: true, deescalate: { n: 5 } } });
    assert.deepEqual(wrong.map((p) => p.path), ['quorum.escalate', 'quorum.deescalate']);
    assert.match(wrong[0]!.message, /^expected an integer from 1 to the number of admins, got boolean true$/);
    // An object is named as such, never printed as JavaScript's "[object Object]".
    assert.match(wrong[1]!.message, /, got object$/);
    assert.match(theProblem({ admins: SEVEN, heartbeat: { missLimit: false } }).message, /got boolean false$/);
  });

  it('names a bad admin id or public key by its admin, with what is allowed', () => {
    const all = problems({ admins: [{ id: 5, publicKey: 7 }, { id: '-bad', publicKey: 'abc' }, ...SEVEN] });
    assert.deepEqual(all.map((p) => p.path), ['admins[0].id', 'admins[0].publicKey', 'admins[1].id', 'admins[1].publicKey']);
    assert.match(all[0]!.message, /admin id \(string\), got number 5$/);
    assert.match(all[1]!.message, /Ed25519 public key, got number 7$/);
    assert.match(all[2]!.message, /^the string "-bad" is not a valid admin id; allowed: 1 to 64 characters .*starting with a letter or digit$/);
    assert.match(all[3]!.message, /32-byte Ed25519 public key \(44 characters ending in "="\)/);
  });

  it('refuses an irreversible list that is not a list, or lists a level twice', () => {
    const notAList = theProblem({ admins: SEVEN, irreversible: 'offline' });
    assert.equal(notAList.path, 'irreversible');
    assert.match(notAList.message, /^expected a list of level names, got the string "offline"$/);
    const twice = theProblem({ admins: SEVEN, irreversible: ['immolation', 'decapitation', 'immolation'] });
    assert.equal(twice.path, 'irreversible');
    assert.match(twice.message, /listed twice/);
    assert.deepEqual(loaded({ admins: SEVEN, irreversible: ['immolation', 'decapitation'] }).irreversible, ['immolation', 'decapitation']);
  });

  it('names the first ten problems one by one and counts the rest, in the singular for one', () => {
    const wrongLevels = (n: number) => ({ admins: SEVEN, irreversible: Array.from({ length: n }, (_, i) => `x${i}`) });
    const ten = problems(wrongLevels(10));
    assert.deepEqual(ten.map((p) => p.path), Array.from({ length: 10 }, (_, i) => `irreversible[${i}]`), 'ten are all named');
    const eleven = problems(wrongLevels(11));
    assert.equal(eleven.length, 11);
    assert.deepEqual(eleven.slice(0, 10).map((p) => p.path), ten.map((p) => p.path));
    assert.equal(eleven[10]!.path, '(file)');
    assert.match(eleven[10]!.message, /^and 1 more problem \(11 in all\)$/);
    const many = problems(wrongLevels(2000));
    assert.equal(many.length, 11, 'a list of 2,000 wrong values is not 2,000 lines');
    assert.equal(many[10]!.path, '(file)');
    assert.match(many[10]!.message, /^and 1990 more problems \(2000 in all\)$/);
  });

  it('refuses scaledPolicy arguments that make no valid policy, saying each problem by its path', () => {
    // With no admins the list is the one problem: no quorum "from 1 to 0" or "0 is too small" beside it.
    assert.throws(() => scaledPolicy(0), /^Error: scaledPolicy\(0\) is invalid: admins: a policy needs at least one admin$/);
    assert.throws(
      () => scaledPolicy(3, { heartbeat: { periodMs: 0, missLimit: 0 } }),
      // Both problems, each as "path: message", kept apart by "; " so they do not run together.
      /^Error: scaledPolicy\(3\) is invalid: heartbeat\.periodMs: number 0 is too small.*; heartbeat\.missLimit: number 0 is too small/,
    );
  });
});

describe('spec/policy: quorums', () => {
  it('needs the escalation quorum only to raise the level; staying or lowering needs the de-escalation quorum (as the TLA+ and Promela exports say)', () => {
    const policy = scaledPolicy(7); // escalate 3, deescalate 5
    for (const from of LEVELS) {
      for (const to of LEVELS) {
        const expected = LEVELS.indexOf(to) > LEVELS.indexOf(from) ? 3 : 5;
        assert.equal(quorumFor(policy, from, to), expected, `${from} -> ${to}`);
      }
    }
  });
});
