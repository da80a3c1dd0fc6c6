import assert from 'node:assert/strict';
import { explore } from '../../checker/bfs.ts';
import { binaryClock, counter, dieHard, request } from './fixtures.ts';

describe('checker/bfs', () => {
  it('counts the reachable states of a binary clock exactly', () => {
    const out = explore(binaryClock());
    assert.equal(out.status, 'complete');
    assert.equal(out.states, 2);
    assert.equal(out.transitions, 2);
    assert.deepEqual(out.properties.map((p) => p.status), ['holds', 'witnessed']);
  });

  it('counts die-hard\'s 16 states and finds the shortest 6-pour counterexample', () => {
    const out = explore(dieHard());
    assert.equal(out.states, 16);
    assert.equal(out.transitions, 16 * 6);
    const never4 = out.properties[0]!;
    assert.equal(never4.status, 'violated');
    assert.ok(never4.status === 'violated' && 'path' in never4);
    assert.equal(never4.path.length, 6);
    // Replaying the path really reaches 4 gallons.
    const model = dieHard();
    let s = model.initialStates()[0]!;
    for (const a of never4.path) s = model.next(s, a) ?? s;
    assert.equal(s.big, 4);
  });

  it('reports a witness path for a sometimes property', () => {
    const witness = explore(dieHard()).properties[1]!;
    assert.equal(witness.status, 'witnessed');
    assert.ok(witness.status === 'witnessed');
    assert.deepEqual(witness.path, ['fill big']);
  });

  it('finds a deadlock and the path to it, and none when the counter wraps', () => {
    const dead = explore(counter(3, false)).properties[0]!;
    assert.equal(dead.status, 'violated');
    assert.ok(dead.status === 'violated' && 'path' in dead);
    assert.deepEqual(dead.path, ['inc', 'inc', 'inc']);
    assert.equal(explore(counter(3, true)).properties[0]!.status, 'holds');
  });

  it('proves eventually under weak fairness, and finds the fair lasso when the action is not continuously enabled', () => {
    assert.equal(explore(request(false)).properties[0]!.status, 'holds');
    const out = explore(request(true)).properties[0]!;
    assert.equal(out.status, 'violated');
    assert.ok(out.status === 'violated' && out.expectation === 'eventually');
    assert.deepEqual(out.cycle, ['idle', 'idle']);
  });

  it('starts from the model\'s own initial state, not from the state whose words are all zero', () => {
    // A counter that starts at 3 and deadlocks at 5: two steps, and 0..2 are never reached.
    const fromThree = { ...counter(5, false), initialStates: () => [3] };
    const out = explore(fromThree);
    assert.equal(out.states, 3);
    const dead = out.properties[0]!;
    assert.ok(dead.status === 'violated' && 'path' in dead);
    assert.deepEqual(dead.path, ['inc', 'inc']);
  });

  it('stops at --max-states with an incomplete outcome that gives the counts', () => {
    const out = explore(dieHard(), { maxStates: 5 });
    assert.equal(out.status, 'incomplete');
    assert.ok(out.states >= 5 && out.states < 16);
  });
});
