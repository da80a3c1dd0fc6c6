/**
 * The count abstraction of one machine as a transition system over terms: its initial state, and
 * for every event of the abstract alphabet the decision tree of the step from a symbolic state (each
 * leaf one path: its condition, the successor as terms of the state before, and the transition
 * properties' conditions there), and the state properties' conditions. The knobs stay variables, so
 * the one system stands for every number of admins, every pair of quorums and every miss limit.
 *
 * Two readers: `horn.ts` turns it into Horn clauses for Z3, `explore.ts` into JavaScript that explores
 * it for given knobs. Both read the same terms.
 */
import type { MachineUnderCheck } from '../../machines/mutants.ts';
import { PROPERTIES, type GuillotineProperty } from '../../properties/index.ts';
import { flatten, type StateSignature } from './countState.ts';
import { abstractAlphabet, CountMachine, type EventSlot, type PropertyCondition } from './countMachine.ts';
import { pathTree, type PathTree } from './paths.ts';
import { TermBank, type Term } from './term.ts';
import { KNOBS } from './termOps.ts';

/** A leaf of a step's tree: refused, or accepted with the successor's variables (signature order). */
export type Leaf = { readonly accepted: false } | { readonly accepted: true; readonly after: readonly Term[]; readonly properties: readonly PropertyCondition[] };

export interface CountSystem {
  readonly bank: TermBank;
  readonly machine: CountMachine;
  readonly signature: StateSignature;
  /** The state's variables, in signature order. */
  readonly vars: readonly Term[];
  /** The knobs' variables, in {@link KNOBS} order. */
  readonly knobs: readonly Term[];
  /** The initial state, in signature order (terms over the knobs). */
  readonly initial: readonly Term[];
  /** Per event of the alphabet, the decision tree of its step from {@link vars}. */
  readonly events: readonly { readonly slot: EventSlot; readonly tree: PathTree<Leaf> }[];
  /** The state properties' conditions over {@link vars}. */
  readonly stateConditions: readonly PropertyCondition[];
  /** The properties the system judges (transition and state ones have conditions; the rest are not its business). */
  readonly properties: readonly GuillotineProperty[];
}

/** Builds the count system of a machine (its policy's fixed parameters stay constants, the knobs become variables). */
export function countSystem(machine: MachineUnderCheck, properties: readonly GuillotineProperty[] = PROPERTIES): CountSystem {
  const bank = new TermBank();
  const m = new CountMachine(bank, machine.policy, machine.rules, properties);
  const sig = m.signature;
  const pre = m.variables();
  const vars = flatten(sig, pre);
  const knobs = KNOBS.map((k) => bank.variable(k, 'int'));

  const initTree = pathTree<readonly Term[]>(bank, (choose, simplify) => flatten(sig, m.initial(choose)).map(simplify));
  if (initTree.kind !== 'leaf') throw new Error('the Horn clauses: the initial state depends on the knobs; a count state must say it for every number of admins');

  const events = abstractAlphabet().map((slot) => ({
    slot,
    tree: pathTree<Leaf>(bank, (choose, simplify) => {
      const out = m.step(choose, pre, slot);
      if (!out.accepted) return out;
      return { accepted: true, after: flatten(sig, out.after).map(simplify), properties: out.properties.map((p) => ({ property: p.property, holds: simplify(p.holds) })) };
    }),
  }));
  return { bank, machine: m, signature: sig, vars, knobs, initial: initTree.outcome, events, stateConditions: m.stateConditions(pre), properties };
}
