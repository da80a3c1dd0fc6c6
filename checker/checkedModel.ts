/**
 * The model `guillotine check` explores, built from a small serialisable recipe — a policy, the
 * engine, the properties by id, symmetry on or off, a spec mutant by name — so that worker
 * threads (`parallelBfs.ts`) rebuild exactly the model the main thread explores.
 */
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { ENGINES, compiledEngine, type Engine, type EngineName } from '../machines/engine.ts';
import type { MachineImplementations } from '../machines/guillotine.ts';
import { correctMachine, mutatedMachine, specMutant, SPEC_MUTANT_NAMES } from '../machines/mutants.ts';
import { PROPERTIES, type GuillotineProperty, type PropertyId } from '../properties/index.ts';
import type { CheckState } from '../properties/history.ts';
import type { Model } from './model.ts';
import { eventAlphabet, guillotineModel } from './guillotineModel.ts';
import { symmetric } from './symmetry.ts';

export interface ModelRecipe {
  /** The policy as written (a policy mutant changes it: see {@link machineFor}). */
  readonly policy: Policy;
  readonly engine: EngineName;
  readonly symmetry: boolean;
  /** The properties to check, by id; all of §4 when absent. */
  readonly properties?: readonly PropertyId[];
  /** A design bug of `machines/mutants.ts` to check instead of the correct machine. */
  readonly mutant?: string;
}

export interface CheckedModel {
  /** The policy the machine runs (the recipe's, or the mutant's change of it). */
  readonly policy: Policy;
  readonly engine: Engine;
  readonly properties: readonly GuillotineProperty[];
  /** The model without symmetry reduction: counterexamples are made concrete on it. */
  readonly unreduced: Model<CheckState, GuillotineEvent>;
  /** What the search explores: the unreduced model, or its orbit representatives. */
  readonly explored: Model<CheckState, GuillotineEvent>;
  /** Every action the explored model may try, each object once: actions travel between threads as indices into it. */
  readonly actions: readonly GuillotineEvent[];
}

/** Builds the checked model of a recipe; `implementations` (tests only) replaces the machine's and cannot travel to a worker. */
export function checkedModel(recipe: ModelRecipe, implementations?: MachineImplementations): CheckedModel {
  let policy = recipe.policy;
  if (recipe.mutant !== undefined) {
    const mutant = specMutant(recipe.mutant);
    if (mutant === undefined) throw new Error(`no spec mutant named ${JSON.stringify(recipe.mutant)}; known: ${SPEC_MUTANT_NAMES.join(', ')}`);
    const machine = mutatedMachine(policy, mutant);
    policy = machine.policy;
    implementations = machine.implementations;
  }
  implementations ??= correctMachine(policy).implementations;
  const engine = recipe.engine === 'compiled' ? compiledEngine(policy, implementations, { effects: false }) : ENGINES[recipe.engine](policy, implementations);
  const wanted = recipe.properties;
  const properties = wanted === undefined ? PROPERTIES : PROPERTIES.filter((p) => wanted.includes(p.id));
  const actions = eventAlphabet(policy);
  const unreduced = guillotineModel(engine, properties, actions);
  // The reduced alphabets are filtered from the full one, so every action is one of `actions`;
  // the outsider's events are always kept.
  const policyAdmins = new Set(adminIds(policy));
  const explored = recipe.symmetry
    ? symmetric(policy, unreduced, (admins) => actions.filter((e) => (e.type !== 'propose' && e.type !== 'approve') || admins.includes(e.admin) || !policyAdmins.has(e.admin)))
    : unreduced;
  return { policy, engine, properties, unreduced, explored, actions };
}
