/**
 * `tlaModule(policy)`: the composed Guillotine statechart and its properties as a TLA+ module and
 * a TLC configuration. The statechart's shape is read from `machineConfig(policy)` (see
 * `statechart.ts`) and rendered as `referenceEngine` runs it. The machine is one record variable `m`
 * (the active state of each region and the context), the properties' history one record `h`. A step
 * is a function of the pre-state: `Micro_<event>` selects each region's first enabled transition on
 * the pre-state, threads the actions through a run record `[m, q, rej, taken]`, enters targets; then
 * `Settle` processes the raised internal events first in, first out (a RECURSIVE operator).
 *
 * `Next` has one disjunct per event kind, its parameters quantified over the policy's constants
 * (`\E a \in Voters, t \in Levels : Propose(a, t)`), so TLC's states are the built-in checker's.
 *
 * Nothing of the protocol is written here: every guard, context update, raised level change,
 * history update and property condition is the rule itself (`machines/rules.ts`,
 * `properties/history.ts`, `properties/`), interpreted as TLA+ by `tlaOps.ts`.
 */
import { ACTUATORS, LEVELS } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import { EFFECTS, REJECTIONS } from '../machines/guillotine.ts';
import { NO_LEVEL, type ContextView, type EventView, type HistoryView, type StateView } from '../machines/protocolOps.ts';
import { PROTOCOL_RULES, commandedLevel, type ProtocolRules } from '../machines/rules.ts';
import { eventAlphabet, outsiderId } from '../machines/alphabet.ts';
import { nextHistory } from '../properties/history.ts';
import { PROPERTIES, type GuillotineProperty } from '../properties/index.ts';
import { checkRejections, EXTERNAL_FIELDS, readStatechart, ruleVocabulary, type EventField, type ActionRef, type RegionRef, type Statechart, type TransitionRef } from './statechart.ts';
import { tlaOps, type Tla } from './tlaOps.ts';

// ---------------------------------------------------------------- names

const camel = (text: string) => text.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase());
const pascal = (text: string) => {
  const c = camel(text);
  return c.charAt(0).toUpperCase() + c.slice(1);
};
/** A level as the module names it: `Standard`, `Offline`, ... (numbers 0..5 in escalation order). */
const L = (level: string) => pascal(level);
const RF = (region: string) => `in_${camel(region)}`;
const str = (text: string) => JSON.stringify(text);
/** The operator that names a property: `irreversible-levels` → `IrreversibleLevels`. */
export const propertyOperator = (property: string) => pascal(property);

// ---------------------------------------------------------------- the views the rules read

const o = tlaOps();
const ite = (c: Tla, a: Tla, b: Tla) => o.ite(c, a, b);

/** The TLA+ name of each event field when it is quantified, and the constant it ranges over. */
const PARAM: Readonly<Record<EventField, string>> = { admin: 'a', target: 't', level: 'l', actuator: 'x' };
const DOMAIN: Readonly<Record<EventField, string>> = { admin: 'Voters', target: 'Levels', level: 'Levels', actuator: 'Actuators' };

/** The context as the rules read it, in the machine record `r` (`m`, `m'`, or a run's `r0.m`). */
function contextOf(r: string): ContextView<Tla, Tla, Tla> {
  return {
    level: `${r}.level`,
    rebooting: `${r}.rebooting`,
    open: `${r}.pOpen`,
    from: `${r}.pFrom`,
    to: `${r}.pTo`,
    approvals: `${r}.pApprovals`,
    missed: `${r}.missed`,
    commanded: `${r}.commanded`,
    pending: ACTUATORS.map((_, i) => `${r}.pending[${i + 1}]`),
  };
}

const historyOf = (h: string): HistoryView<Tla, Tla> => ({ votes: `${h}.votes`, misses: `${h}.misses`, awaiting: `${h}.awaiting`, floor: `${h}.floor` });
const stateOf = (m: string, h: string): StateView<Tla, Tla, Tla> => ({ isolation: `LevelOf(${m}.in_isolation)`, context: contextOf(m), history: historyOf(h) });

function externalEvent(type: string): EventView<Tla, Tla> {
  const view: Record<string, string> = { type };
  for (const f of EXTERNAL_FIELDS[type] ?? []) view[f] = PARAM[f];
  return view as unknown as EventView<Tla, Tla>;
}

function internalEvent(type: string): EventView<Tla, Tla> {
  return (type === 'isolation.set' ? { type, to: 'ev.to', cause: 'quorum' } : { type }) as EventView<Tla, Tla>;
}

// ---------------------------------------------------------------- the rules, as run records

interface Setting {
  readonly policy: Policy;
  readonly rules: ProtocolRules;
}

/** A context update on the run record `r`: one EXCEPT, every right side read from `r` as it was. */
function update(r: string, u: Partial<ContextView<Tla, Tla, Tla>>): Tla {
  const live = contextOf(`${r}.m`);
  const parts: string[] = [];
  const field: Record<string, string> = { level: 'level', rebooting: 'rebooting', open: 'pOpen', from: 'pFrom', to: 'pTo', approvals: 'pApprovals', missed: 'missed', commanded: 'commanded' };
  for (const key of ['level', 'rebooting', 'open', 'from', 'to', 'approvals', 'missed', 'commanded'] as const) {
    const value = u[key];
    if (value !== undefined && value !== live[key]) parts.push(`!.m.${field[key]} = ${value}`);
  }
  if (u.pending !== undefined && u.pending.some((p, i) => p !== live.pending[i])) parts.push(`!.m.pending = <<${u.pending.join(', ')}>>`);
  return parts.length === 0 ? r : `[${r} EXCEPT ${parts.join(', ')}]`;
}

function renderAction(s: Setting, event: EventView<Tla, Tla>, a: ActionRef, r: string): Tla {
  const u = s.rules.updates[a.type];
  if (u) return update(r, u(o, s.policy, contextOf(`${r}.m`), event, a.params));
  const raiser = s.rules.raises[a.type];
  if (raiser) {
    const raised = raiser(o, s.policy, contextOf(`${r}.m`), event, a.params);
    return `[${r} EXCEPT !.q = Append(@, [type |-> ${str(raised.type)}, to |-> ${raised.type === 'isolation.set' ? raised.to : '0'}])]`;
  }
  if (REJECTIONS.has(a.type)) return `[${r} EXCEPT !.rej = TRUE]`;
  if (EFFECTS[a.type]) return r; // a report for people: no state
  throw new Error(`tla: unknown action "${a.type}"`);
}

// ---------------------------------------------------------------- the run to completion

function renderGuard(s: Setting, event: EventView<Tla, Tla>, t: TransitionRef, m: string): Tla {
  if (t.guard === undefined) return 'TRUE';
  const rule = s.rules.guards[t.guard.type];
  if (rule === undefined) throw new Error(`tla: unknown guard "${t.guard.type}"`);
  return rule(o, s.policy, contextOf(m), event, t.guard.params);
}

/** Threads a run record through actions: nested LETs, one fresh name per action. */
function thread(s: Setting, event: EventView<Tla, Tla>, actions: readonly ActionRef[], input: string, fresh: () => string): string {
  if (actions.length === 0) return input;
  const defs: string[] = [];
  let current = input;
  for (const a of actions) {
    const next = fresh();
    defs.push(`${next} == ${renderAction(s, event, a, current)}`);
    current = next;
  }
  return `(LET ${defs.join('\n       ')}\n   IN ${current})`;
}

function candidates(region: RegionRef, type: string) {
  let n = 0;
  return region.states.flatMap((state) => (state.on[type] ?? []).map((t) => ({ state, t, index: ++n })));
}

/** `Micro_<event>(r0, params)`: one microstep on the run record r0. */
function microstep(s: Setting, chart: Statechart, event: EventView<Tla, Tla>, fresh: () => string): string {
  const involved = chart.regions.filter((region) => candidates(region, event.type).length > 0);
  if (involved.length === 0) return 'r0';
  const defs: string[] = [];
  for (const region of involved) {
    const byState = region.states.filter((st) => (st.on[event.type] ?? []).length > 0);
    let selection = '0';
    for (const state of [...byState].reverse()) {
      const numbered = candidates(region, event.type).filter((c) => c.state === state);
      let chain = '0';
      for (const c of [...numbered].reverse()) chain = ite(renderGuard(s, event, c.t, 'r0.m'), String(c.index), chain);
      selection = ite(`r0.m.${RF(region.name)} = ${str(state.name)}`, chain, selection);
    }
    defs.push(`sel_${camel(region.name)} == ${selection}`);
  }
  let current = 'r0';
  for (const region of involved) {
    const arms = candidates(region, event.type).filter((c) => c.t.actions.length > 0);
    if (arms.length === 0) continue;
    const next = fresh();
    let expr = current;
    for (const c of [...arms].reverse()) expr = `(IF sel_${camel(region.name)} = ${c.index} THEN ${thread(s, event, c.t.actions, current, fresh)} ELSE ${expr})`;
    defs.push(`${next} == ${expr}`);
    current = next;
  }
  for (const region of involved) {
    const arms = candidates(region, event.type).filter((c) => c.t.target !== undefined);
    if (arms.length === 0) continue;
    const next = fresh();
    let expr = current;
    for (const c of [...arms].reverse()) {
      const target = region.states.find((st) => st.name === c.t.target)!;
      const entered = `[${current} EXCEPT !.m.${RF(region.name)} = ${str(target.name)}]`;
      expr = `(IF sel_${camel(region.name)} = ${c.index} THEN ${thread(s, event, target.entry, entered, fresh)} ELSE ${expr})`;
    }
    defs.push(`${next} == ${expr}`);
    current = next;
  }
  const taken = o.or(...involved.map((region) => `sel_${camel(region.name)} # 0`));
  return `LET ${defs.join('\n      ')}\n  IN [${current} EXCEPT !.taken = ${taken}]`;
}

/** The history after an accepted step of a kind (properties/history.ts `nextHistory`), `n` the machine after it. */
function history(s: Setting, event: EventView<Tla, Tla>): string {
  const h = nextHistory(o, s.policy, stateOf('m', 'h'), event, { isolation: 'LevelOf(n.in_isolation)', context: contextOf('n') });
  return `[votes |-> ${h.votes},\n   misses |-> ${h.misses},\n   awaiting |-> ${h.awaiting},\n   floor |-> ${h.floor}]`;
}

// ---------------------------------------------------------------- the module

export interface TlaExport {
  /** The module `Guillotine` (save as Guillotine.tla). */
  readonly module: string;
  /** The TLC configuration (save as Guillotine.cfg). */
  readonly config: string;
}

export interface TlaOptions {
  readonly source?: string;
  /** The module's name (and so its file name). Default `Guillotine`. */
  readonly name?: string;
  /** The machine's rules: the correct ones by default, a spec mutant's to export a broken design. */
  readonly rules?: ProtocolRules;
}

/**
 * The TLA+ module and TLC configuration of a policy's statechart and properties.
 * @throws Error when the config uses a guard, action or shape this exporter cannot render.
 */
export function tlaModule(policy: Policy, options: TlaOptions = {}): TlaExport {
  checkRejections(policy, 'tla');
  const rules = options.rules ?? PROTOCOL_RULES;
  const chart = readStatechart(policy, ruleVocabulary(rules), 'tla');
  const s: Setting = { policy, rules };
  const name = options.name ?? 'Guillotine';
  const ids = adminIds(policy);
  const outsider = outsiderId(policy);
  const eventTypes = [...new Set(eventAlphabet(policy).map((e) => e.type))];
  let counter = 0;
  const fresh = () => `r${++counter}`;
  const q = policy.quorum;
  const out: string[] = [];

  out.push(`${'-'.repeat(28)} MODULE ${name} ${'-'.repeat(28)}`);
  out.push(header(policy, options.source ?? 'embedded default', eventTypes.length));
  out.push('EXTENDS Naturals, Sequences, FiniteSets', '');
  out.push('\\* ---- constants of the policy ----');
  out.push(`\\* levels in escalation order: ${LEVELS.map((level, i) => `${i} = ${level}`).join(', ')}; a level-valued history holds NoLevel for none`);
  out.push(`Levels == 0..${LEVELS.length - 1}`, `NoLevel == ${NO_LEVEL}`);
  out.push(`Admins == {${ids.map(str).join(', ')}}`, `Voters == Admins \\cup {${str(outsider)}}`);
  out.push(`\\* actuators: ${ACTUATORS.map((a, i) => `${i} = ${a}`).join(', ')}; m.pending[i + 1] says whether actuator i awaits its confirmation`);
  out.push(`Actuators == 0..${ACTUATORS.length - 1}`);
  out.push(`Escalate == ${q.escalate}`, `Deescalate == ${q.deescalate}`, `MaxStep == ${policy.deescalation.maxStep}`, `MissLimit == ${policy.heartbeat.missLimit}`);
  out.push(`LevelOf(state) == CASE ${LEVELS.map((level, i) => `state = ${str(level)} -> ${i}`).join('\n                   [] ')}`);
  out.push('\\* A closed proposal reads as pFrom = pTo = 0 with no approvals, as in every interpretation of the rules.');
  out.push('Normal(x) == IF x.pOpen THEN x ELSE [x EXCEPT !.pFrom = 0, !.pTo = 0, !.pApprovals = {}]');
  for (const p of PROPERTIES) {
    if (p.check.on !== 'policy') continue;
    out.push('', `\\* ${p.id}: judged on the policy alone`, `${propertyOperator(p.id)} == ${o.and(...p.check.clauses.map((c) => c.holds(o, policy)))}`, `ASSUME ${propertyOperator(p.id)}`);
  }

  out.push('', 'VARIABLES m, h', 'vars == <<m, h>>', '');
  out.push('\\* ---- raised events: first in, first out, one microstep each ----');
  for (const type of chart.internalEvents) {
    out.push(`Micro_${camel(type)}(r0, ev) ==\n  ${microstep(s, chart, internalEvent(type), fresh)}`, '');
  }
  out.push('RECURSIVE Settle(_)');
  const dispatch = chart.internalEvents.map((type) => `ev.type = ${str(type)} -> Micro_${camel(type)}(r1, ev)`);
  out.push(`Settle(r) ==\n  IF r.q = <<>> THEN r\n  ELSE LET ev == Head(r.q)\n           r1 == [r EXCEPT !.q = Tail(@)]\n       IN Settle(CASE ${dispatch.join('\n                   [] ')}\n                   [] OTHER -> r1)`, '');

  const ctx = chart.context;
  const fields = [
    ...chart.regions.map((region) => `${RF(region.name)} |-> ${str(region.initial)}`),
    `level |-> ${LEVELS.indexOf(ctx.level)}`,
    `rebooting |-> ${ctx.rebooting ? 'TRUE' : 'FALSE'}`,
    `pOpen |-> ${ctx.proposal === null ? 'FALSE' : 'TRUE'}`,
    `pFrom |-> ${ctx.proposal === null ? 0 : LEVELS.indexOf(ctx.proposal.from)}`,
    `pTo |-> ${ctx.proposal === null ? 0 : LEVELS.indexOf(ctx.proposal.to)}`,
    `pApprovals |-> {${(ctx.proposal?.approvals ?? []).map(str).join(', ')}}`,
    `missed |-> ${ctx.missedHeartbeats}`,
    `commanded |-> ${commandedLevel(ctx.outputs)}`,
    `pending |-> <<${ACTUATORS.map((a) => (ctx.pendingActuators.includes(a) ? 'TRUE' : 'FALSE')).join(', ')}>>`,
  ];
  const entries = chart.regions.flatMap((region) => region.states.find((st) => st.name === region.initial)!.entry);
  out.push('\\* ---- the initial state: the config context, each region\'s initial state and its entry actions ----');
  out.push(`InitialRun == [m |-> [${fields.join(',\n                        ')}],\n               q |-> <<>>, rej |-> FALSE, taken |-> FALSE]`);
  out.push(`InitialMachine == Normal(Settle(${thread(s, internalEvent('isolation.changed'), entries, 'InitialRun', fresh)}).m)`);
  out.push('Init == /\\ m = InitialMachine\n        /\\ h = [votes |-> {}, misses |-> 0, awaiting |-> NoLevel, floor |-> NoLevel]', '');

  out.push('\\* ---- one action per external event kind: its whole run to completion and the history ----');
  const signature = (type: string) => {
    const params = (EXTERNAL_FIELDS[type] ?? []).map((f) => PARAM[f]);
    return { params, call: params.length === 0 ? '' : `(${params.join(', ')})`, binder: (EXTERNAL_FIELDS[type] ?? []).map((f) => `${PARAM[f]} \\in ${DOMAIN[f]}`).join(', ') };
  };
  for (const type of eventTypes) {
    const event = externalEvent(type);
    const { call } = signature(type);
    out.push(`Micro_${camel(type)}${call.replace(/^\(/, '(r0, ').replace(/^$/, '(r0)')} ==\n  ${microstep(s, chart, event, fresh)}`, '');
    out.push(`History_${camel(type)}${call.replace(/^\(/, '(n, ').replace(/^$/, '(n)')} ==\n  ${history(s, event)}`, '');
    out.push(
      `${pascal(type)}${call} ==\n  LET r == Micro_${camel(type)}${call.replace(/^\(/, '([m |-> m, q |-> <<>>, rej |-> FALSE, taken |-> FALSE], ').replace(/^$/, '([m |-> m, q |-> <<>>, rej |-> FALSE, taken |-> FALSE])')}\n  IN /\\ r.taken\n     /\\ ~r.rej\n     /\\ LET done == Normal(Settle(r).m)\n        IN /\\ m' = done\n           /\\ h' = History_${camel(type)}${call.replace(/^\(/, '(done, ').replace(/^$/, '(done)')}`,
      '',
    );
  }
  const quantified = (type: string, body: (call: string) => string) => {
    const { call, binder } = signature(type);
    return binder === '' ? body(call) : `(\\E ${binder} : ${body(call)})`;
  };
  out.push(`Next == ${eventTypes.map((type) => quantified(type, (call) => `${pascal(type)}${call}`)).join('\n        \\/ ')}`, '');
  const fairness = eventTypes.map((type) => {
    const { call, binder } = signature(type);
    return binder === '' ? `WF_vars(${pascal(type)}${call})` : `(\\A ${binder} : WF_vars(${pascal(type)}${call}))`;
  });
  out.push('\\* Weak fairness of every event, as the checker assumes for eventually-properties.');
  out.push(`Fairness == ${fairness.join('\n            /\\ ')}`, '');
  out.push('Spec == Init /\\ [][Next]_vars /\\ Fairness', '');

  out.push('\\* ---- properties (docs/protocol.md section 4) ----');
  const invariants: string[] = [];
  const temporal: string[] = [];
  const before = stateOf('m', 'h');
  const after = stateOf("m'", "h'");
  for (const p of PROPERTIES) {
    const op = propertyOperator(p.id);
    const check = p.check;
    if (check.on === 'state') {
      out.push(`${op} == ${o.and(...check.clauses.map((c) => c.holds(o, policy, before)))}`);
      invariants.push(op);
    } else if (check.on === 'transition') {
      const arms = eventTypes.flatMap((type) => {
        const expr = o.and(...check.clauses.map((c) => c.holds(o, policy, before, externalEvent(type), after)));
        if (expr === 'TRUE') return [];
        const { call, binder } = signature(type);
        return [binder === '' ? `(${pascal(type)}${call} => ${expr})` : `(\\A ${binder} : ${pascal(type)}${call} => ${expr})`];
      });
      out.push(`${op}Step == ${arms.length === 0 ? 'TRUE' : arms.join('\n    /\\ ')}`);
      out.push(`${op} == [][${op}Step]_vars`);
      temporal.push(op);
    } else if (check.on === 'eventually') {
      out.push(`${op} == []<>${check.condition(o, policy, before)}`);
      temporal.push(op);
    }
  }
  out.push('', '='.repeat(70));

  const config = [
    `\\* TLC configuration of ${name}.tla (generated by guillotine export --format tla; policy: ${options.source ?? 'embedded default'}).`,
    '\\* Deadlock checking is on by default: it is the no-deadlock property.',
    'SPECIFICATION Spec',
    `INVARIANT ${invariants.join(' ')}`,
    `PROPERTY ${temporal.join(' ')}`,
    'CHECK_DEADLOCK TRUE',
    '',
  ].join('\n');
  return { module: out.join('\n') + '\n', config };
}

function header(policy: Policy, source: string, kinds: number): string {
  const q = policy.quorum;
  const listed = (on: string) => PROPERTIES.filter((p: GuillotineProperty) => p.check.on === on).map((p) => p.id).join(', ');
  return `(***************************************************************************)
(* Guillotine: the composed protocol statechart and its properties, for TLC. *)
(* Generated by guillotine export --format tla from machineConfig(policy)     *)
(* and the rules it names (machines/rules.ts, properties/); do not edit.      *)
(***************************************************************************)
(* Policy: ${source}; ${policy.admins.length} admins, escalate ${q.escalate}, de-escalate ${q.deescalate}, onTimeout ${q.onTimeout},
   maxStep ${policy.deescalation.maxStep}, irreversible [${policy.irreversible.join(', ')}], missLimit ${policy.heartbeat.missLimit},
   detector.maxLevel ${policy.detector.maxLevel}, faults.rebootLevel ${policy.faults.rebootLevel},
   actuators.escalateOnFailureUpTo ${policy.actuators.escalateOnFailureUpTo}.

   Semantics: m is the machine (each region's active state and the context), h the properties'
   history (votes, misses, awaiting, floor: properties/history.ts). Next has ${kinds} disjuncts, one per event
   kind, each the event's whole run to completion with its parameters quantified over the policy's
   constants; so TLC's distinct states are the built-in checker's (guillotine check --no-symmetry).
   A rejected event is no step at all, as in the checker: its disjunct is not enabled (so a state
   where every event is rejected is a deadlock, the checker's no-deadlock).
   Time is abstract: a timer may expire at any step.

   Properties and how they are exported:
     ${listed('transition')} - action properties [][P]_vars over each event's step (rejected
       events are no steps, and the checker does not judge them either).
     ${listed('state')} - INVARIANTs.
     ${listed('policy')} - an ASSUME on the policy's constants (TLC stops at once if it fails).
     ${listed('progress')} - TLC's deadlock check (CHECK_DEADLOCK TRUE).
     ${listed('eventually')} - temporal properties []<>(...) under Fairness: weak fairness
       of every event, the checker's assumption.
   Not exported: the vacuity guards (sometimes-properties), which the checker reports as warnings.

   Run (tla2tools.jar is not bundled with the workbench; TLC has not been run on this output, only
   parsed with tree-sitter-tlaplus by the tests):
     java -cp tla2tools.jar tlc2.TLC -workers auto -config Guillotine.cfg Guillotine.tla
   TLC stops at the first violation; -continue goes on after violated invariants. A failed ASSUME
   (quorum-intersection) stops it before the first state: check such a policy with the ASSUME removed.
   Distributed: java -cp tla2tools.jar tlc2.tool.distributed.TLCServer Guillotine
     and on each worker machine: java -cp tla2tools.jar tlc2.tool.distributed.TLCWorker <server host>  *)
`;
}
