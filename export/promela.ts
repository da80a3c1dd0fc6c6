/**
 * `promelaModel(policy)`: the composed Guillotine statechart and its safety properties as a
 * Promela model for SPIN. The statechart's shape — regions, states, which transition each region
 * selects, entries, raised events — is read from `machineConfig(policy)` (`readStatechart`) and
 * rendered as `referenceEngine` runs it: in a microstep each region selects its first enabled
 * transition on the pre-state, then the selected transitions' actions run (region order), then
 * their targets' entry actions; raised internal events wait in a FIFO queue processed after the
 * microstep, one microstep each.
 *
 * Nothing of the protocol is written here: every guard, context update, raised level change,
 * history update and property condition is the rule of `machines/rules.ts`, `properties/history.ts`
 * or `properties/` itself, interpreted as Promela by `promelaOps.ts`. A spec mutant (or any
 * machine a test builds from other rules) is exported as it is checked.
 *
 * Each event of `eventAlphabet(policy)` is one option of an atomic choice in one loop, followed by
 * one shared `d_step` with the event's whole run to completion, the history update and the
 * property assertions: one SPIN transition per checker transition (SPIN does not store the states
 * inside an atomic sequence), so SPIN's stored states are the checker's states plus SPIN's own
 * initial state before the initialising `d_step` (exactly one more). As in the checker, an event is
 * enabled when it is accepted: a rejected event leaves the state as it was and is no transition.
 */
import { ACTUATORS, LEVELS } from '../spec/levels.ts';
import { encodeEvent, type GuillotineEvent } from '../spec/events.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import { EFFECTS, REJECTIONS } from '../machines/guillotine.ts';
import type { GuillotineContext } from '../machines/protocol.ts';
import { LEVEL, NO_LEVEL, type ContextView, type EventView, type HistoryView, type StateView } from '../machines/protocolOps.ts';
import { PROTOCOL_RULES, commandedLevel, type ProtocolRules } from '../machines/rules.ts';
import { eventAlphabet, outsiderId } from '../machines/alphabet.ts';
import { nextHistory } from '../properties/history.ts';
import { PROPERTIES, type GuillotineProperty } from '../properties/index.ts';
import { checkRejections, EXTERNAL_FIELDS, readStatechart, ruleVocabulary, type EventField, type ActionRef, type RegionRef, type Statechart, type TransitionRef } from './statechart.ts';
import { promelaOps, type Pml, type PmlSet } from './promelaOps.ts';

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
/** Raised events per run to completion: the config raises at most three; overflow is an assertion. */
const QUEUE = 8;
/** SPIN runs at most 255 processes; the fair variant has one per event plus init. */
export const MAX_FAIR_EVENTS = 250;

/**
 * Every voter's entry of an array set from an expression of `vi`: a loop, not one statement per
 * voter, since SPIN caps the length of a d_step ("d_step sequence too long" at a hundred admins unrolled).
 */
const fill = (array: string, value: (i: Pml) => Pml) => `for (vi : 0 .. NVOTERS - 1) { ${array}[vi] = ${value('vi')} }`;
const flagValue = (expr: Pml) => (expr === 'true' ? '1' : expr === 'false' ? '0' : expr);
const assertFlag = (property: string, expr: Pml) => [`${propertyFlag(property)} = ${flagValue(expr)}`, `assert(${propertyFlag(property)})`];
/** A bool of the model as an expression of the rules (Promela's `bool` is 0 or 1). */
const arraySet = (array: string): PmlSet => (i) => `${array}[${i}]`;

// ---------------------------------------------------------------- the views the rules read

/** The context in the model's variables: `prefix` '' for the state as it is, 'pre_' for its snapshot before the step. */
function contextIn(prefix: '' | 'pre_'): ContextView<Pml, Pml, PmlSet> {
  return {
    level: `${prefix}level`,
    rebooting: `${prefix}rebooting`,
    open: `${prefix}p_open`,
    from: `${prefix}p_from`,
    to: `${prefix}p_to`,
    approvals: arraySet(`${prefix}p_app`),
    missed: `${prefix}missed`,
    commanded: `${prefix}commanded`,
    pending: ACTUATORS.map((_, i) => `${prefix}pending[${i}]`),
  };
}

const HISTORY: HistoryView<Pml, PmlSet> = { votes: arraySet('h_votes'), misses: 'h_misses', awaiting: 'h_awaiting', floor: 'h_floor' };
const PRE_HISTORY: HistoryView<Pml, PmlSet> = { votes: arraySet('pre_votes'), misses: 'pre_misses', awaiting: 'pre_awaiting', floor: 'pre_floor' };
const LIVE: StateView<Pml, Pml, PmlSet> = { isolation: R('isolation'), context: contextIn(''), history: HISTORY };
const PRE: StateView<Pml, Pml, PmlSet> = { isolation: `pre_${R('isolation')}`, context: contextIn('pre_'), history: PRE_HISTORY };

// An external event's fields: in the shared step body the hidden `ev_*` variables the loop sets; in
// the loop's guards the event's constants.
const EV = (field: EventField) => `ev_${field}`;

/** An external event of a type, as the rules read it, its fields read through `value`. */
function externalEvent(type: string, value: (field: EventField) => Pml = EV): EventView<Pml, Pml> {
  const fields = EXTERNAL_FIELDS[type] ?? [];
  const view: Record<string, string> = { type };
  for (const f of fields) view[f] = value(f);
  return view as unknown as EventView<Pml, Pml>;
}

function internalEvent(type: string): EventView<Pml, Pml> {
  return (type === 'isolation.set' ? { type, to: 'cur_to', cause: 'quorum' } : { type }) as EventView<Pml, Pml>;
}

// ---------------------------------------------------------------- the machine's rules, as statements

interface Setting {
  readonly policy: Policy;
  readonly rules: ProtocolRules;
  readonly o: ReturnType<typeof promelaOps>;
  readonly admins: number;
  /** Voters: the admins, then the outsider the alphabet also tries. */
  readonly voters: readonly string[];
  readonly properties: readonly GuillotineProperty[];
}

/** Lines joined as Promela statements, indented. */
function block(lines: readonly string[], indent: string): string {
  const comment = (l: string) => /^\/\*[^]*\*\/$/.test(l) && !l.includes('\n');
  // A comment is no statement: it takes no separator after it.
  return lines.map((l, i) => l.split('\n').map((x) => indent + x).join('\n') + (i === lines.length - 1 ? '' : comment(l) ? '\n' : ';\n')).join('');
}

/** The statements of a context update: every new value is computed into a hidden temporary first, then assigned. */
function update(u: Partial<ContextView<Pml, Pml, PmlSet>>): string[] {
  const live = contextIn('');
  const scalars: [string, Pml][] = [];
  for (const key of ['level', 'rebooting', 'open', 'from', 'to', 'missed', 'commanded'] as const) {
    const value = u[key];
    if (value !== undefined && value !== live[key]) scalars.push([live[key], value]);
  }
  u.pending?.forEach((value, i) => {
    if (value !== live.pending[i]) scalars.push([live.pending[i]!, value]);
  });
  const lines = scalars.map(([variable, value]) => `t_${variable.replace(/[[\]]/g, '')} = ${flagValue(value)}`);
  if (u.approvals !== undefined) lines.push(fill('t_app', u.approvals));
  lines.push(...scalars.map(([variable]) => `${variable} = t_${variable.replace(/[[\]]/g, '')}`));
  if (u.approvals !== undefined) lines.push(fill('p_app', (i) => `t_app[${i}]`));
  return lines;
}

function renderAction(s: Setting, event: EventView<Pml, Pml>, a: ActionRef): string[] {
  const u = s.rules.updates[a.type];
  if (u) return update(u(s.o, s.policy, contextIn(''), event, a.params));
  const raiser = s.rules.raises[a.type];
  if (raiser) {
    const raised = raiser(s.o, s.policy, contextIn(''), event, a.params);
    return [`assert(q_tail < ${QUEUE})`, `q_type[q_tail] = ${E(raised.type)}`, `q_to[q_tail] = ${raised.type === 'isolation.set' ? raised.to : '0'}`, 'q_tail++'];
  }
  if (REJECTIONS.has(a.type)) return ['rejected = 1'];
  if (EFFECTS[a.type]) return ['skip /* a report (note, alert, level change): no state */'];
  throw new Error(`promela: unknown action "${a.type}"`);
}

function renderGuard(s: Setting, context: ContextView<Pml, Pml, PmlSet>, event: EventView<Pml, Pml>, t: TransitionRef): Pml {
  if (t.guard === undefined) return 'true';
  const rule = s.rules.guards[t.guard.type];
  if (rule === undefined) throw new Error(`promela: unknown guard "${t.guard.type}"`);
  return rule(s.o, s.policy, context, event, t.guard.params);
}

/** The (state, transition) pairs of a region for an event, numbered from 1 as `sel_<region>` values. */
function candidates(region: RegionRef, type: string) {
  let n = 0;
  return region.states.flatMap((state) => (state.on[type] ?? []).map((t) => ({ state, t, index: ++n })));
}

const rejecting = (t: TransitionRef) => (t.actions ?? []).some((a) => REJECTIONS.has(a.type));

/**
 * Whether the event is accepted: the checker's "enabled" (a rejected event leaves the state as it
 * was and is no transition at all). A region's first enabled transition is the one it takes, so the
 * event is accepted when that transition, in the region whose state has one, is not a rejection.
 * (Every rejecting transition of the config only explains itself and no event type is handled by
 * two regions; `checkRejectionsExplainOnly` holds the config to that.)
 */
function handled(s: Setting, chart: Statechart, event: EventView<Pml, Pml>): Pml {
  const o = s.o;
  return o.or(
    ...chart.regions.flatMap((region) =>
      region.states.map((state) => {
        const list = state.on[event.type] ?? [];
        const guards = list.map((t) => renderGuard(s, contextIn(''), event, t));
        const takes = list.flatMap((t, i) => (rejecting(t) ? [] : [o.and(guards[i]!, ...guards.slice(0, i).map(o.not))]));
        return takes.length === 0 ? 'false' : o.and(`${R(region.name)} == ${S(region.name, state.name)}`, o.or(...takes));
      }),
    ),
  );
}

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
function microstep(s: Setting, chart: Statechart, event: EventView<Pml, Pml>): string[] {
  const lines: string[] = [];
  const involved = chart.regions.filter((region) => candidates(region, event.type).length > 0);
  for (const region of involved) {
    const options = region.states
      .filter((state) => (state.on[event.type] ?? []).length > 0)
      .map((state) => {
        const numbered = candidates(region, event.type).filter((c) => c.state === state);
        // The first enabled transition wins: an if-else chain, so the choice is deterministic.
        const chain = (i: number): string => {
          if (i >= numbered.length) return `${SEL(region.name)} = 0`;
          const c = numbered[i]!;
          const g = renderGuard(s, contextIn(''), event, c.t);
          if (g === 'true') return `${SEL(region.name)} = ${c.index}`;
          if (g === 'false') return chain(i + 1);
          return `if :: ${g} -> ${SEL(region.name)} = ${c.index} :: else -> ${chain(i + 1)} fi`;
        };
        return `:: ${R(region.name)} == ${S(region.name, state.name)} -> ${chain(0)}`;
      });
    lines.push(`/* ${region.name}: select its first enabled transition on the pre-state */\nif\n${options.join('\n')}\n:: else -> ${SEL(region.name)} = 0\nfi`);
  }
  for (const region of involved) {
    const withActions = candidates(region, event.type).filter((c) => c.t.actions.length > 0);
    if (withActions.length === 0) continue;
    lines.push(`/* ${region.name}: the selected transition's actions */\nif\n${withActions.map((c) => `:: ${SEL(region.name)} == ${c.index} ->\n${block(c.t.actions.flatMap((a) => renderAction(s, event, a)), '   ')}`).join('\n')}\n:: else -> skip\nfi`);
  }
  for (const region of involved) {
    const withTarget = candidates(region, event.type).filter((c) => c.t.target !== undefined);
    if (withTarget.length === 0) continue;
    const enter = (c: (typeof withTarget)[number]) => {
      const target = region.states.find((st) => st.name === c.t.target)!;
      return block([`${R(region.name)} = ${S(region.name, target.name)}`, ...target.entry.flatMap((a) => renderAction(s, event, a))], '   ');
    };
    lines.push(`/* ${region.name}: enter the target */\nif\n${withTarget.map((c) => `:: ${SEL(region.name)} == ${c.index} ->\n${enter(c)}`).join('\n')}\n:: else -> skip\nfi`);
  }
  return lines.length > 0 ? lines : ['skip /* no region handles this event */'];
}

/** The history after an accepted step (properties/history.ts `nextHistory`), through hidden temporaries. */
function advanceHistory(s: Setting, event: EventView<Pml, Pml>): string[] {
  const h = nextHistory(s.o, s.policy, PRE, event, { isolation: LIVE.isolation, context: contextIn('') });
  return [
    '/* history (properties/history.ts), only when the event was accepted */',
    fill('t_votes', h.votes),
    `t_misses = ${h.misses}`,
    `t_awaiting = ${h.awaiting}`,
    `t_floor = ${h.floor}`,
    fill('h_votes', (i) => `t_votes[${i}]`),
    'h_misses = t_misses',
    'h_awaiting = t_awaiting',
    'h_floor = t_floor',
  ];
}

/** The snapshot of the state before the step, for the history and the step properties. */
function snapshot(): string[] {
  const live = contextIn('');
  return [
    `pre_${R('isolation')} = ${R('isolation')}`,
    ...(['level', 'rebooting', 'open', 'from', 'to', 'missed', 'commanded'] as const).map((k) => `pre_${live[k]} = ${live[k]}`),
    ...ACTUATORS.map((_, i) => `pre_pending[${i}] = pending[${i}]`),
    fill('pre_p_app', (i) => `p_app[${i}]`),
    fill('pre_votes', (i) => `h_votes[${i}]`),
    'pre_misses = h_misses',
    'pre_awaiting = h_awaiting',
    'pre_floor = h_floor',
  ];
}

// ---------------------------------------------------------------- properties

/** A transition property on the step just taken, as a Promela truth value. */
function transitionHolds(s: Setting, p: GuillotineProperty, event: EventView<Pml, Pml>): Pml {
  if (p.check.on !== 'transition') throw new Error(`promela: ${p.id} is not judged on transitions`);
  return s.o.and(...p.check.clauses.map((c) => c.holds(s.o, s.policy, PRE, event, LIVE)));
}

function stateHolds(s: Setting, p: GuillotineProperty): Pml {
  if (p.check.on !== 'state') throw new Error(`promela: ${p.id} is not judged on states`);
  return s.o.and(...p.check.clauses.map((c) => c.holds(s.o, s.policy, LIVE)));
}

function policyHolds(s: Setting, p: GuillotineProperty): Pml {
  if (p.check.on !== 'policy') throw new Error(`promela: ${p.id} is not policy arithmetic`);
  return s.o.and(...p.check.clauses.map((c) => c.holds(s.o, s.policy)));
}

// ---------------------------------------------------------------- the model

export interface PromelaOptions {
  /** A name for the header (the policy file, or "embedded default"). */
  readonly source?: string;
  /** The machine's rules: the correct ones by default, a spec mutant's to export a broken design. */
  readonly rules?: ProtocolRules;
}

/**
 * The Promela model of a policy's statechart and properties.
 * @throws Error when the config uses a guard, action or shape this exporter cannot render.
 */
export function promelaModel(policy: Policy, options: PromelaOptions = {}): string {
  checkRejections(policy, 'promela');
  const rules = options.rules ?? PROTOCOL_RULES;
  const chart = readStatechart(policy, ruleVocabulary(rules), 'promela');
  checkRejectionsExplainOnly(chart);
  const ids = adminIds(policy);
  const s: Setting = { policy, rules, o: promelaOps(ids.length), admins: ids.length, voters: [...ids, outsiderId(policy)], properties: PROPERTIES };
  const alphabet = eventAlphabet(policy);
  const voterIndex = new Map(s.voters.map((v, i) => [v, i]));
  const eventTypes = [...new Set(alphabet.map((e) => e.type))];
  const by = (on: string) => PROPERTIES.filter((p) => p.check.on === on);
  const out: string[] = [];

  out.push(header(policy, options.source ?? 'embedded default', s, alphabet.length));
  out.push('/* ---- constants of the policy ---- */');
  LEVELS.forEach((level, i) => out.push(`#define ${L(level)} ${i}`));
  out.push(`#define NO_LEVEL ${NO_LEVEL}`);
  out.push(`#define NADMINS ${s.admins}`, `#define NVOTERS ${s.voters.length}`, `#define ESCALATE ${policy.quorum.escalate}`, `#define DEESCALATE ${policy.quorum.deescalate}`);
  out.push(`#define MAXSTEP ${policy.deescalation.maxStep}`, `#define MISSLIMIT ${policy.heartbeat.missLimit}`);
  out.push(`/* levels are numbered as above; a level-valued variable holds NO_LEVEL (${NO_LEVEL}) for none */`);
  out.push(`/* voters: ${s.voters.map((v, i) => `${i} = ${v}${i >= s.admins ? ' (not an admin)' : ''}`).join(', ')} */`);
  out.push(`/* actuators: ${ACTUATORS.map((a, i) => `${i} = ${a}`).join(', ')}; commanded: the level whose capability row (section 2) the hypervisor commands */`);
  for (const region of chart.regions) region.states.forEach((state, i) => out.push(`#define ${S(region.name, state.name)} ${i}`));
  chart.internalEvents.forEach((type, i) => out.push(`#define ${E(type)} ${i + 1}`));
  eventTypes.forEach((type, i) => out.push(`#define ${EVT(type)} ${i + 1}`));

  out.push('', '/* ---- the state: active state of each region, the context, the history ---- */');
  for (const region of chart.regions) out.push(`byte ${R(region.name)};`);
  out.push('byte level;', 'bool rebooting;', 'bool p_open;', 'byte p_from;', 'byte p_to;', 'bool p_app[NVOTERS];', 'short missed;', 'byte commanded;');
  out.push(`bool pending[${ACTUATORS.length}];`);
  out.push('bool h_votes[NVOTERS];', 'short h_misses;', 'byte h_awaiting;', 'byte h_floor;');

  // Scratch variables are hidden (not stored) in a normal run. SPIN's multi-core search refuses
  // hidden variables: spin -DMULTICORE makes them plain, and `scrub` zeroes them after every
  // step, so every stored state still holds the same zeros and the state count does not change.
  const byte = (name: string, size?: string) => ({ type: 'byte', name, size });
  const scratch: { type: string; name: string; size?: string }[] = [
    ...chart.regions.map((r) => byte(SEL(r.name))),
    byte('q_type', String(QUEUE)), byte('q_to', String(QUEUE)),
    ...['q_head', 'q_tail', 'cur_type', 'cur_to', 'rejected', 'ev_type', ...(['target', 'level', 'actuator'] as const).map(EV)].map((n) => byte(n)),
    { type: 'short', name: EV('admin') }, // a voter index: a policy may have up to 1024 admins
    { type: 'short', name: 'vi' },
    // The state before the step, and the temporaries of the updates and the history.
    ...[`pre_${R('isolation')}`, 'pre_level', 'pre_rebooting', 'pre_p_open', 'pre_p_from', 'pre_p_to', 'pre_commanded', 'pre_awaiting', 'pre_floor'].map((n) => byte(n)),
    { type: 'short', name: 'pre_missed' }, { type: 'short', name: 'pre_misses' },
    byte('pre_pending', String(ACTUATORS.length)), byte('pre_p_app', 'NVOTERS'), byte('pre_votes', 'NVOTERS'),
    ...['t_level', 't_rebooting', 't_p_open', 't_p_from', 't_p_to', 't_commanded', 't_awaiting', 't_floor', ...ACTUATORS.map((_, i) => `t_pending${i}`)].map((n) => byte(n)),
    { type: 'short', name: 't_missed' }, { type: 'short', name: 't_misses' },
    byte('t_app', 'NVOTERS'), byte('t_votes', 'NVOTERS'),
    ...PROPERTIES.filter((p) => ['transition', 'state', 'policy'].includes(p.check.on)).map((p) => byte(propertyFlag(p.id))),
  ];
  out.push('', '/* ---- scratch of one step: hidden, so not part of the stored state (see MULTICORE) ---- */');
  out.push('#ifdef MULTICORE', '#define SCRATCH', '#else', '#define SCRATCH hidden', '#endif');
  out.push(...scratch.map((v) => `SCRATCH ${v.type} ${v.name}${v.size ? `[${v.size}]` : ''};`));
  const zero = scratch.flatMap((v) => (v.size === undefined ? [`${v.name} = 0`] : v.size === 'NVOTERS' ? [fill(v.name, () => '0')] : Array.from({ length: Number(v.size) }, (_, i) => `${v.name}[${i}] = 0`)));
  out.push(`inline scrub() {\n#ifdef MULTICORE\n${block([...zero, 'vi = 0'], '  ')}\n#else\n  skip\n#endif\n}`);

  out.push('', '/* ---- raised events: processed first in, first out, one microstep each ---- */');
  const dispatch = chart.internalEvents.map((type) => `:: cur_type == ${E(type)} ->\n${block(microstep(s, chart, internalEvent(type)), '   ')}`);
  out.push(`inline settle() {\n  do\n  :: q_head < q_tail ->\n     cur_type = q_type[q_head]; cur_to = q_to[q_head]; q_head++;\n     if\n${dispatch.join('\n').split('\n').map((l) => '     ' + l).join('\n')}\n     :: else -> skip\n     fi\n  :: else -> break\n  od;\n  q_head = 0;\n  q_tail = 0\n}`);

  const stateAsserts = by('state').flatMap((p) => assertFlag(p.id, stateHolds(s, p)));
  out.push('', '/* ---- the initial state: the config context, each region\'s initial state and its entry actions ---- */');
  const entered = internalEvent('isolation.changed');
  const init = [
    ...initialContext(s, chart.context),
    ...chart.regions.flatMap((region) => {
      const initial = region.states.find((st) => st.name === region.initial)!;
      return [`${R(region.name)} = ${S(region.name, initial.name)}`, ...initial.entry.flatMap((a) => renderAction(s, entered, a))];
    }),
    'settle()',
    'h_awaiting = NO_LEVEL',
    'h_floor = NO_LEVEL',
    ...by('policy').flatMap((p) => assertFlag(p.id, policyHolds(s, p))),
    ...stateAsserts,
    'scrub()',
  ];
  out.push(`inline initialise() {\n${block(init, '  ')}\n}`);

  // One shared step body, dispatching on the event type at run time: SPIN expands an inline at
  // every call, and one copy per event made pan.c take minutes to compile.
  out.push('', '/* ---- the step: an external event\'s whole run to completion, history and properties ---- */');
  const transitionProperties = by('transition');
  const byType = (render: (event: EventView<Pml, Pml>) => string[]) => `if\n${eventTypes.map((type) => `:: ev_type == ${EVT(type)} ->\n${block(render(externalEvent(type)), '   ')}`).join('\n')}\nfi`;
  const body = [
    ...snapshot(),
    'rejected = 0',
    byType((event) => microstep(s, chart, event)),
    'settle()',
    // A closed proposal reads as from = to = 0 with no approvals, as in every interpretation.
    `if :: !p_open -> p_from = 0; p_to = 0; ${fill('p_app', () => '0')} :: else -> skip fi`,
    byType((event) => [...advanceHistory(s, event), ...transitionProperties.map((p) => `${propertyFlag(p.id)} = ${flagValue(transitionHolds(s, p, event))}`)]),
    ...transitionProperties.map((p) => `assert(${propertyFlag(p.id)})`),
    ...stateAsserts,
    'scrub()',
  ];
  out.push(`inline step() {\n${block(body, '  ')}\n}`);

  const choices = alphabet.map((event, i) => {
    const args = eventArguments(event, voterIndex);
    const guard = handled(s, chart, externalEvent(event.type, (f) => args[f]!));
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
  for (const p of by('eventually')) {
    if (p.check.on === 'eventually') out.push(`ltl ${propertyFlag(p.id)} { [] <> ${p.check.condition(s.o, policy, LIVE)} }`);
  }
  return out.join('\n') + '\n';
}

/** An event's fields as the model's constants. */
function eventArguments(event: GuillotineEvent, voterIndex: ReadonlyMap<string, number>): Partial<Record<EventField, string>> {
  const voter = (admin: string) => String(voterIndex.get(admin));
  switch (event.type) {
    case 'propose':
      return { admin: voter(event.admin), target: String(LEVEL[event.target]) };
    case 'approve':
      return { admin: voter(event.admin) };
    case 'alarm':
      return { level: String(LEVEL[event.level]) };
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
    `commanded = ${L(LEVELS[commandedLevel(ctx.outputs)]!)}`,
    ...ACTUATORS.map((a, i) => `pending[${i}] = ${ctx.pendingActuators.includes(a) ? 1 : 0}`),
  ];
}

function header(policy: Policy, source: string, s: Setting, events: number): string {
  const q = policy.quorum;
  const listed = (on: string) => s.properties.filter((p) => p.check.on === on).map((p) => p.id).join(', ');
  return `/*
 * Guillotine: the composed protocol statechart and its safety properties, for SPIN.
 * Generated by \`guillotine export --format promela\` from machineConfig(policy) (machines/guillotine.ts)
 * and the rules it names (machines/rules.ts, properties/); do not edit: re-export after changing them.
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
 *   ${listed('transition')} - step properties: asserted at the end of every d_step on (pre-state, event, post-state);
 *   ${listed('state')} - state properties: asserted in the initial state and after every step;
 *   ${listed('policy')} - policy arithmetic: asserted once, in the initialising d_step;
 *   ${listed('progress')} - SPIN's invalid end state (the loop head is not an end label);
 *   ${listed('eventually')} - the ltl claim below, judged like the checker under weak
 *     fairness of every event: SPIN's weak fairness (pan -f) is per process, so the FAIR_EVENTS variant
 *     runs one process per event (for the claim's run only: its processes and SPIN's fairness copies make
 *     it larger, over the same machine states).
 * The history variables of properties/history.ts (votes, misses, awaiting, floor) are kept as the checker keeps them.
 * Not exported: the vacuity guards (sometimes-properties), which the checker reports as warnings only.
 * Each assertion names a flag called after its property, so "assertion violated <flag>" says which one failed.
 *
 * Run (exhaustive, every verdict in one run, no partial-order reduction):
 *   spin -a guillotine.pml
 *   gcc -O2 -DNOREDUCE -DSAFETY -DNOCLAIM -DVECTORSZ=8192 -o pan pan.c && ./pan -c0 -m1000000
 *   spin -DFAIR_EVENTS -a guillotine.pml          (the liveness claim, one process per event)
 *   gcc -O2 -DNOREDUCE -DVECTORSZ=8192 -DNFAIR=${Math.ceil((events + 2 + 4) / 4) + 1} -o pan-ltl pan.c && ./pan-ltl -a -f -A -m1000000
 * Multi-core (SPIN refuses hidden variables there): spin -DMULTICORE -a guillotine.pml; gcc ... -DNCORE=2.
 * A safe policy gives "errors: 0"; otherwise each "assertion violated <flag>" line names a refuted property
 * (pan -c0 goes on after errors and prints each distinct message at least once), "invalid end state" a deadlock.
 * \`guillotine\`'s own runner of all this is export/spin.ts (runSpin).
 */`;
}
