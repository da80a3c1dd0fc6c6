import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ACTUATORS, LEVELS } from '../../spec/levels.ts';
import { decodePath, describeEvent, encodePath, eventExample, EventSchema, EVENT_TYPES, type GuillotineEvent } from '../../spec/events.ts';
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
    assert.match(refused('alarm:meltdown'), /^event 1 "alarm:meltdown": level: .*"offline"/);
    assert.match(refused('actuator-fault:fuse'), /^event 1 "actuator-fault:fuse": actuator: .*"network-relay"/);
    assert.match(refused('propose::severed'), /^event 1 "propose::severed": admin: /);
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

function decodeOne(type: string): GuillotineEvent {
  const example: Record<string, string> = { propose: 'propose:a1:severed', approve: 'approve:a1', alarm: 'alarm:probation', 'actuator-confirm': 'actuator-confirm:network-relay', 'actuator-fault': 'actuator-fault:network-relay' };
  const r = decodePath(example[type] ?? type);
  assert.ok(r.ok && r.events.length === 1, type);
  return r.events[0]!;
}
