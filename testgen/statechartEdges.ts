/**
 * Coverage at the level of the statechart diagram: each transition written in `machineConfig`
 * (a region's state, an event, one guarded branch) is an edge the visualizer draws, and the report
 * says, per edge, how many reachable (state, event) pairs take it and how many of those the suite
 * exercises. An edge no reachable pair takes is dead in this policy (for example the proposer-alone
 * quorum branch when quorums are above 1), which the report shows rather than hides.
 *
 * Which edges a concrete step takes is not guessed here: the engine that took the step reports them
 * (`Step.taken`), the external event's branch in each region that took it and the branches of the
 * internal events it raised, by their address in the statechart that `readStatechart` reads.
 */
import type { Engine } from '../machines/engine.ts';
import { readStatechart, ruleVocabulary, statechartTransitions, type TransitionAddress } from '../machines/statechart.ts';
import type { ReachableGraph } from './reachableGraph.ts';

/** One written transition of the statechart and how much of it the suite exercises. */
export interface StatechartEdgeCoverage {
  /** `proposal.open approve#1`: region.state, event, branch index in the config. */
  readonly id: string;
  readonly region: string;
  readonly source: string;
  readonly event: string;
  readonly branch: number;
  /** Target state in the region, or null for a branch that stays (actions only). */
  readonly target: string | null;
  readonly guard: string | null;
  readonly description: string | null;
  /** Reachable (state, event) pairs that take this edge. */
  readonly reachable: number;
  /** Of those, how many the suite sends. */
  readonly exercised: number;
  readonly covered: boolean;
}

/**
 * Maps every reachable transition to the statechart edges it takes and tallies, per edge, the
 * reachable and the exercised ones. `exercised[t]` is nonzero when the suite sends transition t.
 * The engine must report the transitions it takes (`Step.taken`: the reference engine does, with
 * effects on).
 * @throws Error when the engine does not say which transitions a step took.
 */
export function statechartCoverage(engine: Engine, graph: ReachableGraph, exercised: Uint8Array): StatechartEdgeCoverage[] {
  const edges = statechartTransitions(readStatechart(engine.policy, ruleVocabulary(), 'testgen'));
  const idOf = (a: TransitionAddress) => `${a.region}.${a.source} ${a.event}#${a.branch}`;
  const byId = new Map(edges.map((e, i) => [idOf(e.address), i]));
  const reachable = new Int32Array(edges.length);
  const hit = new Int32Array(edges.length);
  for (const t of graph.transitions) {
    const step = engine.step(graph.states[t.from]!, t.event);
    if (step.taken === undefined) throw new Error(`statechartCoverage: the ${engine.name} engine does not report the transitions a step takes; use the reference engine with effects on`);
    const taken = step.taken.map((a) => {
      const i = byId.get(idOf(a));
      if (i === undefined) throw new Error(`statechartCoverage: the engine took ${idOf(a)}, which the statechart does not have`);
      return i;
    });
    // An edge taken twice in one step (no step does today) still counts the pair once.
    for (const i of new Set(taken)) {
      reachable[i]!++;
      if (exercised[t.id]) hit[i]!++;
    }
  }
  return edges.map(({ address: a, transition: d }, i) => ({
    id: idOf(a),
    region: a.region,
    source: a.source,
    event: a.event,
    branch: a.branch,
    target: d.target ?? null,
    guard: d.guard === undefined ? null : d.guard.params === undefined ? d.guard.type : `${d.guard.type}(${Object.values(d.guard.params).join(', ')})`,
    description: d.description ?? null,
    reachable: reachable[i]!,
    exercised: hit[i]!,
    covered: hit[i]! > 0,
  }));
}
