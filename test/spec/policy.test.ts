import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DEFAULT_POLICY, MAX_ADMINS, parsePolicy, scaledPolicy, type Policy } from '../../spec/policy.ts';
import { loadPolicyFile, parsePolicyText } from '../../spec/loadPolicy.ts';
import { brokenPolicy, expectedPolicy, SEED, validPolicyInput } from './policyArbitraries.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function loaded(input: unknown): Policy {
  const result = parsePolicy(input);
  if (!result.ok) assert.fail(`expected a valid policy, got: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return result.policy;
}

describe('spec/policy: the default policy is the one of GUILLOTINE.md §6', () => {
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
