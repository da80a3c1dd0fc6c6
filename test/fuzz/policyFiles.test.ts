/**
 * Fuzzing policy files, the input every command takes: through the loader (many runs, in memory)
 * and through every command that reads `--policy` (fewer runs, as a user runs them). A file the
 * loader refuses must give exit 2 and one clear message from every command, before any work; a
 * file it accepts must run without a crash.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadPolicyFile, parsePolicyText } from '../../spec/loadPolicy.ts';
import { parsePolicy } from '../../spec/policy.ts';
import { runCli } from '../cli/runCli.ts';
import { assertNoCrash, assertRefusedClearly, MAX_MESSAGE_CHARS, runs, scratchDirectory, SEED } from './campaign.ts';
import { policyFile, type PolicyFile } from './policyFileArbitraries.ts';
import { validPolicyInput } from '../spec/policyArbitraries.ts';

/** What a user's file becomes in the loader: the file's bytes read as UTF-8, as readFileSync does. */
const asText = (file: PolicyFile) => file.bytes.toString('utf8');

describe(`fuzz: policy files through the loader (fast-check seed ${SEED})`, () => {
  it(`never throws, and either accepts a policy that survives a round trip or names each problem in a short printable message (seed ${SEED}, ${runs(1500)} runs)`, () => {
    fc.assert(
      fc.property(policyFile, (file) => {
        const result = parsePolicyText(asText(file), 'policy file "fuzz.json"');
        if (result.ok) {
          assert.ok(!file.mustRefuse, `accepted ${file.what}`);
          // What the loader accepted, written back out, is read the same way (no value it cannot print).
          const again = parsePolicy(JSON.parse(JSON.stringify(result.policy)));
          assert.ok(again.ok, `${file.what}: the accepted policy does not load again: ${JSON.stringify(!again.ok && again.problems)}`);
          assert.deepEqual(again.policy, result.policy);
          return;
        }
        assert.ok(result.problems.length > 0, file.what);
        for (const p of result.problems) {
          assert.ok(p.message.length > 0 && p.message.length <= MAX_MESSAGE_CHARS, `${file.what}: a message of ${p.message.length} characters: ${p.message.slice(0, 300)}`);
          assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(p.message + p.path), `${file.what}: a control character in ${JSON.stringify(p)}`);
          assert.ok(!/\bError\b|\n\s+at /.test(p.message), `${file.what}: ${p.message}`);
        }
      }),
      { seed: SEED, numRuns: runs(1500) },
    );
  });

  // Regression examples the campaign found (each crashed, hung or misled before its fix).
  it('refuses a key written twice, naming it and the object it is in, instead of silently keeping the last', () => {
    const r = parsePolicyText('{"admins":[{"id":"a1"}],"quorum":{"escalate":1,"deescalate":1,"escalate":1}}', 'policy file "p.json"');
    assert.ok(!r.ok);
    assert.equal(r.problems[0]!.message, 'policy file "p.json" gives the key "escalate" twice in the object at quorum; write each key once');
    const escaped = parsePolicyText('{"admins":[{"id":"a1","\\u0069d":"a2"}]}');
    assert.ok(!escaped.ok && /the key "id" twice in the object at admins\[0\]/.test(escaped.problems[0]!.message), 'a key spelled with an escape is the same key');
  });

  it('refuses a heartbeat period below one microsecond, which no simulated clock can advance by (simulate hung on 1e-300)', () => {
    const r = parsePolicyText('{"admins":[{"id":"a1"}],"quorum":{"escalate":1,"deescalate":1},"heartbeat":{"periodMs":1e-300}}');
    assert.ok(!r.ok);
    assert.equal(r.problems[0]!.path, 'heartbeat.periodMs');
    assert.match(r.problems[0]!.message, /too small; allowed: .* from 0\.001/);
  });

  it('shows the bytes of a binary file escaped, not as raw control characters on the terminal', () => {
    const r = parsePolicyText('\u001b[2J\u0000{', 'policy file "b.json"');
    assert.ok(!r.ok);
    assert.match(r.problems[0]!.message, /is not valid JSON: .*\\u001b/);
    assert.ok(!/[\u0000\u001b]/.test(r.problems[0]!.message));
  });

  it('names the first ten of 2,000 wrong values and counts the rest (a 2,000-line message before)', () => {
    const r = parsePolicyText(JSON.stringify({ admins: [{ id: 'a1' }], quorum: { escalate: 1, deescalate: 1 }, irreversible: Array.from({ length: 2000 }, (_, i) => ({ id: `a${i}` })) }));
    assert.ok(!r.ok);
    assert.equal(r.problems.length, 11);
    assert.deepEqual(r.problems[10], { path: '(file)', message: 'and 1990 more problems (2000 in all)' });
  });

  it('names an unknown key of 100,000 characters in a message of readable length', () => {
    const r = parsePolicyText(JSON.stringify({ admins: [{ id: 'a1' }], ['k'.repeat(100_000)]: 1 }));
    assert.ok(!r.ok);
    assert.ok(r.problems[0]!.message.length < 400, `${r.problems[0]!.message.length} characters`);
    assert.match(r.problems[0]!.message, /unknown key "kkkk.*…"; allowed keys: /);
  });
});

describe(`fuzz: policy files through every command that takes --policy (fast-check seed ${SEED})`, () => {
  const dir = scratchDirectory('policy');

  /** Commands whose work on a valid policy is cheap enough to run here (a bounded check, a one-step suite, the side-channel run). */
  const cheap = (f: string): string[][] => [
    ['check', '--policy', f, '--max-states', '3000', '--no-findings'],
    ['replay', '--path', 'heartbeat,mce', '--policy', f, '--json'],
    ['gen-tests', '--policy', f, '--depth', '1', '--out', join(dir.path, 'suite')],
    ['simulate', '--scenario', 'side-channel', '--policy', f, '--json'],
  ];
  /** Commands whose work on a valid policy takes seconds to forever (viz serves until Ctrl-C): given only files the loader refuses. */
  const refusingOnly = (f: string): string[][] => [
    ['prove', '--policy', f, '--only', 'quorum-arithmetic'],
    ['viz', '--policy', f, '--port', '0'],
    ['report', '--policy', f, '--out', join(dir.path, 'r.html'), '--sections', 'check'],
    ['review', '--policy', f],
    ['simulate', '--scenario', 'soak', '--policy', f],
    ['simulate', '--scenario', 'port-resilience', '--policy', f],
  ];

  it(`refuses every file the loader refuses with exit 2 and one message, from every command, and runs every file it accepts without a crash (seed ${SEED}, ${runs(400)} runs)`, async () => {
    let n = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(policyFile, fc.nat(), async (file, pick) => {
        const path = join(dir.path, `policy-${n++}.json`);
        writeFileSync(path, file.bytes);
        const loaded = loadPolicyFile(path);
        const commands = loaded.ok ? cheap(path) : [...cheap(path), ...refusingOnly(path)];
        const argv = commands[pick % commands.length]!;
        const run = await runCli(argv);
        const context = `${file.what}\n$ guillotine ${argv.join(' ')}`;
        if (loaded.ok) {
          accepted++;
          assertNoCrash(run, context);
          assert.notEqual(run.code, 2, context);
        } else {
          assertRefusedClearly(run, context);
          assert.ok(run.err.startsWith('guillotine: bad policy'), context);
        }
      }),
      { seed: SEED, numRuns: runs(400) },
    );
    assert.ok(accepted >= runs(400) / 20, `the campaign must also run accepted policies (${accepted} of ${runs(400)})`);
  });
});

describe(`fuzz: valid policies at the edges of their ranges through the simulator (fast-check seed ${SEED})`, () => {
  const dir = scratchDirectory('edges');
  /** Every duration at its smallest or largest allowed value, or an ordinary one. */
  const edge = (smallest: number) => fc.constantFrom(smallest, smallest * 1.5, 1, 1000, 1e12);

  it(`runs a short soak and the side-channel experiment on them without a crash or a hang (seed ${SEED}, ${runs(25)} runs)`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        validPolicyInput,
        fc.record({ timeoutSeconds: edge(1e-6), periodMs: edge(1e-3), confirmDeadlineMs: edge(1e-3), missLimit: fc.constantFrom(1, 1000) }),
        fc.constantFrom('soak', 'side-channel'),
        async (policy, e, scenario) => {
          const admins = (policy.admins as { id: string }[]).map(({ id }) => ({ id })); // the simulator signs with keys it derives, so no pinned keys
          const edged = {
            ...policy,
            admins,
            quorum: { ...(policy.quorum as object), timeoutSeconds: e.timeoutSeconds },
            heartbeat: { periodMs: e.periodMs, missLimit: e.missLimit },
            actuators: { ...(policy.actuators as object), confirmDeadlineMs: e.confirmDeadlineMs },
          };
          const path = join(dir.path, `edge-${n++}.json`);
          writeFileSync(path, JSON.stringify(edged));
          assert.ok(loadPolicyFile(path).ok, JSON.stringify(edged));
          // A soak of 0.0001 h is 0.36 s of virtual time: at the smallest period, 360,000 heartbeats.
          const argv = ['simulate', '--scenario', scenario, '--policy', path, '--json', ...(scenario === 'soak' ? ['--hours', '0.0001'] : [])];
          const run = await runCli(argv);
          assertNoCrash(run, `${JSON.stringify(edged)}\n$ guillotine ${argv.join(' ')}`);
          assert.notEqual(run.code, 2, run.err);
        },
      ),
      { seed: SEED, numRuns: runs(25) },
    );
  });
});
