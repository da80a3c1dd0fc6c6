import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { LEVELS } from '../../spec/levels.ts';
import { looksLikeCrash, runCli, type CliRun } from './runCli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const ALLOWED_LEVELS = `allowed: ${LEVELS.join(', ')}`;

/** Bad input ends in exit 2, nothing on stdout, and one message on stderr that is not a crash. */
function assertBadInput(run: CliRun, ...mentions: string[]): void {
  assert.equal(run.code, 2, `exit code (stderr: ${run.err})`);
  assert.equal(run.out, '', 'nothing on stdout');
  assert.ok(!looksLikeCrash(run.err), `stderr looks like a crash:\n${run.err}`);
  for (const text of mentions) assert.ok(run.err.includes(text), `stderr should mention ${JSON.stringify(text)}:\n${run.err}`);
}

/** One problem, reported as one line `guillotine: bad policy: <key path>: <what is wrong and what is allowed>`. */
function assertOnePolicyProblem(run: CliRun, keyPath: string, ...mentions: string[]): void {
  assertBadInput(run, ...mentions);
  assert.equal(run.err.trimEnd().split('\n').length, 1, `one line on stderr:\n${run.err}`);
  assert.ok(run.err.startsWith(`guillotine: bad policy: ${keyPath}: `), `stderr should name ${keyPath}:\n${run.err}`);
}

describe('cli: a bad policy file is refused with exit 2 and one message naming the key path and what is allowed', () => {
  const cases: readonly { file: string; path: string; mentions: readonly string[] }[] = [
    { file: 'unknown-top-level-key.json', path: '(top level)', mentions: ['unknown key "quorom"', 'allowed keys: $schema, admins, quorum, deescalation'] },
    { file: 'unknown-nested-key.json', path: 'quorum', mentions: ['unknown key "escalat"', 'allowed keys: escalate, deescalate, timeoutSeconds, onTimeout'] },
    { file: 'wrong-type.json', path: 'quorum.escalate', mentions: ['the string "3"', 'expected an integer from 1 to the number of admins'] },
    { file: 'quorum-larger-than-admins.json', path: 'quorum.escalate', mentions: ['8 is larger than the number of admins (7)', 'allowed: an integer from 1 to 7'] },
    { file: 'quorum-zero.json', path: 'quorum.deescalate', mentions: ['0 is too small', 'allowed: an integer from 1'] },
    { file: 'miss-limit-zero.json', path: 'heartbeat.missLimit', mentions: ['0 is too small', 'allowed: an integer from 1 to 1000'] },
    { file: 'negative-timeout.json', path: 'quorum.timeoutSeconds', mentions: ['-600', 'allowed: a positive number of seconds'] },
    { file: 'duplicate-admin-id.json', path: 'admins[3].id', mentions: ['duplicate admin id "a2"', 'admins[1]', 'distinct id'] },
    { file: 'shared-public-key.json', path: 'admins[2].publicKey', mentions: ['the same publicKey as admins[0]', 'a key of their own'] },
    { file: 'unknown-level-irreversible.json', path: 'irreversible[1]', mentions: ['"meltdown" is not an isolation level', ALLOWED_LEVELS] },
    { file: 'unknown-level-detector.json', path: 'detector.maxLevel', mentions: ['"destroy" is not an isolation level', ALLOWED_LEVELS] },
    { file: 'unknown-level-reboot.json', path: 'faults.rebootLevel', mentions: ['"Offline" is not an isolation level', ALLOWED_LEVELS] },
    { file: 'on-timeout-not-in-enum.json', path: 'quorum.onTimeout', mentions: ['"permissive"', 'allowed: "restrictive", "unchanged"'] },
    { file: 'empty-admins.json', path: 'admins', mentions: ['at least one admin'] },
    { file: 'missing-admins.json', path: 'admins', mentions: ['expected a list of admins like [{"id": "a1"}]', 'missing'] },
    { file: 'not-an-object.json', path: '(top level)', mentions: ['expected an object with keys $schema, admins', 'got an array'] },
  ];
  for (const { file, path, mentions } of cases) {
    it(`refuses ${file.replace(/\.json$/, '').replaceAll('-', ' ')} at ${path}`, async () => {
      assertOnePolicyProblem(await runCli(['check', '--policy', fixture(`policies/bad/${file}`)]), path, ...mentions);
    });
  }

  it('refuses malformed JSON, naming the file, the line and column, what was expected and what was found', async () => {
    const file = fixture('policies/bad/malformed-json.json');
    const run = await runCli(['check', '--policy', file]);
    assertBadInput(run, `policy file ${JSON.stringify(file)} is not valid JSON: line 3, column 1: expected "," or "]" after an element of a list, found the end of the file`);
    assert.equal(run.err.trimEnd().split('\n').length, 1);
    assert.doesNotMatch(run.err, /position \d+/, "the engine's offset is not a place a user can find");
  });

  it('refuses an empty file, saying what the smallest policy looks like', async () => {
    const file = fixture('policies/bad/empty-file.json');
    assertBadInput(await runCli(['check', '--policy', file]), `policy file ${JSON.stringify(file)} is empty`, '{"admins": [{"id": "a1"}');
  });

  it('refuses a missing file, naming it', async () => {
    const file = fixture('policies/no-such-policy.json');
    assertBadInput(await runCli(['check', '--policy', file]), `cannot read policy file ${JSON.stringify(file)}: no such file`);
  });

  it('refuses a directory, saying it is one', async () => {
    const dir = fixture('policies');
    assertBadInput(await runCli(['check', '--policy', dir]), `cannot read policy file ${JSON.stringify(dir)}: it is a directory`);
  });

  it('reports several problems of one file together, one per line, each with its key path', async () => {
    const run = await runCli(['check', '--policy', fixture('policies/bad/two-problems.json')]);
    assertBadInput(run, 'bad policy (2 problems):');
    const lines = run.err.trimEnd().split('\n').slice(1).map((l) => l.trim());
    assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(': '))), ['quorum.onTimeout', 'detector.maxLevel']);
  });

  it('reports an empty admin list alone, without a quorum range "from 1 to 0" on top', async () => {
    const run = await runCli(['replay', '--path', 'timeout', '--policy', fixture('policies/bad/empty-admins.json')]);
    assertOnePolicyProblem(run, 'admins', 'a policy needs at least one admin');
    assert.ok(!run.err.includes('from 1 to 0'), run.err);
  });

  it('refuses a bad policy in replay as in check', async () => {
    assertOnePolicyProblem(await runCli(['replay', '--path', 'timeout', '--policy', fixture('policies/bad/wrong-type.json')]), 'quorum.escalate', 'the string "3"');
  });
});

describe('cli: bad arguments are refused with exit 2 and a usage message, never a stack trace', () => {
  it('tells a crash from a message (the check every test here relies on)', () => {
    assert.ok(looksLikeCrash(new TypeError('boom').stack!));
    assert.ok(looksLikeCrash('Error: ENOENT: no such file or directory'));
    assert.ok(!looksLikeCrash("guillotine: bad policy: quorum.escalate: 8 is larger than the number of admins (7)\nerror: unknown option '--x'\n"));
  });

  it('prints the usage and exits 2 when run with no command, and exits 0 for --help', async () => {
    const bare = await runCli([]);
    assert.equal(bare.code, 2);
    assert.match(bare.out + bare.err, /Usage: guillotine \[options\] \[command\]/);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /check \[options\]/);
    assert.match(help.out, /replay \[options\] \[trace\]/);
  });

  it('refuses an option that lacks its argument', async () => {
    assertBadInput(await runCli(['check', '--policy']), "option '--policy <file>' argument missing");
    assertBadInput(await runCli(['replay', '--path']), "option '--path <events>' argument missing");
  });

  it('refuses an unknown option', async () => {
    assertBadInput(await runCli(['check', '--frobnicate']), "unknown option '--frobnicate'", '--help');
  });

  it('refuses an output directory the file system cannot hold (under /proc), instead of hanging in mkdir', async () => {
    // Node's recursive mkdir spins forever on such a path; each command must answer at once.
    assertBadInput(await runCli(['gen-tests', '--out', '/proc/guillotine/suite']), '--out: cannot write to "/proc/guillotine/suite": no such file or directory');
    assertBadInput(await runCli(['check', '--traces', '/proc/guillotine/traces']), '/proc/guillotine/traces', 'no such file or directory');
    assertBadInput(await runCli(['prove', '--emit-smt2', '/proc/guillotine/smt2']), '--emit-smt2: cannot create directory "/proc/guillotine/smt2"');
  });

  it('refuses an unknown command', async () => {
    assertBadInput(await runCli(['frobnicate']), "unknown command 'frobnicate'", '--help');
  });

  it('refuses --max-states that is not a whole number, saying what is allowed', async () => {
    assertBadInput(await runCli(['check', '--max-states', 'abc']), '--max-states takes a whole number from 1 to', '"abc"');
    assertBadInput(await runCli(['check', '--max-states', '0']), '--max-states takes a whole number from 1 to');
    assertBadInput(await runCli(['check', '--max-states', '1.5']), '--max-states takes a whole number from 1 to');
  });

  it('refuses an unknown --engine, listing the engines', async () => {
    assertBadInput(await runCli(['check', '--engine', 'frob']), "'frob' is invalid", 'compiled, reference, xstate');
    assertBadInput(await runCli(['replay', '--engine', 'frob', '--path', 'timeout']), "'frob' is invalid", 'xstate, reference');
  });

  it('refuses replay with both a trace file and --path, and with neither', async () => {
    const both = await runCli(['replay', fixture('traces/escalation.trace.json'), '--path', 'timeout']);
    assertBadInput(both, 'either a trace file or --path, not both');
    assertBadInput(await runCli(['replay']), 'either a trace file or --path');
  });

  it('refuses a malformed --path, naming the event and what it takes', async () => {
    assertBadInput(await runCli(['replay', '--path', 'propose:a1:severed,frob']), 'event 2 "frob": unknown event type', 'allowed: propose, approve, timeout');
    assertBadInput(await runCli(['replay', '--path', 'propose:a1']), 'event 1 "propose:a1": propose takes admin and target', 'propose:a1:severed');
    assertBadInput(await runCli(['replay', '--path', 'timeout:now']), 'event 1 "timeout:now": timeout takes no fields');
    assertBadInput(await runCli(['replay', '--path', 'propose:a1:nowhere']), 'event 1 "propose:a1:nowhere": "target" "nowhere" is not an isolation level; allowed: standard, probation, severed, offline, decapitation, immolation');
    assertBadInput(await runCli(['replay', '--path', 'actuator-fault:fuse']), '"actuator" "fuse" is not an actuator; allowed:', 'network-relay');
  });

  it('refuses a trace file with a bad event, naming events[i], its line, the missing field and the expected form', async () => {
    const run = await runCli(['replay', fixture('traces/bad/bad-event.trace.json')]);
    assertBadInput(run, 'events[2] (line 5): propose: missing "target" (an isolation level)', '{"type":"propose","admin":"a1","target":"severed"}');
    assert.ok(!run.err.includes('events[0]') && !run.err.includes('events[1]'), `only the bad event is named:\n${run.err}`);
  });

  it('refuses a trace file with an unknown event type, listing the types', async () => {
    assertBadInput(await runCli(['replay', fixture('traces/bad/unknown-event.trace.json')]), 'events[1]', 'unknown event type "reboot"', 'allowed: propose, approve');
  });

  it('refuses a trace whose embedded policy is bad, naming the key under policy', async () => {
    assertBadInput(await runCli(['replay', fixture('traces/bad/bad-policy.trace.json')]), 'policy.quorum.escalate', 'larger than the number of admins (3)');
  });

  it('refuses a missing trace file and a trace that is not JSON', async () => {
    const missing = fixture('traces/no-such.trace.json');
    assertBadInput(await runCli(['replay', missing]), `cannot read trace file ${JSON.stringify(missing)}: no such file`);
    const malformed = fixture('policies/bad/malformed-json.json');
    assertBadInput(await runCli(['replay', malformed]), `trace file ${JSON.stringify(malformed)} is not valid JSON`);
  });

  it('refuses --traces when the directory cannot be created', async () => {
    // A path under a regular file can never be a directory.
    const run = await runCli(['check', '--no-findings', '--traces', fixture('policies/default.json/traces')]);
    assertBadInput(run, '--traces: cannot create directory');
    assert.match(run.err, /: a part of the path is a file, not a directory\n$/, 'the reason in words, not an errno code');
  });

  it('says in words why a trace path cannot be read', async () => {
    const run = await runCli(['replay', fixture('traces')]);
    assertBadInput(run, `cannot read trace file ${JSON.stringify(fixture('traces'))}: it is a directory`);
  });
});
