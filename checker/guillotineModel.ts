/**
 * The Guillotine system as a checker {@link Model} over the machine's objects: machine states (from
 * an object {@link Engine}) plus the properties' history variables, the full event alphabet of
 * docs/protocol.md §7, and the properties of `properties/` mapped to always / sometimes / eventually /
 * progress. This is the reference model (`--engine reference` or `xstate`); the default,
 * `checker/compiled/`, explores the same model as generated code over packed words.
 */
import type { GuillotineEvent } from '../spec/events.ts';
import { encodeEvent } from '../spec/events.ts';
import type { Engine } from '../machines/engine.ts';
import { eventAlphabet } from '../machines/alphabet.ts';
import { stateKey } from '../machines/stateKey.ts';
import { INITIAL_HISTORY, advanceHistory, type CheckState } from '../properties/history.ts';
import type { GuillotineProperty } from '../properties/property.ts';
import { conditionHolds, stateVerdict, transitionVerdict, witnessed } from '../properties/judge.ts';
import { Property, type Model } from './model.ts';
import { guillotineCodec } from './guillotineCodec.ts';

/** Builds the model of `engine`'s machine with the given properties. */
export function guillotineModel(engine: Engine, properties: readonly GuillotineProperty[], alphabet: readonly GuillotineEvent[] = eventAlphabet(engine.policy)): Model<CheckState, GuillotineEvent> {
  const policy = engine.policy;
  const mapped: Property<CheckState, GuillotineEvent>[] = [];
  for (const p of properties) {
    const check = p.check;
    switch (check.on) {
      case 'transition':
        mapped.push(Property.always(p.id, (after, via) => (via === undefined ? true : transitionVerdict(check, { policy, before: via.from, event: via.action, after }))));
        break;
      case 'state':
        mapped.push(Property.always(p.id, (s) => stateVerdict(check, s, policy)));
        break;
      case 'progress':
        mapped.push(Property.progress(p.id));
        break;
      case 'eventually':
        mapped.push(Property.eventually(p.id, (s) => conditionHolds(check, s, policy)));
        break;
      case 'policy':
        break; // judged on the policy alone, outside the exploration
    }
    for (const guard of p.vacuity ?? []) {
      mapped.push(Property.sometimes(`${p.id}: ${guard.name}`, (s, via) => witnessed(guard, policy, s, via && { from: via.from, event: via.action })));
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
