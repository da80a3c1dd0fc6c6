/**
 * The oracle's own adapter: a {@link SystemUnderTest} over the statechart itself (the reference
 * interpreter of `machines/engine.ts`). A generated suite must pass against it by construction, so it
 * checks the generator and the runner, not an implementation: it is what `test/testgen/` uses to test
 * the test generator, and, with altered rules, to build known-broken variants whose
 * failures must land on the test of the transition they break. The implementation under test is the
 * simulator (`simulator/sut.ts`), or any other through this interface.
 */
import type { Policy } from '../spec/policy.ts';
import { referenceEngine, type Engine, type SystemState } from '../machines/engine.ts';
import { PROTOCOL_RULES, type ProtocolRules } from '../machines/rules.ts';
import { prescribedObservation } from './prescribedState.ts';
import type { ObservedState, SendResult, SystemUnderTest } from './systemUnderTest.ts';

export interface ReferenceSutOptions {
  /** Replaces the machine's rules (to build a deliberately broken variant). */
  readonly rules?: ProtocolRules;
}

/** A {@link SystemUnderTest} backed by the statechart. `send` before `reset` is a programming error. */
export function referenceSut(options: ReferenceSutOptions = {}): SystemUnderTest {
  let engine: Engine | null = null;
  let state: SystemState | null = null;
  const ready = (): { engine: Engine; state: SystemState } => {
    if (engine === null || state === null) throw new Error('referenceSut: call reset(policy) before send or observe');
    return { engine, state };
  };
  return {
    reset(policy) {
      if (engine === null || engine.policy !== policy) engine = referenceEngine(policy, options.rules ?? PROTOCOL_RULES);
      state = engine.initial();
    },
    send(event): SendResult {
      const current = ready();
      const step = current.engine.step(current.state, event);
      state = step.state;
      if (step.accepted) return { accepted: true };
      const reject = step.effects.find((e) => e.kind === 'reject');
      return { accepted: false, reason: reject?.kind === 'reject' ? reject.reason : 'rejected' };
    },
    observe(): ObservedState {
      return prescribedObservation(ready().state);
    },
  };
}
