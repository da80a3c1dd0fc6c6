/**
 * The generated checker of a machine (`generate.ts`), loaded and given what the search and the
 * reports need besides the generated functions: the initial state's words, the event an action is in
 * a given state, and a packed state read back as the machine's objects — the reference model's own
 * state, a representative one under symmetry — so that a counterexample is rebuilt, explained and
 * replayed by the reference engine.
 */
import { LEVELS } from '../../spec/levels.ts';
import { adminIds, type Policy } from '../../spec/policy.ts';
import { encodeEvent, type GuillotineEvent } from '../../spec/events.ts';
import { eventOfSlot, outsiderId } from '../../machines/alphabet.ts';
import type { CheckState } from '../../properties/history.ts';
import type { CheckedModel } from '../checkedModel.ts';
import { guillotineCodec } from '../guillotineCodec.ts';
import { actionKind } from '../symmetry.ts';
import { generateChecker, type ActionSlot, type Item } from './generate.ts';
import { OUTSIDER_CLASS } from './jsOps.ts';

export interface CompiledChecker {
  readonly policy: Policy;
  readonly symmetry: boolean;
  /** Words per state. */
  readonly width: number;
  readonly actions: readonly ActionSlot[];
  readonly transitionItems: readonly Item[];
  readonly stateItems: readonly Item[];
  /**
   * Every accepted event of the state at `src[at ..]`, as records of `width + 2` words in `out`
   * (action index, flags, successor): returns the words written. Flags: bit `i` for the transition
   * item `i` broken or witnessed, judged only for the items whose bit is set in `want`.
   */
  expand(src: Uint32Array, at: number, out: Uint32Array, want: number): number;
  /** Bits of the state items: a state property broken (if wanted), an `eventually` condition false. */
  judgeState(src: Uint32Array, at: number, want: number): number;
  /** Bits of the transition items that are vacuity guards the state witnesses by itself. */
  witnessInitial(src: Uint32Array, at: number): number;
  /** The initial state's words. */
  initial(): Uint32Array;
  /** A packed state as the reference model's object (a representative under symmetry). */
  decode(words: Uint32Array, at: number): CheckState;
  /** The event action `i` is, taken in the state at `words[at ..]` (under symmetry, its class's first admin). */
  eventOf(i: number, words: Uint32Array, at: number): GuillotineEvent;
  /** The name weak fairness knows the action by (the admin left out under symmetry). */
  actionName(i: number): string;
  /** A buffer big enough for one state's records. */
  recordBuffer(): Uint32Array;
  /** The generated source (for `--emit-js`-like inspection and tests). */
  readonly source: string;
}

interface Generated {
  expand(src: Uint32Array, at: number, out: Uint32Array, want: number): number;
  judgeState(src: Uint32Array, at: number, want: number): number;
  witnessInitial(src: Uint32Array, at: number): number;
}

/** Generates and loads the checker of a checked model's machine, with or without symmetry. */
export function compileChecker(checked: CheckedModel, symmetry: boolean): CompiledChecker {
  const { policy, rules, properties } = checked;
  const generated = generateChecker(policy, rules, properties, symmetry);
  // The generated module is code of ours, from the rules, never from user input: the policy enters
  // it only as numbers (quorums, limits, level and region indices).
  const load = new Function('tables', generated.source) as (tables: GeneratedTables) => Generated;
  const fns = load(generated.tables);
  const ids = adminIds(policy);
  const outsider = outsiderId(policy);
  const voters = [...ids, outsider];
  const codec = guillotineCodec(policy);
  const scratch = new Uint32Array(codec.width);
  const width = generated.width;

  /** Words 0-2 are the codec's; under symmetry words 3-4 are class counts, else the codec's bit sets. */
  const decode = (words: Uint32Array, at: number): CheckState => {
    if (!symmetry) {
      scratch.set(words.subarray(at, at + width));
      return codec.decode(scratch, 0);
    }
    scratch.fill(0);
    scratch.set(words.subarray(at, at + 3));
    const base = codec.decode(scratch, 0);
    const { c0, c1, c2, oA, oV } = countsOf(words, at);
    const both = ids.slice(0, c0);
    const approvals = [...both, ...ids.slice(c0, c0 + c1), ...(oA ? [outsider] : [])];
    const votes = [...both, ...ids.slice(c0 + c1, c0 + c1 + c2), ...(oV ? [outsider] : [])];
    const p = base.machine.context.proposal;
    const machine = p === null ? base.machine : { ...base.machine, context: { ...base.machine.context, proposal: { ...p, approvals } } };
    return { machine, history: { ...base.history, votes } };
  };

  const encodeInitial = (): Uint32Array => {
    const init = checked.unreduced.initialStates()[0]!;
    codec.encode(init, scratch, 0);
    const words = new Uint32Array(width);
    words.set(scratch.subarray(0, symmetry ? 3 : width));
    if (symmetry) {
      const approvals = init.machine.context.proposal?.approvals ?? [];
      const votes = init.history.votes;
      const isAdmin = new Set(ids);
      const c0 = approvals.filter((a) => isAdmin.has(a) && votes.includes(a)).length;
      const c1 = approvals.filter((a) => isAdmin.has(a) && !votes.includes(a)).length;
      const c2 = votes.filter((v) => isAdmin.has(v) && !approvals.includes(v)).length;
      words[3] = c0 | (c1 << 16);
      words[4] = c2 | (approvals.includes(outsider) ? 1 << 16 : 0) | (votes.includes(outsider) ? 1 << 17 : 0);
    }
    return words;
  };

  const voterOf = (slot: ActionSlot, words: Uint32Array, at: number): string => {
    const v = slot.voter!;
    if (!symmetry) return voters[v]!;
    if (v === OUTSIDER_CLASS) return outsider;
    const { c0, c1, c2 } = countsOf(words, at);
    return ids[[0, c0, c0 + c1, c0 + c1 + c2][v]!]!;
  };

  const eventOf = (i: number, words: Uint32Array, at: number): GuillotineEvent => {
    const slot = generated.actions[i];
    if (slot === undefined) throw new RangeError(`the generated checker has no action ${i}`);
    // Every slot's voter exists: a class a representative's counts name is never empty.
    return eventOfSlot(slot, () => voterOf(slot, words, at))!;
  };

  // Fairness names: without symmetry each concrete event; under symmetry the admin left out.
  const names = generated.actions.map((slot, i) => {
    if (symmetry) return slot.type === 'propose' ? `propose:${LEVELS[slot.target!]}` : slot.type === 'approve' ? 'approve' : actionKind(eventOf(i, new Uint32Array(width), 0));
    return encodeEvent(eventOf(i, new Uint32Array(width), 0));
  });

  return {
    policy,
    symmetry,
    width,
    actions: generated.actions,
    transitionItems: generated.transitionItems,
    stateItems: generated.stateItems,
    expand: fns.expand,
    judgeState: fns.judgeState,
    witnessInitial: fns.witnessInitial,
    initial: encodeInitial,
    decode,
    eventOf,
    actionName: (i) => names[i]!,
    recordBuffer: () => new Uint32Array(generated.actions.length * (width + 2)),
    source: generated.source,
  };
}

type GeneratedTables = ReturnType<typeof generateChecker>['tables'];

/** How many admins are in play (approved or voted: classes 0-2) in a symmetric state. */
export function adminsInPlay(words: Uint32Array, at: number): number {
  const { c0, c1, c2 } = countsOf(words, at);
  return c0 + c1 + c2;
}

/** The class counts of a symmetric state's words 3-4. */
function countsOf(words: Uint32Array, at: number) {
  const w3 = words[at + 3]!;
  const w4 = words[at + 4]!;
  return { c0: w3 & 0xffff, c1: w3 >>> 16, c2: w4 & 0xffff, oA: ((w4 >>> 16) & 1) === 1, oV: ((w4 >>> 17) & 1) === 1 };
}
