import assert from 'node:assert/strict';
import { findFairCycle, type Lasso } from '../../checker/liveness.ts';

/**
 * The fair-cycle search behind every `eventually` verdict, on hand-drawn graphs small enough to
 * judge by eye. A wrong answer here either passes a design that can stall forever or prints a
 * lasso that does not replay, so each test states which runs are fair and which lasso is right.
 *
 * Graphs are written as `[from, action, to]` edges; `subgraph` lists the states where the
 * condition is false (the search's subgraph); edges to other states leave it.
 */

type Edge = readonly [from: number, action: string, to: number];

/**
 * The lasso `findFairCycle` finds. `recorded` lists the states whose edges the search kept, in the
 * order it recorded them (a state without an edge is a dead end); it defaults to `subgraph`.
 */
function lasso(edges: readonly Edge[], subgraph: readonly number[], recorded: readonly number[] = subgraph): Lasso<string> | undefined {
  const map = new Map(recorded.map((n) => [n, edges.filter(([from]) => from === n).map(([, action, to]) => ({ action, to }))]));
  const inside = new Set(subgraph);
  return findFairCycle(map, (id) => inside.has(id), (a) => a);
}

describe('checker/liveness: lassos of eventually properties under weak fairness', () => {
  it('finds a cycle that a fair run may take forever: all of it, in order, from its lowest state', () => {
    // 0 -a-> 1 -b-> 0, and at 1 `c` leaves: `c` is not enabled all along the cycle, so a fair run may skip it.
    assert.deepEqual(lasso([[0, 'a', 1], [1, 'b', 0], [1, 'c', 9]], [0, 1]), { entry: 0, cycle: ['a', 'b'] });
  });

  it('finds a longer cycle whole, not a part of it', () => {
    assert.deepEqual(lasso([[0, 'a', 1], [1, 'b', 2], [2, 'c', 0]], [0, 1, 2]), { entry: 0, cycle: ['a', 'b', 'c'] });
  });

  it('finds a cycle that does not pass through the first state explored', () => {
    // 0 -a-> 1 -b-> 2 -c-> 1: the lasso's stem is `a`, its cycle b, c from 1.
    assert.deepEqual(lasso([[0, 'a', 1], [1, 'b', 2], [2, 'c', 1]], [0, 1, 2]), { entry: 1, cycle: ['b', 'c'] });
  });

  it('gives the shortest way round the cycle back to its entry', () => {
    // From 0: a, c, d or b, d.
    assert.deepEqual(lasso([[0, 'a', 1], [0, 'b', 2], [1, 'c', 2], [2, 'd', 0]], [0, 1, 2]), { entry: 0, cycle: ['b', 'd'] });
  });

  it('makes the cycle weakly fair by itself: an action enabled all along the shortest cycle is taken on a detour', () => {
    // The shortest cycle is `wait` at 0, but `p` is enabled there all along it: repeating `wait`
    // alone is not a fair run. The lasso takes p and comes back by q.
    assert.deepEqual(lasso([[0, 'wait', 0], [0, 'p', 1], [1, 'q', 0]], [0, 1]), { entry: 0, cycle: ['p', 'q', 'wait'] });
  });

  it('makes the cycle weakly fair by a detour through a state where an action enabled all along is disabled', () => {
    // x, x between 0 and 1 passes only states where `g` (which leaves) is enabled; 2 is the state
    // without it, so the lasso goes round by y and z too.
    const l = lasso([[0, 'x', 1], [1, 'x', 0], [0, 'g', 9], [1, 'g', 9], [1, 'y', 2], [2, 'z', 0]], [0, 1, 2]);
    assert.deepEqual(l, { entry: 0, cycle: ['x', 'y', 'z', 'x', 'x'] });
  });

  it('finds a self-loop that is all a state can do as a cycle of one step', () => {
    assert.deepEqual(lasso([[0, 'a', 1], [1, 'wait', 1]], [0, 1]), { entry: 1, cycle: ['wait'] });
  });

  it('finds no lasso when an action enabled all along the only cycle leaves it: fairness forces it', () => {
    assert.equal(lasso([[0, 'idle', 1], [1, 'idle', 0], [0, 'grant', 9], [1, 'grant', 9]], [0, 1]), undefined);
    // Likewise a self-loop next to an always-enabled way out.
    assert.equal(lasso([[0, 'x', 1], [0, 'y', 2], [2, 'z', 1], [1, 'spin', 1], [1, 'out', 9]], [0, 1, 2]), undefined);
  });

  it('finds no lasso in a chain that leaves the subgraph, nor through a state where the condition holds', () => {
    assert.equal(lasso([[0, 'a', 1], [1, 'b', 2], [2, 'c', 9]], [0, 1, 2]), undefined);
    // 1 was recorded (another property is unmet there) but this condition holds at 1: 0 → 1 → 0 is not a lasso.
    assert.equal(lasso([[0, 'a', 1], [1, 'b', 0]], [0], [0, 1]), undefined);
  });

  it('reports the lowest-numbered dead end of the subgraph, whatever order the states were recorded in', () => {
    // 7 and 3 are dead ends; ids are breadth-first, so 3 is no farther from the start than 7.
    assert.deepEqual(lasso([[0, 'a', 7], [0, 'b', 3]], [0, 3, 7], [7, 3, 0]), { entry: 3, cycle: [] });
  });

  it('ignores a dead end where the condition holds', () => {
    // 1 has no edge, but the condition holds there: running into it reaches the condition; and
    // the cycle 0 → 2 → 0 is unfair, `e` being enabled all along it.
    assert.equal(lasso([[0, 'a', 1], [2, 'b', 0], [0, 'c', 2], [2, 'e', 9], [0, 'e', 9]], [0, 2], [1, 0, 2]), undefined);
  });

  it('takes the shortest of the detours from the cycle\'s states, spliced in where it starts', () => {
    // tick, tick between 0 and 1 leaves `x` enabled all along. From 0, x leads round by 2 and 3
    // (three steps); from 1, x is a self-loop (one step): the lasso takes x at 1, mid-cycle.
    const l = lasso([[0, 'tick', 1], [1, 'tick', 0], [0, 'x', 2], [2, 's', 3], [3, 's', 0], [1, 'x', 1]], [0, 1, 2, 3]);
    assert.deepEqual(l, { entry: 0, cycle: ['tick', 'x', 'tick'] });
  });
});
