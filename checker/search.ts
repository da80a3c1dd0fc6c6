/**
 * The books an exhaustive search keeps, shared by the object search (`bfs.ts`) and, for its tree
 * and outcome, the search over generated code (`compiled/bfs.ts`), so both number and report alike:
 *
 * - {@link SearchTree}: every discovered state as packed words, numbered in discovery order, with
 *   the parent and action that first reached it (paths are rebuilt from these);
 * - {@link Verdicts}: the first violation of each `always` property and the first witness of each
 *   `sometimes` one, in the order transitions are judged;
 * - {@link SearchBooks}: both of those, the transitions counted, the edges the liveness search
 *   needs and the first deadlock, and the per-property outcome once the search has ended.
 */
import type { Model, Property } from './model.ts';
import { findFairCycle } from './liveness.ts';
import { StateTable } from './stateTable.ts';

export interface Progress {
  readonly states: number;
  /** Enabled transitions taken (an action a state disables is not one). */
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
}

export interface ExploreOptions {
  /** Stop (with an `incomplete` outcome) after this many distinct states. */
  readonly maxStates?: number;
  /** Called about once a second while exploring. */
  readonly onProgress?: (progress: Progress) => void;
}

/** One property's outcome. Paths are lists of actions from an initial state. */
export type PropertyOutcome<A> =
  | { readonly name: string; readonly expectation: Property<unknown, A>['expectation']; readonly status: 'holds' }
  | { readonly name: string; readonly expectation: 'always' | 'progress'; readonly status: 'violated'; readonly path: readonly A[]; readonly reason: string }
  | { readonly name: string; readonly expectation: 'eventually'; readonly status: 'violated'; readonly path: readonly A[]; readonly cycle: readonly A[]; readonly reason: string }
  | { readonly name: string; readonly expectation: 'sometimes'; readonly status: 'witnessed'; readonly path: readonly A[] }
  | { readonly name: string; readonly expectation: 'sometimes'; readonly status: 'unwitnessed' };

export type ExploreOutcome<A> = {
  readonly status: 'complete' | 'incomplete';
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  /** Bytes the search holds per state: its packed words, hash slots, parent and action. */
  readonly bytesPerState: number;
  readonly properties: readonly PropertyOutcome<A>[];
};

/** Where a finding was made: on a transition out of `state` by `action`, or on initial state `state`. */
export interface Finding<A> {
  readonly state: number;
  readonly action?: A;
}

/** The discovered states and the tree of first arrivals. */
export class SearchTree<A> {
  readonly table: StateTable;
  private parent = new Int32Array(1024);
  private readonly via: (A | undefined)[] = [];

  constructor(width: number) {
    this.table = new StateTable(width);
  }

  get size(): number {
    return this.table.size;
  }

  /** The id of the state in `words[at ..]`, recording `from` and `action` when it is new. */
  add(words: Uint32Array, at: number, from: number, action: A | undefined): number {
    const known = this.table.size;
    const id = this.table.add(words, at);
    if (id === known) {
      if (id === this.parent.length) {
        const grown = new Int32Array(this.parent.length * 2);
        grown.set(this.parent);
        this.parent = grown;
      }
      this.parent[id] = from;
      this.via.push(action);
    }
    return id;
  }

  /** The state that first reached state `id`, or -1 for an initial state. */
  parentOf(id: number): number {
    return this.parent[id]!;
  }

  /** The action that first reached state `id` (undefined for an initial state). */
  actionOf(id: number): A | undefined {
    return this.via[id];
  }

  /** The actions from an initial state to state `id`. */
  pathTo(id: number): A[] {
    const path: A[] = [];
    for (let at = id; this.parent[at]! >= 0; at = this.parent[at]!) path.push(this.via[at]!);
    return path.reverse();
  }

  get bytes(): number {
    return this.table.bytes + this.parent.byteLength + 8 * this.via.length;
  }
}

/** The first finding of each property, in the order the search judges states and transitions. */
export class Verdicts<S, A> {
  readonly violations = new Map<number, Finding<A> & { readonly reason: string }>();
  readonly witnesses = new Map<number, Finding<A>>();
  private readonly always: { condition: Extract<Property<S, A>, { expectation: 'always' }>['condition']; i: number }[] = [];
  private readonly sometimes: { condition: Extract<Property<S, A>, { expectation: 'sometimes' }>['condition']; i: number }[] = [];
  private readonly eventually: ((state: S) => boolean)[] = [];

  constructor(properties: readonly Property<S, A>[]) {
    properties.forEach((p, i) => {
      if (p.expectation === 'always') this.always.push({ condition: p.condition, i });
      else if (p.expectation === 'sometimes') this.sometimes.push({ condition: p.condition, i });
      else if (p.expectation === 'eventually') this.eventually.push(p.condition);
    });
  }

  /** Judges an initial state (`from` undefined) or the transition `from --action--> state`. */
  judge(state: S, id: number, fromId: number, from: S | undefined, action: A | undefined): void {
    const via = from === undefined ? undefined : { from, action: action! };
    for (const { condition, i } of this.always) {
      if (this.violations.has(i)) continue;
      const verdict = condition(state, via);
      if (verdict !== true) this.violations.set(i, via ? { state: fromId, action, reason: verdict } : { state: id, reason: verdict });
    }
    for (const { condition, i } of this.sometimes) {
      if (!this.witnesses.has(i) && condition(state, via)) this.witnesses.set(i, via ? { state: fromId, action } : { state: id });
    }
  }

  /** Whether some `eventually` condition is false in `state` (its edges are kept for the liveness search). */
  unmet(state: S): boolean {
    for (const condition of this.eventually) if (!condition(state)) return true;
    return false;
  }
}

/**
 * Everything a search keeps besides its queue: the tree, the verdicts, the transitions counted,
 * the enabled edges of the states where some `eventually` condition is false (for the fair-cycle
 * search afterwards), and the first deadlock. Both searches fill it in the same order.
 */
export class SearchBooks<S, A> {
  readonly tree: SearchTree<A>;
  readonly verdicts: Verdicts<S, A>;
  transitions = 0;
  private readonly pendingEdges = new Map<number, { action: A; to: number }[]>();
  private deadlock: number | undefined;
  private readonly wantsProgress: boolean;

  /** Books for `model`, with its initial states numbered (a duplicate once) and judged. */
  constructor(private readonly model: Model<S, A>) {
    this.tree = new SearchTree<A>(model.codec.width);
    this.verdicts = new Verdicts(model.properties);
    this.wantsProgress = model.properties.some((p) => p.expectation === 'progress');
    const scratch = new Uint32Array(model.codec.width);
    for (const init of model.initialStates()) {
      const known = this.tree.size;
      model.codec.encode(init, scratch, 0);
      const id = this.tree.add(scratch, 0, -1, undefined);
      if (id === known) this.verdicts.judge(init, id, -1, undefined, undefined);
    }
  }

  /**
   * Records a state once every action was tried in it: `enabled` of them were enabled, and when
   * some `eventually` condition is false in it (`unmet`), `edges` are its enabled edges.
   */
  expanded(id: number, enabled: number, unmet: boolean, edges: { action: A; to: number }[]): void {
    this.transitions += enabled;
    if (unmet) this.pendingEdges.set(id, edges);
    if (enabled === 0 && this.wantsProgress && this.deadlock === undefined) this.deadlock = id;
  }

  /** Every property's outcome. */
  outcome(complete: boolean, depth: number, started: number): ExploreOutcome<A> {
    return outcomeOf(this.model, this.tree, this.verdicts, { complete, transitions: this.transitions, depth, started, pendingEdges: this.pendingEdges, deadlock: this.deadlock });
  }
}

/** What the search saw besides the tree and the verdicts. */
interface SearchEnd<A> {
  readonly complete: boolean;
  readonly transitions: number;
  readonly depth: number;
  readonly started: number;
  /** Enabled edges of every state where some `eventually` condition is false. */
  readonly pendingEdges: Map<number, { action: A; to: number }[]>;
  /** The first state with no enabled action, if the model has a `progress` property. */
  readonly deadlock: number | undefined;
}

/** Every property's outcome, with paths rebuilt from the tree. */
function outcomeOf<S, A>(model: Model<S, A>, tree: SearchTree<A>, verdicts: Verdicts<S, A>, end: SearchEnd<A>): ExploreOutcome<A> {
  const pathOf = (f: Finding<A>) => (f.action === undefined ? tree.pathTo(f.state) : [...tree.pathTo(f.state), f.action]);
  const stateAt = (id: number): S => model.codec.decode(tree.table.row(id), 0);
  const properties = model.properties.map((p, i): PropertyOutcome<A> => {
    switch (p.expectation) {
      case 'always': {
        const f = verdicts.violations.get(i);
        if (!f) return { name: p.name, expectation: 'always', status: 'holds' };
        return { name: p.name, expectation: 'always', status: 'violated', path: pathOf(f), reason: f.reason };
      }
      case 'sometimes': {
        const w = verdicts.witnesses.get(i);
        if (!w) return { name: p.name, expectation: 'sometimes', status: 'unwitnessed' };
        return { name: p.name, expectation: 'sometimes', status: 'witnessed', path: pathOf(w) };
      }
      case 'progress':
        if (end.deadlock === undefined) return { name: p.name, expectation: 'progress', status: 'holds' };
        return { name: p.name, expectation: 'progress', status: 'violated', path: tree.pathTo(end.deadlock), reason: 'no event is accepted in the last state' };
      case 'eventually': {
        // The cycle search asks about a state many times: decode and judge it once.
        const unmet = new Map<number, boolean>();
        const unmetHere = (id: number) => {
          if (!end.pendingEdges.has(id)) return false;
          let u = unmet.get(id);
          if (u === undefined) unmet.set(id, (u = !p.condition(stateAt(id))));
          return u;
        };
        const lasso = findFairCycle(end.pendingEdges, unmetHere, model.actionName.bind(model));
        if (!lasso) return { name: p.name, expectation: 'eventually', status: 'holds' };
        const reason = lasso.cycle.length === 0 ? 'a state where the condition is false has no enabled event' : 'a fair cycle never reaches the condition';
        return { name: p.name, expectation: 'eventually', status: 'violated', path: tree.pathTo(lasso.entry), cycle: lasso.cycle, reason };
      }
    }
  });
  return {
    status: end.complete ? 'complete' : 'incomplete',
    states: tree.size,
    transitions: end.transitions,
    depth: end.depth,
    seconds: (performance.now() - end.started) / 1000,
    bytesPerState: tree.bytes / Math.max(1, tree.size),
    properties,
  };
}
