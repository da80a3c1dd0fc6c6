/**
 * Fair-cycle search for `eventually` properties. Over the subgraph of reachable states where the
 * condition is false, it looks for either a state with no enabled action (the run stops short of
 * the condition) or a strongly connected component that a weakly fair run can stay in forever:
 * one where every action enabled in *all* of its states has an edge inside it (otherwise weak
 * fairness forces that action, and every such edge leaves the component). Tarjan's algorithm,
 * iterative so deep graphs do not overflow the stack.
 */

export interface Lasso<A> {
  /** The first state of the cycle (reachable from an initial state). */
  readonly entry: number;
  /** Actions that lead from `entry` back to `entry` inside the component; empty for a dead end. */
  readonly cycle: readonly A[];
}

/**
 * @param edges enabled edges of every state where the condition is false (an empty list for a dead end)
 * @param inSubgraph whether a state belongs to the condition-false subgraph
 * @param actionName the identity of an action for fairness
 */
export function findFairCycle<A>(
  edges: ReadonlyMap<number, readonly { action: A; to: number }[]>,
  inSubgraph: (id: number) => boolean,
  actionName: (action: A) => string,
): Lasso<A> | undefined {
  const nodes = [...edges.keys()].filter(inSubgraph).sort((a, b) => a - b);
  for (const n of nodes) if (edges.get(n)!.length === 0) return { entry: n, cycle: [] };

  const inner = (n: number) => edges.get(n)!.filter((e) => inSubgraph(e.to));
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  let counter = 0;
  const components: number[][] = [];

  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: number; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const out = inner(frame.node);
      if (frame.next < out.length) {
        const to = out[frame.next++]!.to;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const up = work[work.length - 1]!.node;
        low.set(up, Math.min(low.get(up)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }

  for (const component of components) {
    const members = new Set(component);
    const internal = component.flatMap((n) => inner(n).filter((e) => members.has(e.to)).map((e) => ({ from: n, ...e })));
    if (internal.length === 0) continue; // a single state without a self-loop is not a cycle
    // Actions enabled in every state of the component must be taken inside it.
    const enabledEverywhere = component
      .map((n) => new Set(edges.get(n)!.map((e) => actionName(e.action))))
      .reduce((acc, s) => new Set([...acc].filter((x) => s.has(x))));
    const takenInside = new Set(internal.map((e) => actionName(e.action)));
    if ([...enabledEverywhere].every((a) => takenInside.has(a))) {
      const entry = Math.min(...component);
      return { entry, cycle: cycleThrough(entry, members, inner) };
    }
  }
  return undefined;
}

/** A shortest cycle from `entry` back to itself inside a component (breadth-first). */
function cycleThrough<A>(entry: number, members: ReadonlySet<number>, inner: (n: number) => readonly { action: A; to: number }[]): A[] {
  const back = new Map<number, { from: number; action: A }>();
  const queue = [entry];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i]!;
    for (const e of inner(n)) {
      if (!members.has(e.to)) continue;
      if (e.to === entry) {
        const path: A[] = [e.action];
        for (let at = n; at !== entry; at = back.get(at)!.from) path.push(back.get(at)!.action);
        return path.reverse();
      }
      if (!back.has(e.to)) {
        back.set(e.to, { from: n, action: e.action });
        queue.push(e.to);
      }
    }
  }
  return [];
}
