/**
 * Breadth-first reachability over machine states held as objects: the one search the findings
 * (`checker/findings.ts`) and the test generator (`testgen/reachableGraph.ts`) share. Each says what
 * a state's events are, how a step is taken, where it leads (canonical under symmetry, or nowhere
 * for a step that is no edge) and what makes two states one; the search numbers the states in
 * breadth-first order, keeps each one's depth and the edge that first reached it, and hands every
 * edge to the caller as it is taken.
 *
 * The checker's own search (`checker/bfs.ts`, `checker/compiled/`) is the same breadth-first order
 * over a different store: millions of states packed into words by a codec, never kept as objects.
 * The two meet in their contract (states numbered in discovery order, the first arrival's parent
 * and action kept, a state limit that stops the search), not in code: the object search keeps every
 * state, which the test generator needs (it prescribes each one) and the packed search must not.
 */

export interface StateSpace<S, E, T, K extends string = string> {
  /** The state the search starts from: state 0. */
  readonly initial: S;
  /** The events to try in `state`, in the order its edges are taken and numbered. */
  events(state: S): Iterable<E>;
  /** Takes `event` in `state` (an engine's step, with whatever the caller wants to see of it). */
  step(state: S, event: E): T;
  /** The state a step leads to, as the search keeps it; undefined when the step is no edge of the graph. */
  successor(step: T): S | undefined;
  /** Equal exactly for the states the search must treat as one. */
  key(state: S): K;
}

export interface BreadthFirstOptions<S, E, T> {
  /** Stop with a `limit` result rather than keep more than this many states (default: no limit). */
  readonly maxStates?: number;
  /** Try no events from states at this depth (they are kept, and counted as unexpanded); null or absent: no bound. */
  readonly maxDepth?: number | null;
  /**
   * Called for every edge as it is taken, in order (edge `id` counts the edges before it): from
   * state `from` (kept as `source`) by `event`, with the step, to state `to`, new or already seen.
   */
  readonly onEdge?: (id: number, from: number, event: E, step: T, to: number, source: S) => void;
}

/** The states reached, in breadth-first order. */
export interface Reached<S, K extends string = string> {
  readonly kind: 'explored';
  /** State 0 is the initial state. */
  readonly states: readonly S[];
  readonly keys: readonly K[];
  /** Length of a shortest path from the initial state. */
  readonly depth: readonly number[];
  /** The id of the edge that first reached each state (-1 for the initial state). */
  readonly parent: readonly number[];
  /** Edges taken. */
  readonly edges: number;
  /** States at the depth bound, kept but not expanded (0 without a bound). */
  readonly unexpanded: number;
}

/** The search stopped because one more state would have passed `maxStates`. */
export interface LimitReached {
  readonly kind: 'limit';
  readonly maxStates: number;
  /** Edges taken before the one that found the state too many. */
  readonly edges: number;
  /** The depth of the state too many. */
  readonly depth: number;
}

/**
 * Explores every state reachable from `space.initial`, breadth-first. Deterministic: states and
 * edges come in the order of the events each state lists. A step whose successor is undefined is
 * no edge: it is not counted, not reported and leads nowhere.
 *
 * Known limit: every state is kept as an object with its key (memory linear in the states); the
 * `maxStates` bound turns a graph too large for that into a `limit` result instead of an exhausted heap.
 */
export function breadthFirst<S, E, T, K extends string = string>(space: StateSpace<S, E, T, K>, options: BreadthFirstOptions<S, E, T> = {}): Reached<S, K> | LimitReached {
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const maxDepth = options.maxDepth ?? null;
  const onEdge = options.onEdge;
  const states: S[] = [space.initial];
  const keys: K[] = [space.key(space.initial)];
  const index = new Map<K, number>([[keys[0]!, 0]]);
  const depth: number[] = [0];
  const parent: number[] = [-1];
  let edges = 0;
  let unexpanded = 0;
  for (let from = 0; from < states.length; from++) {
    const source = states[from]!;
    if (maxDepth !== null && depth[from]! >= maxDepth) {
      unexpanded++;
      continue;
    }
    for (const event of space.events(source)) {
      const step = space.step(source, event);
      const next = space.successor(step);
      if (next === undefined) continue;
      const key = space.key(next);
      let to = index.get(key);
      if (to === undefined) {
        if (states.length >= maxStates) return { kind: 'limit', maxStates, edges, depth: depth[from]! + 1 };
        to = states.length;
        states.push(next);
        keys.push(key);
        index.set(key, to);
        depth.push(depth[from]! + 1);
        parent.push(edges);
      }
      onEdge?.(edges, from, event, step, to, source);
      edges++;
    }
  }
  return { kind: 'explored', states, keys, depth, parent, edges, unexpanded };
}
