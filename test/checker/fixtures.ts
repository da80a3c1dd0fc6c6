/**
 * Tiny canonical models for testing the checker itself (after Stateright's examples): their
 * state spaces are small enough to count by hand.
 */
import { Property, type Model, type StateCodec } from '../../checker/model.ts';
import { decodePath, type GuillotineEvent } from '../../spec/events.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import type { Policy } from '../../spec/policy.ts';

/** The events of a compact path (`propose:a1:severed,approve:a2`); a test's own path must decode. */
export function events(path: string): GuillotineEvent[] {
  const decoded = decodePath(path);
  if (!decoded.ok) throw new Error(decoded.message);
  return [...decoded.events];
}

/** A policy of test/fixtures/policies/ by file name; a test's own fixture must load. */
export function fixture(name: string): Policy {
  const loaded = loadPolicyFile(`test/fixtures/policies/${name}`);
  if (!loaded.ok) throw new Error(`fixture ${name} does not load`);
  return loaded.policy;
}

/** A small non-negative integer in one word. */
const INTEGER: StateCodec<number> = { width: 1, encode: (s, out, at) => void (out[at] = s), decode: (words, at) => words[at]! };

/** A clock that flips between 0 and 1: two states, two transitions. */
export function binaryClock(): Model<number, 'flip'> {
  return {
    initialStates: () => [0],
    actions: () => ['flip'],
    next: (s) => 1 - s,
    codec: INTEGER,
    actionName: (a) => a,
    properties: [Property.always('in range', (s) => (s === 0 || s === 1 ? true : `clock at ${s}`)), Property.sometimes('reaches 1', (s) => s === 1)],
  };
}

type Jugs = { readonly small: number; readonly big: number };
type Pour = 'fill small' | 'fill big' | 'empty small' | 'empty big' | 'small into big' | 'big into small';
const POURS: readonly Pour[] = ['fill small', 'fill big', 'empty small', 'empty big', 'small into big', 'big into small'];

/**
 * Die Hard's water jugs (3 and 5 gallons). 16 reachable states; the shortest way to measure
 * 4 gallons takes 6 pours — a classic check that exploration is breadth-first.
 */
export function dieHard(): Model<Jugs, Pour> {
  return {
    initialStates: () => [{ small: 0, big: 0 }],
    actions: () => POURS,
    next(s, a) {
      let { small, big } = s;
      switch (a) {
        case 'fill small': small = 3; break;
        case 'fill big': big = 5; break;
        case 'empty small': small = 0; break;
        case 'empty big': big = 0; break;
        case 'small into big': { const n = Math.min(small, 5 - big); small -= n; big += n; break; }
        case 'big into small': { const n = Math.min(big, 3 - small); big -= n; small += n; break; }
      }
      return { small, big };
    },
    codec: { width: 2, encode: (s, out, at) => void out.set([s.small, s.big], at), decode: (w, at) => ({ small: w[at]!, big: w[at + 1]! }) },
    actionName: (a) => a,
    properties: [Property.always('never 4 gallons', (s) => (s.big !== 4 ? true : 'the big jug holds 4 gallons')), Property.sometimes('big jug full', (s) => s.big === 5)],
  };
}

/** A counter 0..limit that stops at `limit`: a deadlock there unless `wrap`. */
export function counter(limit: number, wrap: boolean): Model<number, 'inc'> {
  return {
    initialStates: () => [0],
    actions: () => ['inc'],
    next: (s) => (s < limit ? s + 1 : wrap ? 0 : undefined),
    codec: INTEGER,
    actionName: (a) => a,
    properties: [Property.progress('no deadlock')],
  };
}

/**
 * A request that is granted by `grant`, while `idle` loops forever. Under weak fairness `grant`
 * must be taken when it stays enabled, so "eventually granted" holds; when `grant` is only
 * enabled every other step (`flaky`), a fair run may dodge it forever.
 */
export function request(flaky: boolean): Model<{ granted: boolean; tick: number }, 'grant' | 'idle'> {
  return {
    initialStates: () => [{ granted: false, tick: 0 }],
    actions: () => ['grant', 'idle'],
    next(s, a) {
      if (a === 'grant') return !s.granted && (!flaky || s.tick === 0) ? { granted: true, tick: s.tick } : undefined;
      return { granted: s.granted, tick: 1 - s.tick };
    },
    codec: { width: 1, encode: (s, out, at) => void (out[at] = (s.granted ? 2 : 0) | s.tick), decode: (w, at) => ({ granted: (w[at]! & 2) !== 0, tick: w[at]! & 1 }) },
    actionName: (a) => a,
    properties: [Property.eventually('eventually granted', (s) => s.granted)],
  };
}
