/**
 * The events of docs/protocol.md §7 the workbench tries in every state, in one fixed order: the
 * checker explores them, the test generator covers them, the exports offer them as their atomic
 * steps, the visualizer lists them as buttons. Paths are lists of these events, so the order is
 * part of every counterexample's meaning.
 */
import { ACTUATORS, LEVELS } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';

/** An id that is not an admin of the policy, so the alphabet also tries outsiders' votes. */
export function outsiderId(policy: Policy): string {
  const ids = new Set(adminIds(policy));
  let id = 'outsider';
  while (ids.has(id)) id += '-x';
  return id;
}

export interface AlphabetOptions {
  /** Only these admins act (the rest stay silent). Default: every admin. */
  readonly admins?: readonly string[];
  /** Include an outsider's proposals and approvals, which the protocol must reject. Default true. */
  readonly outsider?: boolean;
}

/**
 * Every event tried in every state, in a fixed order: each voter's proposals (every target), then
 * each voter's approval, then the automatic events, alarms at every level, and each actuator's
 * confirmation and fault. Voters are the admins in policy order, then the outsider.
 */
export function eventAlphabet(policy: Policy, options: AlphabetOptions = {}): readonly GuillotineEvent[] {
  const voters = [...(options.admins ?? adminIds(policy)), ...(options.outsider === false ? [] : [outsiderId(policy)])];
  const events: GuillotineEvent[] = [];
  for (const admin of voters) for (const target of LEVELS) events.push({ type: 'propose', admin, target });
  for (const admin of voters) events.push({ type: 'approve', admin });
  events.push(...AUTOMATIC_EVENTS);
  return events;
}

/** The events no voter sends, in the alphabet's order. */
export const AUTOMATIC_EVENTS: readonly GuillotineEvent[] = [
  { type: 'timeout' },
  { type: 'heartbeat' },
  { type: 'heartbeat-missed' },
  ...LEVELS.map((level): GuillotineEvent => ({ type: 'alarm', level })),
  { type: 'mce' },
  { type: 'assertion-failure' },
  { type: 'reboot-complete' },
  ...ACTUATORS.flatMap((actuator): GuillotineEvent[] => [
    { type: 'actuator-confirm', actuator },
    { type: 'actuator-fault', actuator },
  ]),
];
