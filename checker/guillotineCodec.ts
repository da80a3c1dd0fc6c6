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

export function guillotineCodec(policy: Policy): StateCodec<CheckState> {
  // The codec packs region states by their place in the chart; it runs no guard or action, and the
  // config names the same ones whatever rules run it, so the correct rules' names read it.
  const regionStates = readStatechart(policy, ruleVocabulary(), 'guillotineCodec').regions.map((r) => r.states.map((st) => st.name));
  for (const [i, names] of regionStates.entries()) {
    if (names.length > 1 << REGION_BITS) throw new Error(`guillotineCodec: region ${REGIONS[i]} has ${names.length} states; the codec packs at most ${1 << REGION_BITS}`);
  }
  const regionIndex = regionStates.map((names) => new Map(names.map((n, i) => [n, i])));
  const voters = [...adminIds(policy), outsiderId(policy)];
  const voterIndex = new Map(voters.map((id, i) => [id, i]));
  const setWords = Math.ceil(voters.length / 32);
  const width = 3 + 2 * setWords;
  const levelIndex = new Map(LEVELS.map((l, i) => [l, i]));

  // Lists a bit set cannot hold, numbered in order of first sight (deterministic: the search is).
  const irregularLists: (readonly string[])[] = [];
  const irregularIndex = new Map<string, number>();
  const intern = (list: readonly string[]) => {
    const key = JSON.stringify(list);
    let i = irregularIndex.get(key);
    if (i === undefined) {
      irregularIndex.set(key, (i = irregularLists.length));
      irregularLists.push(list);
    }
    return i;
  };

  /** Writes `list` as a bit set at `at`; false (and nothing written) when the list is not distinct voters in order. */
  const writeSet = (list: readonly string[], out: Uint32Array, at: number): boolean => {
    for (let w = 0; w < setWords; w++) out[at + w] = 0;
    // Under symmetry a list is almost always the first k voters: set k low bits without lookups.
    let k = 0;
    while (k < list.length && list[k] === voters[k]) k++;
    if (k === list.length) {
      for (let w = 0; w < setWords && k > 0; w++, k -= 32) out[at + w] = k >= 32 ? 0xffffffff : (1 << k) - 1;
      return true;
    }
    let last = -1;
    for (const id of list) {
      const i = voterIndex.get(id);
      if (i === undefined || i <= last) return false;
      out[at + (i >>> 5)]! |= 1 << (i & 31);
      last = i;
    }
    return true;
  };
  const readSet = (words: Uint32Array, at: number): string[] => {
    const list: string[] = [];
    for (let w = 0; w < setWords; w++) {
      let bits = words[at + w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        list.push(voters[w * 32 + 31 - Math.clz32(low)]!);
        bits ^= low;
      }
    }
    return list;
  };
  /** A side-table index small enough for the 11 spare bits of word 1 (for irregular actuator lists). */
  const sideIndex = (list: readonly string[]) => {
    const i = intern(list);
    if (i >= 1 << 11) throw new Error('guillotineCodec: more than 2048 irregular lists; the packed state cannot number them');
    return i;
  };
  const writeList = (list: readonly string[], out: Uint32Array, at: number): boolean => {
    if (writeSet(list, out, at)) return true;
    out.fill(0, at, at + setWords);
    out[at] = intern(list);
    return false;
  };

  const level = (l: Level) => {
    const i = levelIndex.get(l);
    if (i === undefined) throw new Error(`guillotineCodec: unknown level ${JSON.stringify(l)}`);
    return i;
  };
  const counter = (name: string, n: number) => {
    if (!Number.isInteger(n) || n < 0 || n > COUNTER_LIMIT) throw new Error(`guillotineCodec: ${name} = ${n} is outside 0..${COUNTER_LIMIT}, which the packed state holds`);
    return n;
  };

  // Outputs objects are few (a capability row, or one decoded here) and immutable: code each once.
  const outputsCodes = new Map<Capabilities, number>();
  const outputsCode = (o: Capabilities) => {
    let code = outputsCodes.get(o);
    if (code === undefined) outputsCodes.set(o, (code = outputsCodeOf(o)));
    return code;
  };

  // Decoded outputs and pending lists are shared per code: there are few, and they are read-only.
  const outputsByCode = new Map<number, Capabilities>();
  const pendingByCode = new Map<number, readonly Actuator[]>();

  return {
    width,
    encode(s, out, at) {
      const { value, context: c } = s.machine;
      const h = s.history;
      let w0 = 0;
      for (let r = 0; r < REGIONS.length; r++) {
        const i = regionIndex[r]!.get(value[REGIONS[r]!]!);
        if (i === undefined) throw new Error(`guillotineCodec: region ${REGIONS[r]} has no state ${JSON.stringify(value[REGIONS[r]!])}`);
        w0 |= i << (r * REGION_BITS);
      }
      w0 |= level(c.level) << 18;
      if (c.rebooting) w0 |= 1 << 21;
      w0 |= (h.awaiting === null ? 0 : level(h.awaiting) + 1) << 22;
      w0 |= (h.rebootFloor === null ? 0 : level(h.rebootFloor) + 1) << 25;

      let w1 = 0;
      const p = c.proposal;
      if (p !== null) w1 = 1 | (level(p.from) << 1) | (level(p.to) << 4);
      let pending = 0;
      let lastActuator = -1;
      let regularPending = true;
      for (let k = 0; k < c.pendingActuators.length; k++) {
        const a = c.pendingActuators[k]!;
        const i = ACTUATORS.indexOf(a);
        if (i < 0) throw new Error(`guillotineCodec: unknown actuator ${JSON.stringify(a)}`);
        if (i <= lastActuator) regularPending = false;
        pending |= 1 << i;
        lastActuator = i;
      }
      if (regularPending) w1 |= pending << 7;
      else w1 |= IRREGULAR_PENDING | (sideIndex(c.pendingActuators) << 18);
      w1 |= outputsCode(c.outputs) << 11;
      if (!writeList(p?.approvals ?? [], out, at + 3)) w1 |= IRREGULAR_APPROVALS;
      if (!writeList(h.votes, out, at + 3 + setWords)) w1 |= IRREGULAR_VOTES;
      out[at] = w0;
      out[at + 1] = w1;
      out[at + 2] = counter('missedHeartbeats', c.missedHeartbeats) | (counter('history misses', h.misses) << 16);
    },
    decode(words, at) {
      const w0 = words[at]!;
      const w1 = words[at + 1]!;
      const w2 = words[at + 2]!;
      const value = {} as Record<Region, string>;
      for (let r = 0; r < REGIONS.length; r++) value[REGIONS[r]!] = regionStates[r]![(w0 >>> (r * REGION_BITS)) & REGION_MASK]!;
      const awaitingCode = (w0 >>> 22) & 0x7;
      const floorCode = (w0 >>> 25) & 0x7;
      const list = (flag: number, offset: number) => ((w1 & flag) !== 0 ? [...irregularLists[words[at + offset]!]!] : readSet(words, at + offset));
      const proposal: Proposal | null = (w1 & 1) === 0 ? null : { from: LEVELS[(w1 >>> 1) & 7]!, to: LEVELS[(w1 >>> 4) & 7]!, approvals: list(IRREGULAR_APPROVALS, 3) };
      const pendingCode = (w1 & IRREGULAR_PENDING) !== 0 ? -1 - ((w1 >>> 18) & 0x7ff) : (w1 >>> 7) & 0xf;
      let pendingActuators = pendingByCode.get(pendingCode);
      if (pendingActuators === undefined) {
        pendingActuators = pendingCode < 0 ? (irregularLists[-1 - pendingCode] as Actuator[]) : ACTUATORS.filter((_, i) => (pendingCode & (1 << i)) !== 0);
        pendingByCode.set(pendingCode, pendingActuators);
      }
      const outputsCode = (w1 >>> 11) & ((1 << OUTPUT_BITS) - 1);
      let outputs = outputsByCode.get(outputsCode);
      if (outputs === undefined) {
        let shift = 11;
        const o: Record<string, string> = {};
        for (const { field, values, bits } of CAPABILITY_CODES) {
          o[field] = values[(w1 >>> shift) & ((1 << bits) - 1)]!;
          shift += bits;
        }
        outputsByCode.set(outputsCode, (outputs = o as unknown as Capabilities));
        outputsCodes.set(outputs, outputsCode);
      }
      const machine: SystemState = {
        value,
        context: { level: LEVELS[(w0 >>> 18) & 7]!, rebooting: (w0 & (1 << 21)) !== 0, proposal, missedHeartbeats: w2 & 0xffff, outputs, pendingActuators },
      };
      return { machine, history: { votes: list(IRREGULAR_VOTES, 3 + setWords), misses: w2 >>> 16, awaiting: awaitingCode === 0 ? null : LEVELS[awaitingCode - 1]!, rebootFloor: floorCode === 0 ? null : LEVELS[floorCode - 1]! } };
    },
  };
}
