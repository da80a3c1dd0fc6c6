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
  /** Actions that lead from `entry` back to `entry` inside the component, taking every action enabled all along them (so repeating them is a weakly fair run); empty for a dead end. */
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
    const enabledEverywhere = enabledThroughout(component, (n) => new Set(edges.get(n)!.map((e) => actionName(e.action))));
    const takenInside = new Set(internal.map((e) => actionName(e.action)));
    if ([...enabledEverywhere].every((a) => takenInside.has(a))) {
      const entry = Math.min(...component);
      return { entry, cycle: fairCycleThrough(entry, members, edges, actionName) };
    }
  }
  return undefined;
}

/**
 * The names of the actions enabled in every one of `states` (at least one): what weak fairness
 * forces a run that stays among them forever to take. Also how a replay judges a lasso's cycle.
 */
export function enabledThroughout<S>(states: readonly S[], enabledAt: (state: S) => ReadonlySet<string>): Set<string> {
  const [first, ...rest] = states.map(enabledAt);
  return rest.reduce<Set<string>>((acc, names) => new Set([...acc].filter((a) => names.has(a))), new Set(first));
}

interface Step<A> {
  readonly from: number;
  readonly action: A;
  readonly to: number;
}

/**
 * A cycle from `entry` back to itself inside a fair component that is weakly fair by itself, so
 * that repeating it is a run the property forbids: every action enabled in all the states it
 * visits is taken in it. (The shortest cycle need not be: a cycle of heartbeats passes states
 * where a proposal is enabled all along.) It starts from the shortest cycle and, while some action
 * is enabled all along it and never taken, splices in the shortest detour from a visited state
 * either through an edge of that action that stays inside or to a state where it is disabled; one
 * of the two exists because the component is fair. Each detour takes the action or visits a state
 * without it, and neither can make another action enabled all along, so the loop ends.
 */
function fairCycleThrough<A>(
  entry: number,
  members: ReadonlySet<number>,
  edges: ReadonlyMap<number, readonly { action: A; to: number }[]>,
  actionName: (action: A) => string,
): A[] {
  const inside = (n: number): Step<A>[] => edges.get(n)!.filter((e) => members.has(e.to)).map((e) => ({ from: n, ...e }));
  const enabledAt = (n: number) => new Set(edges.get(n)!.map((e) => actionName(e.action)));
  let cycle = shortestWalk(entry, members, inside, (_n, via) => via?.to === entry)!;
  for (;;) {
    const visited = cycle.map((step) => step.from);
    const taken = new Set(cycle.map((step) => actionName(step.action)));
    const enabledAllAlong = enabledThroughout(visited, enabledAt);
    const missing = [...enabledAllAlong].find((a) => !taken.has(a));
    if (missing === undefined) return cycle.map((step) => step.action);
    // The shortest round trip from a visited state that takes `missing` or reaches a state without it.
    let detour: Step<A>[] | undefined;
    for (const start of new Set(visited)) {
      const out = shortestWalk(start, members, inside, (n, via) => via !== undefined && (actionName(via.action) === missing || !enabledAt(n).has(missing)));
      if (out === undefined) continue;
      const end = out[out.length - 1]!.to;
      const home = end === start ? [] : shortestWalk(end, members, inside, (_n, via) => via?.to === start);
      if (home !== undefined && (detour === undefined || out.length + home.length < detour.length)) detour = [...out, ...home];
    }
    if (detour === undefined) throw new Error(`liveness: no detour takes or disables ${missing} in a fair component (a bug in the fair-cycle search)`);
    const at = cycle.findIndex((step) => step.from === detour![0]!.from);
    cycle = [...cycle.slice(0, at), ...detour, ...cycle.slice(at)];
  }
}

/**
 * The shortest walk inside the component from `start` whose last step (or, for a walk of no steps,
 * `start` itself with `via` undefined) satisfies `goal`; breadth-first, edges in their recorded order.
 */
function shortestWalk<A>(
  start: number,
  members: ReadonlySet<number>,
  inside: (n: number) => Step<A>[],
  goal: (n: number, via: Step<A> | undefined) => boolean,
): Step<A>[] | undefined {
  if (goal(start, undefined)) return [];
  const back = new Map<number, Step<A>>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const step of inside(queue[i]!)) {
      if (goal(step.to, step)) {
        const walk = [step];
        for (let at = step.from; at !== start; at = back.get(at)!.from) walk.push(back.get(at)!);
        return walk.reverse();
      }
      if (!back.has(step.to) && step.to !== start && members.has(step.to)) {
        back.set(step.to, step);
        queue.push(step.to);
      }
    }
  }
  return undefined;
}
