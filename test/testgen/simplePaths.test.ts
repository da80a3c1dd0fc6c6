import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { exploreGraph, type ReachableGraph } from '../../testgen/reachableGraph.ts';
import { boundedSimplePaths } from '../../testgen/simplePaths.ts';

describe('testgen/simplePaths: bounded path coverage', () => {
  const explored = exploreGraph(referenceEngine(DEFAULT_POLICY), { maxDepth: 3 });
  const graph = (explored as { graph: ReachableGraph }).graph;

  /** Brute force: every sequence of accepted transitions of length 1..depth from state 0 with no repeated state. */
  function allSimplePaths(depth: number): string[] {
    const out: string[] = [];
    const extend = (path: number[], visited: Set<number>, at: number) => {
      if (path.length === depth) return;
      for (const t of graph.transitions) {
        if (t.from !== at || !t.accepted || visited.has(t.to)) continue;
        const next = [...path, t.id];
        out.push(next.join(','));
        extend(next, new Set([...visited, t.to]), t.to);
      }
    };
    extend([], new Set([0]), 0);
    return out;
  }

  it('lists as tests exactly the simple paths of at most K steps that no other one extends, and counts them all', () => {
    const result = boundedSimplePaths(graph, 3);
    assert.equal(result.kind, 'paths');
    if (result.kind !== 'paths') return;
    const all = allSimplePaths(3);
    assert.equal(result.all, all.length);
    const maximal = all.filter((p) => !all.some((q) => q.length > p.length && q.startsWith(p + ',')));
    assert.deepEqual(result.maximal.map((p) => p.join(',')).sort(), maximal.sort());
  });

  it('stops with a limit result that gives the counts, instead of running away', () => {
    const result = boundedSimplePaths(graph, 3, 50);
    assert.equal(result.kind, 'limit');
    assert.match((result as { message: string }).message, /more than 50 simple paths of depth ≤ 3 \(\d+ maximal so far\); lower --depth/);
  });
});
