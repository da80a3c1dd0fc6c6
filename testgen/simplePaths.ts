/**
 * Bounded path coverage: every simple path (no state visited twice) of at most `depth` accepted
 * transitions from the initial state. Only the maximal ones become tests (a path that extends
 * another already exercises it); the rest are counted for the baseline, which runs every path on
 * its own as `@xstate/graph`'s `getSimplePaths` would list it.
 *
 * Known limit: the number of paths grows exponentially with the depth (about 10 moving transitions
 * per state on the default policy, so depth 4 gives tens of thousands); `maxPaths` bounds the work
 * and is reported with the counts reached, never silently truncated.
 */
import type { ReachableGraph } from './reachableGraph.ts';

export type SimplePathsResult =
  | { readonly kind: 'paths'; readonly maximal: readonly (readonly number[])[]; readonly all: number; readonly allSteps: number }
  | { readonly kind: 'limit'; readonly message: string };

/** Enumerates simple paths of 1..depth transitions from state 0, depth-first in exploration order. */
export function boundedSimplePaths(graph: ReachableGraph, depth: number, maxPaths = 200_000): SimplePathsResult {
  const { transitions, outStart } = graph;
  const onPath = new Uint8Array(graph.states.length);
  const maximal: number[][] = [];
  let all = 0;
  let allSteps = 0;
  const path: number[] = [];
  // Iterative DFS: frames hold the state and the next outgoing transition to try.
  const frames: { state: number; next: number; extended: boolean }[] = [{ state: 0, next: outStart[0]!, extended: false }];
  onPath[0] = 1;
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    let pushed = false;
    if (path.length < depth) {
      while (frame.next < outStart[frame.state + 1]!) {
        const t = transitions[frame.next++]!;
        if (!t.accepted || onPath[t.to]) continue;
        if (all >= maxPaths) {
          return { kind: 'limit', message: `more than ${maxPaths} simple paths of depth ≤ ${depth} (${maximal.length} maximal so far); lower --depth` };
        }
        frame.extended = true;
        path.push(t.id);
        all++;
        allSteps += path.length;
        onPath[t.to] = 1;
        frames.push({ state: t.to, next: outStart[t.to]!, extended: false });
        pushed = true;
        break;
      }
    }
    if (pushed) continue;
    if (!frame.extended && path.length > 0) maximal.push([...path]);
    frames.pop();
    onPath[frame.state] = 0;
    path.pop();
  }
  return { kind: 'paths', maximal, all, allSteps };
}
