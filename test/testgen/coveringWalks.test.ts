import assert from 'node:assert/strict';
import { DEFAULT_POLICY, scaledPolicy, type Policy } from '../../spec/policy.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { exploreGraph, shortestPathTo, type ReachableGraph } from '../../testgen/reachableGraph.ts';
import { coveringWalks, type Walk } from '../../testgen/coveringWalks.ts';

function graphOf(policy: Policy): ReachableGraph {
  const result = exploreGraph(referenceEngine(policy));
  if (result.kind !== 'explored') throw new Error(result.message);
  return result.graph;
}

/** Each walk starts in the initial state and each step leaves from where the previous one arrived. */
function assertRealExecutions(graph: ReachableGraph, walks: readonly Walk[]): void {
  for (const [w, walk] of walks.entries()) {
    let at = 0;
    for (const [i, t] of walk.steps.entries()) {
      assert.equal(graph.transitions[t]!.from, at, `walk ${w + 1}, step ${i + 1} (T${t}) does not leave from the state the walk is in`);
      at = graph.transitions[t]!.to;
    }
  }
}

describe('testgen/coveringWalks: a few walks from reset that cover every target', () => {
  const graph = graphOf(DEFAULT_POLICY);

  it('covers every reachable (state, event) pair of the default policy, each marked covered exactly once', () => {
    const walks = coveringWalks(graph, 'transitions');
    const first = new Uint32Array(graph.transitions.length);
    for (const walk of walks) walk.steps.forEach((t, i) => walk.covers[i] && first[t]!++);
    assert.ok(first.every((n) => n === 1), 'every transition is first covered once');
    assertRealExecutions(graph, walks);
  });

  it('sends at most 3 times as many events as there are transitions and a small fraction of the shortest-path baseline', () => {
    const walks = coveringWalks(graph, 'transitions');
    const steps = walks.reduce((sum, w) => sum + w.steps.length, 0);
    let baseline = 0;
    for (const t of graph.transitions) baseline += graph.depth[t.from]! + 1;
    assert.ok(steps >= graph.transitions.length);
    assert.ok(steps <= 3 * graph.transitions.length, `${steps} steps for ${graph.transitions.length} transitions`);
    assert.ok(steps * 3 < baseline, `${steps} steps against a baseline of ${baseline}`);
    assert.ok(walks.length * 50 < graph.transitions.length, `${walks.length} walks`);
  });

  it('visits every reachable state with state coverage, in fewer steps than the per-state shortest paths', () => {
    const walks = coveringWalks(graph, 'states');
    const seen = new Set<number>([0]);
    for (const walk of walks) for (const t of walk.steps) seen.add(graph.transitions[t]!.to);
    assert.equal(seen.size, graph.states.length);
    assertRealExecutions(graph, walks);
    const steps = walks.reduce((sum, w) => sum + w.steps.length, 0);
    assert.ok(steps < graph.depth.reduce((a, b) => a + b, 0), `${steps} steps`);
  });

  it('ends a walk near the soft length bound and starts the next from reset, still covering everything', () => {
    const small = graphOf(scaledPolicy(1));
    const walks = coveringWalks(small, 'transitions', { maxWalkLength: 100 });
    const longestPath = Math.max(...small.depth);
    assert.ok(walks.every((w) => w.steps.length <= 100 + longestPath + 1), 'a walk only overruns by a path to its next target');
    assert.equal(new Set(walks.flatMap((w) => w.steps)).size, small.transitions.length);
    assertRealExecutions(small, walks);
  });

  it('terminates and still covers everything with a bound shorter than the paths to the targets (it looped before)', () => {
    const small = graphOf(scaledPolicy(2));
    const longestPath = Math.max(...small.depth);
    for (const goal of ['states', 'transitions'] as const) {
      const walks = coveringWalks(small, goal, { maxWalkLength: 1 });
      assert.ok(walks.every((w) => w.steps.length <= 1 + longestPath + 1), `${goal}: a walk overruns by at most a path and its target`);
      const reached = new Set(walks.flatMap((w) => w.steps.map((t) => small.transitions[t]!.to)));
      if (goal === 'transitions') assert.equal(new Set(walks.flatMap((w) => w.steps)).size, small.transitions.length);
      else assert.equal(new Set([0, ...reached]).size, small.states.length);
      assertRealExecutions(small, walks);
    }
  });

  it('is deterministic: the same graph gives the same walks', () => {
    const a = coveringWalks(graphOf(scaledPolicy(2)), 'transitions');
    const b = coveringWalks(graphOf(scaledPolicy(2)), 'transitions');
    assert.deepEqual(a, b);
  });

  it('gives shortest paths that match the breadth-first depth of every state', () => {
    for (let s = 0; s < graph.states.length; s += 37) {
      const path = shortestPathTo(graph, s);
      assert.equal(path.length, graph.depth[s]);
      assert.equal(path.length === 0 ? 0 : path[path.length - 1]!.to, s);
    }
  });
});
