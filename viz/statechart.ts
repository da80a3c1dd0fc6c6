/**
 * The statechart as the visualizer draws it: regions, states and transitions of `machineConfig(policy)`
 * as `readStatechart` reads it for every interpreter. Nothing about the protocol is restated here; a
 * change to the machine changes the picture.
 *
 * Transitions with a target are drawn as edges. Targetless ones (rejections, counters, fail-safes
 * that raise `isolation.set` into the isolation region) change no active state of their region,
 * so they are listed inside their state's box, like UML internal transitions.
 */
import { REJECTIONS } from '../machines/guillotine.ts';
import { PROTOCOL_RULES } from '../machines/rules.ts';
import { readStatechart, ruleVocabulary, statechartTransitions, type ActionRef, type Region } from '../machines/statechart.ts';
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

/**
 * Reads the statechart of a policy into regions, states and transitions, in config order (so the
 * same policy always gives the same view, byte for byte once serialised).
 *
 * Known limit: it draws the shape `readStatechart` reads (one parallel root of regions with atomic
 * states); a nested compound state throws there, naming it, rather than be drawn wrongly.
 */
export function statechartView(policy: Policy): StatechartView {
  const chart = readStatechart(policy, ruleVocabulary(), 'statechartView');
  const kindOf = (name: string): ActionView['kind'] => {
    if (name in PROTOCOL_RULES.raises) return 'raise';
    if (REJECTIONS.has(name)) return 'reject';
    if (name in PROTOCOL_RULES.updates) return 'update';
    return 'effect';
  };
  const action = (a: ActionRef): ActionView => ({ name: a.type, params: { ...(a.params ?? {}) }, kind: kindOf(a.type) });
  const view = ({ address: { region, source, event, branch }, transition: t }: ReturnType<typeof statechartTransitions>[number]): TransitionView => {
    const actions = t.actions.map(action);
    const guardParams = Object.values(t.guard?.params ?? {});
    return {
      id: `${region}.${source}:${event}#${branch}`,
      region,
      source: `${region}.${source}`,
      target: t.target === undefined ? null : `${region}.${t.target}`,
      event,
      guard: t.guard === undefined ? null : guardParams.length === 0 ? t.guard.type : `${t.guard.type}(${guardParams.join(', ')})`,
      actions,
      description: t.description ?? null,
      rejects: actions.some((a) => a.kind === 'reject'),
      direction: directionOf(source, t.target),
    };
  };
  const transitions = statechartTransitions(chart).map(view);
  const regions = chart.regions.map(
    (region): RegionView => ({
      id: region.name,
      states: region.states.map((state): StateView => {
        const id = `${region.name}.${state.name}`;
        return {
          id,
          region: region.name,
          name: state.name,
          initial: region.initial === state.name,
          tags: [...state.tags],
          level: region.name === 'isolation' && isLevel(state.name) ? state.name : null,
          entry: state.entry.map(action),
          internal: transitions.filter((t) => t.source === id && t.target === null),
        };
      }),
    }),
  );
  return { id: chart.id, regions, edges: transitions.filter((t) => t.target !== null) };
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
