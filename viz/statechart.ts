/**
 * The statechart as the visualizer draws it: regions, states and transitions read from
 * `machineConfig(policy)`, the same plain data both interpreters run. Nothing about the protocol
 * is restated here; a change to the machine changes the picture.
 *
 * Transitions with a target are drawn as edges. Targetless ones (rejections, counters, fail-safes
 * that raise `isolation.set` into the isolation region) change no active state of their region,
 * so they are listed inside their state's box, like UML internal transitions.
 */
import { machineConfig, machineImplementations } from '../machines/guillotine.ts';
import { REGIONS, type Region } from '../machines/engine.ts';
import { LEVELS, isLevel, levelIndex, type Level } from '../spec/levels.ts';
import { isIrreversible, type Policy } from '../spec/policy.ts';

/** One action of a transition, by name, with its parameters and what kind of action it is. */
export interface ActionView {
  readonly name: string;
  readonly params: Readonly<Record<string, string>>;
  /** `raise`: sends an internal event (e.g. `isolation.set`); `reject`: refuses the event with a reason. */
  readonly kind: 'update' | 'raise' | 'reject' | 'effect';
}

/** One transition of the machine, as written in the config. */
export interface TransitionView {
  /** Stable id: `region.state:event#index`, the index counting the event's candidates in order. */
  readonly id: string;
  readonly region: Region;
  /** `region.state` ids. */
  readonly source: string;
  /** The target `region.state`, or null for a targetless (internal) transition. */
  readonly target: string | null;
  readonly event: string;
  /** Guard name with its parameters, e.g. `setsLevel(severed)`, or null when unguarded. */
  readonly guard: string | null;
  readonly actions: readonly ActionView[];
  readonly description: string | null;
  /** Whether this candidate refuses the event (its actions include a rejection). */
  readonly rejects: boolean;
  /** Between two levels: whether the edge raises or lowers the level; null elsewhere. */
  readonly direction: 'raise' | 'lower' | null;
}

export interface StateView {
  /** `region.state`, e.g. `isolation.severed`. */
  readonly id: string;
  readonly region: Region;
  readonly name: string;
  readonly initial: boolean;
  readonly tags: readonly string[];
  /** The level this state stands for (isolation region only). */
  readonly level: Level | null;
  readonly entry: readonly ActionView[];
  /** Targetless transitions, listed in the state's box. */
  readonly internal: readonly TransitionView[];
}

export interface RegionView {
  readonly id: Region;
  readonly states: readonly StateView[];
}

export interface StatechartView {
  readonly id: string;
  readonly regions: readonly RegionView[];
  /** Transitions with a target: the edges of the picture. */
  readonly edges: readonly TransitionView[];
}

interface ActionRef { readonly type: string; readonly params?: Readonly<Record<string, string>> }
interface TransitionRef { readonly guard?: ActionRef; readonly target?: string; readonly actions?: readonly ActionRef[]; readonly description?: string }
interface StateRef { readonly entry?: readonly ActionRef[]; readonly on?: Readonly<Record<string, readonly TransitionRef[]>>; readonly tags?: readonly string[] }
interface RegionRef { readonly initial: string; readonly states: Readonly<Record<string, StateRef>> }

/**
 * Reads the statechart of a policy into regions, states and transitions, in config order (so the
 * same policy always gives the same view, byte for byte once serialised).
 *
 * Known limit: it reads the shape the config has today (one parallel root of regions with atomic
 * states); a nested compound state would throw here, naming it, rather than be drawn wrongly.
 */
export function statechartView(policy: Policy): StatechartView {
  const config = machineConfig(policy) as unknown as { id: string; states: Readonly<Record<string, RegionRef>> };
  const impl = machineImplementations(policy);
  const kindOf = (name: string): ActionView['kind'] => {
    if (name in impl.raises) return 'raise';
    if (name.startsWith('reject')) return 'reject';
    if (name in impl.updates) return 'update';
    return 'effect';
  };
  const action = (a: ActionRef): ActionView => ({ name: a.type, params: { ...(a.params ?? {}) }, kind: kindOf(a.type) });
  const regions: RegionView[] = [];
  const edges: TransitionView[] = [];
  for (const region of REGIONS) {
    const ref = config.states[region];
    if (ref === undefined) throw new Error(`statechartView: the machine config has no region "${region}"; update REGIONS in machines/engine.ts`);
    const states: StateView[] = [];
    for (const [name, state] of Object.entries(ref.states)) {
      if ('states' in state) throw new Error(`statechartView: state ${region}.${name} is compound; the visualizer draws one level of states per region`);
      const id = `${region}.${name}`;
      const internal: TransitionView[] = [];
      for (const [event, candidates] of Object.entries(state.on ?? {})) {
        candidates.forEach((t, index) => {
          const actions = (t.actions ?? []).map(action);
          const guardParams = Object.values(t.guard?.params ?? {});
          const view: TransitionView = {
            id: `${id}:${event}#${index}`,
            region,
            source: id,
            target: t.target === undefined ? null : `${region}.${t.target}`,
            event,
            guard: t.guard === undefined ? null : guardParams.length === 0 ? t.guard.type : `${t.guard.type}(${guardParams.join(', ')})`,
            actions,
            description: t.description ?? null,
            rejects: actions.some((a) => a.kind === 'reject'),
            direction: directionOf(name, t.target),
          };
          if (view.target === null) internal.push(view);
          else edges.push(view);
        });
      }
      states.push({
        id,
        region,
        name,
        initial: ref.initial === name,
        tags: [...(state.tags ?? [])],
        level: region === 'isolation' && isLevel(name) ? name : null,
        entry: (state.entry ?? []).map(action),
        internal,
      });
    }
    regions.push({ id: region, states });
  }
  return { id: config.id, regions, edges };
}

function directionOf(from: string, to: string | undefined): TransitionView['direction'] {
  if (to === undefined || !isLevel(from) || !isLevel(to)) return null;
  return levelIndex(to) > levelIndex(from) ? 'raise' : 'lower';
}

/** The text of a transition's label: `event [guard] / actions`, as UML writes it. */
export function transitionLabel(t: TransitionView): string {
  const guard = t.guard === null ? '' : ` [${t.guard}]`;
  const actions = t.actions.map(actionLabel);
  return `${t.event}${guard}${actions.length === 0 ? '' : ` / ${actions.join(', ')}`}`;
}

/** An action as a label shows it: a rejection shows its reason, a raise is marked with `⇑`. */
export function actionLabel(a: ActionView): string {
  if (a.name === 'rejectAs') return `reject "${a.params.reason ?? ''}"`;
  const params = Object.values(a.params);
  const base = params.length === 0 ? a.name : `${a.name}(${params.join(', ')})`;
  return a.kind === 'raise' ? `⇑${base}` : base;
}

/** The states of the isolation region, in escalation order, with whether the policy makes each irreversible. */
export function levelStates(policy: Policy): readonly { readonly level: Level; readonly id: string; readonly irreversible: boolean }[] {
  return LEVELS.map((level) => ({ level, id: `isolation.${level}`, irreversible: isIrreversible(policy, level) }));
}
