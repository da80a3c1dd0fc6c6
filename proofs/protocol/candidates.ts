/**
 * Candidate lemmas for the inductive invariant, mined from the count system explored concretely
 * (Daikon's idea, Houdini's input): every formula of a few small shapes that holds in every state
 * reached for a sample of knob values. Holding on samples proves nothing; `houdini.ts` keeps only
 * the candidates Z3 shows inductive for every value of the knobs in the region.
 *
 * The shapes are those the protocol's invariants take: a variable equal to, or bounded by, a
 * constant (`approved_only = 0`, `0 ≤ isolation ≤ 5`); two variables equal or ordered
 * (`level = isolation`, `missed = misses`); a variable below a knob (`missed < missLimit`); the
 * counted admins within the policy's; and each of these under one condition, a truth variable or a
 * small variable equal to a constant (`proposal_open → proposal_from = isolation`).
 */
import type { CountSystem } from './countSystem.ts';
import type { Term, TermBank } from './term.ts';
import type { Knob } from '../../machines/protocolOps.ts';
import type { Measure } from './countState.ts';
import type { CompiledCountSystem, KnobValues } from './explore.ts';
import { exploreCounts } from './explore.ts';
import { KNOBS } from './termOps.ts';

/** An atom: its term, and its value on a sample (a state and its knobs). */
interface Atom {
  readonly term: Term;
  readonly holds: (s: Int32Array, k: Int32Array) => boolean;
}

/** The knob values the candidates are mined from: small policies, every quorum pair, a few miss limits and steps. */
export function sampleKnobs(region: (k: KnobValues) => boolean, maxAdmins = 4): KnobValues[] {
  const out: KnobValues[] = [];
  for (let admins = 1; admins <= maxAdmins; admins++)
    for (let escalate = 1; escalate <= admins; escalate++)
      for (let deescalate = 1; deescalate <= admins; deescalate++)
        for (const missLimit of [1, 2, 3])
          for (const maxStep of [1, 2, 5]) {
            const k = { admins, escalate, deescalate, missLimit, maxStep };
            if (region(k)) out.push(k);
          }
  return out;
}

/** The most distinct values a variable may take on the samples to be a condition or compared with constants. */
const SMALL = 8;

/**
 * The candidates that hold in every state reached under every sample.
 * @param maxStates per sample, a bound on the search (a sample that reaches it still contributes its states)
 */
export function mineCandidates(c: CompiledCountSystem, samples: readonly KnobValues[], options: { readonly maxStates?: number; readonly conditional?: boolean } = {}): Term[] {
  const maxStates = options.maxStates ?? 20_000;
  const sys = c.system;
  const bank = sys.bank;
  const states: Int32Array[] = [];
  const knobs: Int32Array[] = [];
  for (const k of samples) {
    const ka = c.knobArray(k);
    for (const s of exploreCounts(c, k, { maxStates }).states) {
      states.push(s);
      knobs.push(ka);
    }
  }
  const S = states.length;
  const words = Math.ceil(S / 32);
  const bitsOf = (holds: Atom['holds']): Uint32Array => {
    const bits = new Uint32Array(words);
    for (let i = 0; i < S; i++) if (holds(states[i]!, knobs[i]!)) bits[i >>> 5]! |= 1 << (i & 31);
    return bits;
  };
  const full = (bits: Uint32Array) => {
    for (let w = 0; w < words; w++) {
      const want = w === words - 1 && S % 32 !== 0 ? (1 << S % 32) - 1 : -1;
      if ((bits[w]! | ~want) !== -1) return false;
    }
    return true;
  };
  const empty = (bits: Uint32Array) => bits.every((x) => x === 0);
  /** Whether `cond` implies `atom` on every sample. */
  const implies = (cond: Uint32Array, atom: Uint32Array) => {
    for (let w = 0; w < words; w++) if ((cond[w]! & ~atom[w]!) !== 0) return false;
    return true;
  };

  const { atoms, conditions } = shapes(sys, bank, states);
  const atomBits = atoms.map((a) => bitsOf(a.holds));
  const unconditional: Term[] = [];
  const always = new Set<number>();
  atoms.forEach((a, i) => {
    if (full(atomBits[i]!)) {
      unconditional.push(a.term);
      always.add(i);
    }
  });
  const out: Term[] = [...unconditional];
  for (const cond of options.conditional === false ? [] : conditions) {
    const cb = bitsOf(cond.holds);
    // A condition never met is its own negation as a candidate; one always met adds nothing.
    if (empty(cb)) {
      out.push(bank.not(cond.term));
      continue;
    }
    if (full(cb)) continue;
    // What the unconditional candidates say where the condition holds: an atom among them adds nothing under it.
    const fact = factOf(bank, cond.term);
    const under = new Set(unconditional.map((u) => bank.substitute(u, fact).id));
    atoms.forEach((a, i) => {
      if (always.has(i) || !implies(cb, atomBits[i]!)) return;
      const t = bank.substitute(a.term, fact);
      if ((t.op === 'const' && t.value === true) || under.has(t.id)) return;
      out.push(bank.or(bank.not(cond.term), a.term));
    });
  }
  return [...new Map(out.map((t) => [t.id, t])).values()];
}

/** The binding a condition pins: a truth variable, or a variable equal to a constant. */
function factOf(bank: TermBank, cond: Term): Map<number, Term> {
  if (cond.op === 'var') return new Map([[cond.id, bank.TRUE]]);
  if (cond.op === 'not' && cond.args[0]!.op === 'var') return new Map([[cond.args[0]!.id, bank.FALSE]]);
  if (cond.op === 'eq') {
    const [a, b] = cond.args as [Term, Term];
    if (a.op === 'var' && b.op === 'const') return new Map([[a.id, b]]);
    if (b.op === 'var' && a.op === 'const') return new Map([[b.id, a]]);
  }
  return new Map();
}

/** The atoms and the conditions of the shapes above, for the variables of a system. */
function shapes(sys: CountSystem, bank: TermBank, states: readonly Int32Array[]): { atoms: Atom[]; conditions: Atom[] } {
  const vars = sys.signature.vars;
  const atoms: Atom[] = [];
  const conditions: Atom[] = [];
  const ints = vars.map((v, i) => ({ v, i })).filter((x) => x.v.sort === 'int');
  const bools = vars.map((v, i) => ({ v, i })).filter((x) => x.v.sort === 'bool');
  const term = (i: number) => sys.vars[i]!;
  const observed = (i: number) => [...new Set(states.map((s) => s[i]!))].sort((a, b) => a - b);
  const maxStep = KNOBS.indexOf('maxStep');

  for (const { v, i } of ints) {
    const values = observed(i);
    const x = term(i);
    if (values.length === 0) continue;
    const lo = values[0]!;
    const hi = values[values.length - 1]!;
    atoms.push({ term: bank.le(bank.int(lo), x), holds: (s) => lo <= s[i]! });
    // A count grows with the admins: an upper bound seen on small samples is not worth trying.
    if (v.measure === 'level' || v.measure === 'state') atoms.push({ term: bank.le(x, bank.int(hi)), holds: (s) => s[i]! <= hi });
    if (values.length <= SMALL) {
      for (const value of values) {
        const eq: Atom = { term: bank.eq(x, bank.int(value)), holds: (s) => s[i] === value };
        atoms.push(eq);
        if (v.measure === 'level' || v.measure === 'state') conditions.push(eq);
      }
    }
    KNOBS.forEach((name, j) => {
      if (name === 'maxStep' || KNOB_MEASURE[name] !== v.measure) return;
      const k = sys.knobs[j]!;
      atoms.push({ term: bank.le(x, k), holds: (s, kv) => s[i]! <= kv[j]! }, { term: bank.lt(x, k), holds: (s, kv) => s[i]! < kv[j]! });
    });
  }
  ints.forEach(({ v, i }, a) => {
    for (const { v: w, i: j } of ints.slice(a + 1)) {
      if (v.measure !== w.measure || v.measure === 'state') continue;
      const x = term(i);
      const y = term(j);
      atoms.push(
        { term: bank.eq(x, y), holds: (s) => s[i] === s[j] },
        { term: bank.le(x, y), holds: (s) => s[i]! <= s[j]! },
        { term: bank.le(y, x), holds: (s) => s[j]! <= s[i]! },
        { term: bank.lt(x, y), holds: (s) => s[i]! < s[j]! },
        { term: bank.lt(y, x), holds: (s) => s[j]! < s[i]! },
      );
      // How far apart two levels may be: a de-escalation's step.
      if (v.measure === 'level') {
        const k = sys.knobs[maxStep]!;
        atoms.push({ term: bank.le(bank.sub(x, y), k), holds: (s, kv) => s[i]! - s[j]! <= kv[maxStep]! }, { term: bank.le(bank.sub(y, x), k), holds: (s, kv) => s[j]! - s[i]! <= kv[maxStep]! });
      }
    }
  });
  for (const { i } of bools) {
    const b = term(i);
    const yes: Atom = { term: b, holds: (s) => s[i] !== 0 };
    const no: Atom = { term: bank.not(b), holds: (s) => s[i] === 0 };
    atoms.push(yes, no);
    conditions.push(yes, no);
  }
  // The counted admins are among the policy's (the class of those who neither approved nor voted is not negative).
  const at = (name: string) => vars.findIndex((v) => v.name === name);
  const [c0, c1, c2] = [at('approved_voted'), at('approved_only'), at('voted_only')];
  const admins = KNOBS.indexOf('admins');
  if (c0 >= 0 && c1 >= 0 && c2 >= 0) {
    atoms.push({ term: bank.le(bank.add(bank.add(term(c0), term(c1)), term(c2)), sys.knobs[admins]!), holds: (s, k) => s[c0]! + s[c1]! + s[c2]! <= k[admins]! });
  }
  return { atoms, conditions };
}

/** What each knob measures (see `Measure`): quorums count admins, the miss limit heartbeats, the step levels. */
const KNOB_MEASURE: Readonly<Record<Knob, Measure>> = { admins: 'admins', escalate: 'admins', deescalate: 'admins', missLimit: 'heartbeats', maxStep: 'level' };
