import assert from 'node:assert/strict';
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
    assert.match(r.problems[0]!.message, /expected \{"type":"alarm","level":"probation"\}/);
    assert.match(r.problems[1]!.message, /expected \{"type":"approve","admin":"a1"\}/);
    assert.match(r.problems[2]!.message, /expected an event object like \{"type":"heartbeat"\}, got "mce"/);
    assert.match(r.problems[3]!.message, /missing "type"; allowed: propose, approve/);
  });

  it('names the bad events of a liveness cycle under cycle[i]', () => {
    const r = parseTrace({ events: [], cycle: [{ type: 'timeout' }, { type: 'tick' }] });
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => p.path), ['cycle[1]']);
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
});
