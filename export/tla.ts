/**
 * `tlaModule(policy)`: the composed Guillotine statechart and its properties as a TLA+ module and
 * a TLC configuration, generated from `machineConfig(policy)` (see `statechart.ts`) and
 * interpreted as `compiledEngine` runs it. The machine is one record variable `m` (the active
 * state of each region and the context), the properties' history one record `h`. A step is a
 * function of the pre-state: `Micro_<event>` selects each region's first enabled transition on the
 * pre-state, threads the actions through a run record `[m, q, rej, taken]`, enters targets; then
 * `Settle` processes the raised internal events first in, first out (a RECURSIVE operator).
 *
 * `Next` has one disjunct per event kind, its parameters quantified over the policy's constants
 * (`\E a \in Voters, t \in Levels : Propose(a, t)`), so TLC's states are the built-in checker's.
 *
 * Every guard and action has ONE TLA+ rendering in {@link GUARDS} and {@link ACTIONS}, every
 * property one in {@link PROPERTY_RENDERINGS}; an unknown name throws at export time.
 */
import { ACTUATOR_OUTPUT, ACTUATORS, CAPABILITIES, CAPABILITY_FIELDS, LEVELS, type Level } from '../spec/levels.ts';
import { FAILSAFE_EVENTS } from '../spec/events.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import { machineConfig } from '../machines/guillotine.ts';
import type { GuillotineContext } from '../machines/protocol.ts';
import { eventAlphabet, outsiderId } from '../checker/guillotineModel.ts';
import { PROPERTIES, type PropertyId } from '../properties/index.ts';
import type { Check } from '../properties/property.ts';
import { checkRejections, EXTERNAL_FIELDS, readStatechart, type EventField, type View, type ActionRef, type RegionRef, type Statechart, type TransitionRef } from './statechart.ts';

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

// ---------------------------------------------------------------- expressions

const and = (...parts: string[]) => {
  if (parts.includes('FALSE')) return 'FALSE';
  const kept = parts.filter((p) => p !== 'TRUE');
  return kept.length === 0 ? 'TRUE' : kept.length === 1 ? kept[0]! : `(${kept.join(' /\\ ')})`;
};
const or = (...parts: string[]) => {
  if (parts.includes('TRUE')) return 'TRUE';
  const kept = parts.filter((p) => p !== 'FALSE');
  return kept.length === 0 ? 'FALSE' : kept.length === 1 ? kept[0]! : `(${kept.join(' \\/ ')})`;
};
const not = (p: string) => (p === 'TRUE' ? 'FALSE' : p === 'FALSE' ? 'TRUE' : `~${p}`);
const ite = (c: string, a: string, b: string) => (c === 'TRUE' ? a : c === 'FALSE' ? b : `(IF ${c} THEN ${a} ELSE ${b})`);

/** The TLA+ name of each event field when it is quantified, and the constant it ranges over. */
const PARAM: Readonly<Record<EventField, string>> = { admin: 'a', target: 't', level: 'l', actuator: 'x' };
const DOMAIN: Readonly<Record<EventField, string>> = { admin: 'Voters', target: 'Levels', level: 'Levels', actuator: 'Actuators' };

function externalView(type: string): View {
  const fields = EXTERNAL_FIELDS[type] ?? [];
  return {
    type,
    field: (name) => {
      if (!(fields as readonly string[]).includes(name)) throw new Error(`tla: the ${type} event has no field "${name}"`);
      return PARAM[name as EventField];
    },
  };
}

function internalView(type: string): View {
  return {
    type,
    field: (name) => {
      if (type === 'isolation.set' && name === 'to') return 'ev.to';
      throw new Error(`tla: the internal event ${type} has no field "${name}"`);
    },
  };
}

// ---------------------------------------------------------------- guards and actions

/** Guards read the machine record `s` of the microstep's pre-state. */
type GuardRendering = (policy: Policy, view: View, params: Readonly<Record<string, string>> | undefined, s: string) => string;
/** Actions turn the run record named `r` into a new one. */
type ActionRendering = (policy: Policy, view: View, params: Readonly<Record<string, string>> | undefined, r: string) => string;

const param = (params: Readonly<Record<string, string>> | undefined, key: string) => {
  const value = params?.[key];
  if (value === undefined) throw new Error(`tla: a guard or action is missing its "${key}" parameter`);
  return value;
};
const irreversible = (policy: Policy, level: string) => or(...policy.irreversible.map((l) => `${level} = ${L(l)}`));
const quorumFor = (from: string, to: string) => `(IF ${to} > ${from} THEN Escalate ELSE Deescalate)`;

function proposalAllowed(policy: Policy, v: View, s: string): string {
  if (v.type !== 'propose') return 'FALSE';
  const t = v.field('target');
  const down = `(${s}.level - ${t})`;
  return and(`~${s}.rebooting`, `~${s}.pOpen`, `${v.field('admin')} \\in Admins`, `${t} # ${s}.level`, not(and(`${down} > 0`, irreversible(policy, `${s}.level`))), `~(${down} > MaxStep)`);
}
function approvalCounts(v: View, s: string): string {
  if (v.type !== 'approve') return 'FALSE';
  const a = v.field('admin');
  return and(`${s}.pOpen`, `${a} \\in Admins`, `${a} \\notin ${s}.pApprovals`);
}

/** The TLA+ rendering of each guard the statechart names, over the microstep's pre-state record (protocol.ts says what each means). */
export const GUARDS: Readonly<Record<string, GuardRendering>> = {
  proposalAllowed: (p, v, _x, s) => proposalAllowed(p, v, s),
  proposalCompletesQuorum: (p, v, _x, s) => and(proposalAllowed(p, v, s), `1 >= ${quorumFor(`${s}.level`, v.type === 'propose' ? v.field('target') : `${s}.level`)}`),
  approvalRefused: (_p, v, _x, s) => not(approvalCounts(v, s)),
  approvalCompletesQuorum: (_p, v, _x, s) => and(approvalCounts(v, s), `Cardinality(${s}.pApprovals) + 1 >= ${quorumFor(`${s}.pFrom`, `${s}.pTo`)}`),
  timeoutApplies: (p, _v, _x, s) => and(`${s}.pOpen`, p.quorum.onTimeout === 'restrictive' ? 'TRUE' : 'FALSE', `${s}.pTo > ${s}.pFrom`),
  hypervisorRebooting: (_p, _v, _x, s) => `${s}.rebooting`,
  missLimitReached: (_p, _v, _x, s) => `${s}.missed + 1 >= MissLimit`,
  alarmRaisesLevel: (_p, v, _x, s) => (v.type === 'alarm' ? `Min(${v.field('level')}, DetectorMax) > ${s}.level` : 'FALSE'),
  actuatorPending: (_p, v, _x, s) => (v.type === 'actuator-confirm' || v.type === 'actuator-fault' ? `${v.field('actuator')} \\in ${s}.pending` : 'FALSE'),
  actuatorIdle: (_p, v, _x, s) => (v.type === 'actuator-confirm' || v.type === 'actuator-fault' ? `${v.field('actuator')} \\notin ${s}.pending` : 'TRUE'),
  faultEscalates: (_p, _v, _x, s) => and(`${s}.level < FaultUpTo`, `${s}.level < ${L('immolation')}`),
  setsLevel: (_p, v, x) => (v.type === 'isolation.set' ? `${v.field('to')} = ${L(param(x, 'level'))}` : 'FALSE'),
};

const push = (r: string, type: string, to: string) => `[${r} EXCEPT !.q = Append(@, [type |-> ${str(type)}, to |-> ${to}])]`;
const REPORT: ActionRendering = (_p, _v, _x, r) => r;
const REJECT: ActionRendering = (_p, _v, _x, r) => `[${r} EXCEPT !.rej = TRUE]`;

/** The TLA+ rendering of each action, as a new run record: context updates, raised events (appended to the queue), effects. */
export const ACTIONS: Readonly<Record<string, ActionRendering>> = {
  enterLevel: (_p, _v, x, r) => {
    const level = param(x, 'level') as Level;
    return `[${r} EXCEPT !.m.pending = @ \\cup {y \\in Actuators : Engaged(${r}.m.outputs, y) # Engaged(Row(${L(level)}), y)}, !.m.level = ${L(level)}, !.m.outputs = Row(${L(level)})]`;
  },
  openProposal: (_p, v, _x, r) => {
    if (v.type !== 'propose') throw new Error('tla: openProposal needs a propose event');
    return `[${r} EXCEPT !.m.pOpen = TRUE, !.m.pFrom = ${r}.m.level, !.m.pTo = ${v.field('target')}, !.m.pApprovals = {${v.field('admin')}}]`;
  },
  recordApproval: (_p, v, _x, r) =>
    v.type === 'approve' ? `(IF ${r}.m.pOpen THEN [${r} EXCEPT !.m.pApprovals = (@ \\cup {${v.field('admin')}}) \\cap Admins] ELSE ${r})` : r,
  clearProposal: (_p, _v, _x, r) => `[${r} EXCEPT !.m.pOpen = FALSE, !.m.pFrom = 0, !.m.pTo = 0, !.m.pApprovals = {}]`,
  resetWatchdog: (_p, _v, _x, r) => `[${r} EXCEPT !.m.missed = 0]`,
  countMissedHeartbeat: (_p, _v, _x, r) => `[${r} EXCEPT !.m.missed = @ + 1]`,
  markRebooting: (_p, _v, _x, r) => `[${r} EXCEPT !.m.rebooting = TRUE]`,
  markRunning: (_p, _v, _x, r) => `[${r} EXCEPT !.m.rebooting = FALSE]`,
  confirmActuator: (_p, v, _x, r) => (v.type === 'actuator-confirm' ? `[${r} EXCEPT !.m.pending = @ \\ {${v.field('actuator')}}]` : r),
  applyProposal: (_p, _v, _x, r) => push(r, 'isolation.set', `(IF ${r}.m.pOpen THEN ${r}.m.pTo ELSE ${r}.m.level)`),
  applyProposedTarget: (_p, v, _x, r) => push(r, 'isolation.set', v.type === 'propose' ? v.field('target') : L('standard')),
  applyExpiredProposal: (_p, _v, _x, r) => push(r, 'isolation.set', `(IF ${r}.m.pOpen THEN ${r}.m.pTo ELSE ${r}.m.level)`),
  heartbeatFailsafe: (_p, _v, _x, r) => push(r, 'isolation.set', `Max(${r}.m.level, ${L('offline')})`),
  rebootFailsafe: (_p, _v, _x, r) => push(r, 'isolation.set', `Max(${r}.m.level, RebootLevel)`),
  alarmFailsafe: (_p, v, _x, r) => {
    if (v.type !== 'alarm') throw new Error('tla: alarmFailsafe needs an alarm event');
    return push(r, 'isolation.set', `Min(${v.field('level')}, DetectorMax)`);
  },
  actuatorFailsafe: (_p, _v, _x, r) => push(r, 'isolation.set', `Min(${r}.m.level + 1, ${L('immolation')})`),
  levelChanged: (_p, _v, _x, r) => push(r, 'isolation.changed', '0'),
  hypervisorDown: (_p, _v, _x, r) => push(r, 'hypervisor.down', '0'),
  rejectProposal: REJECT,
  rejectApproval: REJECT,
  rejectAs: REJECT,
  rejectUnpendingActuator: REJECT,
  note: REPORT,
  alarmBelowLevel: REPORT,
  alertAdmins: REPORT,
  levelSet: REPORT,
};


// ---------------------------------------------------------------- properties

/**
 * Step properties see the pre-state (`m`, `h`) and the post-state (`m'`, `h'`) of one event;
 * state properties are invariants; `policy` ones an ASSUME; `eventually` a temporal formula.
 */
type PropertyRendering =
  | { readonly on: 'transition'; readonly render: (policy: Policy, v: View) => string }
  | { readonly on: 'state'; readonly render: (policy: Policy) => string }
  | { readonly on: 'policy'; readonly render: (policy: Policy) => string }
  | { readonly on: 'progress' }
  | { readonly on: 'eventually'; readonly render: () => string };

const pre = 'LevelOf(m.in_isolation)';
const post = "LevelOf(m'.in_isolation)";
const isFailsafe = (type: string) => (FAILSAFE_EVENTS as readonly string[]).includes(type);
const counted = (votes: string, extra: string) => `Cardinality((${votes} \\cup {${extra}}) \\cap Admins)`;

export const PROPERTY_RENDERINGS: Readonly<Record<PropertyId, PropertyRendering>> = {
  'irreversible-levels': {
    on: 'transition',
    render: () => and(`~(${pre} = ${L('immolation')} /\\ ${post} # ${L('immolation')})`, `~(${pre} = ${L('decapitation')} /\\ ${post} \\notin {${L('decapitation')}, ${L('immolation')}})`),
  },
  'deescalation-needs-quorum': {
    on: 'transition',
    render: (_p, v) => {
      let applies = 'FALSE';
      if (v.type === 'approve') applies = and('m.pOpen', `m.pTo = ${post}`, `m.pFrom = ${pre}`, `${counted('h.votes', v.field('admin'))} >= Deescalate`);
      if (v.type === 'propose') applies = and('~m.pOpen', `${v.field('target')} = ${post}`, `${counted('{}', v.field('admin'))} >= Deescalate`);
      return or(`${post} >= ${pre}`, and(`${pre} - ${post} <= MaxStep`, applies));
    },
  },
  'escalation-has-cause': {
    on: 'transition',
    render: (p, v) => {
      let cause = 'FALSE';
      switch (v.type) {
        case 'propose':
          cause = and('~m.pOpen', `${v.field('target')} > ${pre}`, `${counted('{}', v.field('admin'))} >= Escalate`, `${v.field('target')} = ${post}`);
          break;
        case 'approve':
          cause = and('m.pOpen', 'm.pTo > m.pFrom', `${counted('h.votes', v.field('admin'))} >= Escalate`, `m.pTo = ${post}`);
          break;
        case 'timeout':
          cause = and('m.pOpen', `m.pTo = ${post}`, p.quorum.onTimeout === 'restrictive' ? 'TRUE' : 'FALSE');
          break;
        case 'heartbeat-missed':
          cause = 'h.misses + 1 >= MissLimit';
          break;
        case 'mce':
        case 'assertion-failure':
          cause = `${post} <= Max(${pre}, RebootLevel)`;
          break;
        case 'alarm':
          cause = `${post} <= Min(${v.field('level')}, DetectorMax)`;
          break;
        case 'actuator-fault':
          cause = and(`${v.field('actuator')} \\in m.pending`, `${post} = ${pre} + 1`, `${post} <= FaultUpTo`);
          break;
      }
      return or(`${post} <= ${pre}`, cause);
    },
  },
  'failsafe-only-raises': {
    on: 'transition',
    render: (_p, v) => (isFailsafe(v.type) ? and(`~(${post} < ${pre})`, `~(${post} > ${pre} /\\ ${post} > ${L('offline')})`) : 'TRUE'),
  },
  'failsafe-reaches-offline': {
    on: 'transition',
    render: (_p, v) => {
      if (v.type === 'mce' || v.type === 'assertion-failure') return `${post} >= ${L('offline')}`;
      if (v.type === 'heartbeat-missed') return or('~(h.misses + 1 >= MissLimit)', `${post} >= ${L('offline')}`);
      return 'TRUE';
    },
  },
  'approvals-bound-to-proposal': { on: 'state', render: () => or('~m.pOpen', and('m.pFrom = LevelOf(m.in_isolation)', 'm.pApprovals \\subseteq h.votes')) },
  'level-capabilities': { on: 'state', render: () => and('m.level = LevelOf(m.in_isolation)', 'm.outputs = Row(LevelOf(m.in_isolation))') },
  'quorum-intersection': { on: 'policy', render: () => '(Escalate + Deescalate > Cardinality(Admins) /\\ 2 * Deescalate > Cardinality(Admins))' },
  'no-deadlock': { on: 'progress' },
  'escalation-liveness': { on: 'eventually', render: () => '[]<>(h.awaiting = NoLevel)' },
};

function renderings(): { id: PropertyId; r: PropertyRendering }[] {
  return PROPERTIES.map((p) => {
    const r = PROPERTY_RENDERINGS[p.id];
    if (r === undefined) throw new Error(`tla: no rendering for property "${p.id}"`);
    const on: Check['on'] = p.check.on;
    if (r.on !== on) throw new Error(`tla: property "${p.id}" is judged on "${on}" but rendered as "${r.on}"`);
    return { id: p.id, r };
  });
}

// ---------------------------------------------------------------- the run to completion

function renderGuard(policy: Policy, view: View, t: TransitionRef, s: string): string {
  if (t.guard === undefined) return 'TRUE';
  const rendering = GUARDS[t.guard.type];
  if (rendering === undefined) throw new Error(`tla: unknown guard "${t.guard.type}"`);
  return rendering(policy, view, t.guard.params, s);
}

/** Threads a run record through actions: nested LETs, one fresh name per action. */
function thread(policy: Policy, view: View, actions: readonly ActionRef[], input: string, fresh: () => string): string {
  if (actions.length === 0) return input;
  const defs: string[] = [];
  let current = input;
  for (const a of actions) {
    const rendering = ACTIONS[a.type];
    if (rendering === undefined) throw new Error(`tla: unknown action "${a.type}"`);
    const next = fresh();
    defs.push(`${next} == ${rendering(policy, view, a.params, current)}`);
    current = next;
  }
  return `(LET ${defs.join('\n       ')}\n   IN ${current})`;
}

function candidates(region: RegionRef, type: string) {
  let n = 0;
  return region.states.flatMap((state) => (state.on[type] ?? []).map((t) => ({ state, t, index: ++n })));
}

/** `Micro_<event>(r0, params)`: one microstep on the run record r0. */
function microstep(policy: Policy, chart: Statechart, view: View, fresh: () => string): string {
  const involved = chart.regions.filter((region) => candidates(region, view.type).length > 0);
  if (involved.length === 0) return 'r0';
  const defs: string[] = [];
  for (const region of involved) {
    const byState = region.states.filter((st) => (st.on[view.type] ?? []).length > 0);
    let selection = '0';
    for (const state of [...byState].reverse()) {
      const numbered = candidates(region, view.type).filter((c) => c.state === state);
      let chain = '0';
      for (const c of [...numbered].reverse()) chain = ite(renderGuard(policy, view, c.t, 'r0.m'), String(c.index), chain);
      selection = ite(`r0.m.${RF(region.name)} = ${str(state.name)}`, chain, selection);
    }
    defs.push(`sel_${camel(region.name)} == ${selection}`);
  }
  let current = 'r0';
  for (const region of involved) {
    const arms = candidates(region, view.type).filter((c) => c.t.actions.length > 0);
    if (arms.length === 0) continue;
    const next = fresh();
    let expr = current;
    for (const c of [...arms].reverse()) expr = `(IF sel_${camel(region.name)} = ${c.index} THEN ${thread(policy, view, c.t.actions, current, fresh)} ELSE ${expr})`;
    defs.push(`${next} == ${expr}`);
    current = next;
  }
  for (const region of involved) {
    const arms = candidates(region, view.type).filter((c) => c.t.target !== undefined);
    if (arms.length === 0) continue;
    const next = fresh();
    let expr = current;
    for (const c of [...arms].reverse()) {
      const target = region.states.find((st) => st.name === c.t.target)!;
      const entered = `[${current} EXCEPT !.m.${RF(region.name)} = ${str(target.name)}]`;
      expr = `(IF sel_${camel(region.name)} = ${c.index} THEN ${thread(policy, view, target.entry, entered, fresh)} ELSE ${expr})`;
    }
    defs.push(`${next} == ${expr}`);
    current = next;
  }
  const taken = or(...involved.map((region) => `sel_${camel(region.name)} # 0`));
  return `LET ${defs.join('\n      ')}\n  IN [${current} EXCEPT !.taken = ${taken}]`;
}

/** The history after an accepted step of a kind (properties/history.ts `advanceHistory`). */
function history(view: View): string {
  let votes = 'h.votes';
  if (view.type === 'propose') votes = `{${view.field('admin')}}`;
  if (view.type === 'approve') votes = `h.votes \\cup {${view.field('admin')}}`;
  let misses = 'h.misses';
  if (view.type === 'heartbeat') misses = '0';
  if (view.type === 'heartbeat-missed') misses = '(IF h.misses + 1 >= MissLimit THEN 0 ELSE h.misses + 1)';
  let completes = 'NoLevel';
  if (view.type === 'propose') completes = ite(and('~m.pOpen', `${view.field('target')} > ${pre}`, `${counted('{}', view.field('admin'))} >= Escalate`), view.field('target'), 'NoLevel');
  if (view.type === 'approve') completes = ite(and('m.pOpen', 'm.pTo > m.pFrom', `${counted('h.votes', view.field('admin'))} >= Escalate`), 'm.pTo', 'NoLevel');
  return `LET aw == IF h.awaiting = NoLevel THEN ${completes} ELSE h.awaiting
      IN [votes |-> IF ~n.pOpen \\/ LevelOf(n.in_isolation) # ${pre} THEN {} ELSE ${votes},
          misses |-> ${misses},
          awaiting |-> IF aw # NoLevel /\\ LevelOf(n.in_isolation) >= aw THEN NoLevel ELSE aw]`;
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
}

/**
 * The TLA+ module and TLC configuration of a policy's statechart and properties.
 * @throws Error when the config uses a guard, action or shape this exporter has no rendering for.
 */
export function tlaModule(policy: Policy, options: TlaOptions = {}): TlaExport {
  checkRejections(policy, 'tla');
  const chart = readStatechart(policy, { guards: new Set(Object.keys(GUARDS)), actions: new Set(Object.keys(ACTIONS)) }, 'tla');
  const props = renderings();
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
  LEVELS.forEach((level, i) => out.push(`${L(level)} == ${i}`));
  out.push(`Levels == 0..${LEVELS.length - 1}`, `NoLevel == ${LEVELS.length}`);
  out.push(`Admins == {${ids.map(str).join(', ')}}`, `Voters == Admins \\cup {${str(outsider)}}`, `Actuators == {${ACTUATORS.map(str).join(', ')}}`);
  out.push(`Escalate == ${q.escalate}`, `Deescalate == ${q.deescalate}`, `MaxStep == ${policy.deescalation.maxStep}`, `MissLimit == ${policy.heartbeat.missLimit}`);
  out.push(`DetectorMax == ${L(policy.detector.maxLevel)}`, `RebootLevel == ${L(policy.faults.rebootLevel)}`, `FaultUpTo == ${L(policy.actuators.escalateOnFailureUpTo)}`);
  out.push('Max(x, y) == IF x >= y THEN x ELSE y', 'Min(x, y) == IF x <= y THEN x ELSE y');
  out.push(`LevelOf(state) == CASE ${LEVELS.map((level) => `state = ${str(level)} -> ${L(level)}`).join('\n                   [] ')}`);
  const row = (level: Level) => `[${CAPABILITY_FIELDS.map((f) => `${f} |-> ${str(CAPABILITIES[level][f])}`).join(', ')}]`;
  out.push(`Row(level) == CASE ${LEVELS.map((level) => `level = ${L(level)} -> ${row(level)}`).join('\n                [] ')}`);
  out.push(`Engaged(outputs, y) == CASE ${ACTUATORS.map((a) => `y = ${str(a)} -> outputs.${ACTUATOR_OUTPUT[a][0]} = ${str(ACTUATOR_OUTPUT[a][1])}`).join('\n                         [] ')}`);
  for (const { id, r } of props) if (r.on === 'policy') out.push('', `\\* ${id}: judged on the policy alone`, `${propertyOperator(id)} == ${r.render(policy)}`, `ASSUME ${propertyOperator(id)}`);

  out.push('', 'VARIABLES m, h', 'vars == <<m, h>>', '');
  out.push('\\* ---- raised events: first in, first out, one microstep each ----');
  for (const type of chart.internalEvents) {
    out.push(`Micro_${camel(type)}(r0, ev) ==\n  ${microstep(policy, chart, internalView(type), fresh)}`, '');
  }
  out.push('RECURSIVE Settle(_)');
  const dispatch = chart.internalEvents.map((type) => `ev.type = ${str(type)} -> Micro_${camel(type)}(r1, ev)`);
  out.push(`Settle(r) ==\n  IF r.q = <<>> THEN r\n  ELSE LET ev == Head(r.q)\n           r1 == [r EXCEPT !.q = Tail(@)]\n       IN Settle(CASE ${dispatch.join('\n                   [] ')}\n                   [] OTHER -> r1)`, '');

  const ctx = (machineConfig(policy) as unknown as { context: GuillotineContext }).context;
  const fields = [
    ...chart.regions.map((region) => `${RF(region.name)} |-> ${str(region.initial)}`),
    `level |-> ${L(ctx.level)}`,
    `rebooting |-> ${ctx.rebooting ? 'TRUE' : 'FALSE'}`,
    `pOpen |-> ${ctx.proposal === null ? 'FALSE' : 'TRUE'}`,
    `pFrom |-> ${ctx.proposal === null ? 0 : L(ctx.proposal.from)}`,
    `pTo |-> ${ctx.proposal === null ? 0 : L(ctx.proposal.to)}`,
    `pApprovals |-> {${(ctx.proposal?.approvals ?? []).map(str).join(', ')}}`,
    `missed |-> ${ctx.missedHeartbeats}`,
    `outputs |-> [${CAPABILITY_FIELDS.map((f) => `${f} |-> ${str(ctx.outputs[f])}`).join(', ')}]`,
    `pending |-> {${ctx.pendingActuators.map(str).join(', ')}}`,
  ];
  const entries = chart.regions.flatMap((region) => region.states.find((st) => st.name === region.initial)!.entry);
  out.push('\\* ---- the initial state: the config context, each region\'s initial state and its entry actions ----');
  out.push(`InitialRun == [m |-> [${fields.join(',\n                        ')}],\n               q |-> <<>>, rej |-> FALSE, taken |-> FALSE]`);
  out.push(`InitialMachine == Settle(${thread(policy, internalView('isolation.changed'), entries, 'InitialRun', fresh)}).m`);
  out.push('Init == /\\ m = InitialMachine\n        /\\ h = [votes |-> {}, misses |-> 0, awaiting |-> NoLevel]', '');

  out.push('\\* ---- one action per external event kind: its whole run to completion and the history ----');
  const signature = (type: string) => {
    const params = (EXTERNAL_FIELDS[type] ?? []).map((f) => PARAM[f]);
    return { params, call: params.length === 0 ? '' : `(${params.join(', ')})`, binder: (EXTERNAL_FIELDS[type] ?? []).map((f) => `${PARAM[f]} \\in ${DOMAIN[f]}`).join(', ') };
  };
  for (const type of eventTypes) {
    const view = externalView(type);
    const { call } = signature(type);
    out.push(`Micro_${camel(type)}${call.replace(/^\(/, '(r0, ').replace(/^$/, '(r0)')} ==\n  ${microstep(policy, chart, view, fresh)}`, '');
    out.push(`History_${camel(type)}${call.replace(/^\(/, '(n, ').replace(/^$/, '(n)')} ==\n  ${history(view)}`, '');
    out.push(
      `${pascal(type)}${call} ==\n  LET r == Micro_${camel(type)}${call.replace(/^\(/, '([m |-> m, q |-> <<>>, rej |-> FALSE, taken |-> FALSE], ').replace(/^$/, '([m |-> m, q |-> <<>>, rej |-> FALSE, taken |-> FALSE])')}\n  IN /\\ r.taken\n     /\\ ~r.rej\n     /\\ LET done == Settle(r)\n        IN /\\ m' = done.m\n           /\\ h' = IF done.rej THEN h ELSE History_${camel(type)}${call.replace(/^\(/, '(done.m, ').replace(/^$/, '(done.m)')}`,
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
  for (const { id, r } of props) {
    const op = propertyOperator(id);
    if (r.on === 'state') {
      out.push(`${op} == ${r.render(policy)}`);
      invariants.push(op);
    } else if (r.on === 'transition') {
      const arms = eventTypes.flatMap((type) => {
        const expr = r.render(policy, externalView(type));
        if (expr === 'TRUE') return [];
        const { call, binder } = signature(type);
        return [binder === '' ? `(${pascal(type)}${call} => ${expr})` : `(\\A ${binder} : ${pascal(type)}${call} => ${expr})`];
      });
      out.push(`${op}Step == ${arms.length === 0 ? 'TRUE' : arms.join('\n    /\\ ')}`);
      out.push(`${op} == [][${op}Step]_vars`);
      temporal.push(op);
    } else if (r.on === 'eventually') {
      out.push(`${op} == ${r.render()}`);
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
  return `(***************************************************************************)
(* Guillotine: the composed protocol statechart and its properties, for TLC. *)
(* Generated by guillotine export --format tla from machineConfig(policy)     *)
(* (machines/guillotine.ts); do not edit: re-export instead.                  *)
(***************************************************************************)
(* Policy: ${source}; ${policy.admins.length} admins, escalate ${q.escalate}, de-escalate ${q.deescalate}, onTimeout ${q.onTimeout},
   maxStep ${policy.deescalation.maxStep}, irreversible [${policy.irreversible.join(', ')}], missLimit ${policy.heartbeat.missLimit},
   detector.maxLevel ${policy.detector.maxLevel}, faults.rebootLevel ${policy.faults.rebootLevel},
   actuators.escalateOnFailureUpTo ${policy.actuators.escalateOnFailureUpTo}.

   Semantics: m is the machine (each region's active state and the context), h the properties'
   history (votes, misses, awaiting: properties/history.ts). Next has ${kinds} disjuncts, one per event
   kind, each the event's whole run to completion with its parameters quantified over the policy's
   constants; so TLC's distinct states are the built-in checker's (guillotine check --no-symmetry).
   A rejected event is no step at all, as in the checker: its disjunct is not enabled (so a state
   where every event is rejected is a deadlock, the checker's no-deadlock).
   Time is abstract: a timer may expire at any step.

   Properties and how they are exported:
     irreversible-levels, deescalation-needs-quorum, escalation-has-cause, failsafe-only-raises,
     failsafe-reaches-offline - action properties [][P]_vars over each event's step (rejected
       events are no steps, and the checker does not judge them either).
     approvals-bound-to-proposal, level-capabilities - INVARIANTs.
     quorum-intersection - an ASSUME on the policy's constants (TLC stops at once if it fails).
     no-deadlock - TLC's deadlock check (CHECK_DEADLOCK TRUE).
     escalation-liveness - the temporal property []<>(nothing awaits) under Fairness: weak fairness
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
