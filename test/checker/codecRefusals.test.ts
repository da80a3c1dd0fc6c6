import assert from 'node:assert/strict';
import { guillotineCodec } from '../../checker/guillotineCodec.ts';
import { outsiderId } from '../../machines/alphabet.ts';
import { encoded, type StateCodec } from '../../checker/model.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { INITIAL_HISTORY, type CheckState } from '../../properties/history.ts';
import { ACTUATORS, CAPABILITIES, LEVELS, type Actuator } from '../../spec/levels.ts';
import { DEFAULT_POLICY, scaledPolicy, type Policy } from '../../spec/policy.ts';

/**
 * What the packed state refuses and where its limits lie. A state the codec cannot pack must stop
 * the search with a message naming the bad value — packing it wrongly would merge two states and
 * let the checker pass a design it never explored. guillotineCodec.test.ts covers the round trip
 * over every reachable state of a seven-admin policy; this file covers what those states never
 * reach: bad values, counters at their limit, the side table's size, and policies whose admins
 * need more than one word per bit set.
 */

type Context = CheckState['machine']['context'];

const initials = new Map<Policy, CheckState['machine']>();
/** The initial checked state of `policy`, with the given context fields and history replaced. */
function stateOf(policy: Policy, context: Partial<Record<keyof Context, unknown>> = {}, history: Partial<Record<keyof CheckState['history'], unknown>> = {}, value: Partial<Record<string, string>> = {}): CheckState {
  let init = initials.get(policy);
  if (init === undefined) initials.set(policy, (init = referenceEngine(policy).initial()));
  return {
    machine: { value: { ...init.value, ...value } as CheckState['machine']['value'], context: { ...init.context, ...context } as Context },
    history: { ...INITIAL_HISTORY, ...history } as CheckState['history'],
  };
}

/** Decodes what `state` encodes to, asserting it comes back whole. */
function roundTrips(codec: StateCodec<CheckState>, state: CheckState): Uint32Array {
  const words = encoded(codec, state);
  assert.deepEqual(codec.decode(words, 0), state);
  return words;
}

describe('checker/guillotineCodec: refuses what the packed state cannot hold, naming it', () => {
  // Built per test, not when the file loads: a mutation run activates a mutant only while tests run.
  let codec: StateCodec<CheckState>;
  beforeEach(() => (codec = guillotineCodec(DEFAULT_POLICY)));

  it('refuses a level outside §2, wherever a level is stored: the current one, a proposal\'s, the awaited one', () => {
    const proposal = (from: string, to: string) => ({ from, to, approvals: ['a1'] });
    for (const bad of [stateOf(DEFAULT_POLICY, { level: 'panic' }), stateOf(DEFAULT_POLICY, { proposal: proposal('panic', 'offline') }), stateOf(DEFAULT_POLICY, { proposal: proposal('standard', 'panic') }), stateOf(DEFAULT_POLICY, {}, { awaiting: 'panic' })]) {
      assert.throws(() => encoded(codec, bad), (e: unknown) => e instanceof Error && /unknown level "panic"/.test(e.message));
    }
  });

  it('refuses a region state the chart does not have, naming the region and the state', () => {
    assert.throws(() => encoded(codec, stateOf(DEFAULT_POLICY, {}, {}, { watchdog: 'asleep' })), (e: unknown) => e instanceof Error && /region watchdog has no state "asleep"/.test(e.message));
  });

  it('refuses an actuator that is not a kill switch, naming it', () => {
    assert.throws(() => encoded(codec, stateOf(DEFAULT_POLICY, { pendingActuators: ['model-power', 'laser'] })), (e: unknown) => e instanceof Error && /unknown actuator "laser"/.test(e.message));
  });

  it('refuses an output value outside its capability\'s column of §2, naming the field, the value and the allowed values', () => {
    const outputs = { ...CAPABILITIES.standard, ports: 'everything' };
    assert.throws(
      () => encoded(codec, stateOf(DEFAULT_POLICY, { outputs })),
      (e: unknown) => e instanceof Error && /outputs\.ports = "everything" is not one of all, allowlist, local, none/.test(e.message),
    );
    // Every field is checked, not only the first: the last one too.
    assert.throws(() => encoded(codec, stateOf(DEFAULT_POLICY, { outputs: { ...CAPABILITIES.standard, facility: 'flooded' } })), (e: unknown) => e instanceof Error && /outputs\.facility = "flooded"/.test(e.message));
  });

  it('packs both counters up to 65535 exactly, each in its own half-word', () => {
    roundTrips(codec, stateOf(DEFAULT_POLICY, { missedHeartbeats: 65535 }));
    roundTrips(codec, stateOf(DEFAULT_POLICY, {}, { misses: 65535 }));
    roundTrips(codec, stateOf(DEFAULT_POLICY, { missedHeartbeats: 65535 }, { misses: 65535 }));
  });

  it('refuses a counter past 65535, negative or fractional rather than pack it wrongly, naming the counter and its range', () => {
    for (const n of [65536, -1, 1.5]) {
      assert.throws(() => encoded(codec, stateOf(DEFAULT_POLICY, { missedHeartbeats: n })), (e: unknown) => e instanceof Error && new RegExp(`missedHeartbeats = ${n} is outside 0\\.\\.65535`).test(e.message), `missedHeartbeats ${n}`);
      assert.throws(() => encoded(codec, stateOf(DEFAULT_POLICY, {}, { misses: n })), (e: unknown) => e instanceof Error && new RegExp(`history misses = ${n} is outside 0\\.\\.65535`).test(e.message), `misses ${n}`);
    }
  });
});

describe('checker/guillotineCodec: what only a buggy machine reaches', () => {
  it('packs the level an escalation that gathered its quorum still awaits, each level apart', () => {
    // A correct machine applies such an escalation at once, so no reachable state of it awaits one;
    // escalation-liveness exists for the machines that do not.
    const codec = guillotineCodec(DEFAULT_POLICY);
    const words = new Set<string>();
    for (const awaiting of [null, ...LEVELS]) words.add(roundTrips(codec, stateOf(DEFAULT_POLICY, {}, { awaiting })).join(','));
    assert.equal(words.size, LEVELS.length + 1);
  });
});

describe('checker/guillotineCodec: the side table of irregular lists', () => {
  /** The i-th of many distinct actuator lists no bit set can hold (the first two are out of order). */
  const irregular = (i: number): Actuator[] => ['facility-destruction', 'network-relay', ...Array.from({ length: 6 }, (_, d) => ACTUATORS[(i >> (2 * d)) & 3]!)];

  it('numbers 2048 irregular actuator lists, each decoded back, and refuses the 2049th rather than overflow its 11 bits', () => {
    const codec = guillotineCodec(DEFAULT_POLICY);
    // A correct state with no proposal puts nothing in the side table, so all 2048 indices are free.
    roundTrips(codec, stateOf(DEFAULT_POLICY));
    const seen = new Set<string>();
    for (let i = 0; i < 2048; i++) seen.add(roundTrips(codec, stateOf(DEFAULT_POLICY, { pendingActuators: irregular(i) })).join(','));
    assert.equal(seen.size, 2048, 'distinct lists, distinct words');
    assert.throws(() => encoded(codec, stateOf(DEFAULT_POLICY, { pendingActuators: irregular(2048) })), (e: unknown) => e instanceof Error && /more than 2048 irregular lists/.test(e.message));
    // A list already numbered still packs.
    roundTrips(codec, stateOf(DEFAULT_POLICY, { pendingActuators: irregular(7) }));
  });
});

describe('checker/guillotineCodec: policies with more admins than one word has bits', () => {
  const policy = scaledPolicy(40);
  const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `a${from + i}`);
  let codec: StateCodec<CheckState>;
  beforeEach(() => (codec = guillotineCodec(policy)));
  const withLists = (approvals: string[], votes: string[]) => stateOf(policy, { proposal: { from: 'standard', to: 'offline', approvals } }, { votes });

  it('gives each bit set of 41 voters (40 admins and the outsider) two words', () => {
    assert.equal(codec.width, 3 + 2 * 2);
  });

  it('decodes approvals and votes spread over both words to themselves, and distinct lists to distinct words', () => {
    const lists = [
      [],
      ids(1, 31),
      ids(1, 32),
      ids(1, 33),
      ids(1, 40),
      [...ids(1, 40), outsiderId(policy)],
      ['a1', 'a33'],
      ['a33'],
      ['a40'],
      [outsiderId(policy)],
      ['a40', 'a1'], // out of order: kept whole in the side table
      ['a33', 'a33'],
    ];
    const words = new Set<string>();
    for (const list of lists) {
      words.add(roundTrips(codec, withLists(list, [])).join(','));
      words.add(roundTrips(codec, withLists(['a1'], list)).join(','));
    }
    assert.equal(words.size, 2 * lists.length, 'no two of these states share words');
  });

  it('writes exactly its own words, whatever the buffer held before', () => {
    const states = [withLists([], []), withLists(ids(1, 33), ['a40']), withLists(['a40', 'a1'], ['a33', 'a2']), stateOf(policy)];
    for (const s of states) {
      const fresh = encoded(codec, s);
      // A dirty buffer, as the search's reused scratch space is: the state's slot between two others.
      const buffer = new Uint32Array(3 * codec.width).fill(0xdeadbeef);
      codec.encode(s, buffer, codec.width);
      assert.deepEqual([...buffer.subarray(codec.width, 2 * codec.width)], [...fresh], 'same words as in a clean buffer');
      assert.ok(buffer.subarray(0, codec.width).every((w) => w === 0xdeadbeef) && buffer.subarray(2 * codec.width).every((w) => w === 0xdeadbeef), 'neighbours untouched');
      assert.deepEqual(codec.decode(buffer, codec.width), s);
    }
  });
});
