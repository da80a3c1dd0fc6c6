import assert from 'node:assert/strict';
import fc from 'fast-check';
import { breadthFirst, type StateSpace } from '../../machines/reachability.ts';
import { SEED } from '../seed.ts';

/** A directed graph on states 0..n-1 as adjacency lists; an edge to -1 is a step that is no edge. */
type Graph = readonly (readonly number[])[];

function space(graph: Graph): StateSpace<number, number, number> {
  return {
    initial: 0,
    events: (s) => graph[s]!.map((_, i) => i),
    step: (s, i) => graph[s]![i]!,
    successor: (to) => (to < 0 ? undefined : to),
    key: (s) => String(s),
  };
}

/** The states reachable from 0 by a fixpoint over the edges (another algorithm than a queue). */
function closure(graph: Graph): Set<number> {
  const seen = new Set([0]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of [...seen]) for (const t of graph[s]!) if (t >= 0 && !seen.has(t)) (seen.add(t), (grew = true));
  }
  return seen;
}

const graphs = fc.integer({ min: 1, max: 12 }).chain((n) => fc.array(fc.array(fc.integer({ min: -1, max: n - 1 }), { maxLength: 4 }), { minLength: n, maxLength: n }));

describe(`machines/reachability: one breadth-first search for the findings and the test generator (fast-check seed ${SEED})`, () => {
  it('numbers states in breadth-first order, each edge in the order its state lists its events, and passes over steps that are no edge', () => {
    const graph: Graph = [[2, -1, 1], [3, 0], [3], []];
    const edges: string[] = [];
    const r = breadthFirst(space(graph), { onEdge: (id, from, event, _step, to, source) => edges.push(`${id}:${from}(${source})-${event}->${to}`) });
    assert.equal(r.kind, 'explored');
    if (r.kind !== 'explored') return;
    assert.deepEqual(r.states, [0, 2, 1, 3]);
    assert.deepEqual(r.depth, [0, 1, 1, 2]);
    assert.deepEqual(r.parent, [-1, 0, 1, 2]);
    assert.deepEqual(edges, ['0:0(0)-0->1', '1:0(0)-2->2', '2:1(2)-0->3', '3:2(1)-0->3', '4:2(1)-1->0']);
    assert.equal(r.edges, 5);
  });

  it(`reaches exactly the states a fixpoint reaches, each at its shortest distance along the parents' edges (seed ${SEED})`, () => {
    fc.assert(
      fc.property(graphs, (graph) => {
        const edges: { from: number; to: number }[] = [];
        const r = breadthFirst(space(graph), { onEdge: (_id, from, _event, _step, to) => edges.push({ from, to }) });
        assert.equal(r.kind, 'explored');
        if (r.kind !== 'explored') return;
        assert.deepEqual(new Set(r.states), closure(graph));
        assert.equal(edges.length, r.edges);
        for (const e of edges) assert.ok(r.depth[e.to]! <= r.depth[e.from]! + 1, 'no edge skips a level');
        for (let s = 1; s < r.states.length; s++) {
          const p: { from: number; to: number } = edges[r.parent[s]!]!;
          assert.equal(p.to, s);
          assert.equal(r.depth[s], r.depth[p.from]! + 1);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it(`keeps exactly maxStates states, and stops with a limit at the one after (seed ${SEED})`, () => {
    fc.assert(
      fc.property(graphs, (graph) => {
        const n = closure(graph).size;
        assert.equal(breadthFirst(space(graph), { maxStates: n }).kind, 'explored');
        if (n > 1) {
          const limit = breadthFirst(space(graph), { maxStates: n - 1 });
          assert.equal(limit.kind, 'limit');
          if (limit.kind === 'limit') assert.equal(limit.maxStates, n - 1);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('keeps the states at the depth bound but tries none of their events, and counts them', () => {
    const chain: Graph = [[1], [2], [3], [0]];
    const r = breadthFirst(space(chain), { maxDepth: 2 });
    assert.equal(r.kind, 'explored');
    if (r.kind !== 'explored') return;
    assert.deepEqual(r.states, [0, 1, 2]);
    assert.equal(r.unexpanded, 1);
    assert.equal(r.edges, 2);
  });

  it('reports the limit with the edges taken before it and the depth of the state too many', () => {
    const r = breadthFirst(space([[1, 2], [3], [], []]), { maxStates: 3 });
    assert.deepEqual(r, { kind: 'limit', maxStates: 3, edges: 2, depth: 2 });
  });
});
