/**
 * The model `guillotine check` explores, built from a small recipe — a policy, the engine, the
 * properties by id, symmetry on or off, a spec mutant by name: the object model every engine shares
 * (counterexamples are made concrete, explained and replayed on it), which the generated code of
 * `checker/compiled/` explores in its place by default.
 */
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { ENGINES, type Engine, type EngineName } from '../machines/engine.ts';
import type { ProtocolRules } from '../machines/rules.ts';
import { eventAlphabet } from '../machines/alphabet.ts';
import { correctMachine, mutatedMachine, specMutant, SPEC_MUTANT_NAMES } from '../machines/mutants.ts';
import { PROPERTIES, type GuillotineProperty, type PropertyId } from '../properties/index.ts';
import type { CheckState } from '../properties/history.ts';
import type { Model } from './model.ts';
import { guillotineModel } from './guillotineModel.ts';
import { symmetric } from './symmetry.ts';

/**
 * Who explores: `compiled`, the generated code over packed words (`checker/compiled/`, the
 * default), or an object engine of `machines/engine.ts` run through the reference model.
 */
export type CheckerEngine = 'compiled' | EngineName;

export interface ModelRecipe {
  /** The policy as written (a policy mutant changes it: see {@link machineFor}). */
  readonly policy: Policy;
  readonly engine: CheckerEngine;
  readonly symmetry: boolean;
  /** The properties to check, by id; all of §4 when absent. */
  readonly properties?: readonly PropertyId[];
  /** A design bug of `machines/mutants.ts` to check instead of the correct machine. */
  readonly mutant?: string;
}

export interface CheckedModel {
  /** The policy the machine runs (the recipe's, or the mutant's change of it). */
  readonly policy: Policy;
  /** The rules the machine runs (the correct ones, or the mutant's). */
  readonly rules: ProtocolRules;
  /** The object engine of the model (the reference one when the generated code explores). */
  readonly engine: Engine;
  readonly properties: readonly GuillotineProperty[];
  /** The model without symmetry reduction: counterexamples are made concrete on it. */
  readonly unreduced: Model<CheckState, GuillotineEvent>;
  /** What an object search explores: the unreduced model, or its orbit representatives. */
  readonly explored: Model<CheckState, GuillotineEvent>;
  /** Every action the explored model may try, each object once. */
  readonly actions: readonly GuillotineEvent[];
}

/** Builds the checked model of a recipe; `rules` (tests only) replaces the machine's. */
export function checkedModel(recipe: ModelRecipe, rules?: ProtocolRules): CheckedModel {
  let policy = recipe.policy;
  if (recipe.mutant !== undefined) {
    const mutant = specMutant(recipe.mutant);
    if (mutant === undefined) throw new Error(`no spec mutant named ${JSON.stringify(recipe.mutant)}; known: ${SPEC_MUTANT_NAMES.join(', ')}`);
    const machine = mutatedMachine(policy, mutant);
    policy = machine.policy;
    rules = machine.rules;
  }
  rules ??= correctMachine(policy).rules;
  const engine = recipe.engine === 'xstate' ? ENGINES.xstate(policy, rules) : ENGINES.reference(policy, rules, { effects: false });
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
  return { policy, rules, engine, properties, unreduced, explored, actions };
}
