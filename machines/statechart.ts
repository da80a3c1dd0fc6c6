/**
 * The statechart config `machineConfig(policy)` read as plain data, for every reader that is not
 * XState itself: the reference interpreter (`engine.ts`), the checker's generated code and state
 * codec (`checker/`), the exporters (`export/`), the test generator's edge coverage (`testgen/`) and
 * the visualizer's drawing (`viz/`). It checks
 * what they all assume: only parallel regions of atomic states, guards and actions named in a
 * table the reader knows, targets that exist. Anything else throws here, so a config change a
 * reader cannot follow is caught when it is built, instead of being silently misread.
 *
 * The walk keeps the interpreter's order: regions in `REGIONS` order, transitions in document
 * order (the first enabled one of a region is selected), entry actions in order.
 */
import { EFFECTS, machineConfig } from './guillotine.ts';
import type { GuillotineContext } from './protocol.ts';
import { PROTOCOL_RULES, type ProtocolRules } from './rules.ts';
import { EVENT_TYPES } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';

/** The regions of the system machine, in document order. */
export const REGIONS = ['isolation', 'proposal', 'watchdog', 'hypervisor', 'detector', 'actuators'] as const;
export type Region = (typeof REGIONS)[number];

export interface ActionRef {
  readonly type: string;
  readonly params?: Readonly<Record<string, string>>;
}

export interface TransitionRef {
  readonly guard?: ActionRef;
  readonly target?: string;
  readonly actions: readonly ActionRef[];
  /** The human reading of the guard (quorum thresholds, caps), for the visualizer and the coverage report. */
  readonly description?: string;
}

export interface StateRef {
  readonly name: string;
  readonly entry: readonly ActionRef[];
  readonly on: Readonly<Record<string, readonly TransitionRef[]>>;
  /** The state's tags (`irreversible` on a level the policy makes irreversible). */
  readonly tags: readonly string[];
}

export interface RegionRef {
  readonly name: Region;
  readonly initial: string;
  readonly states: readonly StateRef[];
}

export interface Statechart {
  /** The machine's id. */
  readonly id: string;
  readonly regions: readonly RegionRef[];
  /** The machine's initial context (before the initial states' entry actions run). */
  readonly context: GuillotineContext;
  /** Event types the config handles that no one sends from outside: raised by actions. */
  readonly internalEvents: readonly string[];
}

/** What a reader can interpret or render: the names of its guards and actions. */
export interface Vocabulary {
  readonly guards: ReadonlySet<string>;
  readonly actions: ReadonlySet<string>;
}

/** The names a set of rules defines (guards; updates, raises and the machine's effects as actions): what an interpreter of those rules can run. */
export function ruleVocabulary(rules: ProtocolRules = PROTOCOL_RULES): Vocabulary {
  return { guards: new Set(Object.keys(rules.guards)), actions: new Set([...Object.keys(rules.updates), ...Object.keys(rules.raises), ...Object.keys(EFFECTS)]) };
}

/**
 * Where a transition is written: its region, its source state, its event, and its place among that
 * event's candidates in the source state (document order, from 0). What an engine reports it took.
 */
export interface TransitionAddress {
  readonly region: Region;
  readonly source: string;
  readonly event: string;
  readonly branch: number;
}

/** Every transition of the chart with its address, in document order: regions, states, events, candidates. */
export function statechartTransitions(chart: Statechart): readonly { readonly address: TransitionAddress; readonly transition: TransitionRef }[] {
  return chart.regions.flatMap((region) =>
    region.states.flatMap((state) =>
      Object.entries(state.on).flatMap(([event, candidates]) => candidates.map((transition, branch) => ({ address: { region: region.name, source: state.name, event, branch }, transition }))),
    ),
  );
}

interface RawState { entry?: readonly ActionRef[]; on?: Record<string, readonly { guard?: ActionRef; target?: string; actions?: readonly ActionRef[]; description?: string }[]>; states?: unknown; type?: string; tags?: unknown }
interface RawRegion { initial?: string; states?: Record<string, RawState>; type?: string }

/**
 * Reads `machineConfig(policy)` and checks that every guard and action it names is in `known`.
 * @param reader who reads (`compiledEngine`, `promela`, `tla`), for the messages
 * @param given the config to read; only tests give another, to show each shape a reader cannot follow refused
 * @throws Error naming the region, state and name that cannot be read.
 */
export function readStatechart(policy: Policy, known: Vocabulary, reader: string, given: unknown = machineConfig(policy)): Statechart {
  const config = given as { id?: string; type?: string; states: Record<string, RawRegion>; context: GuillotineContext };
  const fail = (what: string): never => {
    throw new Error(`${reader}: ${what}; ${reader} must be taught this shape before the config can use it`);
  };
  if (config.type !== 'parallel') fail(`the machine is of type ${JSON.stringify(config.type)}, not "parallel"`);
  const extra = Object.keys(config.states).filter((name) => !(REGIONS as readonly string[]).includes(name));
  if (extra.length > 0) fail(`the config has region(s) ${extra.join(', ')} that REGIONS does not list`);
  const internal = new Set<string>();
  const regions = REGIONS.map((name): RegionRef => {
    const raw = config.states[name];
    if (raw === undefined) return fail(`the config has no region "${name}"`);
    if (raw.type !== undefined || raw.states === undefined || raw.initial === undefined) return fail(`region ${name} is not a plain region with an initial state`);
    const stateNames = Object.keys(raw.states);
    if (!stateNames.includes(raw.initial)) fail(`region ${name} starts in unknown state "${raw.initial}"`);
    const checkAction = (a: ActionRef, where: string) => {
      if (!known.actions.has(a.type)) fail(`unknown action "${a.type}" in ${where}`);
    };
    const states = stateNames.map((stateName): StateRef => {
      const s = raw.states![stateName]!;
      const where = `${name}.${stateName}`;
      if (s.states !== undefined || s.type !== undefined) fail(`state ${where} is compound; only atomic states are supported`);
      const on: Record<string, TransitionRef[]> = {};
      for (const [event, list] of Object.entries(s.on ?? {})) {
        if (!(EVENT_TYPES as readonly string[]).includes(event)) internal.add(event);
        on[event] = list.map((t) => {
          if (t.guard !== undefined && !known.guards.has(t.guard.type)) fail(`unknown guard "${t.guard.type}" in ${where} on ${event}`);
          if (t.target !== undefined && !stateNames.includes(t.target)) fail(`unknown target "${t.target}" in ${where} on ${event}`);
          for (const a of t.actions ?? []) checkAction(a, `${where} on ${event}`);
          return { guard: t.guard, target: t.target, actions: t.actions ?? [], ...(t.description === undefined ? {} : { description: t.description }) };
        });
      }
      for (const a of s.entry ?? []) checkAction(a, `${where} entry`);
      const tags = s.tags ?? [];
      if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) fail(`state ${where} has tags that are not a list of strings`);
      return { name: stateName, entry: s.entry ?? [], on, tags: tags as string[] };
    });
    return { name, initial: raw.initial, states };
  });
  return { id: config.id ?? 'machine', regions, context: config.context, internalEvents: [...internal].sort() };
}
