/**
 * `promelaModel(policy)`: the composed Guillotine statechart and its safety properties as a
 * Promela model for SPIN, generated from `machineConfig(policy)` (see `statechart.ts`) and
 * interpreted exactly as `compiledEngine` runs it: in a microstep each region selects its first
 * enabled transition on the pre-state, then the selected transitions' actions run (region order),
 * then their targets' entry actions; raised internal events wait in a FIFO queue processed after
 * the microstep, one microstep each.
 *
 * Each event of `eventAlphabet(policy)` is one option of an atomic choice in one loop, followed by
 * one shared `d_step` with the event's whole run to completion, the history update and the
 * property assertions: one SPIN transition per checker transition (SPIN does not store the states
 * inside an atomic sequence), so SPIN's stored states are the checker's states plus SPIN's own initial
 * state before the initialising `d_step` (exactly one more). As in the checker, an event is
 * enabled when it is accepted: a rejected event leaves the state as it was and is no transition.
 *
 * Every guard and action of the config has ONE Promela rendering in {@link GUARDS} and
 * {@link ACTIONS}; every property of `properties/` has one in {@link PROPERTY_RENDERINGS}. An
 * unknown name throws at export time.
 */
import { ACTUATOR_OUTPUT, ACTUATORS, CAPABILITIES, CAPABILITY_FIELDS, LEVELS, actuatorPositions, capabilityDomain, type Level } from '../spec/levels.ts';
import { FAILSAFE_EVENTS, encodeEvent, type GuillotineEvent } from '../spec/events.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import { machineConfig } from '../machines/guillotine.ts';
import type { GuillotineContext } from '../machines/protocol.ts';
import { eventAlphabet, outsiderId } from '../checker/guillotineModel.ts';
import { PROPERTIES, type PropertyId } from '../properties/index.ts';
import type { Check } from '../properties/property.ts';
import { checkRejections, EXTERNAL_FIELDS, readStatechart, REJECTING, type EventField, type View, type ActionRef, type RegionRef, type Statechart, type TransitionRef } from './statechart.ts';

// ---------------------------------------------------------------- names

const id = (text: string) => text.replace(/[^A-Za-z0-9_]/g, '_');
const L = (level: string) => `L_${id(level)}`;
const S = (region: string, state: string) => `S_${region}_${id(state)}`;
const E = (type: string) => `E_${id(type)}`;
const R = (region: string) => `r_${region}`;
const EVT = (type: string) => `EV_${id(type)}`;
const SEL = (region: string) => `sel_${region}`;
/** The flag an assertion names, so SPIN's "assertion violated <flag>" says which property failed. */
export const propertyFlag = (property: string) => id(property);
/** Where a level-valued history variable holds "none". */
const NO_LEVEL = 'NO_LEVEL';
/** Raised events per run to completion: the config raises at most three; overflow is an assertion. */
const QUEUE = 8;
/** SPIN runs at most 255 processes; the fair variant has one per event plus init. */
export const MAX_FAIR_EVENTS = 250;

const V = (field: string, value: string) => `V_${field}_${id(value)}`;
const O = (field: string) => `o_${field}`;

// ---------------------------------------------------------------- expressions

const and = (...parts: string[]) => {
  if (parts.includes('false')) return 'false';
  const kept = parts.filter((p) => p !== 'true');
  return kept.length === 0 ? 'true' : kept.length === 1 ? kept[0]! : `(${kept.join(' && ')})`;
};
const or = (...parts: string[]) => {
  if (parts.includes('true')) return 'true';
  const kept = parts.filter((p) => p !== 'false');
  return kept.length === 0 ? 'false' : kept.length === 1 ? kept[0]! : `(${kept.join(' || ')})`;
};
/** Negation of any rendered expression: parenthesised, since `!` binds tighter than `==` and `!!` is no Promela. */
const not = (p: string) => (p === 'true' ? 'false' : p === 'false' ? 'true' : `!(${p})`);
const cond = (c: string, a: string, b: string) => (c === 'true' ? a : c === 'false' ? b : `(${c} -> ${a} : ${b})`);
const max = (a: string, b: string) => `(${a} >= ${b} -> ${a} : ${b})`;
const min = (a: string, b: string) => `(${a} <= ${b} -> ${a} : ${b})`;

// A View's fields (statechart.ts): in the shared step body an external event's fields are the
// hidden `ev_*` variables the loop sets; in the loop's guards they are the event's constants.
const EV = (field: string) => `ev_${field}`;

/** An external event of a type, its fields read through `value`. */
function externalView(type: string, value: (field: EventField) => string = EV): View {
  const fields = EXTERNAL_FIELDS[type] ?? [];
  return {
    type,
    field: (name) => {
      if (!(fields as readonly string[]).includes(name)) throw new Error(`promela: the ${type} event has no field "${name}"`);
      return value(name as EventField);
    },
  };
}

function internalView(type: string): View {
  return {
    type,
    field: (name) => {
      if (type === 'isolation.set' && name === 'to') return 'cur_to';
      throw new Error(`promela: the internal event ${type} has no field "${name}"`);
    },
  };
}

// ---------------------------------------------------------------- the policy's constants

interface Setting {
  readonly policy: Policy;
  readonly guards: Readonly<Record<string, GuardRendering>>;
  readonly actions: Readonly<Record<string, ActionRendering>>;
  readonly admins: number;
  /** Voters: the admins, then the outsider the alphabet also tries. */
  readonly voters: readonly string[];
}

const isAdmin = (voter: string) => `(${voter} < NADMINS)`;
const irreversible = (s: Setting, level: string) => or(...s.policy.irreversible.map((l) => `${level} == ${L(l)}`));
const quorumFor = (from: string, to: string) => `(${to} > ${from} -> ESCALATE : DEESCALATE)`;
/** How many admins are in a voter set (bit array), optionally with one more voter. */
const admins = (s: Setting, set: string, extra?: string) =>
  `(${Array.from({ length: s.admins }, (_, i) => (extra === undefined ? `${set}[${i}]` : `(${set}[${i}] || ${extra} == ${i})`)).join(' + ')})`;

/** How many voters (admins or not) are in a voter set: the length of the machine's approval list. */
/**
 * Every voter's entry of an array set to a value: a loop, not one statement per voter, since SPIN
 * caps the length of a d_step ("d_step sequence too long" at a hundred admins unrolled).
 */
const fill = (array: string, value: string) => `for (vi : 0 .. NVOTERS - 1) { ${array}[vi] = ${value} }`;
const voters = (s: Setting, set: string) => `(${s.voters.map((_, i) => `${set}[${i}]`).join(' + ')})`;

// ---------------------------------------------------------------- guards and actions

export type GuardRendering = (s: Setting, view: View, params: Readonly<Record<string, string>> | undefined) => string;
export type ActionRendering = (s: Setting, view: View, params: Readonly<Record<string, string>> | undefined) => string[];

const param = (params: Readonly<Record<string, string>> | undefined, key: string) => {
  const value = params?.[key];
  if (value === undefined) throw new Error(`promela: a guard or action is missing its "${key}" parameter`);
  return value;
};

/** `proposalRefusal(...) === null`, clause by clause (protocol.ts). */
function proposalAllowed(s: Setting, v: View): string {
  if (v.type !== 'propose') return 'false';
  const target = v.field('target');
  const down = `(level - ${target})`;
  return and(
    '!rebooting',
    '!p_open',
    isAdmin(v.field('admin')),
    `${target} != level`,
    not(and(`${down} > 0`, irreversible(s, 'level'))),
    `!(${down} > MAXSTEP)`,
  );
}

/** `approvalRefusal(...) === null`. */
function approvalCounts(v: View): string {
  if (v.type !== 'approve') return 'false';
  const admin = v.field('admin');
  return and('p_open', isAdmin(admin), `!p_app[${admin}]`);
}

/** The Promela rendering of each guard the statechart names, over the pre-state of the microstep (protocol.ts says what each means). */
export const GUARDS: Readonly<Record<string, GuardRendering>> = {
  proposalAllowed: (s, v) => proposalAllowed(s, v),
  proposalCompletesQuorum: (s, v) => and(proposalAllowed(s, v), `1 >= ${quorumFor('level', v.type === 'propose' ? v.field('target') : 'level')}`),
  approvalRefused: (_s, v) => not(approvalCounts(v)),
  approvalCompletesQuorum: (s, v) => and(approvalCounts(v), `${voters(s, 'p_app')} + 1 >= ${quorumFor('p_from', 'p_to')}`),
  timeoutApplies: (s) => and('p_open', s.policy.quorum.onTimeout === 'restrictive' ? 'true' : 'false', 'p_to > p_from'),
  hypervisorRebooting: () => 'rebooting',
  missLimitReached: () => 'missed + 1 >= MISSLIMIT',
  alarmRaisesLevel: (_s, v) => (v.type === 'alarm' ? `${min(v.field('level'), 'DETECTORMAX')} > level` : 'false'),
  actuatorPending: (_s, v) => (v.type === 'actuator-confirm' || v.type === 'actuator-fault' ? `pending[${v.field('actuator')}]` : 'false'),
  actuatorIdle: (_s, v) => (v.type === 'actuator-confirm' || v.type === 'actuator-fault' ? `!pending[${v.field('actuator')}]` : 'true'),
  faultEscalates: () => and('level < FAULTUPTO', `level < ${L('immolation')}`),
  setsLevel: (_s, v, p) => (v.type === 'isolation.set' ? `${v.field('to')} == ${L(param(p, 'level'))}` : 'false'),
};

const push = (type: string, to: string) => [`assert(q_tail < ${QUEUE})`, `q_type[q_tail] = ${E(type)}`, `q_to[q_tail] = ${to}`, 'q_tail++'];
const REPORT = () => ['skip /* a report (note, alert, level change): no state */'];
const REJECT = () => ['rejected = 1'];

/** The context after entering a level: the new row is commanded, moved actuators become pending. */
function enterLevel(level: Level): string[] {
  const after = actuatorPositions(level);
  const lines = ACTUATORS.map((a, i) => {
    const [field, engaged] = ACTUATOR_OUTPUT[a];
    const wasEngaged = `(${O(field)} == ${V(field, engaged)})`;
    return `pending[${i}] = (pending[${i}] || ${after[a] === 'engaged' ? `!${wasEngaged}` : wasEngaged})`;
  });
  lines.push(`level = ${L(level)}`, ...CAPABILITY_FIELDS.map((f) => `${O(f)} = ${V(f, CAPABILITIES[level][f])}`));
  return lines;
}

/** The Promela rendering of each action: context updates, raised events (pushed on the queue), effects (a rejection flag or nothing). */
export const ACTIONS: Readonly<Record<string, ActionRendering>> = {
  // context updates
  enterLevel: (_s, _v, p) => enterLevel(param(p, 'level') as Level),
  openProposal: (s, v) => {
    if (v.type !== 'propose') throw new Error('promela: openProposal needs a propose event');
    return ['p_open = 1', 'p_from = level', `p_to = ${v.field('target')}`, fill('p_app', '0'), `p_app[${v.field('admin')}] = 1`];
  },
  recordApproval: (s, v) => {
    if (v.type !== 'approve') return ['skip'];
    const admin = v.field('admin');
    // withApproval rebuilds the list from the policy's admins: a non-admin never stays in it.
    return [`if\n:: p_open -> ${[...s.voters.slice(s.admins).map((_, j) => `p_app[${s.admins + j}] = 0`), `if :: ${isAdmin(admin)} -> p_app[${admin}] = 1 :: else -> skip fi`].join('; ')}\n:: else -> skip\nfi`];
  },
  clearProposal: () => ['p_open = 0', 'p_from = 0', 'p_to = 0', fill('p_app', '0')],
  resetWatchdog: () => ['missed = 0'],
  countMissedHeartbeat: () => ['missed++'],
  markRebooting: () => ['rebooting = 1'],
  markRunning: () => ['rebooting = 0'],
  confirmActuator: (_s, v) => (v.type === 'actuator-confirm' ? [`pending[${v.field('actuator')}] = 0`] : ['skip']),
  // raised events
  applyProposal: () => push('isolation.set', cond('p_open', 'p_to', 'level')),
  applyProposedTarget: (_s, v) => push('isolation.set', v.type === 'propose' ? v.field('target') : L('standard')),
  applyExpiredProposal: () => push('isolation.set', cond('p_open', 'p_to', 'level')),
  heartbeatFailsafe: () => push('isolation.set', max('level', L('offline'))),
  rebootFailsafe: () => push('isolation.set', max('level', 'REBOOTLEVEL')),
  alarmFailsafe: (_s, v) => {
    if (v.type !== 'alarm') throw new Error('promela: alarmFailsafe needs an alarm event');
    return push('isolation.set', min(v.field('level'), 'DETECTORMAX'));
  },
  actuatorFailsafe: () => push('isolation.set', min('level + 1', L('immolation'))),
  levelChanged: () => push('isolation.changed', '0'),
  hypervisorDown: () => push('hypervisor.down', '0'),
  // effects: rejections mark the step rejected (acceptance is also the option's guard: see handled); the rest only report
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

type PropertyRendering =
  | { readonly on: 'transition'; readonly render: (s: Setting, v: View) => string }
  | { readonly on: 'state'; readonly render: (s: Setting) => string }
  | { readonly on: 'policy'; readonly render: (s: Setting) => string }
  | { readonly on: 'progress' }
  | { readonly on: 'eventually'; readonly ltl: string };

const lv = 'r_isolation';
const preLv = 'pre_isolation';
const isFailsafe = (type: string) => (FAILSAFE_EVENTS as readonly string[]).includes(type);

/** One rendering per property of docs/protocol.md §4, keyed by its id; see each property's file. */
export const PROPERTY_RENDERINGS: Readonly<Record<PropertyId, PropertyRendering>> = {
  'irreversible-levels': {
    on: 'transition',
    render: () => and(`!(${preLv} == ${L('immolation')} && ${lv} != ${L('immolation')})`, `!(${preLv} == ${L('decapitation')} && ${lv} != ${L('decapitation')} && ${lv} != ${L('immolation')})`),
  },
  'deescalation-needs-quorum': {
    on: 'transition',
    render: (s, v) => {
      let applies = 'false';
      if (v.type === 'approve') applies = and('pre_p_open', `pre_p_to == ${lv}`, `pre_p_from == ${preLv}`, `${admins(s, 'pre_votes', v.field('admin'))} >= DEESCALATE`);
      if (v.type === 'propose') applies = and('!pre_p_open', `${v.field('target')} == ${lv}`, `${isAdmin(v.field('admin'))} >= DEESCALATE`);
      return or(`${lv} >= ${preLv}`, and(`${preLv} - ${lv} <= MAXSTEP`, applies));
    },
  },
  'escalation-has-cause': {
    on: 'transition',
    render: (s, v) => {
      let cause = 'false';
      switch (v.type) {
        case 'propose':
          cause = and('!pre_p_open', `${v.field('target')} > ${preLv}`, `${isAdmin(v.field('admin'))} >= ESCALATE`, `${v.field('target')} == ${lv}`);
          break;
        case 'approve':
          cause = and('pre_p_open', 'pre_p_to > pre_p_from', `${admins(s, 'pre_votes', v.field('admin'))} >= ESCALATE`, `pre_p_to == ${lv}`);
          break;
        case 'timeout':
          cause = and('pre_p_open', `pre_p_to == ${lv}`, s.policy.quorum.onTimeout === 'restrictive' ? 'true' : 'false');
          break;
        case 'heartbeat-missed':
          cause = 'pre_misses + 1 >= MISSLIMIT';
          break;
        case 'mce':
        case 'assertion-failure':
          cause = `${lv} <= ${max(preLv, 'REBOOTLEVEL')}`;
          break;
        case 'alarm':
          cause = `${lv} <= ${min(v.field('level'), 'DETECTORMAX')}`;
          break;
        case 'actuator-fault':
          cause = and(`pre_pending[${v.field('actuator')}]`, `${lv} == ${preLv} + 1`, `${lv} <= FAULTUPTO`);
          break;
      }
      return or(`${lv} <= ${preLv}`, cause);
    },
  },
  'failsafe-only-raises': {
    on: 'transition',
    render: (_s, v) => (isFailsafe(v.type) ? and(`!(${lv} < ${preLv})`, `!(${lv} > ${preLv} && ${lv} > ${L('offline')})`) : 'true'),
  },
  'failsafe-reaches-offline': {
    on: 'transition',
    render: (_s, v) => {
      if (v.type === 'mce' || v.type === 'assertion-failure') return `${lv} >= ${L('offline')}`;
      if (v.type === 'heartbeat-missed') return or('!(pre_misses + 1 >= MISSLIMIT)', `${lv} >= ${L('offline')}`);
      return 'true';
    },
  },
  'approvals-bound-to-proposal': {
    on: 'state',
    render: (s) => or('!p_open', and(`p_from == ${lv}`, ...s.voters.map((_, i) => `(!p_app[${i}] || h_votes[${i}])`))),
  },
  'level-capabilities': {
    on: 'state',
    render: () => and(`level == ${lv}`, ...LEVELS.map((level) => or(`${lv} != ${L(level)}`, and(...CAPABILITY_FIELDS.map((f) => `${O(f)} == ${V(f, CAPABILITIES[level][f])}`))))),
  },
  'quorum-intersection': { on: 'policy', render: () => '(ESCALATE + DEESCALATE > NADMINS && 2 * DEESCALATE > NADMINS)' },
  'no-deadlock': { on: 'progress' },
  'escalation-liveness': { on: 'eventually', ltl: `[] <> (h_awaiting == ${NO_LEVEL})` },
};

/** Each property's rendering, checked against how the property is judged (a change is caught). */
function renderings(): { id: PropertyId; r: PropertyRendering }[] {
  return PROPERTIES.map((p) => {
    const r = PROPERTY_RENDERINGS[p.id];
    if (r === undefined) throw new Error(`promela: no rendering for property "${p.id}"`);
    const on: Check['on'] = p.check.on;
    if (r.on !== on) throw new Error(`promela: property "${p.id}" is judged on "${on}" but rendered as "${r.on}"`);
    return { id: p.id, r };
  });
}

// ---------------------------------------------------------------- the run to completion

/** Lines joined as Promela statements, indented. */
function block(lines: readonly string[], indent: string): string {
  const comment = (l: string) => /^\/\*[^]*\*\/$/.test(l) && !l.includes('\n');
  // A comment is no statement: it takes no separator after it.
  return lines.map((l, i) => l.split('\n').map((x) => indent + x).join('\n') + (i === lines.length - 1 ? '' : comment(l) ? '\n' : ';\n')).join('');
}

function renderAction(s: Setting, view: View, a: ActionRef): string[] {
  const rendering = s.actions[a.type];
  if (rendering === undefined) throw new Error(`promela: unknown action "${a.type}"`);
  return rendering(s, view, a.params);
}

function renderGuard(s: Setting, view: View, t: TransitionRef): string {
  if (t.guard === undefined) return 'true';
  const rendering = s.guards[t.guard.type];
  if (rendering === undefined) throw new Error(`promela: unknown guard "${t.guard.type}"`);
  return rendering(s, view, t.guard.params);
}

/** The (state, transition) pairs of a region for an event, numbered from 1 as `sel_<region>` values. */
function candidates(region: RegionRef, type: string) {
  let n = 0;
  return region.states.flatMap((state) => (state.on[type] ?? []).map((t) => ({ state, t, index: ++n })));
}

/**
 * Whether the event is accepted: the checker's "enabled" (a rejected event leaves the state as it
 * was and is no transition at all). A region's first enabled transition is the one it takes, so the
 * event is accepted when that transition, in the region whose state has one, is not a rejection.
 * (Every rejecting transition of the config only explains itself and no event type is handled by
 * two regions; `checkRejectionsExplainOnly` holds the config to that.)
 */
function handled(s: Setting, chart: Statechart, view: View): string {
  return or(
    ...chart.regions.flatMap((region) =>
      region.states.map((state) => {
        const list = state.on[view.type] ?? [];
        const guards = list.map((t) => renderGuard(s, view, t));
        const takes = list.flatMap((t, i) => (rejecting(t) ? [] : [and(guards[i]!, ...guards.slice(0, i).map(not))]));
        return takes.length === 0 ? 'false' : and(`${R(region.name)} == ${S(region.name, state.name)}`, or(...takes));
      }),
    ),
  );
}

const rejecting = (t: TransitionRef) => (t.actions ?? []).some((a) => REJECTING.has(a.type));

/** Holds the config to what {@link handled} assumes, so a change that breaks it is caught at export time. */
function checkRejectionsExplainOnly(chart: Statechart): void {
  const owner = new Map<string, string>();
  for (const region of chart.regions) {
    for (const state of region.states) {
      for (const [type, list] of Object.entries(state.on)) {
        if (owner.has(type) && owner.get(type) !== region.name) throw new Error(`promela: events "${type}" are handled by two regions (${owner.get(type)}, ${region.name}); acceptance is rendered per region`);
        owner.set(type, region.name);
        for (const t of list) {
          if (rejecting(t) && (t.target !== undefined || (t.actions ?? []).length > 1)) throw new Error(`promela: a rejecting transition of ${region.name}.${state.name} on "${type}" also changes the state; acceptance is rendered from the first enabled transition only`);
        }
      }
    }
  }
}

/** One microstep for an event: select on the pre-state, run the actions, enter the targets. */
function microstep(s: Setting, chart: Statechart, view: View): string[] {
  const lines: string[] = [];
  const involved = chart.regions.filter((region) => candidates(region, view.type).length > 0);
  for (const region of involved) {
    const options = region.states
      .filter((state) => (state.on[view.type] ?? []).length > 0)
      .map((state) => {
        const numbered = candidates(region, view.type).filter((c) => c.state === state);
        // The first enabled transition wins: an if-else chain, so the choice is deterministic.
        const chain = (i: number): string => {
          if (i >= numbered.length) return `${SEL(region.name)} = 0`;
          const c = numbered[i]!;
          const g = renderGuard(s, view, c.t);
          if (g === 'true') return `${SEL(region.name)} = ${c.index}`;
          return `if :: ${g} -> ${SEL(region.name)} = ${c.index} :: else -> ${chain(i + 1)} fi`;
        };
        return `:: ${R(region.name)} == ${S(region.name, state.name)} -> ${chain(0)}`;
      });
    lines.push(`/* ${region.name}: select its first enabled transition on the pre-state */\nif\n${options.join('\n')}\n:: else -> ${SEL(region.name)} = 0\nfi`);
  }
  for (const region of involved) {
    const withActions = candidates(region, view.type).filter((c) => c.t.actions.length > 0);
    if (withActions.length === 0) continue;
    lines.push(`/* ${region.name}: the selected transition's actions */\nif\n${withActions.map((c) => `:: ${SEL(region.name)} == ${c.index} ->\n${block(c.t.actions.flatMap((a) => renderAction(s, view, a)), '   ')}`).join('\n')}\n:: else -> skip\nfi`);
  }
  for (const region of involved) {
    const withTarget = candidates(region, view.type).filter((c) => c.t.target !== undefined);
    if (withTarget.length === 0) continue;
    const enter = (c: (typeof withTarget)[number]) => {
      const target = region.states.find((st) => st.name === c.t.target)!;
      return block([`${R(region.name)} = ${S(region.name, target.name)}`, ...target.entry.flatMap((a) => renderAction(s, view, a))], '   ');
    };
    lines.push(`/* ${region.name}: enter the target */\nif\n${withTarget.map((c) => `:: ${SEL(region.name)} == ${c.index} ->\n${enter(c)}`).join('\n')}\n:: else -> skip\nfi`);
  }
  return lines.length > 0 ? lines : ['skip /* no region handles this event */'];
}

/** The history after an enabled step (properties/history.ts `advanceHistory`). */
function advanceHistory(s: Setting, view: View): string[] {
  let votes = 'skip';
  const clear = fill('h_votes', '0');
  if (view.type === 'propose') votes = `${clear}; h_votes[${view.field('admin')}] = 1`;
  if (view.type === 'approve') votes = `h_votes[${view.field('admin')}] = 1`;
  let misses = 'skip';
  if (view.type === 'heartbeat') misses = 'h_misses = 0';
  if (view.type === 'heartbeat-missed') misses = `h_misses = ${cond('pre_misses + 1 >= MISSLIMIT', '0', '(pre_misses + 1)')}`;
  let completes = NO_LEVEL;
  if (view.type === 'propose') completes = cond(and('!pre_p_open', `${view.field('target')} > ${preLv}`, `${isAdmin(view.field('admin'))} >= ESCALATE`), view.field('target'), NO_LEVEL);
  if (view.type === 'approve') completes = cond(and('pre_p_open', 'pre_p_to > pre_p_from', `${admins(s, 'pre_votes', view.field('admin'))} >= ESCALATE`), 'pre_p_to', NO_LEVEL);
  return [
    [
      '/* history (properties/history.ts), only when the event was accepted */',
      'if',
      ':: !rejected ->',
      `   if :: !p_open || ${lv} != ${preLv} -> ${clear} :: else -> ${votes} fi;`,
      `   ${misses};`,
      `   if :: h_awaiting == ${NO_LEVEL} -> h_awaiting = ${completes} :: else -> skip fi;`,
      `   if :: h_awaiting != ${NO_LEVEL} && ${lv} >= h_awaiting -> h_awaiting = ${NO_LEVEL} :: else -> skip fi`,
      ':: else -> skip',
      'fi',
    ].join('\n'),
  ];
}

function snapshot(s: Setting): string[] {
  return [
    `${preLv} = ${lv}`, 'pre_p_open = p_open', 'pre_p_from = p_from', 'pre_p_to = p_to', 'pre_misses = h_misses',
    fill('pre_votes', 'h_votes[vi]'),
    ...ACTUATORS.map((_, i) => `pre_pending[${i}] = pending[${i}]`),
  ];
}

const flagValue = (expr: string) => (expr === 'true' ? '1' : expr === 'false' ? '0' : expr);
const assertFlag = (property: string, expr: string) => [`${propertyFlag(property)} = ${flagValue(expr)}`, `assert(${propertyFlag(property)})`];

// ---------------------------------------------------------------- the model

export interface PromelaOptions {
  /** A name for the header (the policy file, or "embedded default"). */
  readonly source?: string;
  /**
   * Test-only: renderings that replace the tables', to cross-examine a deliberately broken
   * machine against `checkPolicy`'s `implementations` option broken the same way.
   */
  readonly overrides?: { readonly guards?: Readonly<Record<string, GuardRendering>>; readonly actions?: Readonly<Record<string, ActionRendering>> };
}

/**
 * The Promela model of a policy's statechart and properties.
 * @throws Error when the config uses a guard, action or shape this exporter has no rendering for.
 */
export function promelaModel(policy: Policy, options: PromelaOptions = {}): string {
  checkRejections(policy, 'promela');
  const guards = { ...GUARDS, ...options.overrides?.guards };
  const actions = { ...ACTIONS, ...options.overrides?.actions };
  const chart = readStatechart(policy, { guards: new Set(Object.keys(guards)), actions: new Set(Object.keys(actions)) }, 'promela');
  const props = renderings();
  const ids = adminIds(policy);
  const s: Setting = { policy, guards, actions, admins: ids.length, voters: [...ids, outsiderId(policy)] };
  const alphabet = eventAlphabet(policy);
  const voterIndex = new Map(s.voters.map((v, i) => [v, i]));
  const eventTypes = [...new Set(alphabet.map((e) => e.type))];
  const out: string[] = [];

  out.push(header(policy, options.source ?? 'embedded default', s, alphabet.length));
  out.push('/* ---- constants of the policy ---- */');
  LEVELS.forEach((level, i) => out.push(`#define ${L(level)} ${i}`));
  out.push(`#define ${NO_LEVEL} ${LEVELS.length}`);
  out.push(`#define NADMINS ${s.admins}`, `#define NVOTERS ${s.voters.length}`, `#define ESCALATE ${policy.quorum.escalate}`, `#define DEESCALATE ${policy.quorum.deescalate}`);
  out.push(`#define MAXSTEP ${policy.deescalation.maxStep}`, `#define MISSLIMIT ${policy.heartbeat.missLimit}`, `#define DETECTORMAX ${L(policy.detector.maxLevel)}`);
  out.push(`#define REBOOTLEVEL ${L(policy.faults.rebootLevel)}`, `#define FAULTUPTO ${L(policy.actuators.escalateOnFailureUpTo)}`);
  out.push(`/* voters: ${s.voters.map((v, i) => `${i} = ${v}${i >= s.admins ? ' (not an admin)' : ''}`).join(', ')} */`);
  out.push(`/* actuators: ${ACTUATORS.map((a, i) => `${i} = ${a}`).join(', ')} */`);
  for (const region of chart.regions) region.states.forEach((state, i) => out.push(`#define ${S(region.name, state.name)} ${i}`));
  chart.internalEvents.forEach((type, i) => out.push(`#define ${E(type)} ${i + 1}`));
  eventTypes.forEach((type, i) => out.push(`#define ${EVT(type)} ${i + 1}`));
  for (const field of CAPABILITY_FIELDS) capabilityDomain(field).forEach((value, i) => out.push(`#define ${V(field, value)} ${i}`));

  out.push('', '/* ---- the state: active state of each region, the context, the history ---- */');
  for (const region of chart.regions) out.push(`byte ${R(region.name)};`);
  out.push('byte level;', 'bool rebooting;', 'bool p_open;', 'byte p_from;', 'byte p_to;', 'bool p_app[NVOTERS];', 'short missed;');
  for (const field of CAPABILITY_FIELDS) out.push(`byte ${O(field)};`);
  out.push(`bool pending[${ACTUATORS.length}];`);
  out.push('bool h_votes[NVOTERS];', 'short h_misses;', 'byte h_awaiting;');

  // Scratch variables are hidden (not stored) in a normal run. SPIN's multi-core search refuses
  // hidden variables: spin -DMULTICORE makes them plain, and `scrub` zeroes them after every
  // step, so every stored state still holds the same zeros and the state count does not change.
  const scratch: { type: string; name: string; size?: string }[] = [
    ...chart.regions.map((r) => ({ type: 'byte', name: SEL(r.name) })),
    { type: 'byte', name: 'q_type', size: String(QUEUE) }, { type: 'byte', name: 'q_to', size: String(QUEUE) },
    ...['q_head', 'q_tail', 'cur_type', 'cur_to', 'rejected', 'ev_type', ...(['target', 'level', 'actuator'] as const).map(EV), preLv, 'pre_p_open', 'pre_p_from', 'pre_p_to'].map((name) => ({ type: 'byte', name })),
    { type: 'short', name: EV('admin') }, // a voter index: a policy may have up to 1024 admins
    { type: 'short', name: 'vi' },
    { type: 'short', name: 'pre_misses' }, { type: 'byte', name: 'pre_votes', size: 'NVOTERS' }, { type: 'byte', name: 'pre_pending', size: String(ACTUATORS.length) },
    ...props.filter(({ r }) => r.on === 'transition' || r.on === 'state' || r.on === 'policy').map(({ id: pid }) => ({ type: 'byte', name: propertyFlag(pid) })),
  ];
  out.push('', '/* ---- scratch of one step: hidden, so not part of the stored state (see MULTICORE) ---- */');
  out.push('#ifdef MULTICORE', '#define SCRATCH', '#else', '#define SCRATCH hidden', '#endif');
  out.push(...scratch.map((v) => `SCRATCH ${v.type} ${v.name}${v.size ? `[${v.size}]` : ''};`));
  const zero = scratch.flatMap((v) => (v.size === undefined ? [`${v.name} = 0`] : v.size === 'NVOTERS' ? [fill(v.name, '0')] : Array.from({ length: Number(v.size) }, (_, i) => `${v.name}[${i}] = 0`)));
  out.push(`inline scrub() {\n#ifdef MULTICORE\n${block([...zero, 'vi = 0'], '  ')}\n#else\n  skip\n#endif\n}`);

  out.push('', '/* ---- raised events: processed first in, first out, one microstep each ---- */');
  const dispatch = chart.internalEvents.map((type) => `:: cur_type == ${E(type)} ->\n${block(microstep(s, chart, internalView(type)), '   ')}`);
  out.push(`inline settle() {\n  do\n  :: q_head < q_tail ->\n     cur_type = q_type[q_head]; cur_to = q_to[q_head]; q_head++;\n     if\n${dispatch.join('\n').split('\n').map((l) => '     ' + l).join('\n')}\n     :: else -> skip\n     fi\n  :: else -> break\n  od;\n  q_head = 0;\n  q_tail = 0\n}`);

  const stateAsserts = props.flatMap(({ id: pid, r }) => (r.on === 'state' ? assertFlag(pid, r.render(s)) : []));
  out.push('', '/* ---- the initial state: the config context, each region\'s initial state and its entry actions ---- */');
  const init = [
    ...initialContext(s, (machineConfig(policy) as unknown as { context: GuillotineContext }).context),
    ...chart.regions.flatMap((region) => {
      const initial = region.states.find((st) => st.name === region.initial)!;
      return [`${R(region.name)} = ${S(region.name, initial.name)}`, ...initial.entry.flatMap((a) => renderAction(s, internalView('isolation.changed'), a))];
    }),
    'settle()',
    `h_awaiting = ${NO_LEVEL}`,
    ...props.flatMap(({ id: pid, r }) => (r.on === 'policy' ? assertFlag(pid, r.render(s)) : [])),
    ...stateAsserts,
    'scrub()',
  ];
  out.push(`inline initialise() {\n${block(init, '  ')}\n}`);

  // One shared step body, dispatching on the event type at run time: SPIN expands an inline at
  // every call, and one copy per event made pan.c take minutes to compile.
  out.push('', '/* ---- the step: an external event\'s whole run to completion, history and properties ---- */');
  const transitionFlags = props.filter(({ r }) => r.on === 'transition').map(({ id: pid }) => propertyFlag(pid));
  const byType = (render: (view: View) => string[]) => `if\n${eventTypes.map((type) => `:: ev_type == ${EVT(type)} ->\n${block(render(externalView(type)), '   ')}`).join('\n')}\nfi`;
  const body = [
    ...snapshot(s),
    'rejected = 0',
    byType((view) => microstep(s, chart, view)),
    'settle()',
    byType((view) => [
      ...advanceHistory(s, view),
      ...props.flatMap(({ id: pid, r }) => (r.on === 'transition' ? [`${propertyFlag(pid)} = ${flagValue(r.render(s, view))}`] : [])),
    ]),
    ...transitionFlags.map((flag) => `assert(${flag})`),
    ...stateAsserts,
    'scrub()',
  ];
  out.push(`inline step() {\n${block(body, '  ')}\n}`);

  const choices = alphabet.map((event, i) => {
    const args = eventArguments(event, voterIndex);
    const guard = handled(s, chart, externalView(event.type, (f) => args[f]!));
    const sets = [`ev_type = ${EVT(event.type)}`, ...(EXTERNAL_FIELDS[event.type] ?? []).map((f) => `${EV(f)} = ${args[f]}`)];
    return { i, guard, sets: sets.join('; '), name: encodeEvent(event) };
  });
  out.push('', '/* ---- the system: one loop; each event of the alphabet is one atomic step (the choice inside atomic is not stored) ---- */');
  out.push('#ifndef FAIR_EVENTS');
  out.push('active proctype guillotine() {', '  d_step { initialise() }', '  do', '  :: atomic {', '       if');
  for (const c of choices) out.push(`       :: ${c.guard} -> ${c.sets}   /* ${c.name} */`);
  out.push('       fi;', '       d_step { step() }', '     }', '  od', '}');
  // SPIN's weak fairness (pan -f) is per process: with one process per event it is the checker's
  // weak fairness of every event. Only for the liveness run: the process counters and the
  // fairness copies make it far larger than the safety run, whose states it does not change.
  out.push('#else', '/* liveness under weak fairness of every event: spin -DFAIR_EVENTS -a; pan -a -f (one process per event) */');
  if (alphabet.length > MAX_FAIR_EVENTS) {
    out.push(`#error the alphabet has ${alphabet.length} events; SPIN runs at most ${MAX_FAIR_EVENTS} event processes`);
  } else {
    out.push('proctype event(byte k) {', '  do', '  :: atomic {', '       if');
    for (const c of choices) out.push(`       :: k == ${c.i} && ${c.guard} -> ${c.sets}   /* ${c.name} */`);
    out.push('       fi;', '       d_step { step() }', '     }', '  od', '}');
    out.push('init {', '  d_step { initialise() };', `  atomic {\n${choices.map((c) => `    run event(${c.i})`).join(';\n')}\n  }`, '}');
  }
  out.push('#endif');

  out.push('', '/* ---- liveness (a separate run: pan -a; see the header for its fairness) ---- */');
  for (const { id: pid, r } of props) if (r.on === 'eventually') out.push(`ltl ${propertyFlag(pid)} { ${r.ltl} }`);
  return out.join('\n') + '\n';
}

/** An event's fields as the model's constants. */
function eventArguments(event: GuillotineEvent, voterIndex: ReadonlyMap<string, number>): Partial<Record<EventField, string>> {
  const voter = (admin: string) => String(voterIndex.get(admin));
  switch (event.type) {
    case 'propose':
      return { admin: voter(event.admin), target: L(event.target) };
    case 'approve':
      return { admin: voter(event.admin) };
    case 'alarm':
      return { level: L(event.level) };
    case 'actuator-confirm':
    case 'actuator-fault':
      return { actuator: String(ACTUATORS.indexOf(event.actuator)) };
    default:
      return {};
  }
}

function initialContext(s: Setting, ctx: GuillotineContext): string[] {
  const voter = (v: string) => {
    const i = s.voters.indexOf(v);
    if (i < 0) throw new Error(`promela: the initial context names ${JSON.stringify(v)}, who is not a voter`);
    return i;
  };
  return [
    '/* machineConfig(policy).context */',
    `level = ${L(ctx.level)}`,
    `rebooting = ${ctx.rebooting ? 1 : 0}`,
    ...(ctx.proposal === null
      ? ['p_open = 0', 'p_from = 0', 'p_to = 0']
      : ['p_open = 1', `p_from = ${L(ctx.proposal.from)}`, `p_to = ${L(ctx.proposal.to)}`, ...ctx.proposal.approvals.map((a) => `p_app[${voter(a)}] = 1`)]),
    `missed = ${ctx.missedHeartbeats}`,
    ...CAPABILITY_FIELDS.map((f) => `${O(f)} = ${V(f, ctx.outputs[f])}`),
    ...ACTUATORS.map((a, i) => `pending[${i}] = ${ctx.pendingActuators.includes(a) ? 1 : 0}`),
  ];
}

function header(policy: Policy, source: string, s: Setting, events: number): string {
  const q = policy.quorum;
  return `/*
 * Guillotine: the composed protocol statechart and its safety properties, for SPIN.
 * Generated by \`guillotine export --format promela\` from machineConfig(policy) (machines/guillotine.ts);
 * do not edit: re-export after changing the policy or the statechart.
 *
 * Policy: ${source}; ${s.admins} admins, escalate ${q.escalate}, de-escalate ${q.deescalate}, onTimeout ${q.onTimeout},
 * maxStep ${policy.deescalation.maxStep}, irreversible [${policy.irreversible.join(', ')}], missLimit ${policy.heartbeat.missLimit},
 * detector.maxLevel ${policy.detector.maxLevel}, faults.rebootLevel ${policy.faults.rebootLevel}, actuators.escalateOnFailureUpTo ${policy.actuators.escalateOnFailureUpTo}.
 *
 * Semantics: one process, one loop; each of the ${events} events of the checker's alphabet (each admin and
 * one outsider proposing every level and approving, timeout, heartbeat, heartbeat-missed, alarms at every
 * level, mce, assertion-failure, reboot-complete, each actuator's confirm and fault) is one option of an
 * atomic choice followed by one shared d_step, which is the event's whole run to completion (internal
 * events included), its history update and its assertions: ONE SPIN transition per event. (The step is
 * shared because an inline is copied at every use: one copy per event made gcc take minutes.) So SPIN's
 * stored states are the built-in checker's (guillotine check --no-symmetry) plus SPIN's own initial
 * state before \`initialise\`. As in the checker, an event is enabled when it is accepted: a rejected
 * event leaves the state as it was and is no transition (so a state where every event is rejected
 * is an invalid end state, the checker's deadlock). Time is abstract, as in the
 * checker: a timer may expire at any step.
 *
 * Properties (docs/protocol.md section 4) and how they are exported:
 *   irreversible-levels, deescalation-needs-quorum, escalation-has-cause, failsafe-only-raises,
 *   failsafe-reaches-offline  - step properties: asserted at the end of every d_step on (pre-state, event, post-state);
 *   approvals-bound-to-proposal, level-capabilities - state properties: asserted in the initial state and after every step;
 *   quorum-intersection - policy arithmetic: asserted once, in the initialising d_step;
 *   no-deadlock - SPIN's invalid end state (the loop head is not an end label);
 *   escalation-liveness - the ltl claim below, [] <> (nothing awaits), judged like the checker under weak
 *     fairness of every event: SPIN's weak fairness (pan -f) is per process, so the FAIR_EVENTS variant
 *     runs one process per event (for the claim's run only: its processes and SPIN's fairness copies make
 *     it larger, over the same machine states).
 * The history variables of properties/history.ts (votes, misses, awaiting) are kept as the checker keeps them.
 * Not exported: the vacuity guards (sometimes-properties), which the checker reports as warnings only.
 * Each assertion names a flag called after its property, so "assertion violated <flag>" says which one failed.
 *
 * Run (exhaustive, every verdict in one run, no partial-order reduction):
 *   spin -a guillotine.pml
 *   gcc -O2 -DNOREDUCE -DSAFETY -DNOCLAIM -DVECTORSZ=8192 -o pan pan.c && ./pan -c0 -m1000000
 *   spin -DFAIR_EVENTS -a guillotine.pml          (escalation-liveness, one process per event)
 *   gcc -O2 -DNOREDUCE -DVECTORSZ=8192 -DNFAIR=${Math.ceil((events + 2 + 4) / 4) + 1} -o pan-ltl pan.c && ./pan-ltl -a -f -A -m1000000
 * Multi-core (SPIN refuses hidden variables there): spin -DMULTICORE -a guillotine.pml; gcc ... -DNCORE=2.
 * A safe policy gives "errors: 0"; otherwise each "assertion violated <flag>" line names a refuted property
 * (pan -c0 goes on after errors and prints each distinct message at least once), "invalid end state" a deadlock.
 * \`guillotine\`'s own runner of all this is export/spin.ts (runSpin).
 */`;
}
