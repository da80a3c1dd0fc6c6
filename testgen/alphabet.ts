/**
 * The events the test generator tries in a state: the alphabet of docs/protocol.md §7
 * (`machines/alphabet.ts`: every admin's proposals and approval, an outsider's, which the protocol
 * must reject, then the automatic events, alarms and actuator events), restricted in each state to
 * representative admins. `machines/` owns the alphabet and its order, which the checker explores
 * too; this file only chooses who votes, so the checker and the generated tests try the same events.
 *
 * Admins are interchangeable in the protocol (`machines/adminClasses.ts`): no guard or update looks
 * at an admin's name except to ask "is it an admin?" and "has it already approved this proposal?".
 * So in a state whose open proposal holds the approvals of a set S, every admin inside S behaves like
 * every other one, and likewise outside S. {@link representativeAdmins} picks one admin from each
 * class (the history's votes, which split the checker's classes further, are no part of a machine
 * state, so the generator has two classes where the checker has four); starting from
 * the initial state, where S is empty, the approvals then always form a prefix a1..ak of the policy
 * order, so the graph explored with representatives is exactly the quotient of the full graph by
 * admin permutations. Every (state, event) pair of the full graph is a renaming of one explored pair
 * with the same outcome; `test/testgen/alphabet.test.ts` checks this against the full graph.
 */
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { SystemState } from '../machines/engine.ts';
import { eventAlphabet } from '../machines/alphabet.ts';
import { representativeAdmins as representatives } from '../machines/adminClasses.ts';

/** How many admins act in each state: all of them, or one representative per symmetry class. */
export type AdminSelection = 'representative' | 'every';

/**
 * One admin per class of admins the protocol cannot tell apart in `state`
 * (`machines/adminClasses.ts`): the first admin (in policy order) who approved the open proposal,
 * if any, and the first who did not, if any, in policy order.
 */
export function representativeAdmins(policy: Policy, state: SystemState): readonly string[] {
  return representatives(adminIds(policy), { approvals: state.context.proposal?.approvals ?? [], votes: [] });
}

/**
 * The events tried from `state`, in the checker's fixed order (paths are lists of events, so the
 * order is part of every generated test): the acting admins' and the outsider's proposals and
 * approvals, then the events no admin sends.
 */
export function stateAlphabet(policy: Policy, state: SystemState, admins: AdminSelection = 'representative'): readonly GuillotineEvent[] {
  return eventAlphabet(policy, admins === 'every' ? {} : { admins: representativeAdmins(policy, state) });
}
