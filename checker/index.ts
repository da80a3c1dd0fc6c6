/**
 * `checkPolicy`: every safety property of docs/protocol.md §4 proved or refuted for one policy, by
 * exhaustive breadth-first exploration of the statechart generated from it. The result is plain
 * JSON-able data (what `guillotine check --json` prints); formatting lives in the CLI.
 */
import type { Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { ProtocolRules } from '../machines/rules.ts';
import type { PropertyId } from '../properties/index.ts';
import { explore, type ExploreOutcome, type Progress, type PropertyOutcome } from './bfs.ts';
import { checkedModel, type CheckedModel, type CheckerEngine, type ModelRecipe } from './checkedModel.ts';
import { compileChecker, type CompiledChecker } from './compiled/compiledChecker.ts';
import { compiledFindings } from './compiled/findings.ts';
import { exploreCompiled } from './compiled/bfs.ts';
import { MAX_ADMINS_WITHOUT_SYMMETRY } from './compiled/generate.ts';
import { adminIds } from '../spec/policy.ts';
import { policyVerdict } from '../properties/judge.ts';
import { concretizer } from './symmetry.ts';
import { policyFindings, type Findings } from './findings.ts';

/** A replay handle: the events from the initial state, and for liveness the repeating cycle. */
export interface Trace {
  readonly events: readonly GuillotineEvent[];
  readonly cycle?: readonly GuillotineEvent[];
}

export type PropertyStatus = 'pass' | 'fail' | 'unknown';

export interface PropertyReport {
  readonly id: PropertyId;
  readonly kind: 'absolute' | 'policy';
  readonly statement: string;
  readonly status: PropertyStatus;
  readonly reason?: string;
  /** A shortest counterexample from the initial state (a failure found by exploration). */
  readonly trace?: Trace;
  /** A failure of policy arithmetic carries the disjoint quorums instead of a trace. */
  readonly witness?: Record<string, unknown>;
}

export interface VacuityReport {
  readonly property: PropertyId;
  readonly guard: string;
  readonly status: 'witnessed' | 'unwitnessed';
  readonly trace?: Trace;
}

export interface CheckReport {
  readonly policy: Policy;
  readonly engine: CheckerEngine;
  /** Whether admins were treated as interchangeable (one representative state per orbit). */
  readonly symmetry: boolean;
  readonly complete: boolean;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  /** Bytes the search held per state (packed words, hash slots, parent, action). */
  readonly bytesPerState: number;
  readonly properties: readonly PropertyReport[];
  readonly vacuity: readonly VacuityReport[];
  readonly findings: Findings | null;
}

/** What a check does once its search is over (seconds of it with 10,001 admins). */
export type CheckPhase = 'paths' | 'findings';

export interface CheckOptions {
  readonly engine?: CheckerEngine;
  /** Symmetry reduction over admins (default true); see `symmetry.ts` for why it is sound. */
  readonly symmetry?: boolean;
  /** Stop after this many states; unfinished properties are then `unknown`. */
  readonly maxStates?: number;
  /** Skip the findings (one more search of the machine, over admin classes; per admin count with an object engine). */
  readonly findings?: boolean;
  readonly onProgress?: (progress: Progress) => void;
  /** Called when the search is over and the report's other work begins: the paths rebuilt on concrete admins, then the findings. */
  readonly onPhase?: (phase: CheckPhase) => void;
  /** A design bug of the spec-mutant catalogue (`machines/mutants.ts`) to check instead of the correct machine. */
  readonly mutant?: string;
  /** Test-only: replaced rules, to check a deliberately broken machine (one thread only). */
  readonly rules?: ProtocolRules;
  /** The properties to check, by id (default: all of §4). */
  readonly properties?: readonly PropertyId[];
}

function recipeOf(policy: Policy, options: CheckOptions): ModelRecipe {
  return { policy, engine: options.engine ?? 'compiled', symmetry: options.symmetry ?? true, properties: options.properties, mutant: options.mutant };
}

/** Checks every property against the machine of `policy`, on this thread. */
export function checkPolicy(policy: Policy, options: CheckOptions = {}): CheckReport {
  const recipe = recipeOf(policy, options);
  const checked = checkedModel(recipe, options.rules);
  const limits = { maxStates: options.maxStates, onProgress: options.onProgress };
  const compiled = compiles(recipe, checked) ? compileChecker(checked, recipe.symmetry) : undefined;
  const outcome = compiled === undefined ? explore(checked.explored, limits) : exploreCompiled(compiled, checked.properties, checked.explored, limits);
  return reportOf(recipe, checked, outcome, options, compiled);
}

/**
 * Whether the generated code explores this model: the default engine, unless the policy has more
 * admins than it holds without symmetry (the reference model explores those).
 */
function compiles(recipe: ModelRecipe, checked: CheckedModel): boolean {
  return recipe.engine === 'compiled' && (recipe.symmetry || adminIds(checked.policy).length <= MAX_ADMINS_WITHOUT_SYMMETRY);
}

function reportOf(recipe: ModelRecipe, checked: CheckedModel, outcome: ExploreOutcome<GuillotineEvent>, options: CheckOptions, compiled: CompiledChecker | undefined): CheckReport {
  const { policy, properties, unreduced } = checked;
  const useSymmetry = recipe.symmetry;
  // Paths over representatives are rebuilt into concrete, replayable ones.
  const concretized = useSymmetry ? concretizer(policy, unreduced) : undefined;
  const concrete = (path: readonly GuillotineEvent[]) => (concretized === undefined ? [...path] : concretized(path));
  const byName = new Map(outcome.properties.map((o) => [o.name, o]));
  const complete = outcome.status === 'complete';
  options.onPhase?.('paths');

  const reports = properties.map((p): PropertyReport => {
    const base = { id: p.id, kind: p.kind, statement: p.statement };
    if (p.check.on === 'policy') {
      const v = policyVerdict(p.check, policy);
      return v.holds ? { ...base, status: 'pass' } : { ...base, status: 'fail', reason: v.reason, witness: v.witness };
    }
    return fromOutcome(base, byName.get(p.id)!, complete, concrete);
  });
  const vacuity = properties.flatMap((p) =>
    (p.vacuity ?? []).map((g): VacuityReport => {
      const o = byName.get(`${p.id}: ${g.name}`)!;
      return o.status === 'witnessed' ? { property: p.id, guard: g.name, status: 'witnessed', trace: { events: concrete(o.path) } } : { property: p.id, guard: g.name, status: 'unwitnessed' };
    }),
  );
  // Unknown when the search stopped early, as unfinished properties are; bounded like it.
  let findings: Findings | null = null;
  if (options.findings !== false && complete) {
    options.onPhase?.('findings');
    findings = findingsOf(recipe, checked, compiled, options.maxStates);
  }
  return {
    policy,
    engine: recipe.engine,
    symmetry: useSymmetry,
    complete,
    states: outcome.states,
    transitions: outcome.transitions,
    depth: outcome.depth,
    seconds: outcome.seconds,
    bytesPerState: Math.round(outcome.bytesPerState),
    properties: reports,
    vacuity,
    findings,
  };
}

/**
 * The findings: with the default engine, one search over the generated checker's class counts (the
 * symmetric one, whether or not the check used symmetry: findings are facts of the policy); with an
 * object engine, its own searches, one per admin count that the binary search asks about.
 */
function findingsOf(recipe: ModelRecipe, checked: CheckedModel, compiled: CompiledChecker | undefined, maxStates: number | undefined): Findings | null {
  if (recipe.engine !== 'compiled') return policyFindings(checked.engine, recipe.symmetry, maxStates);
  return compiledFindings(compiled?.symmetry === true ? compiled : compileChecker(checked, true), maxStates);
}

function fromOutcome(
  base: Pick<PropertyReport, 'id' | 'kind' | 'statement'>,
  o: PropertyOutcome<GuillotineEvent>,
  complete: boolean,
  concrete: (path: readonly GuillotineEvent[]) => GuillotineEvent[],
): PropertyReport {
  if (o.status === 'violated') {
    let trace: Trace = { events: concrete(o.path) };
    if (o.expectation === 'eventually') {
      const whole = concrete([...o.path, ...o.cycle]);
      trace = { events: whole.slice(0, o.path.length), cycle: whole.slice(o.path.length) };
    }
    return { ...base, status: 'fail', reason: o.reason, trace };
  }
  return { ...base, status: complete ? 'pass' : 'unknown' };
}

/** Whether every property passed (the CLI's exit status 0). */
export function allHold(report: CheckReport): boolean {
  return report.properties.every((p) => p.status === 'pass');
}

export type { Progress } from './bfs.ts';
