import assert from 'node:assert/strict';
import { explore, type ExploreOutcome, type Progress } from '../../checker/bfs.ts';
import { checkedModel, type ModelRecipe } from '../../checker/checkedModel.ts';
import { Property, type Model, type StateCodec } from '../../checker/model.ts';
import { compileChecker } from '../../checker/compiled/compiledChecker.ts';
import { exploreCompiled } from '../../checker/compiled/bfs.ts';
import { StateTable } from '../../checker/stateTable.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { counter, request } from './fixtures.ts';

/**
 * What a user of the search relies on beyond "it finds the bug": where `--max-states` stops it,
 * the progress it reports, which counterexample it prints (the shortest, in order, with the
 * transition that broke a step property, and why an `eventually` property failed), the memory
 * figure it gives, the argument checks of the state table, and the same limits in the search over
 * generated code.
 */

/** A small non-negative integer in one word. */
const INTEGER: StateCodec<number> = { width: 1, encode: (s, out, at) => void (out[at] = s), decode: (words, at) => words[at]! };

/**
 * A model over numbered states, from state 0, whose transitions are listed: `edges[s][a]` is where
 * action `a` leads from `s` (absent: disabled). State numbers are the model's, not the search's ids.
 */
function graphModel<A extends string>(actions: readonly A[], edges: Record<number, Partial<Record<A, number>>>, properties: Property<number, A>[]): Model<number, A> {
  return { initialStates: () => [0], actions: () => actions, next: (s, a) => edges[s]?.[a], codec: INTEGER, actionName: (a) => a, properties };
}

type Step = 'right' | 'up';
/** A 3×3 grid walked from (0,0) by `right` and `up`: two different first actions reach (1,1), so paths have an order. */
function grid(properties: Property<{ x: number; y: number }, Step>[]): Model<{ x: number; y: number }, Step> {
  return {
    initialStates: () => [{ x: 0, y: 0 }],
    actions: () => ['right', 'up'],
    next: (s, a) => (a === 'right' ? (s.x < 2 ? { x: s.x + 1, y: s.y } : undefined) : s.y < 2 ? { x: s.x, y: s.y + 1 } : undefined),
    codec: { width: 2, encode: (s, out, at) => void out.set([s.x, s.y], at), decode: (w, at) => ({ x: w[at]!, y: w[at + 1]! }) },
    actionName: (a) => a,
    properties,
  };
}

/**
 * Runs `body` with `performance.now` reading a clock the test moves (and that moves by `perReading`
 * ms at each reading), so that timing behaviour is tested without waiting and without timed
 * assertions. The real clock is back afterwards, even on failure.
 */
async function withClock<T>(start: number, perReading: number, body: (clock: { now: number }) => T | Promise<T>): Promise<T> {
  const clock = { now: start };
  const own = Object.getOwnPropertyDescriptor(performance, 'now');
  performance.now = () => (clock.now += perReading);
  try {
    return await body(clock);
  } finally {
    if (own) Object.defineProperty(performance, 'now', own);
    else Reflect.deleteProperty(performance, 'now');
  }
}

/** `model` where every step takes `ms` milliseconds of the test's clock. */
function slow<S, A>(model: Model<S, A>, clock: { now: number }, ms: number): Model<S, A> {
  return {
    ...model,
    next: (s, a) => {
      clock.now += ms;
      return model.next(s, a);
    },
  };
}

describe('checker/bfs: --max-states, progress, and the counterexamples and figures a user reads', () => {
  it('explores a model of exactly --max-states states completely, and stops one state short of it incomplete', () => {
    // counter(3, true) has the four states 0..3.
    const whole = explore(counter(3, true), { maxStates: 4 });
    assert.equal(whole.status, 'complete');
    assert.equal(whole.states, 4);
    assert.deepEqual(whole.properties, [{ name: 'no deadlock', expectation: 'progress', status: 'holds' }]);
    assert.equal(explore(counter(3, true), { maxStates: 3 }).status, 'incomplete');
  });

  it('reports progress each time more than a second has passed, with the counts so far and the seconds since the start', async () => {
    // A chain 0..10 where each step takes 0.4 s: more than a second has passed after the 3rd, 6th and 9th step.
    const reports: Progress[] = [];
    const out = await withClock(10_000, 0, (clock) => explore(slow(counter(10, false), clock, 400), { onProgress: (p) => reports.push(p) }));
    assert.deepEqual(reports, [
      { states: 4, transitions: 3, depth: 2, seconds: 1.2 },
      { states: 7, transitions: 6, depth: 5, seconds: 2.4 },
      { states: 10, transitions: 9, depth: 8, seconds: 3.6 },
    ]);
    assert.deepEqual([out.states, out.transitions, out.depth, out.seconds], [11, 10, 10, 4.4]);
  });

  it('explores a slow model to the end when nobody asked for progress', async () => {
    const out = await withClock(10_000, 0, (clock) => explore(slow(counter(10, false), clock, 400)));
    assert.equal(out.status, 'complete');
    assert.equal(out.states, 11);
  });

  it('reports the first violation breadth-first, so the shortest path and the reason given for it', () => {
    // The chain breaks "below 2" at 2, 3, 4 and 5; the first, two steps from the start, is the one to print.
    const model = { ...counter(5, false), properties: [Property.always<number, 'inc'>('below 2', (s) => (s < 2 ? true : `the counter is at ${s}`))] };
    assert.deepEqual(explore(model).properties, [{ name: 'below 2', expectation: 'always', status: 'violated', path: ['inc', 'inc'], reason: 'the counter is at 2' }]);
  });

  it('prints a path in the order its actions are taken', () => {
    // Breadth-first, (1,2) is first reached from (1,1), itself first reached from (1,0).
    const out = explore(grid([Property.always('never at (1,2)', (s) => (s.x === 1 && s.y === 2 ? 'at (1,2)' : true)), Property.sometimes('top row', (s) => s.y === 2)]));
    assert.deepEqual(out.properties, [
      { name: 'never at (1,2)', expectation: 'always', status: 'violated', path: ['right', 'up', 'up'], reason: 'at (1,2)' },
      { name: 'top row', expectation: 'sometimes', status: 'witnessed', path: ['up', 'up'] },
    ]);
  });

  it('witnesses a sometimes property by its shortest path, and says when nothing witnesses one', () => {
    const model = { ...counter(5, false), properties: [Property.sometimes<number, 'inc'>('reaches 3', (s) => s >= 3), Property.sometimes<number, 'inc'>('reaches 9', (s) => s >= 9)] };
    assert.deepEqual(explore(model).properties, [
      { name: 'reaches 3', expectation: 'sometimes', status: 'witnessed', path: ['inc', 'inc', 'inc'] },
      { name: 'reaches 9', expectation: 'sometimes', status: 'unwitnessed' },
    ]);
  });

  it('shows a step property the transition that led to each state: none for an initial state, else the previous state and the action', () => {
    const seen: string[] = [];
    const model = grid([
      Property.always('records', (s, via) => {
        seen.push(via === undefined ? `start (${s.x},${s.y})` : `(${via.from.x},${via.from.y}) ${via.action} (${s.x},${s.y})`);
        return true;
      }),
    ]);
    const out = explore(model);
    assert.equal(seen[0], 'start (0,0)');
    // Every transition is judged once, with its own source and action (12 moves on a 3×3 grid).
    assert.equal(seen.length, 1 + out.transitions);
    assert.equal(out.transitions, 12);
    for (const entry of seen.slice(1)) assert.match(entry, /^\((\d),(\d)\) (right|up) \((\d),(\d)\)$/);
    assert.ok(seen.includes('(1,0) up (1,1)') && seen.includes('(0,1) right (1,1)'));
  });

  it('reports a step property broken by a transition back into a state already seen, with that transition at the end of the path', () => {
    // 0 → 1 → 2 → 0: only the wrap-around step breaks it (or witnesses it), and its target, 0, was the first state seen.
    const wraps = (s: number, via: { from: number } | undefined) => via !== undefined && via.from === 2 && s === 0;
    const model = { ...counter(2, true), properties: [Property.always<number, 'inc'>('never wraps', (s, via) => (wraps(s, via) ? 'wrapped from 2 to 0' : true)), Property.sometimes<number, 'inc'>('wraps', wraps)] };
    assert.deepEqual(explore(model).properties, [
      { name: 'never wraps', expectation: 'always', status: 'violated', path: ['inc', 'inc', 'inc'], reason: 'wrapped from 2 to 0' },
      { name: 'wraps', expectation: 'sometimes', status: 'witnessed', path: ['inc', 'inc', 'inc'] },
    ]);
  });

  it('reports a property broken or witnessed in an initial state with the empty path', () => {
    const model = { ...counter(2, true), properties: [Property.always<number, 'inc'>('starts above 0', (s) => (s > 0 ? true : 'starts at 0')), Property.sometimes<number, 'inc'>('at 0', (s) => s === 0)] };
    assert.deepEqual(explore(model).properties, [
      { name: 'starts above 0', expectation: 'always', status: 'violated', path: [], reason: 'starts at 0' },
      { name: 'at 0', expectation: 'sometimes', status: 'witnessed', path: [] },
    ]);
  });

  it('reports the nearest deadlock, next to the verdicts of the other properties', () => {
    // 0 -a-> 1 (dead), 0 -b-> 2 -a-> 3 (dead): the deadlock one step away is the one to print.
    const model = graphModel(['a', 'b'], { 0: { a: 1, b: 2 }, 2: { a: 3 } }, [Property.always('anything goes', () => true), Property.progress('no deadlock')]);
    const [anything, progress] = explore(model).properties;
    assert.deepEqual(anything, { name: 'anything goes', expectation: 'always', status: 'holds' });
    assert.ok(progress?.status === 'violated' && progress.expectation === 'progress');
    assert.deepEqual(progress.path, ['a']);
    assert.match(progress.reason, /no event is accepted/);
  });

  it('rebuilds paths in full to states found after the first thousand', () => {
    const dead = explore(counter(1500, false)).properties[0]!;
    assert.ok(dead.status === 'violated' && dead.expectation === 'progress');
    assert.equal(dead.path.length, 1500);
    assert.ok(dead.path.every((a) => a === 'inc'));
  });

  it('counts in its bytes per state at least the packed word, two hash slots, the parent and the action of each state', () => {
    // 4 bytes of words + 2 × 4 of slots (the table is at most half full) + 4 of parent + 8 of action.
    const { states, bytesPerState } = explore(counter(1023, true));
    assert.equal(states, 1024);
    assert.ok(bytesPerState >= 24 && bytesPerState < 48, `${bytesPerState} bytes per state`);
  });

  it('tells an eventually property that fails at a dead end from one that fails on a fair cycle', () => {
    // 0 -a-> 1 where nothing is enabled: the run stops short of ever reaching 2.
    const deadEnd = explore(graphModel(['a'], { 0: { a: 1 } }, [Property.eventually('reaches 2', (s) => s === 2)])).properties[0]!;
    assert.ok(deadEnd.status === 'violated' && deadEnd.expectation === 'eventually');
    assert.deepEqual([deadEnd.path, deadEnd.cycle], [['a'], []]);
    assert.match(deadEnd.reason, /no enabled event/);
    const cycle = explore(request(true)).properties[0]!;
    assert.ok(cycle.status === 'violated' && cycle.expectation === 'eventually');
    assert.deepEqual([cycle.path, cycle.cycle], [[], ['idle', 'idle']]);
    assert.match(cycle.reason, /fair cycle never reaches/);
  });

  it('judges each eventually property on its own states: another one\'s unmet states do not fail it', () => {
    const model = request(true);
    const out = explore({ ...model, properties: [Property.eventually('trivially', () => true), ...model.properties] });
    assert.deepEqual(out.properties[0], { name: 'trivially', expectation: 'eventually', status: 'holds' });
    assert.equal(out.properties[1]!.status, 'violated');
  });
});

describe('checker/stateTable: arguments and the all-zero state', () => {
  it('refuses a row width that is not a positive integer, naming it', () => {
    for (const width of [0, -1, 1.5]) {
      assert.throws(() => new StateTable(width), (e: unknown) => e instanceof RangeError && new RegExp(`width must be a positive integer, not ${width}`).test(e.message), `width ${width}`);
    }
  });

  it('refuses a state id outside the stored ones, a negative one too', () => {
    const table = new StateTable(1);
    table.add(Uint32Array.of(5));
    assert.deepEqual([...table.row(0)], [5]);
    assert.throws(() => table.row(-1), (e: unknown) => e instanceof RangeError && /no state -1/.test(e.message));
    assert.throws(() => table.row(1), (e: unknown) => e instanceof RangeError && /no state 1/.test(e.message));
  });

  it('numbers the all-zero state like any other right after the table has grown', () => {
    // A start of 16 slots grows at the 9th state; a state packed as zeros (an initial state often is) comes next.
    const table = new StateTable(1, 1);
    for (let v = 1; v <= 9; v++) assert.equal(table.add(Uint32Array.of(v)), v - 1);
    assert.equal(table.add(Uint32Array.of(0)), 9);
    assert.equal(table.size, 10);
    assert.equal(table.add(Uint32Array.of(10)), 10);
    assert.equal(table.find(Uint32Array.of(0)), 9);
    assert.deepEqual([...table.row(9)], [0]);
  });
});

describe('checker/compiled: --max-states and progress in the search over generated code', () => {
  const recipe: ModelRecipe = { policy: DEFAULT_POLICY, engine: 'compiled', symmetry: false };
  const untimed = (o: ExploreOutcome<unknown>) => ({ ...o, seconds: 0, bytesPerState: 0 });

  it('explores a model of exactly --max-states states completely, as the object search does, reporting progress about once a second', async () => {
    const checked = checkedModel(recipe);
    const one = explore(checked.explored);
    const reports: Progress[] = [];
    // A clock that moves 0.4 s at every reading: at most 0.8 s pass between checking for progress and reporting it.
    const two = await withClock(1_000_000, 400, () => exploreCompiled(compileChecker(checked, false), checked.properties, checked.explored, { maxStates: one.states, onProgress: (p) => reports.push(p) }));
    assert.deepEqual(untimed(two), untimed(one));
    assert.ok(reports.length > 0, 'no progress reported');
    reports.forEach((p, i) => {
      assert.ok(p.states <= one.states && p.transitions <= one.transitions && p.depth <= one.depth, JSON.stringify(p));
      const since = p.seconds - (i === 0 ? 0 : reports[i - 1]!.seconds);
      assert.ok(since > 1 && p.seconds <= two.seconds, `report ${i} at ${p.seconds} s, ${since} s after the previous one, of ${two.seconds} s`);
    });
  });

  it('stops incomplete past --max-states, with the states it stored', () => {
    const checked = checkedModel(recipe);
    const out = exploreCompiled(compileChecker(checked, false), checked.properties, checked.explored, { maxStates: 1 });
    assert.equal(out.status, 'incomplete');
    assert.ok(out.states > 1);
    assert.ok(out.properties.filter((p) => p.expectation === 'always').every((p) => p.status === 'holds'));
  });
});
