/**
 * The events of docs/protocol.md §7 the workbench tries in every state, in one fixed order: the
 * checker explores them, the test generator covers them, the exports offer them as their atomic
 * steps, the visualizer lists them as buttons. Paths are lists of these events, so the order is
 * part of every counterexample's meaning.
 */
import { ACTUATORS, LEVELS } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import type { EventType, GuillotineEvent } from '../spec/events.ts';

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

/**
 * One event of the alphabet with its fields as indices: the type, a voter by its index (admins in
 * policy order, then the outsider) or, under symmetry, by its class, and the target, alarm level or
 * actuator by their index in `LEVELS`/`ACTUATORS`. The generated checker and the count system number
 * their actions by these.
 */
export interface EventSlot {
  readonly type: EventType;
  readonly voter?: number;
  readonly target?: number;
  readonly level?: number;
  readonly actuator?: number;
}

/** The alphabet as slots for the given voters (indices or classes), in {@link eventAlphabet}'s order. */
export function slotAlphabet(voters: readonly number[]): EventSlot[] {
  const slots: EventSlot[] = [];
  for (const voter of voters) for (let target = 0; target < LEVELS.length; target++) slots.push({ type: 'propose', voter, target });
  for (const voter of voters) slots.push({ type: 'approve', voter });
  for (const event of AUTOMATIC_EVENTS) {
    if (event.type === 'alarm') slots.push({ type: 'alarm', level: LEVELS.indexOf(event.level) });
    else if (event.type === 'actuator-confirm' || event.type === 'actuator-fault') slots.push({ type: event.type, actuator: ACTUATORS.indexOf(event.actuator) });
    else slots.push({ type: event.type });
  }
  return slots;
}

/** The event a slot names, its voter's id asked of `voter` (undefined there, e.g. an empty class: no event). */
export function eventOfSlot(slot: EventSlot, voter: () => string | undefined): GuillotineEvent | undefined {
  switch (slot.type) {
    case 'propose': {
      const admin = voter();
      return admin === undefined ? undefined : { type: 'propose', admin, target: LEVELS[slot.target!]! };
    }
    case 'approve': {
      const admin = voter();
      return admin === undefined ? undefined : { type: 'approve', admin };
    }
    case 'alarm':
      return { type: 'alarm', level: LEVELS[slot.level!]! };
    case 'actuator-confirm':
    case 'actuator-fault':
      return { type: slot.type, actuator: ACTUATORS[slot.actuator!]! };
    default:
      return { type: slot.type } as GuillotineEvent;
  }
}
