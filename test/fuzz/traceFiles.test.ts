/**
 * Fuzzing trace files (`guillotine replay FILE`, `viz --trace`, `report --trace`): random JSON,
 * valid traces with events mutated, wrong types, unknown event types, huge and deeply nested
 * arrays, and policies named by hostile paths. A trace the loader refuses gets exit 2 and one
 * short message; a trace it accepts replays without a crash.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { EVENT_TYPES } from '../../spec/events.ts';
import { ACTUATORS, LEVELS } from '../../spec/levels.ts';
import { loadTraceFile, parseTrace } from '../../spec/trace.ts';
import { validPolicyInput } from '../spec/policyArbitraries.ts';
import { runCli } from '../cli/runCli.ts';
import { assertNoCrash, assertRefusedClearly, MAX_MESSAGE_CHARS, runs, scratchDirectory, SEED } from './campaign.ts';
import { hostileString, hostileValue } from './policyFileArbitraries.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const adminRef = fc.oneof({ weight: 30, arbitrary: fc.constantFrom('a1', 'a2', 'a3', 'a7', 'a8', 'outsider') }, { weight: 1, arbitrary: hostileString });
const validEvent: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ type: fc.constant('propose'), admin: adminRef, target: fc.constantFrom(...LEVELS) }),
  fc.record({ type: fc.constant('approve'), admin: adminRef }),
  fc.constantFrom(...(['timeout', 'heartbeat', 'heartbeat-missed', 'mce', 'assertion-failure', 'reboot-complete'] as const)).map((type) => ({ type })),
  fc.record({ type: fc.constant('alarm'), level: fc.constantFrom(...LEVELS) }),
  fc.record({ type: fc.constantFrom('actuator-confirm', 'actuator-fault'), actuator: fc.constantFrom(...ACTUATORS) }),
);

/** An event broken one way: a field of the wrong type or value, a field too many or too few, an unknown type. */
const mutatedEvent: fc.Arbitrary<Json> = fc.oneof(
  fc.tuple(validEvent, fc.constantFrom('type', 'admin', 'target', 'level', 'actuator', 'extra', '__proto__'), hostileValue).map(([e, key, value]) => {
    const copy = { ...(e as { [key: string]: Json }) };
    Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
    return copy;
  }),
  fc.tuple(validEvent, fc.constantFrom('admin', 'target', 'level', 'actuator', 'type')).map(([e, key]) => {
    const copy = { ...(e as { [key: string]: Json }) };
    delete copy[key];
    return copy;
  }),
  fc.oneof(hostileString, fc.constantFrom(...EVENT_TYPES.map((t) => t.toUpperCase()), 'tick', 'propose ', 'Heartbeat')).map((type) => ({ type })),
  hostileValue,
);

interface TraceFile {
  readonly what: string;
  readonly body: string;
}

const traceFileOf = (what: string, body: string): TraceFile => ({ what, body, [fc.toStringMethod]: () => `${what} (${body.length} characters, starting ${JSON.stringify(body.slice(0, 80))})` }) as TraceFile;

const policyValue: fc.Arbitrary<Json | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: validPolicyInput as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: hostileValue },
  { weight: 2, arbitrary: fc.constantFrom('/dev/zero', '/dev/null', '/dev/stdin', '.', '', '..', 'missing.json', 'dir', 'a\u0000b', 'x'.repeat(5000), '../../../../../../etc/passwd', 'policy.json', 'policy.json') },
);

/** `arb` one time in `outOf`, else nothing (fc.option's freq is the other way round: nil one time in freq). */
const rarely = <T>(arb: fc.Arbitrary<T>, outOf: number) => fc.oneof({ weight: outOf - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const trace = fc
  .record({
    policy: policyValue,
    events: fc.array(fc.oneof({ weight: 40, arbitrary: validEvent }, { weight: 1, arbitrary: mutatedEvent }), { maxLength: 30 }),
    cycle: rarely(fc.array(fc.oneof({ weight: 20, arbitrary: validEvent }, { weight: 1, arbitrary: mutatedEvent }), { maxLength: 5 }), 3),
    property: rarely(fc.oneof(fc.constant('irreversible-levels'), hostileValue), 3),
    seed: rarely(fc.oneof(fc.integer(), hostileValue), 5),
    extra: rarely(fc.tuple(hostileString, hostileValue), 8),
  })
  .map(({ extra, ...t }) => {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(t)) if (v !== undefined) out[k] = v;
    if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true });
    return traceFileOf(`trace ${JSON.stringify(out).slice(0, 200)}`, JSON.stringify(out));
  });

// 10^5 events of every kind the loader refuses; the valid ones only 10^4, which replay runs in a second or two.
const huge = fc.tuple(fc.constantFrom(10_000, 100_000), fc.constantFrom('valid', 'unknown type', 'number', 'mixed')).map(([size, kind]) => {
  const n = kind === 'valid' ? 10_000 : size;
  const one = (i: number): Json => (kind === 'valid' ? { type: 'heartbeat' } : kind === 'unknown type' ? { type: 'nope' } : kind === 'number' ? i : i % 1000 === 0 ? { type: 'tick' } : { type: 'mce' });
  return traceFileOf(`${n} events, ${kind}`, JSON.stringify({ events: Array.from({ length: n }, (_, i) => one(i)) }));
});

const deep = fc.tuple(fc.constantFrom(1_000, 100_000), fc.constantFrom('file', 'event', 'events', 'cycle', 'policy', 'event field')).map(([depth, where]) => {
  const d = '['.repeat(depth) + ']'.repeat(depth);
  const body =
    where === 'file' ? d
    : where === 'event' ? `{"events":[${d}]}`
    : where === 'events' ? `{"events":${d}}`
    : where === 'cycle' ? `{"events":[],"cycle":[${d}]}`
    : where === 'policy' ? `{"events":[],"policy":${d}}`
    : `{"events":[{"type":"approve","admin":${d}}]}`;
  return traceFileOf(`${depth} levels of nesting at ${where}`, body);
});

const wrongShape = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => traceFileOf(`random JSON ${JSON.stringify(v).slice(0, 80)}`, JSON.stringify(v))),
  fc.constantFrom('', '\uFEFF', '{', '{"events":[]', '{"events":[],"events":[{"type":"mce"}]}', '{"events":[{"type":"mce","type":"heartbeat"}]}', 'null', '[]').map((b) => traceFileOf(`the file ${JSON.stringify(b)}`, b)),
  fc.record({ events: hostileValue }).map((t) => traceFileOf(`events ${JSON.stringify(t.events).slice(0, 80)}`, JSON.stringify(t))),
);

const traceFile: fc.Arbitrary<TraceFile> = fc.oneof({ weight: 20, arbitrary: trace }, { weight: 1, arbitrary: huge }, { weight: 2, arbitrary: deep }, { weight: 4, arbitrary: wrongShape });

describe(`fuzz: trace files (fast-check seed ${SEED})`, () => {
  const dir = scratchDirectory('trace');
  let n = 0;
  /** Each trace in its own directory, beside a valid policy.json and a subdirectory `dir`, for the policies named by path. */
  const write = (file: TraceFile): string => {
    const home = join(dir.path, `t${n++}`);
    mkdirSync(join(home, 'dir'), { recursive: true });
    writeFileSync(join(home, 'policy.json'), JSON.stringify({ admins: [{ id: 'a1' }, { id: 'a2' }], quorum: { escalate: 1, deescalate: 2 } }));
    const path = join(home, 'trace.json');
    writeFileSync(path, file.body);
    return path;
  };

  it(`loads each trace or names its problems in a message of readable length, never throwing (seed ${SEED}, ${runs(400)} runs)`, () => {
    fc.assert(
      fc.property(traceFile, (file) => {
        const result = loadTraceFile(write(file));
        if (result.ok) return;
        const text = result.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
        assert.ok(result.problems.length > 0 && result.problems.length <= 40, `${file.what}: ${result.problems.length} problems`);
        assert.ok(text.length <= MAX_MESSAGE_CHARS, `${file.what}: ${text.length} characters: ${text.slice(0, 300)}`);
        assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text), `${file.what}: a control character in ${text.slice(0, 300)}`);
      }),
      { seed: SEED, numRuns: runs(400) },
    );
  });

  it(`replays every trace it loads and refuses every other with exit 2 and one message; viz and report refuse the same traces before any work (seed ${SEED}, ${runs(150)} runs)`, async () => {
    let replayed = 0;
    await fc.assert(
      fc.asyncProperty(traceFile, fc.constantFrom('replay', 'replay-json', 'viz', 'report'), async (file, command) => {
        const path = write(file);
        const loaded = loadTraceFile(path);
        // viz serves until Ctrl-C and report builds for minutes: only traces the loader refuses go to them.
        const cmd = loaded.ok ? (command === 'replay-json' ? command : 'replay') : command;
        const argv =
          cmd === 'replay' ? ['replay', path]
          : cmd === 'replay-json' ? ['replay', path, '--json']
          : cmd === 'viz' ? ['viz', '--trace', path, '--port', '0']
          : ['report', '--trace', path, '--out', join(dir.path, 'r.html'), '--sections', 'check'];
        const run = await runCli(argv);
        const context = `${file.what}\n$ guillotine ${argv.join(' ')}`;
        if (loaded.ok) {
          replayed++;
          assertNoCrash(run, context);
          assert.notEqual(run.code, 2, context);
        } else {
          assertRefusedClearly(run, context);
          assert.match(run.err, /^guillotine: bad (trace|policy)/, context);
        }
      }),
      { seed: SEED, numRuns: runs(150) },
    );
    assert.ok(replayed >= runs(150) / 10, `the campaign must also replay accepted traces (${replayed})`);
  });

  // Regression examples the campaign found.
  it('refuses an event nested 100,000 levels deep in words (JSON.stringify overflowed the stack and crashed replay)', async () => {
    const path = write(traceFileOf('deep event', `{"events":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`));
    const run = await runCli(['replay', path]);
    assertRefusedClearly(run, 'deep event');
    assert.match(run.err, /events\[0\] \(line 1\): expected an event object like \{"type":"heartbeat"\}, got a list of 1/);
  });

  it('names the first ten bad events of 100,000 and counts the rest, in one short message', () => {
    const r = parseTrace({ events: Array.from({ length: 100_000 }, () => ({ type: 'nope' })) });
    assert.ok(!r.ok);
    assert.equal(r.problems.length, 11);
    assert.deepEqual(r.problems[10], { path: 'events', message: 'and 99990 more bad events (100000 of 100000 in all)' });
  });

  it('refuses a policy named /dev/zero, a pipe or a directory instead of reading forever', () => {
    for (const policy of ['/dev/zero', '/dev/stdin', '.']) {
      const r = parseTrace({ policy, events: [] }, dir.path);
      assert.ok(!r.ok, policy);
      assert.match(r.problems[0]!.message, /it is not a regular file|it is a directory/, policy);
    }
  });

  it('refuses a policy path with a NUL character in words, not as ERR_INVALID_ARG_VALUE', () => {
    const r = parseTrace({ policy: 'a\u0000b', events: [] }, dir.path);
    assert.ok(!r.ok);
    assert.match(r.problems[0]!.message, /cannot read policy file "[^"]*a\\u0000b": a file name cannot contain a NUL character/);
  });
});
