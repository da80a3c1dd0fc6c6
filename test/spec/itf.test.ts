import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { replay } from '../../checker/replay.ts';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { decodePath, type GuillotineEvent } from '../../spec/events.ts';
import { ITF_VARS, itfTrace, loadAnyTraceFile, looksLikeItf, parseItf } from '../../spec/itf.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { runCli } from '../cli/runCli.ts';
import { SEED } from '../seed.ts';

const events = (path: string): GuillotineEvent[] => {
  const d = decodePath(path);
  assert.ok(d.ok, path);
  return d.events;
};

/** Every value of an ITF state is one of the ADR-015 forms (strings, booleans, #bigint, #set, variants, records). */
function wellFormed(v: unknown, at: string): void {
  if (typeof v === 'string' || typeof v === 'boolean') return;
  assert.ok(typeof v === 'object' && v !== null && !Array.isArray(v), `${at}: a string, a boolean or an object`);
  const o = v as Record<string, unknown>;
  if ('#bigint' in o) return assert.match(String(o['#bigint']), /^-?\d+$/, at);
  if ('#set' in o) return (o['#set'] as unknown[]).forEach((x, i) => wellFormed(x, `${at}.#set[${i}]`));
  if ('#tup' in o) return (o['#tup'] as unknown[]).forEach((x, i) => wellFormed(x, `${at}.#tup[${i}]`));
  if ('tag' in o) return (assert.ok(o.tag === 'Some' || o.tag === 'None', `${at}: an Option`), wellFormed(o.value, `${at}.value`));
  for (const [k, x] of Object.entries(o)) wellFormed(x, `${at}.${k}`);
}

describe(`spec/itf: traces in the Informal Trace Format of Apalache and Quint (fast-check seed ${SEED})`, () => {
  it('writes_a_state_per_step_with_every_variable_in_the_forms_of_adr_015', () => {
    const run = replay(DEFAULT_POLICY, events('propose:a1:severed,approve:a2,approve:a3,approve:a1,heartbeat-missed'));
    const itf = itfTrace(DEFAULT_POLICY, run, { property: 'escalation-has-cause' });
    assert.deepEqual(itf.vars, [...ITF_VARS]);
    assert.equal(itf.states.length, 6);
    assert.equal(itf.loop, undefined);
    assert.equal(itf['#meta'].format, 'ITF');
    assert.deepEqual(itf['#meta'].policy, DEFAULT_POLICY);
    itf.states.forEach((s, i) => {
      assert.deepEqual(s['#meta'], { index: i });
      for (const v of itf.vars) assert.ok(v in s, `state ${i} defines ${v}`);
      for (const v of itf.vars) wellFormed(s[v], `states[${i}].${v}`);
    });
    assert.equal(itf.states[0]!['mbt::actionTaken'], 'init');
    assert.deepEqual(itf.states[1]!['mbt::nondetPicks'], { admin: { tag: 'Some', value: 'a1' }, target: { tag: 'Some', value: 'severed' }, level: { tag: 'None', value: { '#tup': [] } }, actuator: { tag: 'None', value: { '#tup': [] } } });
    assert.deepEqual(itf.states[2]!.proposal, { tag: 'Some', value: { from: 'standard', to: 'severed', approvals: { '#set': ['a1', 'a2'] } } });
    assert.equal(itf.states[3]!.level, 'severed');
    assert.deepEqual(itf.states[3]!.pendingActuators, { '#set': ['network-relay'] });
    assert.equal(itf.states[4]!.accepted, false);
    assert.deepEqual(itf.states[4]!.rejection, { tag: 'Some', value: 'no proposal is open' });
    assert.deepEqual(itf.states[5]!.missedHeartbeats, { '#bigint': '1' });
    assert.ok(looksLikeItf(JSON.parse(JSON.stringify(itf))));
  });

  it('reads_back_the_events_the_cycle_and_the_policy_it_wrote', () => {
    const alphabet = eventAlphabet(DEFAULT_POLICY);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: alphabet.length - 1 }), { maxLength: 25 }), fc.array(fc.nat({ max: alphabet.length - 1 }), { maxLength: 4 }), (p, c) => {
        const path = p.map((i) => alphabet[i]!);
        const cycle = c.map((i) => alphabet[i]!);
        const run = replay(DEFAULT_POLICY, path, cycle.length ? { cycle } : {});
        const written = JSON.parse(JSON.stringify(itfTrace(DEFAULT_POLICY, run)));
        assert.equal(written.loop, cycle.length ? path.length : undefined, 'the loop starts at the state the cycle starts from');
        const read = parseItf(written);
        assert.ok(read.ok, JSON.stringify(!read.ok && read.problems));
        assert.deepEqual(read.trace.events, path);
        assert.deepEqual(read.trace.cycle, cycle.length ? cycle : undefined);
        assert.deepEqual(read.trace.policy, DEFAULT_POLICY);
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('reads_a_quint_style_trace_with_other_variables_and_no_policy', () => {
    const none = { tag: 'None', value: { '#tup': [] } };
    const read = parseItf({
      '#meta': { source: 'guillotine.qnt' },
      vars: ['lvl', 'mbt::actionTaken', 'mbt::nondetPicks'],
      states: [
        { '#meta': { index: 0 }, lvl: 'standard', 'mbt::actionTaken': 'init', 'mbt::nondetPicks': {} },
        { '#meta': { index: 1 }, lvl: 'standard', 'mbt::actionTaken': 'propose', 'mbt::nondetPicks': { admin: { tag: 'Some', value: 'a2' }, target: { tag: 'Some', value: 'offline' }, level: none } },
        { '#meta': { index: 2 }, lvl: 'offline', 'mbt::actionTaken': 'timeout', 'mbt::nondetPicks': { admin: none } },
      ],
    });
    assert.ok(read.ok);
    assert.deepEqual(read.trace.events, [{ type: 'propose', admin: 'a2', target: 'offline' }, { type: 'timeout' }]);
    assert.equal(read.trace.policy, undefined);
  });

  it('names_each_problem_by_its_key_path', () => {
    const problems = (input: unknown) => {
      const r = parseItf(input);
      assert.ok(!r.ok);
      return r.problems.map((p) => `${p.path}: ${p.message}`);
    };
    assert.deepEqual(problems([]), ['(top level): expected an ITF trace object {"vars": [...], "states": [...]}']);
    assert.deepEqual(problems({ vars: [], states: [] }), ['states: expected a non-empty list of states (the first is the initial state)']);
    assert.deepEqual(problems({ vars: [], states: [{}], loop: 3 }), ['loop: expected the index of a state, from 0 to 0']);
    const bad = problems({
      vars: [],
      states: [{}, { 'mbt::actionTaken': 'tick' }, { 'mbt::actionTaken': 'alarm', 'mbt::nondetPicks': { level: { tag: 'Some', value: 'doom' } } }, { 'mbt::actionTaken': 'approve', 'mbt::nondetPicks': { admin: 'a1' } }, 7],
      '#meta': { policy: { admins: [] } },
    });
    assert.match(bad[0]!, /^states\[1\]\.mbt::actionTaken: expected the event type of this step, one of propose, approve, .*; got "tick"$/);
    assert.equal(bad[1], 'states[2].mbt::nondetPicks: the picks do not make an alarm event: expected {"type":"alarm","level":"probation"}');
    assert.equal(bad[2], 'states[3].mbt::nondetPicks.admin: expected {"tag": "Some", "value": ...} or {"tag": "None", "value": {"#tup": []}}');
    assert.equal(bad[3], 'states[4]: expected a state object');
    assert.match(bad[4]!, /^#meta\.policy\.admins: /);
  });

  it('is_written_by_check_traces_and_replay_out_and_replays_to_the_same_verdicts', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-itf-'));
    const policy = 'test/fixtures/policies/unsafe.json';
    assert.equal((await runCli(['check', '--policy', policy, '--traces', join(dir, 'json')])).code, 1);
    const itf = await runCli(['check', '--policy', policy, '--traces', join(dir, 'itf'), '--format', 'itf']);
    assert.equal(itf.code, 1, itf.err);
    const names = readdirSync(join(dir, 'itf')).sort();
    assert.deepEqual(names, readdirSync(join(dir, 'json')).map((n) => n.replace('.trace.json', '.itf.json')).sort());
    for (const name of names) {
      const fromItf = await runCli(['replay', '--json', join(dir, 'itf', name)]);
      const fromJson = await runCli(['replay', '--json', join(dir, 'json', name.replace('.itf.json', '.trace.json'))]);
      assert.equal(fromItf.code, 1);
      assert.equal(fromItf.out, fromJson.out, `${name} replays as its JSON twin does`);
      assert.equal(JSON.parse(readFileSync(join(dir, 'itf', name), 'utf8'))['#meta'].property, name.replace('.itf.json', ''));
    }
    // replay --out writes either format, and what it writes replays the same.
    const out = join(dir, 'out.itf.json');
    const first = await runCli(['replay', '--json', '--path', 'propose:a1:severed,approve:a2,approve:a3', '--out', out, '--format', 'itf']);
    assert.equal(first.code, 0, first.err);
    assert.equal((await runCli(['replay', '--json', out])).out, first.out);
    const loaded = loadAnyTraceFile(out);
    assert.ok(loaded.ok);
    assert.equal(loaded.trace.events.length, 3);
    const bad = await runCli(['replay', '--path', 'heartbeat', '--out', join(dir, 'missing', 'x.itf.json'), '--format', 'itf']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^guillotine: --out: cannot write ".*x\.itf\.json": no such file or directory\n$/);
  });
});
