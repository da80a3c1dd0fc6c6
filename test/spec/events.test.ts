import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ACTUATORS, LEVELS } from '../../spec/levels.ts';
import { checkEvent, decodePath, describeEvent, encodePath, eventExample, EventSchema, EVENT_TYPES, type GuillotineEvent } from '../../spec/events.ts';
import { SEED } from './policyArbitraries.ts';

/** Admin ids as a policy allows them (so they never contain the separators `,` and `:`). */
const adminId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,20}$/);
const level = fc.constantFrom(...LEVELS);
const actuator = fc.constantFrom(...ACTUATORS);

const guillotineEvent: fc.Arbitrary<GuillotineEvent> = fc.oneof(
  fc.record({ type: fc.constant('propose' as const), admin: adminId, target: level }),
  fc.record({ type: fc.constant('approve' as const), admin: adminId }),
  fc.constantFrom<GuillotineEvent>({ type: 'timeout' }, { type: 'heartbeat' }, { type: 'heartbeat-missed' }, { type: 'mce' }, { type: 'assertion-failure' }, { type: 'reboot-complete' }),
  fc.record({ type: fc.constant('alarm' as const), level }),
  fc.record({ type: fc.constantFrom('actuator-confirm' as const, 'actuator-fault' as const), actuator }),
).map((e) => ({ ...e }) as GuillotineEvent);

describe(`spec/events: the compact path encoding is the one replay handle (fast-check seed ${SEED})`, () => {
  it('encodes the example of docs/protocol.md §7 and the CLI help', () => {
    const events: GuillotineEvent[] = [{ type: 'propose', admin: 'a1', target: 'severed' }, { type: 'approve', admin: 'a2' }, { type: 'timeout' }];
    assert.equal(encodePath(events), 'propose:a1:severed,approve:a2,timeout');
    assert.deepEqual(decodePath('propose:a1:severed,approve:a2,timeout'), { ok: true, events });
  });

  it(`round-trips every path of valid events: decodePath(encodePath(p)) = p (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.array(guillotineEvent, { maxLength: 20 }), (events) => {
        const encoded = encodePath(events);
        assert.deepEqual(decodePath(encoded), { ok: true, events });
        // And the other way: a decoded path re-encodes to the same text.
        assert.equal(encodePath(events.map((e) => EventSchema.parse(e) as GuillotineEvent)), encoded);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('reads the empty path as no events, and tolerates spaces around events', () => {
    assert.deepEqual(decodePath(''), { ok: true, events: [] });
    // A blank --path (only spaces, a tab or a newline from a script) is the empty path too.
    assert.deepEqual(decodePath('  \t\n'), { ok: true, events: [] });
    assert.deepEqual(decodePath(' heartbeat , mce '), { ok: true, events: [{ type: 'heartbeat' }, { type: 'mce' }] });
  });

  it('refuses a malformed path with a message naming the event by position and what it takes', () => {
    const refused = (text: string) => {
      const r = decodePath(text);
      assert.ok(!r.ok, `${text} was accepted`);
      return r.message;
    };
    assert.match(refused('heartbeat,frob'), /^event 2 "frob": unknown event type; allowed: propose, approve, timeout/);
    assert.match(refused('approve'), /^event 1 "approve": approve takes admin \(for example approve:a1\)/);
    assert.match(refused('heartbeat,,mce'), /^event 2 "": unknown event type/);
    // The field, what was given and the values allowed, in the workbench's words (not zod's).
    assert.equal(refused('alarm:meltdown'), 'event 1 "alarm:meltdown": "level" "meltdown" is not an isolation level; allowed: standard, probation, severed, offline, decapitation, immolation');
    assert.match(refused('actuator-fault:fuse'), /^event 1 "actuator-fault:fuse": "actuator" "fuse" is not an actuator; allowed: .*network-relay/);
    assert.equal(refused('propose::severed'), 'event 1 "propose::severed": "admin" must be an admin id of 1 to 256 characters, got an empty string');
    assert.match(refused('mce:now'), /^event 1 "mce:now": mce takes no fields/);
  });

  it('shows, for every event type, an example a user can copy: a valid event of that type', () => {
    for (const type of EVENT_TYPES) {
      const example = JSON.parse(eventExample(type)) as { type: string };
      assert.equal(example.type, type);
      assert.ok(EventSchema.safeParse(example).success, eventExample(type));
    }
    // The path form of the example, shown when fields are missing, is valid too.
    const r = decodePath('actuator-confirm');
    assert.ok(!r.ok);
    assert.match(r.message, /^event 1 "actuator-confirm": actuator-confirm takes actuator \(for example actuator-confirm:network-relay\)$/);
  });

  it('describes each event type for tables', () => {
    const described = EVENT_TYPES.map((type) => describeEvent(decodeOne(type)));
    assert.deepEqual(described, ['propose a1 → severed', 'approve a1', 'timeout', 'heartbeat', 'heartbeat-missed', 'alarm probation', 'mce', 'assertion-failure', 'reboot-complete', 'actuator-confirm network-relay', 'actuator-fault network-relay']);
  });

  it('fixme: an admin name holding "," or ":" (allowed in an event, never in a policy) does not survive the compact encoding', () => {
    // Such an approval is always rejected (no policy admin has that id), but its replay handle
    // decodes to something else. Pinned so a future escaping scheme makes this test fail.
    const event: GuillotineEvent = { type: 'approve', admin: 'a1,timeout' };
    assert.ok(EventSchema.safeParse(event).success);
    assert.notDeepEqual(decodePath(encodePath([event])), { ok: true, events: [event] });
  });
});

/** An event as a user may write it: valid, or with a field removed, added or given another value (a `__proto__` key included). */
const writtenEvent: fc.Arbitrary<unknown> = fc.oneof(
  guillotineEvent,
  fc
    .tuple(guillotineEvent, fc.constantFrom('type', 'admin', 'target', 'level', 'actuator', 'extra', '__proto__'), fc.oneof(fc.constantFrom(...LEVELS, ...ACTUATORS, ...EVENT_TYPES, '', 'x'.repeat(257), 'a1'), fc.jsonValue({ maxDepth: 1 })))
    .map(([e, key, value]) => {
      const copy: Record<string, unknown> = { ...e };
      Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
      return copy;
    }),
  fc.tuple(guillotineEvent, fc.constantFrom('type', 'admin', 'target', 'level', 'actuator')).map(([e, key]) => {
    const copy: Record<string, unknown> = { ...e };
    delete copy[key];
    return copy;
  }),
  fc.jsonValue({ maxDepth: 2 }),
);

describe(`spec/events: a bad event is told in the workbench's words (fast-check seed ${SEED})`, () => {
  it(`accepts exactly what the schema accepts, the same event, and names the type and field otherwise (seed ${SEED})`, () => {
    fc.assert(
      fc.property(writtenEvent, (raw) => {
        const checked = checkEvent(raw);
        const schema = EventSchema.safeParse(raw);
        assert.equal(checked.ok, schema.success, JSON.stringify(raw));
        if (checked.ok) assert.deepEqual(checked.event, schema.data);
        // Never the schema library's wording ("Invalid option", "expected one of", "Unrecognized key").
        else assert.doesNotMatch(checked.message, /Invalid|expected one of|Unrecognized|received/, checked.message);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('names the field, what was given and the values allowed', () => {
    const message = (raw: unknown) => {
      const c = checkEvent(raw);
      assert.ok(!c.ok, JSON.stringify(raw));
      return c.message;
    };
    assert.equal(message({ type: 'propose', admin: 'a1', target: 'nowhere' }), 'propose: "target" "nowhere" is not an isolation level; allowed: standard, probation, severed, offline, decapitation, immolation');
    assert.equal(message({ type: 'approve', admin: 7 }), 'approve: "admin" must be an admin id (a string), got number 7');
    assert.equal(message({ type: 'alarm' }), 'alarm: missing "level" (an isolation level); alarm takes "level", as in {"type":"alarm","level":"probation"}');
    assert.equal(message(JSON.parse('{"type": "mce", "__proto__": {}}')), 'mce: unknown key "__proto__"; mce takes no other key than "type", as in {"type":"mce"}');
    assert.equal(message({ type: 'tick' }), 'unknown event type "tick"; allowed: propose, approve, timeout, heartbeat, heartbeat-missed, alarm, mce, assertion-failure, reboot-complete, actuator-confirm, actuator-fault');
    assert.equal(message({ type: '\u001b]0;PWN\u0007' }).includes('\u001b'), false, 'a crafted type is shown escaped');
  });
});

function decodeOne(type: string): GuillotineEvent {
  const example: Record<string, string> = { propose: 'propose:a1:severed', approve: 'approve:a1', alarm: 'alarm:probation', 'actuator-confirm': 'actuator-confirm:network-relay', 'actuator-fault': 'actuator-fault:network-relay' };
  const r = decodePath(example[type] ?? type);
  assert.ok(r.ok && r.events.length === 1, type);
  return r.events[0]!;
}
