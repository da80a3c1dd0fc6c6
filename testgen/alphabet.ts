/**
 * The event alphabet the test generator tries in a state: every event of GUILLOTINE.md §7 with
 * every admin, target, alarm level and actuator, plus an outsider's proposal and approval (which the
 * protocol must reject). This is the one place the alphabet is spelled out for test generation.
 *
 * Admins are interchangeable in the protocol: no guard or update looks at an admin's name except to
 * ask "is it an admin?" and "has it already approved this proposal?". So in a state whose open
 * proposal holds the approvals of a set S, every admin inside S behaves like every other one, and
 * likewise outside S. {@link representativeAdmins} picks one admin from each class; starting from
 * the initial state, where S is empty, the approvals then always form a prefix a1..ak of the policy
 * order, so the graph explored with representatives is exactly the quotient of the full graph by
 * admin permutations. Every (state, event) pair of the full graph is a renaming of one explored pair
 * with the same outcome; `test/testgen/alphabet.test.ts` checks this against the full graph.
 */
import { ACTUATORS, LEVELS } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { SystemState } from '../machines/engine.ts';

/** How many admins act in each state: all of them, or one representative per symmetry class. */
export type AdminSelection = 'representative' | 'every';

/** An id that is not an admin of the policy, so the alphabet also tries an outsider's votes. */
export function outsiderId(policy: Policy): string {
  const ids = new Set(adminIds(policy));
  let id = 'outsider';
  while (ids.has(id)) id += '-x';
  return id;
}

/**
 * One admin per class of admins the protocol cannot tell apart in `state`: the first admin (in
 * policy order) who approved the open proposal, if any, and the first who did not, if any.
 * Known limit: sound only because no guard names a particular admin; a policy feature that did
 * (a veto holder, weighted votes) would have to add its admins here.
 */
export function representativeAdmins(policy: Policy, state: SystemState): readonly string[] {
  const approvals = state.context.proposal?.approvals ?? [];
  const inside = adminIds(policy).find((id) => approvals.includes(id));
  const outside = adminIds(policy).find((id) => !approvals.includes(id));
  return [...(inside === undefined ? [] : [inside]), ...(outside === undefined ? [] : [outside])];
}

/**
 * The events tried from `state`, in a fixed order (paths are lists of events, so the order is part
 * of every generated test): each acting admin's proposals (every target) and the outsider's, each
 * acting admin's approval and the outsider's, then timeout, heartbeats, alarms at every level, faults,
 * reboot completion, and each actuator's confirmation and fault.
 */
export function eventAlphabet(policy: Policy, state: SystemState, admins: AdminSelection = 'representative'): readonly GuillotineEvent[] {
  const voters = [...(admins === 'every' ? adminIds(policy) : representativeAdmins(policy, state)), outsiderId(policy)];
  const events: GuillotineEvent[] = [];
  for (const admin of voters) for (const target of LEVELS) events.push({ type: 'propose', admin, target });
  for (const admin of voters) events.push({ type: 'approve', admin });
  events.push({ type: 'timeout' }, { type: 'heartbeat' }, { type: 'heartbeat-missed' });
  for (const level of LEVELS) events.push({ type: 'alarm', level });
  events.push({ type: 'mce' }, { type: 'assertion-failure' }, { type: 'reboot-complete' });
  for (const actuator of ACTUATORS) events.push({ type: 'actuator-confirm', actuator }, { type: 'actuator-fault', actuator });
  return events;
}
