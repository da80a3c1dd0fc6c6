/**
 * Coverage at the level of the statechart diagram: each transition written in `machineConfig`
 * (a region's state, an event, one guarded branch) is an edge the visualizer draws, and the report
 * says, per edge, how many reachable (state, event) pairs take it and how many of those the suite
 * exercises. An edge no reachable pair takes is dead in this policy (for example the proposer-alone
 * quorum branch when quorums are above 1), which the report shows rather than hides.
 *
 * Which edge a concrete step takes is read from the statechart, not guessed: for the external event,
 * the first branch of the owning region whose guard holds on the pre-state (the rule both engines
 * use); for the internal events, from the step's effects: a `level` effect is the isolation edge
 * from → to, and a `note` effect names the branch whose `note` action carries that text (the
 * proposal's cancellation on a level change or a reboot).
 */
import type { Policy } from '../spec/policy.ts';
import type { Effect } from '../machines/guillotine.ts';
import { machineConfig, machineImplementations } from '../machines/guillotine.ts';
import { REGIONS, type Engine, type SystemState } from '../machines/engine.ts';
import type { GuillotineEvent } from '../spec/events.ts';
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

interface Branch {
  readonly guard?: { readonly type: string; readonly params?: Record<string, string> };
  readonly target?: string;
  readonly actions?: readonly { readonly type: string; readonly params?: Record<string, string> }[];
  readonly description?: string;
}
type Config = { states: Record<string, { states: Record<string, { on?: Record<string, readonly Branch[]> }> }> };

interface EdgeDef {
  readonly id: string;
  readonly region: string;
  readonly source: string;
  readonly event: string;
  readonly branch: number;
  readonly def: Branch;
}

function edgeDefs(policy: Policy): EdgeDef[] {
  const config = machineConfig(policy) as unknown as Config;
  const edges: EdgeDef[] = [];
  for (const region of REGIONS) {
    for (const [source, node] of Object.entries(config.states[region]!.states)) {
      for (const [event, branches] of Object.entries(node.on ?? {})) {
        branches.forEach((def, branch) => edges.push({ id: `${region}.${source} ${event}#${branch}`, region, source, event, branch, def }));
      }
    }
  }
  return edges;
}

/**
 * Maps every reachable transition to the statechart edges it takes and tallies, per edge, the
 * reachable and the exercised ones. `exercised[t]` is nonzero when the suite sends transition t.
 */
export function statechartCoverage(engine: Engine, graph: ReachableGraph, exercised: Uint8Array): StatechartEdgeCoverage[] {
  const policy = engine.policy;
  const impl = machineImplementations(policy);
  const defs = edgeDefs(policy);
  const byId = new Map(defs.map((d, i) => [d.id, i]));
  const reachable = new Int32Array(defs.length);
  const hit = new Int32Array(defs.length);
  const branchesOf = new Map<string, number[]>();
  defs.forEach((d, i) => {
    const key = `${d.region}.${d.source} ${d.event}`;
    branchesOf.set(key, [...(branchesOf.get(key) ?? []), i]);
  });
  const noteEdge = new Map<string, number>();
  defs.forEach((d, i) => {
    for (const a of d.def.actions ?? []) if (a.type === 'note' && a.params?.text !== undefined) noteEdge.set(a.params.text, i);
  });

  const takenBy = (state: SystemState, event: GuillotineEvent, effects: readonly Effect[]): Set<number> => {
    const taken = new Set<number>();
    for (const region of REGIONS) {
      const source = state.value[region];
      const first = (branchesOf.get(`${region}.${source} ${event.type}`) ?? []).find((i) => {
        const guard = defs[i]!.def.guard;
        return guard === undefined || impl.guards[guard.type]!(state.context, event, guard.params);
      });
      if (first !== undefined) taken.add(first);
    }
    for (const effect of effects) {
      if (effect.kind === 'level') {
        const i = byId.get(`isolation.${effect.from} isolation.set#${isolationBranch(defs, effect.from, effect.to)}`);
        if (i !== undefined) taken.add(i);
      } else if (effect.kind === 'note') {
        const i = noteEdge.get(effect.text);
        if (i !== undefined) taken.add(i);
      }
    }
    return taken;
  };

  for (const t of graph.transitions) {
    const state = graph.states[t.from]!;
    const step = engine.step(state, t.event);
    for (const i of takenBy(state, t.event, step.effects)) {
      reachable[i]!++;
      if (exercised[t.id]) hit[i]!++;
    }
  }
  return defs.map((d, i) => ({
    id: d.id,
    region: d.region,
    source: d.source,
    event: d.event,
    branch: d.branch,
    target: d.def.target ?? null,
    guard: d.def.guard === undefined ? null : d.def.guard.params === undefined ? d.def.guard.type : `${d.def.guard.type}(${Object.values(d.def.guard.params).join(', ')})`,
    description: d.def.description ?? null,
    reachable: reachable[i]!,
    exercised: hit[i]!,
    covered: hit[i]! > 0,
  }));
}

/** The branch index of the isolation edge from → to (one branch per allowed target). */
function isolationBranch(defs: readonly EdgeDef[], from: string, to: string): number {
  return defs.find((d) => d.region === 'isolation' && d.source === from && d.event === 'isolation.set' && d.def.guard?.params?.level === to)?.branch ?? -1;
}
