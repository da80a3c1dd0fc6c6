/**
 * A small set of walks from the initial state that together cover every target of a coverage
 * criterion: every reachable state, or every reachable (state, event) pair. Each walk is one test.
 *
 * Greedy nearest-target cover: at the current state, first take every uncovered transition that
 * does not move (rejections and accepted self-loops: one step each, no detour), then an uncovered
 * transition that moves; when none is left here, walk a shortest path (breadth-first over the moving
 * transitions) to the nearest state that still has one; when none is reachable from here (an
 * absorbing level such as immolation), end the walk and start a new one from the initial state.
 * This is the classic greedy approximation of the Chinese-postman tour (Aho et al.'s "checking
 * sequence" setting): not optimal, but close to the lower bound of one step per transition here,
 * and every walk is a real execution, so a failing step names a replayable path.
 */
import type { ReachableGraph } from './reachableGraph.ts';

/** What a walk must cover. */
export type WalkGoal = 'states' | 'transitions';

/** One generated test: transition ids from the initial state, and which steps first cover a target. */
export interface Walk {
  readonly steps: readonly number[];
  /** Parallel to `steps`: true when this step is the first to cover its target (a transition, or its destination state). */
  readonly covers: readonly boolean[];
}

export interface WalkOptions {
  /**
   * End a walk after this many steps and start the next from the initial state. Shorter walks
   * localise failures (a failing step skips only the rest of its own walk) at the cost of the paths
   * back. A walk overruns it by at most a shortest path to its next target and that target, so any
   * bound from 1 up terminates. Default: no limit.
   */
  readonly maxWalkLength?: number;
}

/**
 * Builds covering walks for `goal`. Deterministic: ties are broken by exploration order.
 * Known limit: greedy, so its total length is not minimal; on the default policy it stays within a
 * few percent of the number of transitions (the trivial lower bound), see `bench/gen-tests.ts`.
 */
export function coveringWalks(graph: ReachableGraph, goal: WalkGoal, options: WalkOptions = {}): Walk[] {
  const maxLength = options.maxWalkLength ?? Infinity;
  const moves = new MoveIndex(graph);
  const comp = components(graph, moves);
  const work: CoverageWork = goal === 'transitions' ? new TransitionWork(graph, comp) : new StateWork(graph, moves);
  const nearest = new NearestWork(graph, moves, comp, work);
  const walks = new WalkRecorder(graph);

  while (work.remaining > 0) {
    if (walks.length >= maxLength) walks.end();
    const here = work.nextHere(walks.at);
    if (here >= 0) {
      walks.take(here, work.cover(here));
      continue;
    }
    const path = nearest.pathFrom(walks.at, true) ?? nearest.pathFrom(walks.at, false);
    if (path === null) {
      if (walks.at === 0 && walks.length === 0) break; // nothing left reachable at all (cannot happen on an explored graph)
      walks.end();
      continue;
    }
    for (const t of path) walks.take(t, work.cover(t));
    // The path ends where there is work: take it before the length bound can end the walk. Ending it
    // first walked the same path from reset again, forever when the path was longer than the bound.
    const target = work.nextHere(walks.at);
    if (target >= 0) walks.take(target, work.cover(target));
  }
  walks.end();
  return walks.done;
}

/**
 * The moving transitions of each state, the first accepted transition to each distinct other state,
 * as flat arrays (transition id and destination): the breadth-first searches of {@link NearestWork}
 * visit tens of millions of states on a large graph.
 */
class MoveIndex {
  /** The moves out of state s are `id[start[s] .. start[s + 1])`, leading to `to[…]`. */
  readonly start: Int32Array;
  readonly id: Int32Array;
  readonly to: Int32Array;

  constructor(graph: ReachableGraph) {
    const n = graph.states.length;
    const ids: number[] = [];
    this.start = new Int32Array(n + 1);
    for (let s = 0; s < n; s++) {
      const seen = new Set<number>();
      for (let t = graph.outStart[s]!; t < graph.outStart[s + 1]!; t++) {
        const tr = graph.transitions[t]!;
        if (tr.accepted && tr.to !== s && !seen.has(tr.to)) {
          seen.add(tr.to);
          ids.push(t);
        }
      }
      this.start[s + 1] = ids.length;
    }
    this.id = Int32Array.from(ids);
    this.to = Int32Array.from(ids, (t) => graph.transitions[t]!.to);
  }
}

/** What is left to cover, and the target to take next from a state. */
interface CoverageWork {
  /** Targets not yet covered. */
  readonly remaining: number;
  /** A target transition to take now from `s`, or -1 when `s` has none (or none worth taking yet). */
  nextHere(s: number): number;
  /** Records that transition `t` is taken; true when it covers a target for the first time. */
  cover(t: number): boolean;
}

/** State coverage: a target is a state not yet visited, reached by one of the moves to it. */
class StateWork implements CoverageWork {
  remaining: number;
  private readonly visited: Uint8Array;

  constructor(
    private readonly graph: ReachableGraph,
    private readonly moves: MoveIndex,
  ) {
    this.visited = new Uint8Array(graph.states.length);
    this.visited[0] = 1;
    this.remaining = graph.states.length - 1;
  }

  nextHere(s: number): number {
    for (let k = this.moves.start[s]!; k < this.moves.start[s + 1]!; k++) if (!this.visited[this.moves.to[k]!]) return this.moves.id[k]!;
    return -1;
  }

  cover(t: number): boolean {
    const to = this.graph.transitions[t]!.to;
    if (this.visited[to]) return false;
    this.visited[to] = 1;
    this.remaining--;
    return true;
  }
}

/**
 * Transition coverage: every (state, event) pair is a target. Besides the uncovered transitions per
 * state, it counts those that stay in the state's strongly connected component, per state and per
 * component: {@link nextHere} then skips, without scanning, a state whose only work leaves its
 * component while the component has work left. Breadth-first searches pass such states again and
 * again, which made the walks quadratic on large graphs.
 */
class TransitionWork implements CoverageWork {
  remaining: number;
  private readonly covered: Uint8Array;
  private readonly pendingOut: Int32Array;
  private readonly pendingInside: Int32Array;
  private readonly inComponentWork: Int32Array;

  constructor(
    private readonly graph: ReachableGraph,
    private readonly comp: Int32Array,
  ) {
    const n = graph.states.length;
    this.remaining = graph.transitions.length;
    this.covered = new Uint8Array(graph.transitions.length);
    this.pendingOut = new Int32Array(n);
    this.pendingInside = new Int32Array(n);
    this.inComponentWork = new Int32Array(n);
    for (let s = 0; s < n; s++) this.pendingOut[s] = graph.outStart[s + 1]! - graph.outStart[s]!;
    for (const tr of graph.transitions) {
      if (comp[tr.to] === comp[tr.from]) {
        this.inComponentWork[comp[tr.from]!]!++;
        this.pendingInside[tr.from]!++;
      }
    }
  }

  /**
   * One that stays put first, then one that stays in s's strongly connected component, and one that
   * leaves it (for good) only once nothing is left to do inside, so a walk does not fall into an
   * absorbing level with work left behind.
   */
  nextHere(s: number): number {
    const { transitions, outStart } = this.graph;
    const comp = this.comp;
    if (this.pendingOut[s] === 0) return -1;
    if (this.pendingInside[s] === 0 && this.inComponentWork[comp[s]!] !== 0) return -1;
    let inside = -1;
    let leaving = -1;
    for (let t = outStart[s]!; t < outStart[s + 1]!; t++) {
      if (this.covered[t]) continue;
      const to = transitions[t]!.to;
      if (to === s) return t;
      // Prefer a destination that still has work of its own, so the walk need not travel on after it.
      if (comp[to] === comp[s]) inside = inside < 0 || (this.pendingOut[transitions[inside]!.to] === 0 && this.pendingOut[to]! > 0) ? t : inside;
      else leaving = leaving < 0 ? t : leaving;
    }
    if (inside >= 0) return inside;
    return this.inComponentWork[comp[s]!] === 0 ? leaving : -1;
  }

  cover(t: number): boolean {
    if (this.covered[t]) return false;
    const tr = this.graph.transitions[t]!;
    this.covered[t] = 1;
    this.pendingOut[tr.from]!--;
    if (this.comp[tr.to] === this.comp[tr.from]) {
      this.inComponentWork[this.comp[tr.from]!]!--;
      this.pendingInside[tr.from]!--;
    }
    this.remaining--;
    return true;
  }
}

/**
 * Shortest paths (breadth first over the moving transitions) to the nearest state that still has
 * work. The search state is shared by every call: a state is seen in this search when its stamp is
 * the search's number.
 */
class NearestWork {
  private readonly via: Int32Array;
  private readonly seenIn: Int32Array;
  private readonly queue: Int32Array;
  private search = 0;

  constructor(
    private readonly graph: ReachableGraph,
    private readonly moves: MoveIndex,
    private readonly comp: Int32Array,
    private readonly work: CoverageWork,
  ) {
    const n = graph.states.length;
    this.via = new Int32Array(n);
    this.seenIn = new Int32Array(n);
    this.queue = new Int32Array(n);
  }

  /** Transition ids from `from` to the nearest other state with work, or null; `within` keeps the path in from's component. */
  pathFrom(from: number, within: boolean): number[] | null {
    const { via, seenIn, queue, moves, comp } = this;
    const search = ++this.search;
    const home = comp[from]!;
    let head = 0;
    let tail = 0;
    queue[tail++] = from;
    seenIn[from] = search;
    while (head < tail) {
      const s = queue[head++]!;
      if (s !== from && this.work.nextHere(s) >= 0) {
        const path: number[] = [];
        for (let u = s; u !== from; u = this.graph.transitions[via[u]!]!.from) path.push(via[u]!);
        return path.reverse();
      }
      for (let k = moves.start[s]!; k < moves.start[s + 1]!; k++) {
        const to = moves.to[k]!;
        if (seenIn[to] !== search && (!within || comp[to] === home)) {
          seenIn[to] = search;
          via[to] = moves.id[k]!;
          queue[tail++] = to;
        }
      }
    }
    return null;
  }
}

/** The walks as they are built: the current one's steps, and where it stands. */
class WalkRecorder {
  readonly done: Walk[] = [];
  private steps: number[] = [];
  private covers: boolean[] = [];
  /** The state the current walk stands in (0, the initial state, before its first step). */
  at = 0;

  constructor(private readonly graph: ReachableGraph) {}

  /** Steps in the current walk. */
  get length(): number {
    return this.steps.length;
  }

  take(t: number, fresh: boolean): void {
    this.steps.push(t);
    this.covers.push(fresh);
    this.at = this.graph.transitions[t]!.to;
  }

  /** Ends the current walk (if it took a step) and starts the next from the initial state. */
  end(): void {
    if (this.steps.length > 0) this.done.push({ steps: this.steps, covers: this.covers });
    this.steps = [];
    this.covers = [];
    this.at = 0;
  }
}

/**
 * Strongly connected components of the graph of moving transitions (Tarjan's algorithm, iterative so
 * deep graphs cannot overflow the stack). Returns the component id of each state.
 */
function components(graph: ReachableGraph, moves: MoveIndex): Int32Array {
  const n = graph.states.length;
  const comp = new Int32Array(n).fill(-1);
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (index[root]! >= 0) continue;
    const frames: { s: number; i: number }[] = [{ s: root, i: 0 }];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.i < moves.start[frame.s + 1]! - moves.start[frame.s]!) {
        const to = moves.to[moves.start[frame.s]! + frame.i++]!;
        if (index[to]! < 0) {
          index[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = 1;
          frames.push({ s: to, i: 0 });
        } else if (onStack[to]) low[frame.s] = Math.min(low[frame.s]!, index[to]!);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low[parent.s] = Math.min(low[parent.s]!, low[frame.s]!);
      if (low[frame.s] === index[frame.s]) {
        let u: number;
        do {
          u = stack.pop()!;
          onStack[u] = 0;
          comp[u] = components;
        } while (u !== frame.s);
        components++;
      }
    }
  }
  return comp;
}
