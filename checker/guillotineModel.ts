/**
 * The Guillotine system as a checker {@link Model}: machine states (from an {@link Engine}) plus
 * the properties' history variables, the full event alphabet of docs/protocol.md §7, and the
 * properties of `properties/` mapped to always / sometimes / eventually / progress.
 */
import { ACTUATORS, LEVELS } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import { encodeEvent, type GuillotineEvent } from '../spec/events.ts';
import type { Engine } from '../machines/engine.ts';
import { stateKey } from '../machines/stateKey.ts';
import { INITIAL_HISTORY, advanceHistory, type CheckState } from '../properties/history.ts';
import type { GuillotineProperty } from '../properties/property.ts';
import { Property, type Model } from './model.ts';
import { guillotineCodec } from './guillotineCodec.ts';

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
 * Every event the checker tries in every state, in a fixed order: each admin's proposals (every
 * target) and approval, an outsider's, then the automatic events, alarms at every level, and each
 * actuator's confirmation and fault.
 */
export function eventAlphabet(policy: Policy, options: AlphabetOptions = {}): readonly GuillotineEvent[] {
  const voters = [...(options.admins ?? adminIds(policy)), ...(options.outsider === false ? [] : [outsiderId(policy)])];
  const events: GuillotineEvent[] = [];
  for (const admin of voters) for (const target of LEVELS) events.push({ type: 'propose', admin, target });
  for (const admin of voters) events.push({ type: 'approve', admin });
  events.push({ type: 'timeout' }, { type: 'heartbeat' }, { type: 'heartbeat-missed' });
  for (const level of LEVELS) events.push({ type: 'alarm', level });
  events.push({ type: 'mce' }, { type: 'assertion-failure' }, { type: 'reboot-complete' });
  for (const actuator of ACTUATORS) events.push({ type: 'actuator-confirm', actuator }, { type: 'actuator-fault', actuator });
  return events;
}

/** Builds the model of `engine`'s machine with the given properties. */
export function guillotineModel(engine: Engine, properties: readonly GuillotineProperty[], alphabet: readonly GuillotineEvent[] = eventAlphabet(engine.policy)): Model<CheckState, GuillotineEvent> {
  const policy = engine.policy;
  const mapped: Property<CheckState, GuillotineEvent>[] = [];
  for (const p of properties) {
    const check = p.check;
    switch (check.on) {
      case 'transition':
        mapped.push(Property.always(p.id, (after, via) => (via === undefined ? true : check.verdict({ policy, before: via.from, event: via.action, after }))));
        break;
      case 'state':
        mapped.push(Property.always(p.id, (s) => check.verdict(s, policy)));
        break;
      case 'progress':
        mapped.push(Property.progress(p.id));
        break;
      case 'eventually':
        mapped.push(Property.eventually(p.id, check.condition));
        break;
      case 'policy':
        break; // judged on the policy alone, outside the exploration
    }
    for (const guard of p.vacuity ?? []) {
      mapped.push(Property.sometimes(`${p.id}: ${guard.name}`, (s, via) => guard.witness(s, via && { from: via.from, event: via.action }, policy)));
    }
  }
  return {
    initialStates: () => [{ machine: engine.initial(), history: INITIAL_HISTORY }],
    actions: () => alphabet,
    next(state, event) {
      const step = engine.step(state.machine, event);
      // A rejected event that leaves the machine as it was is no edge at all (not a self-loop, which
      // would count as progress and as a fair cycle's step); one that changes it (a buggy machine)
      // is a real transition, judged like any other.
      if (!step.accepted && (step.state === state.machine || stateKey(step.state) === stateKey(state.machine))) return undefined;
      return { machine: step.state, history: advanceHistory(policy, state, event, step) };
    },
    codec: guillotineCodec(policy),
    actionName: encodeEvent,
    properties: mapped,
  };
}
