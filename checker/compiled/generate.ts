/**
 * The checker's successor function for one machine, generated as JavaScript from the statechart
 * (`machineConfig`, read by `readStatechart`) and the rules (`machines/rules.ts`, the history of
 * `properties/history.ts`, the property clauses of `properties/`), interpreted by `jsOps.ts`.
 *
 * The generated module works on packed states only: no object, string, `Map` or allocation per
 * transition. `expand` decodes a state's words into local registers, tries every event of the
 * alphabet in its order — selecting each region's first enabled transition on the state before the
 * step, running the selected actions and entries, then the raised events first in, first out, as
 * the reference engine does — and for each accepted event writes the successor's words, with the
 * transition properties it breaks and the vacuity guards it witnesses as bits. `judgeState` judges
 * the state properties once per new state. Nothing here decides anything about the protocol: every
 * guard, update, raise, history update and property condition is a rule's own text.
 *
 * Without symmetry a state has the layout of `guillotineCodec` (the reference model's), so both
 * explore bit-identical state tables. Under symmetry the approvals and votes are held as class counts
 * (how many admins approved and voted, approved only, voted only; whether the outsider did): one
 * representative per orbit, as `symmetry.ts` keeps it, in five words whatever the number of admins,
 * and canonicalising a successor is a few additions instead of a sort.
 */
import { CAPABILITIES, LEVELS } from '../../spec/levels.ts';
import { slotAlphabet, type EventSlot } from '../../machines/alphabet.ts';
import { adminIds, type Policy } from '../../spec/policy.ts';
import { EFFECTS, REJECTIONS } from '../../machines/guillotine.ts';
import { readStatechart, ruleVocabulary, REGIONS, type ActionRef, type RegionRef, type TransitionRef } from '../../machines/statechart.ts';
import { NO_LEVEL, type ContextView, type EventView, type HistoryView, type ProtocolOps, type StateView } from '../../machines/protocolOps.ts';
import type { ProtocolRules } from '../../machines/rules.ts';
import { nextHistory } from '../../properties/history.ts';
import type { GuillotineProperty, PropertyId } from '../../properties/property.ts';
import { outputsCodeOf } from '../guillotineCodec.ts';
import { bitSetOps, classCountOps, OUTSIDER_CLASS, type ClassSet, type Js } from './jsOps.ts';

/** What bit `i` of a transition's flags (or of `judgeState`'s result) stands for. */
export type Item =
  | { readonly kind: 'always'; readonly property: PropertyId }
  | { readonly kind: 'sometimes'; readonly property: PropertyId; readonly guard: string }
  | { readonly kind: 'eventually'; readonly property: PropertyId };

/** What action `i` of the generated alphabet is: an event type and its fields (a voter by index, or by class under symmetry). */
export type ActionSlot = EventSlot;

export interface GeneratedChecker {
  /** The body of a function of `tables` that returns `{ expand, judgeState, witnessInitial }`. */
  readonly source: string;
  readonly tables: { readonly cmdOfCode: Int8Array };
  /** Words per state. */
  readonly width: number;
  readonly symmetry: boolean;
  readonly actions: readonly ActionSlot[];
  /** Bits of a transition's flags: transition properties broken, vacuity guards witnessed. */
  readonly transitionItems: readonly Item[];
  /** Bits of `judgeState`: state properties broken, `eventually` conditions false. */
  readonly stateItems: readonly Item[];
  /** Bits of `witnessInitial`: the vacuity guards the initial state witnesses (the transition items' numbering). */
  readonly regionStates: readonly (readonly string[])[];
}

/** The largest number of admins the generated code handles without symmetry (the voter sets are one 32-bit word). */
export const MAX_ADMINS_WITHOUT_SYMMETRY = 31;

const REGISTER = { level: 'lv', rebooting: 'rb', open: 'op', from: 'fr', to: 'tt', missed: 'ms', commanded: 'cm' } as const;
const PRE = { level: 'LV', rebooting: 'RB', open: 'OP', from: 'FR', to: 'TT', missed: 'MS', commanded: 'CM' } as const;

/**
 * Generates the checker's code for a machine.
 * @throws RangeError for more than {@link MAX_ADMINS_WITHOUT_SYMMETRY} admins without symmetry, Error
 *   for a statechart shape or rule the generator cannot follow (named).
 */
export function generateChecker(policy: Policy, rules: ProtocolRules, properties: readonly GuillotineProperty[], symmetry: boolean): GeneratedChecker {
  const n = adminIds(policy).length;
  if (!symmetry && n > MAX_ADMINS_WITHOUT_SYMMETRY) throw new RangeError(`the generated checker holds at most ${MAX_ADMINS_WITHOUT_SYMMETRY} admins without symmetry (${n} given); use symmetry or --engine reference`);
  const chart = readStatechart(policy, ruleVocabulary(rules), 'the generated checker');
  const isolation = chart.regions[REGIONS.indexOf('isolation')]!;
  isolation.states.forEach((s, i) => {
    if (s.name !== LEVELS[i]) throw new Error(`the generated checker: the isolation region's state ${i} is ${s.name}, not ${LEVELS[i]}; it reads a level as its state's index`);
  });
  for (const r of chart.regions) if (r.states.length > 8) throw new Error(`the generated checker: region ${r.name} has ${r.states.length} states; a state packs 3 bits per region`);

  const g = new Generator(policy, rules, properties, symmetry, n, chart.regions, chart.internalEvents);
  return g.generate();
}

type AnyOps = ProtocolOps<Js, Js, Js | number, Js | ClassSet>;

/** Emits the module; one instance per generated checker. */
class Generator {
  private readonly out: string[] = [];
  private readonly ops: AnyOps;
  private readonly transitionItems: Item[] = [];
  private readonly stateItems: Item[] = [];
  private readonly voters: number;
  private readonly internalIds: Map<string, number>;
  private temp = 0;
  /** The registers `settle` reads or writes (set by {@link settleFunction}). */
  private settleRegisters: { name: string; truth: boolean }[] = [];

  constructor(
    private readonly policy: Policy,
    private readonly rules: ProtocolRules,
    private readonly properties: readonly GuillotineProperty[],
    private readonly symmetry: boolean,
    private readonly admins: number,
    private readonly regions: readonly RegionRef[],
    internalEvents: readonly string[],
  ) {
    this.ops = (symmetry ? classCountOps(policy) : bitSetOps(policy, admins)) as unknown as AnyOps;
    this.voters = admins + 1;
    this.internalIds = new Map(internalEvents.map((t, i) => [t, i + 1]));
    for (const p of properties) {
      if (p.check.on === 'transition') this.transitionItems.push({ kind: 'always', property: p.id });
      if (p.check.on === 'state') this.stateItems.push({ kind: 'always', property: p.id });
      if (p.check.on === 'eventually') this.stateItems.push({ kind: 'eventually', property: p.id });
      for (const v of p.vacuity ?? []) this.transitionItems.push({ kind: 'sometimes', property: p.id, guard: v.name });
    }
    if (this.transitionItems.length > 31 || this.stateItems.length > 31) throw new Error('the generated checker: more than 31 properties and vacuity guards of one kind do not fit its flag words');
  }

  private line(text: string): void {
    this.out.push(text);
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.temp++}`;
  }

  generate(): GeneratedChecker {
    const actions = this.alphabet();
    this.line('"use strict";');
    this.line('const CMD_OF_CODE = tables.cmdOfCode;');
    this.line(`const OUT_CODE = [${LEVELS.map((l) => outputsCodeOf(CAPABILITIES[l])).join(', ')}];`);
    // The raised events of one step, first in, first out (a step's own `qh`/`qt` index them).
    this.line('const QT = new Int32Array(16), QTO = new Int32Array(16);');
    this.line('function tooManyRaised() { throw new Error("the generated checker: more than 16 raised events in one step"); }');
    this.line('function pc(x) { x = x - ((x >>> 1) & 0x55555555); x = (x & 0x33333333) + ((x >>> 2) & 0x33333333); return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24; }');
    this.line('function mn(a, b) { return a < b ? a : b; }');
    // Every function reads the state before the step into local constants (R0, LV, …) and works on
    // local registers (r0, lv, …): no module-level variable is written per transition, so the
    // optimiser keeps them in registers and drops the ones an event never reads. Only the raised
    // events of a step pass the registers through the `REG` array, to `settle`.
    this.settleFunction();
    this.line(`const REG = new Int32Array(${this.settleRegisters.length});`);
    this.eventFunctions();
    this.expandFunction(actions);
    this.judgeStateFunction();
    this.witnessInitialFunction();
    this.line('return { expand, judgeState, witnessInitial };');

    const cmdOfCode = new Int8Array(128).fill(-1);
    LEVELS.forEach((l, i) => (cmdOfCode[outputsCodeOf(CAPABILITIES[l])] = i));
    return {
      source: this.out.join('\n'),
      tables: { cmdOfCode },
      width: 5,
      symmetry: this.symmetry,
      actions,
      transitionItems: this.transitionItems,
      stateItems: this.stateItems,
      regionStates: this.regions.map((r) => r.states.map((s) => s.name)),
    };
  }

  // ------------------------------------------------------------ the alphabet

  /** The actions in the order of `eventAlphabet` (under symmetry, one voter per class). */
  private alphabet(): ActionSlot[] {
    return slotAlphabet(this.symmetry ? [0, 1, 2, 3, OUTSIDER_CLASS] : Array.from({ length: this.voters }, (_, i) => i));
  }

  // ------------------------------------------------------------ views

  /** The approvals and votes of the state before the step, for an event whose voter is `voter` (a class under symmetry). */
  private preSets(voter: Js | number | undefined): { approvals: Js | ClassSet; votes: Js | ClassSet } {
    if (!this.symmetry) return { approvals: 'AP', votes: 'VO' };
    const k = typeof voter === 'number' ? voter : -1;
    const inA = k === 0 || k === 1 ? 'true' : k === OUTSIDER_CLASS ? 'OA' : 'false';
    const inV = k === 0 || k === 2 ? 'true' : k === OUTSIDER_CLASS ? 'OV' : 'false';
    return {
      approvals: { members: ['C0', 'C1', '0', '0'], outsider: 'OA', voter: inA },
      votes: { members: ['C0', '0', 'C2', '0'], outsider: 'OV', voter: inV },
    };
  }

  private preView(voter: Js | number | undefined): StateView<Js, Js, Js | ClassSet> {
    const { approvals, votes } = this.preSets(voter);
    const context: ContextView<Js, Js, Js | ClassSet> = { ...PRE, rebooting: 'RB', open: 'OP', approvals, pending: ['P0', 'P1', 'P2', 'P3'] };
    return { isolation: `R${REGIONS.indexOf('isolation')}`, context, history: { votes, misses: 'MI', awaiting: 'AW', floor: 'FL' } };
  }

  private registerContext(): ContextView<Js, Js, Js | ClassSet> {
    const approvals: Js | ClassSet = this.symmetry ? { members: ['a0', 'a1', 'a2', 'a3'], outsider: 'ao', voter: 'av' } : 'ap';
    return { ...REGISTER, approvals, pending: ['p0', 'p1', 'p2', 'p3'] };
  }

  // ------------------------------------------------------------ code for the statechart

  /** Statements that apply a context update: every new value computed from the registers first, then assigned. */
  private applyUpdate(update: Partial<ContextView<Js, Js, Js | ClassSet>>): string[] {
    const assigns: [string, Js][] = [];
    for (const key of ['level', 'rebooting', 'open', 'from', 'to', 'missed', 'commanded'] as const) {
      const value = update[key];
      if (value !== undefined && value !== REGISTER[key]) assigns.push([REGISTER[key], value]);
    }
    update.pending?.forEach((value, i) => {
      if (value !== `p${i}`) assigns.push([`p${i}`, value]);
    });
    if (update.approvals !== undefined) {
      if (this.symmetry) {
        const s = update.approvals as ClassSet;
        s.members.forEach((m, j) => m !== `a${j}` && assigns.push([`a${j}`, m]));
        if (s.outsider !== 'ao') assigns.push(['ao', s.outsider]);
        if (s.voter !== 'av') assigns.push(['av', s.voter]);
      } else if (update.approvals !== 'ap') assigns.push(['ap', update.approvals as Js]);
    }
    if (assigns.length === 0) return [];
    if (assigns.length === 1) return [`${assigns[0]![0]} = ${assigns[0]![1]};`];
    // The temporaries are local to the block, so equal updates are equal text (and share a case).
    const temps = assigns.map(([, value], i) => ({ t: `u${i}`, line: `const u${i} = ${value};` }));
    return [`{ ${temps.map((x) => x.line).join(' ')} ${assigns.map(([reg], i) => `${reg} = ${temps[i]!.t};`).join(' ')} }`];
  }

  private action(a: ActionRef, event: EventView<Js, Js | number>): string[] {
    const update = this.rules.updates[a.type];
    if (update) return this.applyUpdate(update(this.ops, this.policy, this.registerContext(), event, a.params) as Partial<ContextView<Js, Js, Js | ClassSet>>);
    const raiser = this.rules.raises[a.type];
    if (raiser) {
      const raised = raiser(this.ops, this.policy, this.registerContext(), event, a.params);
      const id = this.internalIds.get(raised.type);
      if (id === undefined) throw new Error(`the generated checker: ${a.type} raises ${raised.type}, which no region handles`);
      return [`if (qt === 16) tooManyRaised(); QT[qt] = ${id}; QTO[qt] = ${raised.type === 'isolation.set' ? raised.to : '0'}; qt++;`];
    }
    if (EFFECTS[a.type]) return []; // a report for people: no state
    throw new Error(`the generated checker: unknown action "${a.type}"`);
  }

  private guard(t: TransitionRef, event: EventView<Js, Js | number>, context: ContextView<Js, Js, Js | ClassSet>): Js {
    if (t.guard === undefined) return 'true';
    const rule = this.rules.guards[t.guard.type];
    if (rule === undefined) throw new Error(`the generated checker: unknown guard "${t.guard.type}"`);
    return rule(this.ops, this.policy, context, event, t.guard.params);
  }

  /**
   * One microstep for an event: select each region's first enabled transition on the registers as
   * they are, run the selected actions (region order), then enter the targets. Returns the
   * statements and, for an external event, the condition under which it is accepted.
   */
  private microstep(type: string, event: EventView<Js, Js | number>, selectOn: 'registers' | { voter: Js | number | undefined } = 'registers'): { select: string[]; body: string[]; accepted: Js; mayAccept: Js } {
    // An external event selects on the state before the step, read straight from the decoded
    // state (the registers are only set up for an event that is accepted); a raised one on the registers.
    const context = selectOn === 'registers' ? this.registerContext() : this.preView(selectOn.voter).context;
    const regionOf = (r: number) => (selectOn === 'registers' ? `r${r}` : `R${r}`);
    const lines: string[] = [];
    const selections: { region: number; chosen: string; candidates: { state: number; index: number; t: TransitionRef }[] }[] = [];
    const accepting: string[] = [];
    const mayAccept: string[] = [];
    this.regions.forEach((region, r) => {
      const candidates = region.states.flatMap((state, si) => (state.on[type] ?? []).map((t) => ({ state: si, t })));
      if (candidates.length === 0) return;
      const chosen = this.fresh('s');
      lines.push(`let ${chosen} = 0;`);
      const numbered = candidates.map((c, i) => ({ ...c, index: i + 1 }));
      const byState = new Map<number, typeof numbered>();
      for (const c of numbered) byState.set(c.state, [...(byState.get(c.state) ?? []), c]);
      const cases = [...byState].map(([si, list]) => {
        let chain = '';
        for (const c of [...list].reverse()) {
          const g = this.guard(c.t, event, context);
          chain = g === 'true' ? `${chosen} = ${c.index};` : g === 'false' ? chain : `if (${g}) ${chosen} = ${c.index};${chain ? ` else { ${chain} }` : ''}`;
        }
        return `case ${si}: { ${chain} break; }`;
      });
      lines.push(`switch (${regionOf(r)}) { ${cases.join(' ')} }`);
      selections.push({ region: r, chosen, candidates: numbered });
      const takes = numbered.filter((c) => !c.t.actions.some((a) => REJECTIONS.has(a.type)));
      if (takes.length > 0) accepting.push(`(${takes.map((c) => `${chosen} === ${c.index}`).join(' || ')})`);
      for (const si of new Set(takes.map((c) => c.state))) mayAccept.push(`${regionOf(r)} === ${si}`);
    });
    // The selected transitions' actions (in region order), then their targets' entries: one switch
    // per region, transitions with the same code sharing a case.
    const body: string[] = [];
    for (const { chosen, candidates } of selections) {
      body.push(...caseSwitch(chosen, candidates.map((c) => ({ index: c.index, code: c.t.actions.flatMap((a) => this.action(a, event)).join(' ') }))));
    }
    for (const { region, chosen, candidates } of selections) {
      const reg = this.regions[region]!;
      const entries = candidates.map((c) => {
        if (c.t.target === undefined) return { index: c.index, code: '' };
        const si = reg.states.findIndex((st) => st.name === c.t.target);
        return { index: c.index, code: [`r${region} = ${si};`, ...reg.states[si]!.entry.flatMap((a) => this.action(a, event))].join(' ') };
      });
      body.push(...caseSwitch(chosen, entries));
    }
    return { select: lines, body, accepted: accepting.length === 0 ? 'false' : accepting.join(' || '), mayAccept: mayAccept.length === 0 ? 'false' : mayAccept.join(' || ') };
  }

  /** The registers a step works on, and which of them hold truth values. */
  private registers(): { name: string; truth: boolean }[] {
    const truth = new Set(['rb', 'op', 'p0', 'p1', 'p2', 'p3', 'ao', 'av']);
    const names = [...this.regions.map((_, i) => `r${i}`), ...Object.values(REGISTER), 'p0', 'p1', 'p2', 'p3', ...(this.symmetry ? ['a0', 'a1', 'a2', 'a3', 'ao', 'av'] : ['ap'])];
    return names.map((name) => ({ name, truth: truth.has(name) }));
  }

  /** Statements that copy the registers `settle` reads or writes into `REG`, and back out of it. */
  private registerTransfer(): { store: string; load: string } {
    const regs = this.settleRegisters;
    return {
      store: regs.map((r, i) => `REG[${i}] = ${r.truth ? `${r.name} ? 1 : 0` : r.name};`).join(' '),
      load: regs.map((r, i) => `${r.name} = ${r.truth ? `REG[${i}] === 1` : `REG[${i}]`};`).join(' '),
    };
  }

  /**
   * `settle(qt)`: the raised events of a step (`qt` of them in `QT`/`QTO`), first in, first out, each
   * one microstep on the registers, which it takes from `REG` and leaves there. One function for
   * every event's step: written into each, it made the optimiser compile it twenty times over.
   */
  private settleFunction(): void {
    const cases = [...this.internalIds].map(([type, id]) => {
      const event = (type === 'isolation.set' ? { type, to: 'qto', cause: 'quorum' } : { type }) as EventView<Js, Js | number>;
      const { select, body } = this.microstep(type, event);
      return `case ${id}: { ${[...select, ...body].join(' ')} break; }`;
    });
    // Only the registers its code names pass through `REG`: the others (the heartbeat counter, the
    // regions no raised event reaches) a raised event neither reads nor writes.
    const code = cases.join(' ');
    this.settleRegisters = this.registers().filter((r) => new RegExp(`\\b${r.name}\\b`).test(code));
    const regs = this.settleRegisters;
    const { store } = this.registerTransfer();
    this.line(`function settle(qt) {`);
    this.line(`  let qh = 0; let ${regs.map((r, i) => `${r.name} = ${r.truth ? `REG[${i}] === 1` : `REG[${i}]`}`).join(', ')};`);
    this.line(`  while (qh < qt) { const qty = QT[qh], qto = QTO[qh]; qh++; switch (qty) { ${cases.join(' ')} } }`);
    this.line(`  ${store}`);
    this.line('}');
  }

  // ------------------------------------------------------------ decoding and encoding

  /**
   * Declarations of the state at `src[at ..]` as local constants: the ones `body` names, and what
   * those are computed from. An unread field is not decoded at all, so it costs nothing before the
   * optimiser drops it either (the interpreter, which runs the first thousands of states, would
   * decode it on every call).
   */
  private decodeLines(body: string): string[] {
    const fields: [name: string, value: string][] = [
      ['w0', 'src[at]'], ['w1', 'src[at + 1]'], ['w2', 'src[at + 2]'], ['w3', 'src[at + 3]'], ['w4', 'src[at + 4]'],
      ...this.regions.map((_, i): [string, string] => [`R${i}`, `(w0 >>> ${3 * i}) & 7`]),
      ['LV', '(w0 >>> 18) & 7'], ['RB', '((w0 >>> 21) & 1) === 1'],
      ['aw', '(w0 >>> 22) & 7'], ['AW', 'aw === 0 ? 6 : aw - 1'], ['fl', '(w0 >>> 25) & 7'], ['FL', 'fl === 0 ? 6 : fl - 1'],
      ['OP', '(w1 & 1) === 1'], ['FR', '(w1 >>> 1) & 7'], ['TT', '(w1 >>> 4) & 7'],
      ['P0', '((w1 >>> 7) & 1) === 1'], ['P1', '((w1 >>> 8) & 1) === 1'], ['P2', '((w1 >>> 9) & 1) === 1'], ['P3', '((w1 >>> 10) & 1) === 1'],
      ['CM', 'CMD_OF_CODE[(w1 >>> 11) & 127]'],
      ['MS', 'w2 & 0xffff'], ['MI', 'w2 >>> 16'],
      ...((this.symmetry
        ? [['C0', 'w3 & 0xffff'], ['C1', 'w3 >>> 16'], ['C2', 'w4 & 0xffff'], ['C3', `${this.admins} - C0 - C1 - C2`], ['OA', '((w4 >>> 16) & 1) === 1'], ['OV', '((w4 >>> 17) & 1) === 1']]
        : [['AP', 'w3 | 0'], ['VO', 'w4 | 0']]) as [string, string][]),
    ];
    // Backwards: a field is kept when the body or a field kept after it names it (fields only name earlier ones).
    let named = body;
    const kept: [string, string][] = [];
    for (const [name, value] of [...fields].reverse()) {
      if (!new RegExp(`\\b${name}\\b`).test(named)) continue;
      kept.unshift([name, value]);
      named += ` ${value}`;
    }
    return kept.length === 0 ? [] : [`const ${kept.map(([name, value]) => `${name} = ${value}`).join(', ')};`];
  }

  /** Statements that write the registers and the history `h` as a packed state at `out[o + 2 ..]`. */
  private encode(h: HistoryView<Js, Js | ClassSet>): string[] {
    const code = (x: Js) => `(${x} === 6 ? 0 : ${x} + 1)`;
    const w0 = [...this.regions.map((_, i) => (i === 0 ? 'r0' : `(r${i} << ${3 * i})`)), '(lv << 18)', '(rb ? 2097152 : 0)', `(${code(h.awaiting)} << 22)`, `(${code(h.floor)} << 25)`].join(' | ');
    const w1 = ['(op ? 1 : 0)', '(fr << 1)', '(tt << 4)', '(p0 ? 128 : 0)', '(p1 ? 256 : 0)', '(p2 ? 512 : 0)', '(p3 ? 1024 : 0)', '(OUT_CODE[cm] << 11)'].join(' | ');
    const lines = [
      `if (ms > 65535 || ${h.misses} > 65535) throw new Error("the generated checker: a heartbeat counter passed 65535, which a packed state holds");`,
      `out[o + 2] = ${w0};`,
      `out[o + 3] = ${w1};`,
      `out[o + 4] = ms | (${h.misses} << 16);`,
    ];
    if (this.symmetry) {
      // The successor's classes: who is in both sets, in the approvals only, in the votes only.
      const v = h.votes as ClassSet;
      lines.push(`const b = ${[0, 1, 2, 3].map((j) => `mn(a${j}, ${v.members[j]})`).join(' + ')};`);
      lines.push(`out[o + 5] = b | ((a0 + a1 + a2 + a3 - b) << 16);`);
      lines.push(`out[o + 6] = (${v.members.join(' + ')} - b) | (ao ? 65536 : 0) | (${v.outsider} ? 131072 : 0);`);
    } else {
      lines.push('out[o + 5] = ap;', `out[o + 6] = ${h.votes as Js};`);
    }
    return lines;
  }

  // ------------------------------------------------------------ the events

  /** One function per event type (per voter class under symmetry), named in {@link eventFunctionName}. */
  private eventFunctions(): void {
    /** A loop over voters and targets: its head, the action index, its end. */
    const variants: { name: string; params: string[]; event: EventView<Js, Js | number>; voter?: number | Js; loop?: [string, string, string] }[] = [];
    const voterValues: (number | Js)[] = this.symmetry ? [0, 1, 2, 3, OUTSIDER_CLASS] : ['v'];
    // Voters and targets are looped over inside the function (one call for every proposal of a state):
    // most are refused, and what refuses them rarely depends on who proposes what.
    const L = LEVELS.length;
    for (const v of voterValues) {
      const k = typeof v === 'number' ? v : 0;
      variants.push({
        name: `ev_propose${this.symmetry ? v : ''}`, params: [], event: { type: 'propose', admin: v, target: 't' }, voter: v,
        loop: this.symmetry ? [`for (let t = 0; t < ${L}; t++) {`, `const ai = ${k * L} + t;`, '}'] : [`for (let v = 0; v < ${this.voters}; v++) for (let t = 0; t < ${L}; t++) {`, `const ai = v * ${L} + t;`, '}'],
      });
      variants.push({
        name: `ev_approve${this.symmetry ? v : ''}`, params: [], event: { type: 'approve', admin: v }, voter: v,
        loop: this.symmetry ? ['do {', `const ai = ${5 * L + k};`, '} while (false);'] : [`for (let v = 0; v < ${this.voters}; v++) {`, `const ai = ${this.voters * L} + v;`, '}'],
      });
    }
    for (const type of ['timeout', 'heartbeat', 'heartbeat-missed', 'mce', 'assertion-failure', 'reboot-complete'] as const) variants.push({ name: eventFunctionName(type), params: [], event: { type } });
    variants.push({ name: 'ev_alarm', params: ['l'], event: { type: 'alarm', level: 'l' } });
    for (const type of ['actuator-confirm', 'actuator-fault'] as const) variants.push({ name: eventFunctionName(type), params: ['a'], event: { type, actuator: 'a' } });

    const { store, load } = this.registerTransfer();
    for (const { name, params, event, voter, loop } of variants) {
      this.temp = 0;
      const { select, body, accepted, mayAccept } = this.microstep(event.type, event, { voter });
      const reset = this.resetRegisters(voter);
      const before = this.preView(voter);
      const lines: string[] = [];
      // Refused in every state but the ones with a transition that takes it: decided once, before
      // the loop over voters and targets (an approval with no proposal open, a proposal with one).
      if (loop) lines.push(`if (!(${mayAccept})) return o;`, `${loop[0]} ${loop[1]}`);
      lines.push(...select, `if (!(${accepted})) ${loop ? 'continue' : 'return o'};`, reset, 'let qt = 0;', ...body, `if (qt > 0) { ${store} settle(qt); ${load} }`);
      // A closed proposal reads as from = to = 0 with no approvals, in every interpretation.
      lines.push(this.symmetry ? 'if (!op) { fr = 0; tt = 0; a0 = 0; a1 = 0; a2 = 0; a3 = 0; ao = false; av = false; }' : 'if (!op) { fr = 0; tt = 0; ap = 0; }');
      const after = { isolation: `r${REGIONS.indexOf('isolation')}`, context: this.registerContext() };
      const history = this.materialize(nextHistory(this.ops as never, this.policy, before as never, event as never, after as never) as HistoryView<Js, Js | ClassSet>);
      lines.push(...history.lines, ...this.encode(history.view), ...this.judgeTransition(before, event, { ...after, history: history.view }), 'out[o] = ai; o += 7;');
      if (loop) lines.push(loop[2]);
      lines.push('return o;');
      this.line(`function ${name}(${['src', 'at', 'out', 'o', 'want', ...(loop ? [] : ['ai']), ...params].join(', ')}) {`);
      this.line(`  ${[...this.decodeLines(lines.join('\n')), ...lines].join('\n  ')}`);
      this.line('}');
    }
  }

  private resetRegisters(voter: Js | number | undefined): string {
    const base = [...this.regions.map((_, i) => `r${i} = R${i}`), ...Object.entries(REGISTER).map(([k, reg]) => `${reg} = ${PRE[k as keyof typeof PRE]}`), 'p0 = P0', 'p1 = P1', 'p2 = P2', 'p3 = P3'];
    if (!this.symmetry) return `let ${[...base, 'ap = AP'].join(', ')};`;
    const a = this.preSets(voter).approvals as ClassSet;
    return `let ${[...base, 'a0 = C0', 'a1 = C1', 'a2 = 0', 'a3 = 0', 'ao = OA', `av = ${a.voter}`].join(', ')};`;
  }

  /** The history's values as constants of the generated code (each computed once). */
  private materialize(h: HistoryView<Js, Js | ClassSet>): { lines: string[]; view: HistoryView<Js, Js | ClassSet> } {
    const lines: string[] = [];
    const bind = (name: string, value: Js) => {
      if (/^[\w$]+$/.test(value)) return value;
      lines.push(`const ${name} = ${value};`);
      return name;
    };
    let votes: Js | ClassSet;
    if (this.symmetry) {
      const v = h.votes as ClassSet;
      votes = { members: v.members.map((m, j) => bind(`hv${j}`, m)) as unknown as ClassSet['members'], outsider: bind('hvo', v.outsider), voter: bind('hvv', v.voter) };
    } else votes = bind('hvs', h.votes as Js);
    return { lines, view: { votes, misses: bind('hmi', h.misses), awaiting: bind('haw', h.awaiting), floor: bind('hfl', h.floor) } };
  }

  /** Statements that set the transition's flags: a property broken, a vacuity guard witnessed. */
  private judgeTransition(before: StateView<Js, Js, Js | ClassSet>, event: EventView<Js, Js | number>, after: StateView<Js, Js, Js | ClassSet>): string[] {
    const lines = ['let f = 0;'];
    this.transitionItems.forEach((item, bit) => {
      const p = this.properties.find((q) => q.id === item.property)!;
      if (item.kind === 'always' && p.check.on === 'transition') {
        const holds = this.ops.and(...p.check.clauses.map((c) => c.holds(this.ops as never, this.policy, before as never, event as never, after as never) as Js));
        if (holds !== 'true') lines.push(`if ((want & ${1 << bit}) !== 0 && !(${holds})) f |= ${1 << bit};`);
      } else if (item.kind === 'sometimes') {
        const guard = p.vacuity!.find((v) => v.name === item.guard)!;
        const w = guard.witness(this.ops as never, this.policy, after as never, { from: before as never, event: event as never }) as Js;
        if (w !== 'false') lines.push(`if ((want & ${1 << bit}) !== 0 && (${w})) f |= ${1 << bit};`);
      }
    });
    lines.push('out[o + 1] = f;');
    return lines;
  }

  /** `expand(src, at, out, want)`: every accepted event of a state, as records of 7 words; returns the words written. */
  private expandFunction(actions: readonly ActionSlot[]): void {
    const lines = ['let o = 0;'];
    const call = (name: string, args: readonly string[] = []) => `o = ${name}(${['src', 'at', 'out', 'o', 'want', ...args].join(', ')});`;
    if (this.symmetry) {
      const nonEmpty = ['C0 > 0', 'C1 > 0', 'C2 > 0', 'C3 > 0', 'true'];
      for (let k = 0; k <= OUTSIDER_CLASS; k++) lines.push(`if (${nonEmpty[k]}) ${call(`ev_propose${k}`)}`);
      for (let k = 0; k <= OUTSIDER_CLASS; k++) lines.push(`if (${nonEmpty[k]}) ${call(`ev_approve${k}`)}`);
    } else {
      lines.push(call('ev_propose'), call('ev_approve'));
    }
    actions.forEach((slot, i) => {
      if (slot.type === 'propose' || slot.type === 'approve') return;
      const args = [String(i), ...(slot.level !== undefined ? [String(slot.level)] : []), ...(slot.actuator !== undefined ? [String(slot.actuator)] : [])];
      lines.push(call(eventFunctionName(slot.type), args));
    });
    lines.push('return o;');
    this.line(`function expand(src, at, out, want) {\n  ${[...this.decodeLines(lines.join('\n')), ...lines].join('\n  ')}\n}`);
  }

  /** `judgeState(src, at, want)`: the state properties broken and the `eventually` conditions false in a state. */
  private judgeStateFunction(): void {
    const s = this.preView(undefined);
    const lines = ['let f = 0;'];
    this.stateItems.forEach((item, bit) => {
      const p = this.properties.find((q) => q.id === item.property)!;
      if (item.kind === 'always' && p.check.on === 'state') {
        const holds = this.ops.and(...p.check.clauses.map((c) => c.holds(this.ops as never, this.policy, s as never) as Js));
        if (holds !== 'true') lines.push(`if ((want & ${1 << bit}) !== 0 && !(${holds})) f |= ${1 << bit};`);
      } else if (item.kind === 'eventually' && p.check.on === 'eventually') {
        lines.push(`if (!(${p.check.condition(this.ops as never, this.policy, s as never) as Js})) f |= ${1 << bit};`);
      }
    });
    lines.push('return f;');
    this.line(`function judgeState(src, at, want) {\n  ${[...this.decodeLines(lines.join('\n')), ...lines].join('\n  ')}\n}`);
  }

  /** `witnessInitial(src, at)`: the vacuity guards an initial state witnesses by itself. */
  private witnessInitialFunction(): void {
    const s = this.preView(undefined);
    const lines = ['let f = 0;'];
    this.transitionItems.forEach((item, bit) => {
      if (item.kind !== 'sometimes') return;
      const guard = this.properties.find((q) => q.id === item.property)!.vacuity!.find((v) => v.name === item.guard)!;
      const w = guard.witness(this.ops as never, this.policy, s as never, undefined) as Js;
      if (w !== 'false') lines.push(`if (${w}) f |= ${1 << bit};`);
    });
    lines.push('return f;');
    this.line(`function witnessInitial(src, at) {\n  ${[...this.decodeLines(lines.join('\n')), ...lines].join('\n  ')}\n}`);
  }
}

/**
 * `switch (chosen) { … }` running each transition's code, transitions with equal code sharing a
 * case; nothing when no transition has code.
 */
function caseSwitch(chosen: string, transitions: readonly { readonly index: number; readonly code: string }[]): string[] {
  const byCode = new Map<string, number[]>();
  for (const t of transitions) if (t.code !== '') byCode.set(t.code, [...(byCode.get(t.code) ?? []), t.index]);
  if (byCode.size === 0) return [];
  const cases = [...byCode].map(([code, indices]) => `${indices.map((i) => `case ${i}:`).join(' ')} { ${code} break; }`);
  return [`switch (${chosen}) { ${cases.join(' ')} }`];
}

/** The generated function of an event type without voter. */
function eventFunctionName(type: string): string {
  return `ev_${type.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`;
}
