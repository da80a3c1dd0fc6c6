/**
 * The checked Guillotine state packed into 32-bit words, for the checker's visited set.
 *
 *   word 0  each region's active state (3 bits each, in REGIONS order) · level · rebooting · awaiting ·
 *           the reboot's floor
 *   word 1  proposal (open, from, to) · pending actuators (a bit each) · outputs (a bit or two per
 *           capability) · a side-table index for an irregular actuator list · three "irregular" flags
 *   word 2  missedHeartbeats (low 16 bits) · history misses (high 16 bits)
 *   then    the open proposal's approvals and the history's votes, each a bit set over the policy's
 *           admins followed by the alphabet's outsider: ⌈(admins + 1) / 32⌉ words each
 *
 * Seven admins take 5 words (20 bytes). A correct machine keeps approvals distinct and in policy
 * order and actuators in ACTUATORS order, so a bit set loses nothing. A buggy machine may not (an
 * approval counted twice, an unknown voter): such a list is then stored whole in a side table,
 * its index written in place of the bit set and the list's "irregular" flag set. The encoding
 * stays injective on every state, correct or not, and the side table stays empty for a correct one.
 */
import { ACTUATORS, CAPABILITY_FIELDS, LEVELS, capabilityDomain, type Actuator, type Capabilities, type Level } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import { readStatechart, ruleVocabulary } from '../machines/statechart.ts';
import { REGIONS, type Region, type SystemState } from '../machines/engine.ts';
import type { Proposal } from '../machines/protocol.ts';
import type { CheckState } from '../properties/history.ts';
import type { StateCodec } from './model.ts';
import { outsiderId } from '../machines/alphabet.ts';

/** Each capability's values (from §2's table) and the bits its code takes in word 1. */
const CAPABILITY_CODES = CAPABILITY_FIELDS.map((field) => {
  const values = capabilityDomain(field);
  return { field, values, bits: Math.max(1, Math.ceil(Math.log2(values.length))) };
});
const OUTPUT_BITS = 7; // word 1, bits 11..17
if (CAPABILITY_CODES.reduce((sum, c) => sum + c.bits, 0) > OUTPUT_BITS) throw new Error(`guillotineCodec: the capability codes need more than the ${OUTPUT_BITS} bits word 1 gives them`);

const REGION_BITS = 3;
const REGION_MASK = (1 << REGION_BITS) - 1;
const COUNTER_LIMIT = 0xffff;
const IRREGULAR_APPROVALS = 1 << 29;
const IRREGULAR_VOTES = 1 << 30;
const IRREGULAR_PENDING = 1 << 31;

/** The packed code of a capability row (word 1, bits 11..17): each field's value index, field after field. */
export function outputsCodeOf(outputs: Capabilities): number {
  let code = 0;
  let shift = 0;
  for (const { field, values, bits } of CAPABILITY_CODES) {
    const i = values.indexOf(outputs[field]);
    if (i < 0) throw new Error(`guillotineCodec: outputs.${field} = ${JSON.stringify(outputs[field])} is not one of ${values.join(', ')}`);
    code |= i << shift;
    shift += bits;
  }
  return code;
}

/** Each region's state names in chart order (a state's code is its place), and the way back. */
function regionTables(policy: Policy): { readonly names: readonly (readonly string[])[]; readonly index: readonly Map<string, number>[] } {
  // The codec packs region states by their place in the chart; it runs no guard or action, and the
  // config names the same ones whatever rules run it, so the correct rules' names read it.
  const names = readStatechart(policy, ruleVocabulary(), 'guillotineCodec').regions.map((r) => r.states.map((st) => st.name));
  for (const [i, list] of names.entries()) {
    if (list.length > 1 << REGION_BITS) throw new Error(`guillotineCodec: region ${REGIONS[i]} has ${list.length} states; the codec packs at most ${1 << REGION_BITS}`);
  }
  return { names, index: names.map((list) => new Map(list.map((n, i) => [n, i]))) };
}

const LEVEL_INDEX = new Map(LEVELS.map((l, i) => [l, i]));

function levelCode(l: Level): number {
  const i = LEVEL_INDEX.get(l);
  if (i === undefined) throw new Error(`guillotineCodec: unknown level ${JSON.stringify(l)}`);
  return i;
}

function counter(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > COUNTER_LIMIT) throw new Error(`guillotineCodec: ${name} = ${n} is outside 0..${COUNTER_LIMIT}, which the packed state holds`);
  return n;
}

/**
 * Lists of voters as bit sets over the policy's admins then the outsider, `words` words each, and
 * the side table for the lists a bit set cannot hold (and for irregular actuator lists), numbered
 * in order of first sight: deterministic, since the search is.
 */
class VoterLists {
  readonly words: number;
  private readonly voterIndex: Map<string, number>;
  private readonly irregular: (readonly string[])[] = [];
  private readonly irregularIndex = new Map<string, number>();

  constructor(private readonly voters: readonly string[]) {
    this.voterIndex = new Map(voters.map((id, i) => [id, i]));
    this.words = Math.ceil(voters.length / 32);
  }

  /** The side-table number of a list, adding it when new. */
  intern(list: readonly string[]): number {
    const key = JSON.stringify(list);
    let i = this.irregularIndex.get(key);
    if (i === undefined) {
      this.irregularIndex.set(key, (i = this.irregular.length));
      this.irregular.push(list);
    }
    return i;
  }

  /** The list the side table holds at `i`. */
  sideList(i: number): readonly string[] {
    return this.irregular[i]!;
  }

  /** Writes `list` as a bit set at `at`; false (and nothing written) when the list is not distinct voters in order. */
  private writeSet(list: readonly string[], out: Uint32Array, at: number): boolean {
    const words = this.words;
    for (let w = 0; w < words; w++) out[at + w] = 0;
    // Under symmetry a list is almost always the first k voters: set k low bits without lookups.
    let k = 0;
    while (k < list.length && list[k] === this.voters[k]) k++;
    if (k === list.length) {
      for (let w = 0; w < words && k > 0; w++, k -= 32) out[at + w] = k >= 32 ? 0xffffffff : (1 << k) - 1;
      return true;
    }
    let last = -1;
    for (const id of list) {
      const i = this.voterIndex.get(id);
      if (i === undefined || i <= last) return false;
      out[at + (i >>> 5)]! |= 1 << (i & 31);
      last = i;
    }
    return true;
  }

  private readSet(words: Uint32Array, at: number): string[] {
    const list: string[] = [];
    for (let w = 0; w < this.words; w++) {
      let bits = words[at + w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        list.push(this.voters[w * 32 + 31 - Math.clz32(low)]!);
        bits ^= low;
      }
    }
    return list;
  }

  /** Writes `list` at `at` as a bit set, or else its side-table number; false in the second case (the caller flags it). */
  write(list: readonly string[], out: Uint32Array, at: number): boolean {
    if (this.writeSet(list, out, at)) return true;
    out.fill(0, at, at + this.words);
    out[at] = this.intern(list);
    return false;
  }

  /** The list written at `at`, `irregular` when it was written as a side-table number. */
  read(words: Uint32Array, at: number, irregular: boolean): string[] {
    return irregular ? [...this.irregular[words[at]!]!] : this.readSet(words, at);
  }
}

/** Capability rows and their codes, each coded once: the rows are few (one per level, or one decoded here) and immutable. */
class OutputCodes {
  private readonly codes = new Map<Capabilities, number>();
  // Decoded rows are shared per code: there are few, and they are read-only.
  private readonly rows = new Map<number, Capabilities>();

  code(o: Capabilities): number {
    let code = this.codes.get(o);
    if (code === undefined) this.codes.set(o, (code = outputsCodeOf(o)));
    return code;
  }

  row(code: number): Capabilities {
    let row = this.rows.get(code);
    if (row === undefined) {
      let shift = 0;
      const o: Record<string, string> = {};
      for (const { field, values, bits } of CAPABILITY_CODES) {
        o[field] = values[(code >>> shift) & ((1 << bits) - 1)]!;
        shift += bits;
      }
      this.rows.set(code, (row = o as unknown as Capabilities));
      this.codes.set(row, code);
    }
    return row;
  }
}

/** Word 0: each region's active state, the level, rebooting, the history's awaited level and the reboot's floor. */
function word0(regions: ReturnType<typeof regionTables>, s: CheckState): number {
  const { value, context: c } = s.machine;
  const h = s.history;
  let w0 = 0;
  for (let r = 0; r < REGIONS.length; r++) {
    const i = regions.index[r]!.get(value[REGIONS[r]!]!);
    if (i === undefined) throw new Error(`guillotineCodec: region ${REGIONS[r]} has no state ${JSON.stringify(value[REGIONS[r]!])}`);
    w0 |= i << (r * REGION_BITS);
  }
  w0 |= levelCode(c.level) << 18;
  if (c.rebooting) w0 |= 1 << 21;
  w0 |= (h.awaiting === null ? 0 : levelCode(h.awaiting) + 1) << 22;
  w0 |= (h.rebootFloor === null ? 0 : levelCode(h.rebootFloor) + 1) << 25;
  return w0;
}

/** The bits of word 1 that hold the pending actuators: a bit each, or a side-table number and the irregular flag. */
function pendingBits(pendingActuators: readonly Actuator[], lists: VoterLists): number {
  let pending = 0;
  let lastActuator = -1;
  let regular = true;
  for (let k = 0; k < pendingActuators.length; k++) {
    const a = pendingActuators[k]!;
    const i = ACTUATORS.indexOf(a);
    if (i < 0) throw new Error(`guillotineCodec: unknown actuator ${JSON.stringify(a)}`);
    if (i <= lastActuator) regular = false;
    pending |= 1 << i;
    lastActuator = i;
  }
  if (regular) return pending << 7;
  // A side-table number small enough for the 11 spare bits of word 1.
  const i = lists.intern(pendingActuators);
  if (i >= 1 << 11) throw new Error('guillotineCodec: more than 2048 irregular lists; the packed state cannot number them');
  return IRREGULAR_PENDING | (i << 18);
}

/** Packs checked states of `policy` (see the layout above); one codec per search, since its side table grows with it. */
/**
 * What reads one region's state (its index in the region) out of a packed state's first word, which
 * the generated checker's states share with the codec's, with or without symmetry.
 */
export function regionReader(region: Region): (words: Uint32Array, at: number) => number {
  const shift = REGIONS.indexOf(region) * REGION_BITS;
  return (words, at) => (words[at]! >>> shift) & REGION_MASK;
}

export function guillotineCodec(policy: Policy): StateCodec<CheckState> {
  const regions = regionTables(policy);
  const lists = new VoterLists([...adminIds(policy), outsiderId(policy)]);
  const setWords = lists.words;
  const outputs = new OutputCodes();
  // Decoded pending lists are shared per code, like the output rows.
  const pendingByCode = new Map<number, readonly Actuator[]>();
  const pendingOf = (w1: number): readonly Actuator[] => {
    const code = (w1 & IRREGULAR_PENDING) !== 0 ? -1 - ((w1 >>> 18) & 0x7ff) : (w1 >>> 7) & 0xf;
    let pending = pendingByCode.get(code);
    if (pending === undefined) {
      pending = code < 0 ? (lists.sideList(-1 - code) as Actuator[]) : ACTUATORS.filter((_, i) => (code & (1 << i)) !== 0);
      pendingByCode.set(code, pending);
    }
    return pending;
  };

  return {
    width: 3 + 2 * setWords,
    encode(s, out, at) {
      const c = s.machine.context;
      const w0 = word0(regions, s);
      const p = c.proposal;
      let w1 = p === null ? 0 : 1 | (levelCode(p.from) << 1) | (levelCode(p.to) << 4);
      w1 |= pendingBits(c.pendingActuators, lists);
      w1 |= outputs.code(c.outputs) << 11;
      if (!lists.write(p?.approvals ?? [], out, at + 3)) w1 |= IRREGULAR_APPROVALS;
      if (!lists.write(s.history.votes, out, at + 3 + setWords)) w1 |= IRREGULAR_VOTES;
      out[at] = w0;
      out[at + 1] = w1;
      out[at + 2] = counter('missedHeartbeats', c.missedHeartbeats) | (counter('history misses', s.history.misses) << 16);
    },
    decode(words, at) {
      const w0 = words[at]!;
      const w1 = words[at + 1]!;
      const w2 = words[at + 2]!;
      const value = {} as Record<Region, string>;
      for (let r = 0; r < REGIONS.length; r++) value[REGIONS[r]!] = regions.names[r]![(w0 >>> (r * REGION_BITS)) & REGION_MASK]!;
      const awaitingCode = (w0 >>> 22) & 0x7;
      const floorCode = (w0 >>> 25) & 0x7;
      const proposal: Proposal | null = (w1 & 1) === 0 ? null : { from: LEVELS[(w1 >>> 1) & 7]!, to: LEVELS[(w1 >>> 4) & 7]!, approvals: lists.read(words, at + 3, (w1 & IRREGULAR_APPROVALS) !== 0) };
      const pendingActuators = pendingOf(w1);
      const outputCode = (w1 >>> 11) & ((1 << OUTPUT_BITS) - 1);
      const machine: SystemState = {
        value,
        context: { level: LEVELS[(w0 >>> 18) & 7]!, rebooting: (w0 & (1 << 21)) !== 0, proposal, missedHeartbeats: w2 & 0xffff, outputs: outputs.row(outputCode), pendingActuators },
      };
      const votes = lists.read(words, at + 3 + setWords, (w1 & IRREGULAR_VOTES) !== 0);
      return { machine, history: { votes, misses: w2 >>> 16, awaiting: awaitingCode === 0 ? null : LEVELS[awaitingCode - 1]!, rebootFloor: floorCode === 0 ? null : LEVELS[floorCode - 1]! } };
    },
  };
}
