/**
 * The count system explored for given knobs: its decision trees compiled to JavaScript once (the
 * knobs are arguments, so one compilation serves every number of admins and every quorum), then a
 * breadth-first search over count states. It is how the exactness test compares the very clauses Z3
 * solves with the checker's symmetry-reduced states, and how a refuted property gets its smallest
 * counterexample: concrete, shortest, and in the abstract alphabet (voters as classes).
 *
 * A state is its variables in signature order as small integers (truth values 0 and 1).
 */
import type { PropertyId } from '../../properties/property.ts';
import type { Knob } from '../../machines/protocolOps.ts';
import type { CountSystem, Leaf } from './countSystem.ts';
import type { EventSlot } from './countMachine.ts';
import type { PathTree } from './paths.ts';
import { isConst, subterms, type Term } from './term.ts';
import { KNOBS } from './termOps.ts';

/** Values of the knobs. */
export type KnobValues = Readonly<Record<Knob, number>>;

/** The compiled count system. */
export interface CompiledCountSystem {
  readonly system: CountSystem;
  /** Variables per state. */
  readonly width: number;
  /** The transition and state properties the system judges, in bit order. */
  readonly properties: readonly PropertyId[];
  initial(knobs: KnobValues): Int32Array;
  /**
   * Every accepted event of a state, as records of `width + 2` numbers in `out`: the event's index in
   * the alphabet, the bits of the properties the transition breaks, the successor. Returns the
   * numbers written.
   */
  expand(state: Int32Array, knobs: Int32Array, out: Int32Array): number;
  /** The bits of the state properties a state breaks. */
  judgeState(state: Int32Array, knobs: Int32Array): number;
  /** A buffer big enough for one state's records. */
  recordBuffer(): Int32Array;
  /** The knobs as the compiled functions take them. */
  knobArray(knobs: KnobValues): Int32Array;
}

/** Compiles a count system's trees to JavaScript. */
export function compileCountSystem(system: CountSystem): CompiledCountSystem {
  const width = system.vars.length;
  const properties = system.properties.filter((p) => p.check.on === 'transition' || p.check.on === 'state').map((p) => p.id);
  if (properties.length > 31) throw new Error('the count system judges at most 31 properties in one bit set');
  const bit = new Map(properties.map((id, i) => [id, i]));
  const slotOf = new Map<number, string>();
  system.vars.forEach((v, i) => slotOf.set(v.id, v.sort === 'bool' ? `(s[${i}] !== 0)` : `s[${i}]`));
  system.knobs.forEach((v, i) => slotOf.set(v.id, `k[${i}]`));

  const gen = new JsWriter(slotOf);
  const fns: string[] = [];
  system.events.forEach(({ tree }, i) => {
    fns.push(`function e${i}(s, k, out, o) {\n${gen.tree(tree, i, width, bit, new Set(), '  ')}  return o;\n}`);
  });
  const stateBody = gen.block(
    system.stateConditions.map((c) => c.holds),
    new Set(),
    '  ',
    (expr) => system.stateConditions.map((c, j) => `  if (!${expr(c.holds)}) f |= ${1 << bit.get(c.property)!};\n`).join(''),
  );
  const initialBody = gen.block(system.initial, new Set(), '  ', (expr) => system.initial.map((t, j) => `  s[${j}] = ${asNumber(t, expr)};\n`).join(''));
  const source = [
    '"use strict";',
    ...fns,
    `function expand(s, k, out) {\n  let o = 0;\n${system.events.map((_, i) => `  o = e${i}(s, k, out, o);\n`).join('')}  return o;\n}`,
    `function judgeState(s, k) {\n  let f = 0;\n${stateBody}  return f;\n}`,
    `function initial(k) {\n  const s = new Int32Array(${width});\n${initialBody}  return s;\n}`,
    'return { expand, judgeState, initial };',
  ].join('\n');
  // Generated from the rules' terms, never from user input: the policy enters only as numbers.
  const fn = new Function(source)() as { expand: CompiledCountSystem['expand']; judgeState: CompiledCountSystem['judgeState']; initial: (k: Int32Array) => Int32Array };
  const knobArray = (knobs: KnobValues) => Int32Array.from(KNOBS.map((k) => knobs[k]));
  return {
    system,
    width,
    properties,
    initial: (knobs) => fn.initial(knobArray(knobs)),
    expand: fn.expand,
    judgeState: fn.judgeState,
    recordBuffer: () => new Int32Array(system.events.length * (width + 2)),
    knobArray,
  };
}

const asNumber = (t: Term, expr: (t: Term) => string) => (t.sort === 'bool' ? `(${expr(t)} ? 1 : 0)` : expr(t));

/** Writes terms as JavaScript, each shared subterm once as a constant of the block that first needs it. */
class JsWriter {
  constructor(private readonly slotOf: ReadonlyMap<number, string>) {}

  /** Statements binding the new subterms of `roots`, then `body` (which writes terms through `expr`). */
  block(roots: readonly Term[], bound: Set<number>, indent: string, body: (expr: (t: Term) => string) => string): string {
    let out = '';
    for (const t of subterms(roots)) {
      if (bound.has(t.id) || t.op === 'const' || t.op === 'var') continue;
      out += `${indent}const t${t.id} = ${this.render(t, bound)};\n`;
      bound.add(t.id);
    }
    return out + body((t) => this.ref(t, bound));
  }

  private ref(t: Term, bound: ReadonlySet<number>): string {
    if (isConst(t)) return typeof t.value === 'boolean' ? String(t.value) : t.value < 0 ? `(${t.value})` : String(t.value);
    if (t.op === 'var') {
      const slot = this.slotOf.get(t.id);
      if (slot === undefined) throw new Error(`the count system: variable ${t.name} is neither a state variable nor a knob`);
      return slot;
    }
    if (!bound.has(t.id)) throw new Error('the count system: a subterm used before it is bound');
    return `t${t.id}`;
  }

  private render(t: Term, bound: ReadonlySet<number>): string {
    const a = t.args.map((x) => this.ref(x, bound));
    switch (t.op) {
      case 'not':
        return `!${a[0]}`;
      case 'and':
        return `(${a.join(' && ')})`;
      case 'or':
        return `(${a.join(' || ')})`;
      case 'add':
        return `(${a[0]} + ${a[1]})`;
      case 'sub':
        return `(${a[0]} - ${a[1]})`;
      case 'eq':
        return `(${a[0]} === ${a[1]})`;
      case 'lt':
        return `(${a[0]} < ${a[1]})`;
      case 'le':
        return `(${a[0]} <= ${a[1]})`;
      case 'ite':
        return `(${a[0]} ? ${a[1]} : ${a[2]})`;
      default:
        throw new Error(`the count system: cannot write a ${t.op} term`);
    }
  }

  tree(tree: PathTree<Leaf>, event: number, width: number, bit: ReadonlyMap<PropertyId, number>, bound: ReadonlySet<number>, indent: string): string {
    if (tree.kind === 'fork') {
      const inner = new Set(bound);
      return this.block([tree.condition], inner, indent, (expr) =>
        `${indent}if (${expr(tree.condition)}) {\n${this.tree(tree.then, event, width, bit, new Set(inner), indent + '  ')}${indent}} else {\n${this.tree(tree.else, event, width, bit, new Set(inner), indent + '  ')}${indent}}\n`,
      );
    }
    const leaf = tree.outcome;
    if (!leaf.accepted) return '';
    const roots = [...leaf.after, ...leaf.properties.map((p) => p.holds)];
    return this.block(roots, new Set(bound), indent, (expr) => {
      let out = `${indent}out[o] = ${event};\n${indent}let f = 0;\n`;
      for (const p of leaf.properties) if (!(isConst(p.holds) && p.holds.value === true)) out += `${indent}if (!${expr(p.holds)}) f |= ${1 << bit.get(p.property)!};\n`;
      out += `${indent}out[o + 1] = f;\n`;
      leaf.after.forEach((t, j) => (out += `${indent}out[o + ${j + 2}] = ${asNumber(t, expr)};\n`));
      return out + `${indent}o += ${width + 2};\n`;
    });
  }
}

/** One step of an abstract path: the event (voters as classes) and the state it leads to. */
export interface AbstractStep {
  readonly slot: EventSlot;
  readonly state: Int32Array;
}

/** What a search of the count system for given knobs found. */
export interface CountExploration {
  /** Whether every reachable state was explored (false when a limit or `stopAt` ended the search). */
  readonly complete: boolean;
  /** Every reachable state, in breadth-first order. */
  readonly states: readonly Int32Array[];
  readonly transitions: number;
  /** Per property id, its first violation: the shortest path to it (the last step breaks it; empty for a violating initial state). */
  readonly violations: ReadonlyMap<PropertyId, readonly AbstractStep[]>;
  /** A reachable state where no event is accepted (no-deadlock's violation), with its path. */
  readonly deadlock?: readonly AbstractStep[];
}

export interface ExploreLimits {
  /** Stop after this many states (the search is then incomplete). */
  readonly maxStates?: number;
  /** Stop as soon as this property is violated. */
  readonly stopAt?: PropertyId;
}

/** Breadth-first search of the compiled count system for one assignment of the knobs. */
export function exploreCounts(c: CompiledCountSystem, knobs: KnobValues, limits: ExploreLimits = {}): CountExploration {
  const width = c.width;
  const k = c.knobArray(knobs);
  const maxStates = limits.maxStates ?? Number.POSITIVE_INFINITY;
  const visited = new VisitedStates(width);
  const parent: number[] = [];
  const via: number[] = [];
  const violations = new Map<PropertyId, readonly AbstractStep[]>();
  let deadlock: readonly AbstractStep[] | undefined;
  let transitions = 0;
  const pathTo = (id: number): AbstractStep[] => {
    const steps: AbstractStep[] = [];
    for (let at = id; parent[at]! >= 0; at = parent[at]!) steps.push({ slot: c.system.events[via[at]!]!.slot, state: visited.row(at) });
    return steps.reverse();
  };
  const note = (bits: number, path: () => readonly AbstractStep[]) => {
    for (let i = 0; bits !== 0 && i < c.properties.length; i++) {
      if ((bits & (1 << i)) === 0) continue;
      bits &= ~(1 << i);
      const id = c.properties[i]!;
      if (!violations.has(id)) violations.set(id, path());
    }
  };
  const scratch = new Int32Array(width);
  const add = (words: Int32Array, at: number, from: number, event: number): void => {
    const id = visited.add(words, at);
    if (id < parent.length) return;
    parent.push(from);
    via.push(event);
    const bits = c.judgeState(visited.row(id, scratch), k);
    if (bits !== 0) note(bits, () => pathTo(id));
  };
  add(c.initial(knobs), 0, -1, -1);
  const out = c.recordBuffer();
  const current = new Int32Array(width);
  const stop = () => limits.stopAt !== undefined && (violations.has(limits.stopAt) || (limits.stopAt === 'no-deadlock' && deadlock !== undefined));
  let capped = false;
  for (let at = 0; at < visited.size && !stop(); at++) {
    if (visited.size >= maxStates) {
      capped = true;
      break;
    }
    const written = c.expand(visited.row(at, current), k, out);
    if (written === 0) deadlock ??= pathTo(at);
    for (let o = 0; o < written; o += width + 2) {
      transitions++;
      const event = out[o]!;
      const bits = out[o + 1]!;
      add(out, o + 2, at, event);
      if (bits !== 0) note(bits, () => [...pathTo(at), { slot: c.system.events[event]!.slot, state: out.slice(o + 2, o + 2 + width) }]);
    }
  }
  const states = Array.from({ length: visited.size }, (_, i) => visited.row(i));
  return { complete: !capped && !stop(), states, transitions, violations, ...(deadlock === undefined ? {} : { deadlock }) };
}

/**
 * The visited set of one search: states stored one after another in one array and found through an
 * open-addressing table of row numbers (linear probing, at most half full). A state's id is its row,
 * in the order states were added.
 */
class VisitedStates {
  private rows: Int32Array;
  private slots = new Int32Array(1024);
  private count = 0;

  constructor(private readonly width: number) {
    this.rows = new Int32Array(256 * width);
  }

  get size(): number {
    return this.count;
  }

  /** The state in row `id` (copied into `into`, or a new array). */
  row(id: number, into?: Int32Array): Int32Array {
    const from = this.rows.subarray(id * this.width, (id + 1) * this.width);
    if (into === undefined) return from.slice();
    into.set(from);
    return into;
  }

  /** The id of the state at `words[at ..]`, added if new (its id is then the previous size). */
  add(words: Int32Array, at: number): number {
    const w = this.width;
    let h = 0x811c9dc5;
    for (let i = 0; i < w; i++) h = Math.imul(h ^ words[at + i]!, 0x01000193);
    const mask = this.slots.length - 1;
    for (let slot = (h ^ (h >>> 15)) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) {
        const id = this.count++;
        if ((id + 1) * w > this.rows.length) {
          const grown = new Int32Array(this.rows.length * 2);
          grown.set(this.rows);
          this.rows = grown;
        }
        this.rows.set(words.subarray(at, at + w), id * w);
        this.slots[slot] = id + 1;
        if (this.count * 2 > this.slots.length) this.rehash();
        return id;
      }
      if (this.equals(entry - 1, words, at)) return entry - 1;
    }
  }

  private equals(id: number, words: Int32Array, at: number): boolean {
    const base = id * this.width;
    for (let i = 0; i < this.width; i++) if (this.rows[base + i] !== words[at + i]) return false;
    return true;
  }

  private rehash(): void {
    const old = this.count;
    this.slots = new Int32Array(this.slots.length * 2);
    this.count = 0;
    const rows = this.rows;
    for (let id = 0; id < old; id++) this.add(rows, id * this.width);
  }
}
