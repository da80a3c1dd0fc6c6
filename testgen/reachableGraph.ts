/**
 * The reachable graph of the statechart under an event alphabet, explored breadth-first from the
 * initial state. Every (state, event) pair tried is a transition of the
 * graph, accepted or rejected (a rejected event is a self-loop: the state stays as it was), because
 * transition coverage asks for both. States are identified by their canonical {@link stateKey}.
 */
import type { GuillotineEvent } from '../spec/events.ts';
import type { Engine, Step, SystemState } from '../machines/engine.ts';
import { breadthFirst } from '../machines/reachability.ts';
import { stateKey, type StateKey } from '../machines/stateKey.ts';
import { stateAlphabet, type AdminSelection } from './alphabet.ts';

/** One (state, event) pair of the reachable graph and where it leads. */
export interface Transition {
  /** Position in exploration order: stable for a given policy and options, used as `T<id>` in test names. */
  readonly id: number;
  readonly from: number;
  readonly event: GuillotineEvent;
  readonly to: number;
  readonly accepted: boolean;
  /** The machine's reason, for a rejected event. */
  readonly reason: string | null;
}

export interface ReachableGraph {
  readonly admins: AdminSelection;
  /** States in breadth-first order; index 0 is the initial state. */
  readonly states: readonly SystemState[];
  readonly keys: readonly StateKey[];
  /** Length of a shortest path from the initial state. */
  readonly depth: readonly number[];
  /** The transition by which breadth-first search first reached each state (-1 for the initial state). */
  readonly parent: readonly number[];
  /** Transitions grouped by source state, in exploration order. */
  readonly transitions: readonly Transition[];
  /** The transitions out of state i are `transitions[outStart[i] .. outStart[i + 1])`. */
  readonly outStart: readonly number[];
  /** The depth bound, or null when the whole reachable graph was explored. */
  readonly depthBound: number | null;
  /** States at the depth bound whose events were not tried (0 without a bound). */
  readonly unexpanded: number;
}

export interface ExploreOptions {
  readonly admins?: AdminSelection;
  /** Do not try events from states at this depth; null or absent: explore everything. */
  readonly maxDepth?: number | null;
  /** Stop with a limit result beyond this many states (default 1,000,000). */
  readonly maxStates?: number;
}

export type ExploreResult =
  | { readonly kind: 'explored'; readonly graph: ReachableGraph }
  | { readonly kind: 'limit'; readonly message: string };

/**
 * Explores every state reachable from `engine.initial()` under {@link stateAlphabet}, with the
 * workbench's one breadth-first search (`machines/reachability.ts`). Deterministic: states and
 * transitions come in breadth-first order with the alphabet's event order.
 * Known limit: memory is linear in states + transitions; a policy whose quotient graph exceeds
 * `maxStates` returns a `limit` result with the counts reached, rather than running out of memory.
 */
export function exploreGraph(engine: Engine, options: ExploreOptions = {}): ExploreResult {
  const admins = options.admins ?? 'representative';
  const maxDepth = options.maxDepth ?? null;
  const maxStates = options.maxStates ?? 1_000_000;
  const transitions: Transition[] = [];
  const reached = breadthFirst(
    {
      initial: engine.initial(),
      events: (state: SystemState) => stateAlphabet(engine.policy, state, admins),
      step: (state: SystemState, event: GuillotineEvent) => engine.step(state, event),
      // Every event tried is a transition, a rejected one a self-loop: transition coverage asks for both.
      successor: (step: Step) => step.state,
      key: stateKey,
    },
    {
      maxStates,
      maxDepth,
      onEdge(id, from, event, step, to) {
        const reject = step.effects.find((e) => e.kind === 'reject');
        transitions.push({ id, from, event, to, accepted: step.accepted, reason: reject?.kind === 'reject' ? reject.reason : null });
      },
    },
  );
  if (reached.kind === 'limit') {
    return { kind: 'limit', message: `the reachable graph has more than ${maxStates} states (${reached.edges} transitions explored, depth ${reached.depth}); bound it with --depth or use a smaller policy` };
  }
  const { states, keys, depth, parent, unexpanded } = reached;
  return { kind: 'explored', graph: { admins, states, keys, depth, parent, transitions, outStart: outStarts(states.length, transitions), depthBound: maxDepth, unexpanded } };
}

/** Where each state's transitions start (they are grouped by source, in state order), and one past the last. */
function outStarts(states: number, transitions: readonly Transition[]): number[] {
  const outStart: number[] = [];
  let t = 0;
  for (let s = 0; s <= states; s++) {
    while (t < transitions.length && transitions[t]!.from < s) t++;
    outStart.push(t);
  }
  return outStart;
}

/** The transitions of a shortest path from the initial state to state `target`, in order. */
export function shortestPathTo(graph: ReachableGraph, target: number): readonly Transition[] {
  const path: Transition[] = [];
  for (let s = target; graph.parent[s]! >= 0; ) {
    const t = graph.transitions[graph.parent[s]!]!;
    path.push(t);
    s = t.from;
  }
  return path.reverse();
}
