/**
 * The statechart's step over count states of terms: the reference engine's semantics
 * (`machines/engine.ts`, which the checker's generated code matches) — each region's first enabled
 * transition selected on the state before the step, the selected actions run in region order, the
 * targets entered with their entry actions, then the raised events first in, first out, each one
 * microstep — interpreted by the term operations (`termOps.ts`) instead of concrete values.
 *
 * Where the step depends on a term that is not a constant (a guard over counts and knobs, a region's
 * state), it asks `choose`, which decides it one way or the other: `paths.ts` runs the step once per
 * sequence of decisions, so each run is one path through it with its path condition. Nothing here
 * decides anything about the protocol: the guards, updates, raises, the history update and the
 * property clauses are the rules' own (`machines/rules.ts`, `properties/`).
 *
 * As in the checker, the voter of a proposal or an approval is a class of admins (0..3, 4 for the
 * outsider); an admin class is only offered while it has a member.
 */
import { ACTUATORS } from '../../spec/levels.ts';
import type { EventType } from '../../spec/events.ts';
import type { Policy } from '../../spec/policy.ts';
import { EFFECTS, REJECTIONS } from '../../machines/guillotine.ts';
import { contextView } from '../../machines/concreteOps.ts';
import { readStatechart, type ActionRef, type Statechart, type TransitionRef } from '../../machines/statechart.ts';
import { NO_LEVEL, type ContextView, type EventView, type RaisedEvent, type StateView } from '../../machines/protocolOps.ts';
import type { ProtocolRules } from '../../machines/rules.ts';
import { classCount, OUTSIDER_CLASS, reclassify, stateSets } from '../../machines/classCounts.ts';
import { slotAlphabet, type EventSlot } from '../../machines/alphabet.ts';
import { nextHistory } from '../../properties/history.ts';
import type { GuillotineProperty, PropertyId } from '../../properties/property.ts';
import { ISOLATION, stateSignature, type CountState, type StateSignature } from './countState.ts';
import { termOps, termScalars, type TermOps, type TermSet } from './termOps.ts';
import type { Term, TermBank } from './term.ts';

/** Decides a truth value the step depends on (see `paths.ts`). */
export type Choose = (b: Term) => boolean;

/** One event of the abstract alphabet: the checker's under symmetry, a voter being a class (0..4). */
export type { EventSlot };

/** A property's condition on one path, as a term (true where the property holds). */
export interface PropertyCondition {
  readonly property: PropertyId;
  readonly holds: Term;
}

/** What one path through a step does: the event is refused (or not offered), or accepted with its successor. */
export type StepOutcome =
  | { readonly accepted: false }
  | { readonly accepted: true; readonly after: CountState<Term, Term>; readonly properties: readonly PropertyCondition[] };

type Ctx = ContextView<Term, Term, TermSet>;

interface Handler {
  readonly region: number;
  /** The transitions on the event of each state of the region that has some, by state index, in document order. */
  readonly byState: ReadonlyMap<number, readonly TransitionRef[]>;
}

/** The most events one step may raise (the checker's bound too). */
const MAX_RAISED = 16;

/** The alphabet under symmetry, in the checker's order: proposals and approvals per voter class, then the automatic events. */
export function abstractAlphabet(): EventSlot[] {
  return slotAlphabet([0, 1, 2, 3, OUTSIDER_CLASS]);
}

/** The statechart of one machine (a policy and its rules), stepped over count states of terms. */
export class CountMachine {
  readonly chart: Statechart;
  readonly signature: StateSignature;
  readonly ops: TermOps;
  private readonly handlers = new Map<string, Handler[]>();

  constructor(
    readonly bank: TermBank,
    readonly policy: Policy,
    readonly rules: ProtocolRules,
    readonly properties: readonly GuillotineProperty[],
  ) {
    const known = { guards: new Set(Object.keys(rules.guards)), actions: new Set([...Object.keys(rules.updates), ...Object.keys(rules.raises), ...Object.keys(EFFECTS)]) };
    this.chart = readStatechart(policy, known, 'the Horn clauses');
    this.signature = stateSignature(this.chart);
    this.ops = termOps(bank);
    this.chart.regions.forEach((region, index) => {
      region.states.forEach((state, si) => {
        for (const [type, candidates] of Object.entries(state.on)) {
          let list = this.handlers.get(type);
          if (list === undefined) this.handlers.set(type, (list = []));
          let h = list.find((x) => x.region === index);
          if (h === undefined) list.push((h = { region: index, byState: new Map() }));
          (h.byState as Map<number, readonly TransitionRef[]>).set(si, candidates);
        }
      });
    });
  }

  /** The state's variables as terms: the Horn predicate's arguments. */
  variables(): CountState<Term, Term> {
    const b = this.bank;
    const v = (name: string, sort: 'int' | 'bool') => b.variable(name, sort);
    const sig = this.signature;
    const byName = new Map(sig.vars.map((x) => [x.name, v(x.name, x.sort)]));
    const at = (name: string) => byName.get(name)!;
    return {
      regions: sig.regionVar.map((i) => (i >= 0 ? at(sig.vars[i]!.name) : b.int(0))),
      level: at('level'),
      rebooting: at('rebooting'),
      open: at('proposal_open'),
      from: at('proposal_from'),
      to: at('proposal_to'),
      missed: at('missed'),
      commanded: at('commanded'),
      pending: ACTUATORS.map((a) => at(`pending_${a.replace(/-/g, '_')}`)),
      counts: { approvedAndVoted: at('approved_voted'), approvedOnly: at('approved_only'), votedOnly: at('voted_only'), outsiderApproved: at('outsider_approved'), outsiderVoted: at('outsider_voted') },
      misses: at('misses'),
      awaiting: at('awaiting'),
      floor: at('reboot_floor'),
    };
  }

  /** A state as the rules read it, for an event whose voter is of class `voter` (-1: none). */
  view(s: CountState<Term, Term>, voter: number): StateView<Term, Term, TermSet> {
    const { approvals, votes } = stateSets(termScalars(this.bank), s.counts, voter);
    const context: Ctx = { level: s.level, rebooting: s.rebooting, open: s.open, from: s.from, to: s.to, approvals, missed: s.missed, commanded: s.commanded, pending: s.pending };
    return { isolation: s.regions[ISOLATION]!, context, history: { votes, misses: s.misses, awaiting: s.awaiting, floor: s.floor } };
  }

  /** The initial state: each region's initial state entered (the reference engine's `initial`). */
  initial(choose: Choose): CountState<Term, Term> {
    const b = this.bank;
    const concrete = contextView(this.chart.context);
    if (concrete.approvals.length > 0) throw new Error('the Horn clauses: the initial context holds approvals, which no count state can say of every number of admins');
    const zero = { approvedAndVoted: b.int(0), approvedOnly: b.int(0), votedOnly: b.int(0), outsiderApproved: b.FALSE, outsiderVoted: b.FALSE };
    const sets = stateSets(termScalars(b), zero, -1);
    const run: Run = {
      regions: this.chart.regions.map(() => b.int(0)),
      ctx: {
        level: b.int(concrete.level), rebooting: b.bool(concrete.rebooting), open: b.bool(concrete.open), from: b.int(concrete.from), to: b.int(concrete.to),
        approvals: sets.approvals, missed: b.int(concrete.missed), commanded: b.int(concrete.commanded), pending: concrete.pending.map((p) => b.bool(p)),
      },
      queue: [],
      raised: 0,
    };
    const entered: EventView<Term, number> = { type: 'isolation.changed' };
    this.chart.regions.forEach((region, index) => {
      const si = region.states.findIndex((s) => s.name === region.initial);
      run.regions[index] = b.int(si);
      for (const a of region.states[si]!.entry) this.act(a, run, entered);
    });
    this.settle(run, choose);
    const ctx = closed(this.ops, run.ctx);
    const none = b.int(NO_LEVEL);
    const counts = reclassify(termScalars(b), ctx.approvals, sets.votes);
    return { ...fields(run.regions, ctx), counts, misses: b.int(0), awaiting: none, floor: none };
  }

  /** One path through the step of `slot` from `pre` (the decisions are `choose`'s). */
  step(choose: Choose, pre: CountState<Term, Term>, slot: EventSlot): StepOutcome {
    const o = this.ops;
    const voter = slot.voter ?? -1;
    // An admin class with no member sends nothing (the checker offers its events only while it has one).
    if (voter >= 0 && voter < OUTSIDER_CLASS && !choose(o.le(o.int(1), classCount(termScalars(this.bank), pre.counts, voter)))) return { accepted: false };
    const before = this.view(pre, voter);
    const e = eventOf(o, slot);
    const selected = this.select(pre.regions, before.context, e, slot.type, choose);
    if (selected === undefined || selected.every(({ t }) => t.actions.some((a) => REJECTIONS.has(a.type)))) return { accepted: false };
    if (selected.some(({ t }) => t.actions.some((a) => REJECTIONS.has(a.type)))) throw new Error(`the Horn clauses: "${slot.type}" is both taken and refused by different regions; the checker takes each event in one region`);
    const run: Run = { regions: [...pre.regions], ctx: before.context, queue: [], raised: 0 };
    this.microstep(selected, run, e);
    this.settle(run, choose);
    const ctx = closed(o, run.ctx);
    const afterMachine = { isolation: run.regions[ISOLATION]!, context: ctx };
    const history = nextHistory(o, this.policy, before, e, afterMachine);
    const after: CountState<Term, Term> = { ...fields(run.regions, ctx), counts: reclassify(termScalars(this.bank), ctx.approvals, history.votes), misses: history.misses, awaiting: history.awaiting, floor: history.floor };
    const afterView: StateView<Term, Term, TermSet> = { ...afterMachine, history };
    const properties = this.properties.flatMap((p): PropertyCondition[] =>
      p.check.on === 'transition' ? [{ property: p.id, holds: o.and(...p.check.clauses.map((c) => c.holds(o, this.policy, before, e, afterView))) }] : [],
    );
    return { accepted: true, after, properties };
  }

  /** The state properties' conditions on a state. */
  stateConditions(s: CountState<Term, Term>): PropertyCondition[] {
    const o = this.ops;
    const view = this.view(s, -1);
    return this.properties.flatMap((p): PropertyCondition[] => (p.check.on === 'state' ? [{ property: p.id, holds: o.and(...p.check.clauses.map((c) => c.holds(o, this.policy, view))) }] : []));
  }

  /** Each region's first enabled transition on the event, or undefined when no region takes it. */
  private select(regions: readonly Term[], ctx: Ctx, e: EventView<Term, number>, type: string, choose: Choose): { region: number; t: TransitionRef }[] | undefined {
    const o = this.ops;
    const handling = this.handlers.get(type);
    if (handling === undefined) return undefined;
    let selected: { region: number; t: TransitionRef }[] | undefined;
    for (const { region, byState } of handling) {
      let candidates: readonly TransitionRef[] | undefined;
      for (const [si, list] of byState) {
        if (choose(o.eq(regions[region]!, o.int(si)))) {
          candidates = list;
          break;
        }
      }
      if (candidates === undefined) continue;
      const t = candidates.find((c) => c.guard === undefined || choose(this.guard(c.guard, ctx, e)));
      if (t !== undefined) (selected ??= []).push({ region, t });
    }
    return selected;
  }

  private guard(g: ActionRef, ctx: Ctx, e: EventView<Term, number>): Term {
    const rule = this.rules.guards[g.type];
    if (rule === undefined) throw new Error(`the Horn clauses: unknown guard "${g.type}"`);
    return rule(this.ops, this.policy, ctx, e, g.params);
  }

  private act(a: ActionRef, run: Run, e: EventView<Term, number>): void {
    const update = this.rules.updates[a.type];
    if (update) {
      run.ctx = { ...run.ctx, ...update(this.ops, this.policy, run.ctx, e, a.params) };
      return;
    }
    const raiser = this.rules.raises[a.type];
    if (raiser) {
      if (++run.raised > MAX_RAISED) throw new Error(`the Horn clauses: more than ${MAX_RAISED} raised events in one step`);
      run.queue.push(raiser(this.ops, this.policy, run.ctx, e, a.params));
      return;
    }
    if (EFFECTS[a.type] === undefined) throw new Error(`the Horn clauses: unknown action "${a.type}"`);
  }

  /** One microstep: the selected transitions' actions, then their targets entered. */
  private microstep(selected: readonly { region: number; t: TransitionRef }[], run: Run, e: EventView<Term, number>): void {
    for (const { t } of selected) for (const a of t.actions) this.act(a, run, e);
    for (const { region, t } of selected) {
      if (t.target === undefined) continue;
      const states = this.chart.regions[region]!.states;
      const si = states.findIndex((s) => s.name === t.target);
      run.regions[region] = this.bank.int(si);
      for (const a of states[si]!.entry) this.act(a, run, e);
    }
  }

  /** The raised events, first in, first out, each one microstep. */
  private settle(run: Run, choose: Choose): void {
    for (let next = run.queue.shift(); next !== undefined; next = run.queue.shift()) {
      const e: EventView<Term, number> = next;
      const selected = this.select(run.regions, run.ctx, e, next.type, choose);
      if (selected !== undefined) this.microstep(selected, run, e);
    }
  }
}

interface Run {
  regions: Term[];
  ctx: Ctx;
  readonly queue: RaisedEvent<Term>[];
  raised: number;
}

/** A closed proposal reads as from = to = 0 with no approvals, in every interpretation. */
function closed(o: TermOps, c: Ctx): Ctx {
  return { ...c, from: o.ite(c.open, c.from, o.int(0)), to: o.ite(c.open, c.to, o.int(0)), approvals: o.iteSet(c.open, c.approvals, o.noVoters()) };
}

function fields(regions: readonly Term[], c: Ctx): Omit<CountState<Term, Term>, 'counts' | 'misses' | 'awaiting' | 'floor'> {
  return { regions: [...regions], level: c.level, rebooting: c.rebooting, open: c.open, from: c.from, to: c.to, missed: c.missed, commanded: c.commanded, pending: c.pending };
}

function eventOf(o: TermOps, slot: EventSlot): EventView<Term, number> {
  switch (slot.type) {
    case 'propose':
      return { type: 'propose', admin: slot.voter!, target: o.int(slot.target!) };
    case 'approve':
      return { type: 'approve', admin: slot.voter! };
    case 'alarm':
      return { type: 'alarm', level: o.int(slot.level!) };
    case 'actuator-confirm':
    case 'actuator-fault':
      return { type: slot.type, actuator: o.int(slot.actuator!) };
    default:
      return { type: slot.type } as EventView<Term, number>;
  }
}
