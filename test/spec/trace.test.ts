import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { loadTraceFile, parseTrace } from '../../spec/trace.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('spec/trace: trace files {"policy"?, "events"} are read like policies, every problem named by its key path', () => {
  it('reads a trace whose policy is a path relative to the trace file', () => {
    const r = loadTraceFile(fixture('traces/escalation.trace.json'));
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual(r.trace.policy, DEFAULT_POLICY);
    assert.equal(r.trace.events.length, 5);
    assert.deepEqual(r.trace.events[0], { type: 'propose', admin: 'a1', target: 'severed' });
  });

  it('reads a trace without a policy, leaving the choice to the caller', () => {
    const r = loadTraceFile(fixture('traces/failsafes.trace.json'));
    assert.ok(r.ok);
    assert.equal(r.trace.policy, undefined);
  });

  it('names every bad event by its index, and only the bad ones', () => {
    const r = parseTrace({ events: [{ type: 'heartbeat' }, { type: 'alarm', level: 'doom' }, { type: 'mce' }, { type: 'approve', admin: 'a1', extra: 1 }, 'mce', { admin: 'a1' }] });
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => p.path), ['events[1]', 'events[3]', 'events[4]', 'events[5]']);
    // In the workbench's words: the event type, the field, what was given and what is allowed.
    assert.equal(r.problems[0]!.message, 'alarm: "level" "doom" is not an isolation level; allowed: standard, probation, severed, offline, decapitation, immolation');
    assert.equal(r.problems[1]!.message, 'approve: unknown key "extra"; approve takes "admin", as in {"type":"approve","admin":"a1"}');
    assert.match(r.problems[2]!.message, /expected an event object like \{"type":"heartbeat"\}, got "mce"/);
    assert.match(r.problems[3]!.message, /missing "type"; allowed types: propose, approve/);
  });

  it('names a bad event of a trace file by its index and its line, in the workbench\'s words', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-trace-lines-'));
    try {
      const file = join(dir, 'bad.trace.json');
      writeFileSync(file, '{\n  "events": [\n    {"type": "heartbeat"},\n    {"type": "propose", "admin": "a1", "target": "nowhere"},\n\n    {"type": "alarm"}\n  ],\n  "cycle": [{"type": "tick"}]\n}\n');
      const r = loadTraceFile(file);
      assert.ok(!r.ok);
      assert.deepEqual(
        r.problems.map((p) => `${p.path}: ${p.message}`),
        [
          'events[1] (line 4): propose: "target" "nowhere" is not an isolation level; allowed: standard, probation, severed, offline, decapitation, immolation',
          'events[2] (line 6): alarm: missing "level" (an isolation level); alarm takes "level", as in {"type":"alarm","level":"probation"}',
          'cycle[0] (line 8): unknown event type "tick"; allowed: propose, approve, timeout, heartbeat, heartbeat-missed, alarm, mce, assertion-failure, reboot-complete, actuator-confirm, actuator-fault',
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a "__proto__" key in a trace\'s policy like any unknown key (it was dropped unseen before)', () => {
    const r = parseTrace(JSON.parse('{"policy": {"admins": [{"id": "a1"}], "quorum": {"escalate": 1, "deescalate": 1}, "__proto__": {"x": 1}}, "events": []}'));
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => p.path), ['policy']);
    assert.match(r.problems[0]!.message, /^unknown key "__proto__"; allowed keys: \$schema, admins/);
  });

  it('names the bad events of a liveness cycle under cycle[i]', () => {
    const r = parseTrace({ events: [], cycle: [{ type: 'timeout' }, { type: 'tick' }] });
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => p.path), ['cycle[1]']);
  });

  it('says what each of the fields check writes may be: seed an integer, property a string, cycle a list', () => {
    const cases: [string, unknown, RegExp][] = [
      ['seed', 1.5, /integer seed/],
      ['seed', 'seven', /integer seed/],
      ['property', 7, /property id \(a string/],
      ['cycle', 3, /"cycle": a list of events/],
    ];
    for (const [key, value, said] of cases) {
      const r = parseTrace({ events: [], [key]: value });
      assert.ok(!r.ok, `${key}: ${JSON.stringify(value)}`);
      assert.deepEqual(r.problems.map((p) => p.path), [key]);
      assert.match(r.problems[0]!.message, said);
    }
  });

  it('refuses an unknown key and a missing event list, saying what a trace looks like', () => {
    const unknown = parseTrace({ events: [], steps: [] });
    assert.ok(!unknown.ok);
    assert.match(unknown.problems[0]!.message, /unknown key "steps"; allowed keys: policy, events/);
    const missing = parseTrace({ policy: {} });
    assert.ok(!missing.ok);
    assert.deepEqual(missing.problems.map((p) => p.path), ['events']);
  });

  it('prefixes the problems of an embedded policy with policy.', () => {
    const r = parseTrace({ policy: { admins: [{ id: 'a1' }], quorum: { escalate: 1, deescalate: 1, onTimeout: 'sometimes' } }, events: [] });
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => p.path), ['policy.quorum.onTimeout']);
  });

  it('reports a policy path that does not exist as a problem of policy', () => {
    const r = parseTrace({ policy: 'no-such-policy.json', events: [] }, fixture('traces'));
    assert.ok(!r.ok);
    assert.equal(r.problems[0]!.path, 'policy');
    assert.match(r.problems[0]!.message, /cannot read policy file .*no-such-policy\.json": no such file/);
  });

  it('says what a policy in a trace may be when it is neither a path nor an object', () => {
    for (const policy of [5, null, true, ['a1']]) {
      const r = parseTrace({ policy, events: [] });
      assert.ok(!r.ok);
      assert.deepEqual(r.problems.map((p) => [p.path, p.message]), [['policy', 'expected a policy file path (a string, relative to the trace) or a policy object']], JSON.stringify(policy));
    }
  });
  it('names at most five unknown keys, comma-separated, and counts the rest', () => {
    const message = (keys: string[]) => {
      const r = parseTrace({ events: [], ...Object.fromEntries(keys.map((k) => [k, 1])) });
      assert.ok(!r.ok);
      assert.equal(r.problems.length, 1);
      return r.problems[0]!.message;
    };
    assert.match(message(['steps', 'actions']), /^unknown key "steps", "actions"; allowed keys: policy, events, cycle, property, seed$/);
    // Exactly five: all named, nothing counted.
    const five = message(['k1', 'k2', 'k3', 'k4', 'k5']);
    assert.match(five, /^unknown key "k1", "k2", "k3", "k4", "k5"; allowed keys/);
    assert.doesNotMatch(five, /more/);
    // Seven: the first five named, the other two counted but not listed.
    const seven = message(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7']);
    assert.match(seven, /^unknown key "k1", "k2", "k3", "k4", "k5" and 2 more; allowed keys: policy, events/);
    assert.doesNotMatch(seven, /k6|k7/);
  });

  it('says what a trace looks like when the JSON is not an object at all', () => {
    for (const input of [[], [{ type: 'heartbeat' }], 5, null, 'events']) {
      const r = parseTrace(input);
      assert.ok(!r.ok, JSON.stringify(input));
      assert.deepEqual(r.problems.map((p) => p.path), ['(top level)'], JSON.stringify(input));
      assert.match(r.problems[0]!.message, /^expected a trace object \{"policy"\?: \.\.\., "events": \[\.\.\.\]\}$/, JSON.stringify(input));
    }
  });

  it('shows a bad event that is not an object briefly: null, an empty list, or the length of a list', () => {
    const r = parseTrace({ events: [null, [], [1, 2, 3], 7, true] });
    assert.ok(!r.ok);
    assert.deepEqual(
      r.problems.map((p) => [p.path, p.message.replace(/^expected an event object like \{"type":"heartbeat"\}, got /, '')]),
      [['events[0]', 'null'], ['events[1]', 'an empty list'], ['events[2]', 'a list of 3'], ['events[3]', 'number 7'], ['events[4]', 'boolean true']],
    );
  });

  it('shows an unknown event type briefly, whatever value it is, and lists the allowed types', () => {
    const r = parseTrace({ events: [{ type: 'tick' }, { type: { deep: { deeper: 1 } } }, { type: [] }, { type: ['mce', 'timeout'] }, { type: null }, { type: 3 }] });
    assert.ok(!r.ok);
    const shownTypes = r.problems.map((p) => {
      const m = /^unknown event type (.*); allowed: propose, approve, timeout, heartbeat, heartbeat-missed, alarm, mce, assertion-failure, reboot-complete, actuator-confirm, actuator-fault$/.exec(p.message);
      assert.ok(m, `${p.path}: ${p.message}`);
      return m[1];
    });
    assert.deepEqual(shownTypes, ['"tick"', 'an object', 'an empty list', 'a list of 2', 'null', 'number 3']);
  });

  it('names the first ten bad events one by one and counts the rest with the total', () => {
    const good = { type: 'heartbeat' };
    const bad = (n: number) => Array.from({ length: n }, (_, i) => ({ type: `bad-${i}` }));
    // Ten bad events between good ones: all ten named, no count line.
    const ten = parseTrace({ events: [good, ...bad(10), good] });
    assert.ok(!ten.ok);
    assert.deepEqual(ten.problems.map((p) => p.path), Array.from({ length: 10 }, (_, i) => `events[${i + 1}]`));
    // Twelve: the first ten named, then one line counting the other two, out of all 14 events.
    const twelve = parseTrace({ events: [good, ...bad(12), good] });
    assert.ok(!twelve.ok);
    assert.deepEqual(twelve.problems.map((p) => p.path), [...Array.from({ length: 10 }, (_, i) => `events[${i + 1}]`), 'events']);
    assert.match(twelve.problems[10]!.message, /^and 2 more bad events \(12 of 14 in all\)$/);
    // The cycle is counted on its own.
    const cycle = parseTrace({ events: [], cycle: bad(11) });
    assert.ok(!cycle.ok);
    assert.equal(cycle.problems.at(-1)!.path, 'cycle');
    assert.match(cycle.problems.at(-1)!.message, /^and 1 more bad event \(11 of 11 in all\)$/);
  });

  it('keeps the liveness cycle of a valid trace, and gives none when the trace has none', () => {
    const r = parseTrace({ property: 'liveness', seed: 7, events: [{ type: 'heartbeat' }], cycle: [{ type: 'timeout' }, { type: 'alarm', level: 'probation' }] });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual(r.trace.cycle, [{ type: 'timeout' }, { type: 'alarm', level: 'probation' }]);
    assert.equal(r.trace.property, 'liveness');
    assert.equal(r.trace.seed, 7);
    const none = parseTrace({ events: [{ type: 'heartbeat' }] });
    assert.ok(none.ok);
    assert.equal(none.trace.cycle, undefined);
  });

  describe('a trace file that cannot be read or is not JSON is one problem of the whole file', () => {
    // '(file)' is the path the CLI prints as the bare message, without a key path in front.
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'guillotine-trace-test-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('says a missing trace file does not exist, naming it', () => {
      const r = loadTraceFile(join(dir, 'nothing.trace.json'));
      assert.ok(!r.ok);
      assert.equal(r.problems.length, 1);
      assert.equal(r.problems[0]!.path, '(file)');
      assert.match(r.problems[0]!.message, /^cannot read trace file ".*nothing\.trace\.json": no such file or directory$/);
    });

    it('says an empty trace file is empty and shows the smallest trace', () => {
      const path = join(dir, 'empty.trace.json');
      writeFileSync(path, '  \n');
      const r = loadTraceFile(path);
      assert.ok(!r.ok);
      assert.deepEqual(r.problems.map((p) => p.path), ['(file)']);
      assert.match(r.problems[0]!.message, /^trace file ".*empty\.trace\.json" is empty; the smallest trace is \{"events": \[\{"type": "heartbeat"\}\]\}$/);
    });

    it('says a trace file that is not JSON is not valid JSON', () => {
      const path = join(dir, 'broken.trace.json');
      writeFileSync(path, '{"events": [');
      const r = loadTraceFile(path);
      assert.ok(!r.ok);
      assert.deepEqual(r.problems.map((p) => p.path), ['(file)']);
      assert.match(r.problems[0]!.message, /^trace file ".*broken\.trace\.json" is not valid JSON: /);
    });
  });
});
