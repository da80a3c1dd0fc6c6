/**
 * Exhaustive breadth-first search over a generated checker (`compiledChecker.ts`): the search of
 * `checker/bfs.ts`, with the model's steps, judgements and encodings done by the generated code on
 * packed words. Its outcome is the object search's, to the byte: the same states in the same order
 * (the generated alphabet is `eventAlphabet`'s order, restricted under symmetry to one admin per
 * class as `symmetry.ts` does), the same first violations and witnesses, the same paths.
 *
 * Verdicts are bits; the sentence of a violation is asked of the reference model once, for the
 * transition that first broke a property — and that model must agree it is a violation, or the
 * search stops with an error naming the disagreement: every counterexample the generated code finds
 * is confirmed by the reference engine before it is reported.
 */
import type { GuillotineEvent } from '../../spec/events.ts';
import type { GuillotineProperty } from '../../properties/property.ts';
import { stateVerdict, transitionVerdict } from '../../properties/judge.ts';
import type { CheckState } from '../../properties/history.ts';
import type { Model } from '../model.ts';
import { findFairCycle } from '../liveness.ts';
import { SearchTree, type ExploreOptions, type ExploreOutcome, type PropertyOutcome } from '../search.ts';
import type { CompiledChecker } from './compiledChecker.ts';

/** Where an item was first found: the transition out of `state` by `action`, or the initial state `state`. */
interface Found {
  readonly state: number;
  readonly action?: number;
}

/** What the search found: the tree of states, where each property was first broken or witnessed. */
interface Findings {
  readonly tree: SearchTree<number>;
  readonly tFound: readonly (Found | undefined)[];
  readonly sFound: readonly (Found | undefined)[];
  /** The `eventually` conditions false in each state (only when some property is judged on fair cycles). */
  readonly unmetBits: Uint32Array;
  /** The edges out of each state where an `eventually` condition is false. */
  readonly pendingEdges: Map<number, { action: number; to: number }[]>;
  readonly deadlock: number | undefined;
  readonly transitions: number;
  readonly depth: number;
  readonly complete: boolean;
}

/**
 * The breadth-first search itself, in a function of its own: the optimiser compiles this loop (on
 * stack replacement) without the outcome's code around it, and every variable it updates is a local.
 */
function search(c: CompiledChecker, wantsProgress: boolean, options: ExploreOptions, started: number): Findings {
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const width = c.width;
  const record = width + 2;
  const tree = new SearchTree<number>(width);
  const out = c.recordBuffer();
  const tItems = c.transitionItems;
  const sItems = c.stateItems;
  const tFound: (Found | undefined)[] = tItems.map(() => undefined);
  const sFound: (Found | undefined)[] = sItems.map(() => undefined);
  const allBits = (n: number) => (n === 0 ? 0 : n === 32 ? -1 : (1 << n) - 1);
  let tWant = allBits(tItems.length);
  let sWant = sItems.reduce((m, item, i) => (item.kind === 'always' ? m | (1 << i) : m), 0);
  const eventually = sItems.reduce((m, item, i) => (item.kind === 'eventually' ? m | (1 << i) : m), 0);
  let unmetBits: Uint32Array = new Uint32Array(eventually === 0 ? 0 : 1024);
  const pendingEdges = new Map<number, { action: number; to: number }[]>();
  let deadlock: number | undefined;
  let transitions = 0;

  const init = c.initial();
  tree.add(init, 0, -1, undefined);
  const initialFlags = c.judgeState(init, 0, sWant);
  sWant &= ~noteFirst(sFound, initialFlags & sWant, { state: 0 });
  if (eventually !== 0) unmetBits = withUnmet(unmetBits, 0, initialFlags & eventually);
  tWant &= ~noteFirst(tFound, c.witnessInitial(init, 0) & tWant, { state: 0 });

  let complete = true;
  let depth = 0;
  let levelEnd = tree.size;
  let lastReport = performance.now();
  for (let current = 0; current < tree.size; current++) {
    if (tree.size > maxStates) {
      complete = false;
      break;
    }
    if (current === levelEnd) {
      depth++;
      levelEnd = tree.size;
    }
    // expand reads the state first, then writes only to `out`: the table's own array is safe to pass.
    const used = c.expand(tree.table.words, tree.table.offsetOf(current), out, tWant);
    const unmet = eventually !== 0 && unmetBits[current] !== 0;
    const edges: { action: number; to: number }[] | undefined = unmet ? [] : undefined;
    let previousAt = -1;
    let previousTo = -1;
    for (let at = 0; at < used; at += record) {
      const action = out[at]!;
      const flags = out[at + 1]!;
      const known = tree.size;
      // Steps are told apart by comparing words, in the cache, before any hashing: a step that
      // changes nothing (a heartbeat with none missed, an alarm below the level), and a step that
      // reaches the state the step before it reached (alarms above the ceiling, a fault and an
      // alarm that raise the same escalation) — a third of the lookups at 11 admins.
      let to: number;
      if (sameWords(out, at + 2, tree.table.words, current * width, width)) to = current;
      else if (previousAt >= 0 && sameWords(out, at + 2, out, previousAt + 2, width)) to = previousTo;
      else {
        to = tree.add(out, at + 2, current, action);
        previousAt = at;
        previousTo = to;
      }
      if (to === known) {
        const stateFlags = c.judgeState(out, at + 2, sWant);
        if ((stateFlags & sWant) !== 0) sWant &= ~noteFirst(sFound, stateFlags & sWant, { state: current, action });
        if (eventually !== 0) unmetBits = withUnmet(unmetBits, to, stateFlags & eventually);
      }
      if (flags !== 0) tWant &= ~noteFirst(tFound, flags, { state: current, action });
      edges?.push({ action, to });
    }
    const enabled = used / record;
    transitions += enabled;
    if (edges !== undefined) pendingEdges.set(current, edges);
    if (enabled === 0 && wantsProgress && deadlock === undefined) deadlock = current;
    if (options.onProgress && (current & 1023) === 0 && performance.now() - lastReport > 1000) {
      lastReport = performance.now();
      options.onProgress({ states: tree.size, transitions, depth, seconds: (lastReport - started) / 1000 });
    }
  }
  return { tree, tFound, sFound, unmetBits, pendingEdges, deadlock, transitions, depth, complete };
}

/** Records `found` as the first finding of each item whose bit is set in `bits`; returns `bits`. */
function noteFirst(firsts: (Found | undefined)[], bits: number, found: Found): number {
  for (let i = 0; i < firsts.length; i++) if ((bits & (1 << i)) !== 0) firsts[i] ??= found;
  return bits;
}

/**
 * `unmetBits` with state `id`'s unmet conditions recorded, grown if it was too short. The search
 * numbers states in order, so `id` is at most the array's length.
 */
export function withUnmet(unmetBits: Uint32Array, id: number, bits: number): Uint32Array {
  let at = unmetBits;
  if (id >= at.length) {
    at = new Uint32Array(unmetBits.length * 2);
    at.set(unmetBits);
  }
  at[id] = bits;
  return at;
}

/**
 * Explores every reachable state of the generated checker.
 * @param reference the object model the generated code was made from (the symmetric one under
 *   symmetry): it explains and confirms each violation.
 */
export function exploreCompiled(
  c: CompiledChecker,
  properties: readonly GuillotineProperty[],
  reference: Model<CheckState, GuillotineEvent>,
  options: ExploreOptions = {},
): ExploreOutcome<GuillotineEvent> {
  const started = performance.now();
  const tItems = c.transitionItems;
  const sItems = c.stateItems;
  const { tree, tFound, sFound, unmetBits, pendingEdges, deadlock, transitions, depth, complete } = search(c, properties.some((p) => p.check.on === 'progress'), options, started);

  // ---------------------------------------------------------------- the outcome, in events
  const eventsTo = (id: number): GuillotineEvent[] => {
    const chain: number[] = [];
    for (let at = id; at >= 0; at = tree.parentOf(at)) chain.push(at);
    chain.reverse();
    return chain.slice(1).map((child, k) => c.eventOf(tree.actionOf(child)!, tree.table.row(chain[k]!), 0));
  };
  const stateOf = (id: number) => c.decode(tree.table.row(id), 0);
  /** The path of a finding, and the transition it was found on as objects (for its sentence). */
  const pathOf = (f: Found): GuillotineEvent[] => (f.action === undefined ? eventsTo(f.state) : [...eventsTo(f.state), c.eventOf(f.action, tree.table.row(f.state), 0)]);
  const successor = (f: Found): { before: CheckState; event: GuillotineEvent; after: CheckState } => {
    const before = stateOf(f.state);
    const event = c.eventOf(f.action!, tree.table.row(f.state), 0);
    const after = reference.next(before, event);
    if (after === undefined) throw disagreement(`the reference engine rejects ${JSON.stringify(event)}, which the generated code accepted`);
    return { before, event, after };
  };
  const policy = c.policy;

  const outcomes: PropertyOutcome<GuillotineEvent>[] = [];
  for (const p of properties) {
    const check = p.check;
    if (check.on === 'transition') {
      const f = tFound[tItems.findIndex((x) => x.kind === 'always' && x.property === p.id)];
      if (f === undefined) outcomes.push({ name: p.id, expectation: 'always', status: 'holds' });
      else {
        const t = successor(f);
        const verdict = transitionVerdict(check, { policy, ...t });
        if (verdict === true) throw disagreement(`${p.id} holds on the reference engine's step ${JSON.stringify(t.event)}, which the generated code found breaking it`);
        outcomes.push({ name: p.id, expectation: 'always', status: 'violated', path: pathOf(f), reason: verdict });
      }
    } else if (check.on === 'state') {
      const f = sFound[sItems.findIndex((x) => x.kind === 'always' && x.property === p.id)];
      if (f === undefined) outcomes.push({ name: p.id, expectation: 'always', status: 'holds' });
      else {
        const s = f.action === undefined ? stateOf(f.state) : successor(f).after;
        const verdict = stateVerdict(check, s, policy);
        if (verdict === true) throw disagreement(`${p.id} holds in the reference engine's state, which the generated code found breaking it`);
        outcomes.push({ name: p.id, expectation: 'always', status: 'violated', path: pathOf(f), reason: verdict });
      }
    } else if (check.on === 'progress') {
      outcomes.push(
        deadlock === undefined
          ? { name: p.id, expectation: 'progress', status: 'holds' }
          : { name: p.id, expectation: 'progress', status: 'violated', path: eventsTo(deadlock), reason: 'no event is accepted in the last state' },
      );
    } else if (check.on === 'eventually') {
      const bit = 1 << sItems.findIndex((x) => x.kind === 'eventually' && x.property === p.id);
      const unmetHere = (id: number) => pendingEdges.has(id) && (unmetBits[id]! & bit) !== 0;
      const lasso = findFairCycle(pendingEdges, unmetHere, c.actionName);
      if (lasso === undefined) outcomes.push({ name: p.id, expectation: 'eventually', status: 'holds' });
      else {
        // The cycle's actions as events: each taken in the state the cycle has reached.
        const cycle: GuillotineEvent[] = [];
        let at = lasso.entry;
        for (const action of lasso.cycle) {
          cycle.push(c.eventOf(action, tree.table.row(at), 0));
          at = pendingEdges.get(at)!.find((e) => e.action === action)!.to;
        }
        const reason = lasso.cycle.length === 0 ? 'a state where the condition is false has no enabled event' : 'a fair cycle never reaches the condition';
        outcomes.push({ name: p.id, expectation: 'eventually', status: 'violated', path: eventsTo(lasso.entry), cycle, reason });
      }
    }
    for (const guard of p.vacuity ?? []) {
      const name = `${p.id}: ${guard.name}`;
      const f = tFound[tItems.findIndex((x) => x.kind === 'sometimes' && x.property === p.id && x.guard === guard.name)];
      outcomes.push(f === undefined ? { name, expectation: 'sometimes', status: 'unwitnessed' } : { name, expectation: 'sometimes', status: 'witnessed', path: pathOf(f) });
    }
  }
  return {
    status: complete ? 'complete' : 'incomplete',
    states: tree.size,
    transitions,
    depth,
    seconds: (performance.now() - started) / 1000,
    bytesPerState: tree.bytes / Math.max(1, tree.size),
    properties: outcomes,
  };
}

function sameWords(a: Uint32Array, at: number, b: Uint32Array, bt: number, width: number): boolean {
  for (let i = 0; i < width; i++) if (a[at + i] !== b[bt + i]) return false;
  return true;
}

function disagreement(what: string): Error {
  return new Error(`the generated checker and the reference engine disagree: ${what}. This is a bug of the workbench; --engine reference checks with the reference engine alone`);
}
