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
   * back. Default: no limit.
   */
  readonly maxWalkLength?: number;
}

/**
 * Builds covering walks for `goal`. Deterministic: ties are broken by exploration order.
 * Known limit: greedy, so its total length is not minimal; on the default policy it stays within a
 * few percent of the number of transitions (the trivial lower bound), see `bench/gen-tests.ts`.
 */
export function coveringWalks(graph: ReachableGraph, goal: WalkGoal, options: WalkOptions = {}): Walk[] {
  const { transitions, outStart } = graph;
  const n = graph.states.length;
  const maxLength = options.maxWalkLength ?? Infinity;
  // Moving transitions per state: the first accepted transition to each distinct other state.
  const moves: number[][] = Array.from({ length: n }, () => []);
  for (let s = 0; s < n; s++) {
    const seen = new Set<number>();
    for (let t = outStart[s]!; t < outStart[s + 1]!; t++) {
      const tr = transitions[t]!;
      if (tr.accepted && tr.to !== s && !seen.has(tr.to)) {
        seen.add(tr.to);
        moves[s]!.push(t);
      }
    }
  }
  const comp = components(graph, moves);
  // The moves again as flat arrays (transition id and destination), for the breadth-first searches,
  // which visit tens of millions of states on a large graph.
  const moveStart = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) moveStart[s + 1] = moveStart[s]! + moves[s]!.length;
  const moveId = new Int32Array(moveStart[n]!);
  const moveTo = new Int32Array(moveStart[n]!);
  for (let s = 0; s < n; s++) {
    moves[s]!.forEach((t, i) => {
      moveId[moveStart[s]! + i] = t;
      moveTo[moveStart[s]! + i] = transitions[t]!.to;
    });
  }
  const coveredTransition = new Uint8Array(transitions.length);
  const visitedState = new Uint8Array(n);
  let remaining = goal === 'transitions' ? transitions.length : n - 1;
  visitedState[0] = 1;
  // Uncovered transitions per state, those of them that stay in the state's component, and uncovered
  // transitions that stay inside each component. The second lets nextHere skip, without scanning, a
  // state whose only work leaves its component while the component has work left: breadth-first
  // searches pass such states again and again, which made the walks quadratic on large graphs.
  const pendingOut = new Int32Array(n);
  const pendingInside = new Int32Array(n);
  const inComponentWork = new Int32Array(n);
  for (let s = 0; s < n; s++) pendingOut[s] = outStart[s + 1]! - outStart[s]!;
  for (const tr of transitions) {
    if (comp[tr.to] === comp[tr.from]) {
      inComponentWork[comp[tr.from]!]!++;
      pendingInside[tr.from]!++;
    }
  }

  const walks: Walk[] = [];
  let steps: number[] = [];
  let covers: boolean[] = [];
  let current = 0;

  const take = (t: number): void => {
    const tr = transitions[t]!;
    let fresh = false;
    if (goal === 'transitions') {
      if (!coveredTransition[t]) {
        coveredTransition[t] = 1;
        pendingOut[tr.from]!--;
        if (comp[tr.to] === comp[tr.from]) {
          inComponentWork[comp[tr.from]!]!--;
          pendingInside[tr.from]!--;
        }
        remaining--;
        fresh = true;
      }
    } else if (!visitedState[tr.to]) {
      visitedState[tr.to] = 1;
      remaining--;
      fresh = true;
    }
    steps.push(t);
    covers.push(fresh);
    current = tr.to;
  };
  const endWalk = (): void => {
    if (steps.length > 0) walks.push({ steps, covers });
    steps = [];
    covers = [];
    current = 0;
  };
  /**
   * A target transition out of s to take now, or -1: one that stays put first, then one that stays
   * in s's strongly connected component, and one that leaves it (for good) only once nothing is left
   * to do inside, so a walk does not fall into an absorbing level with work left behind.
   */
  const nextHere = (s: number): number => {
    if (goal === 'states') {
      for (const t of moves[s]!) if (!visitedState[transitions[t]!.to]) return t;
      return -1;
    }
    if (pendingOut[s] === 0) return -1;
    if (pendingInside[s] === 0 && inComponentWork[comp[s]!] !== 0) return -1;
    let inside = -1;
    let leaving = -1;
    for (let t = outStart[s]!; t < outStart[s + 1]!; t++) {
      if (coveredTransition[t]) continue;
      const to = transitions[t]!.to;
      if (to === s) return t;
      // Prefer a destination that still has work of its own, so the walk need not travel on after it.
      if (comp[to] === comp[s]) inside = inside < 0 || (pendingOut[transitions[inside]!.to] === 0 && pendingOut[to]! > 0) ? t : inside;
      else leaving = leaving < 0 ? t : leaving;
    }
    if (inside >= 0) return inside;
    return inComponentWork[comp[s]!] === 0 ? leaving : -1;
  };
  /** Shortest path (transition ids) from `from` to the nearest state with work, or null; `within` keeps it in from's component. */
  // Search state shared by every call: a state is seen in this search when its stamp is the search's.
  const via = new Int32Array(n);
  const seenIn = new Int32Array(n);
  const queue = new Int32Array(n);
  let search = 0;
  const pathToWork = (from: number, within: boolean): number[] | null => {
    search++;
    const home = comp[from]!;
    let head = 0;
    let tail = 0;
    queue[tail++] = from;
    seenIn[from] = search;
    while (head < tail) {
      const s = queue[head++]!;
      if (s !== from && nextHere(s) >= 0) {
        const path: number[] = [];
        for (let u = s; u !== from; u = transitions[via[u]!]!.from) path.push(via[u]!);
        return path.reverse();
      }
      for (let k = moveStart[s]!; k < moveStart[s + 1]!; k++) {
        const to = moveTo[k]!;
        if (seenIn[to] !== search && (!within || comp[to] === home)) {
          seenIn[to] = search;
          via[to] = moveId[k]!;
          queue[tail++] = to;
        }
      }
    }
    return null;
  };

  while (remaining > 0) {
    if (steps.length >= maxLength) endWalk();
    const here = nextHere(current);
    if (here >= 0) {
      take(here);
      continue;
    }
    const path = pathToWork(current, true) ?? pathToWork(current, false);
    if (path === null) {
      if (current === 0 && steps.length === 0) break; // nothing left reachable at all (cannot happen on an explored graph)
      endWalk();
      continue;
    }
    for (const t of path) take(t);
  }
  endWalk();
  return walks;
}

/**
 * Strongly connected components of the graph of moving transitions (Tarjan's algorithm, iterative so
 * deep graphs cannot overflow the stack). Returns the component id of each state.
 */
function components(graph: ReachableGraph, moves: readonly (readonly number[])[]): Int32Array {
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
      const out = moves[frame.s]!;
      if (frame.i < out.length) {
        const to = graph.transitions[out[frame.i++]!]!.to;
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
