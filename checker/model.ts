/**
 * The interface between a system and the checker, after Stateright's `Model`: initial states,
 * the actions of a state in a deterministic order (paths are lists of actions, so the order is
 * part of every counterexample's meaning), the next state, a canonical key, and named properties.
 *
 * Properties:
 * - `always(name, condition)`: holds in every initial state and across every enabled transition.
 *   The condition sees the transition that led to a state, so step properties ("every drop in
 *   level applies a quorum") are stated directly rather than through history variables.
 * - `sometimes(name, condition)`: some reachable state or transition satisfies it. Used as a
 *   vacuity guard: a safety property over de-escalations means little if none is reachable.
 * - `eventually(name, condition)`: under weak fairness of every action, every path reaches a
 *   state satisfying the condition, and does again after leaving it (□◇condition).
 * - `progress(name)`: every reachable state has an enabled action (no deadlock).
 */

/** How a state was reached: the previous state and the action taken. Absent for initial states. */
export interface Via<S, A> {
  readonly from: S;
  readonly action: A;
}

/** A condition's verdict: true when it holds, or a string saying what is wrong. */
export type Verdict = true | string;

export type Property<S, A> =
  | { readonly expectation: 'always'; readonly name: string; readonly condition: (state: S, via: Via<S, A> | undefined) => Verdict }
  | { readonly expectation: 'sometimes'; readonly name: string; readonly condition: (state: S, via: Via<S, A> | undefined) => boolean }
  | { readonly expectation: 'eventually'; readonly name: string; readonly condition: (state: S) => boolean }
  | { readonly expectation: 'progress'; readonly name: string };

export const Property = {
  always<S, A>(name: string, condition: (state: S, via: Via<S, A> | undefined) => Verdict): Property<S, A> {
    return { expectation: 'always', name, condition };
  },
  sometimes<S, A>(name: string, condition: (state: S, via: Via<S, A> | undefined) => boolean): Property<S, A> {
    return { expectation: 'sometimes', name, condition };
  },
  eventually<S, A>(name: string, condition: (state: S) => boolean): Property<S, A> {
    return { expectation: 'eventually', name, condition };
  },
  progress<S, A>(name: string): Property<S, A> {
    return { expectation: 'progress', name };
  },
};

/**
 * How a model's states are packed into `width` 32-bit words: the checker stores and compares
 * states only in this form (see `stateTable.ts`), so `encode` must be injective on reachable
 * states — two states get the same words exactly when the checker must treat them as one — and
 * `decode` must invert it.
 */
export interface StateCodec<S> {
  readonly width: number;
  encode(state: S, out: Uint32Array, at: number): void;
  decode(words: Uint32Array, at: number): S;
}

/** A state's words in a fresh array (off the hot path: tests, replays, path reconstruction). */
export function encoded<S>(codec: StateCodec<S>, state: S): Uint32Array {
  const out = new Uint32Array(codec.width);
  codec.encode(state, out, 0);
  return out;
}

/** Whether two states are one state for the checker. */
export function sameState<S>(codec: StateCodec<S>, a: S, b: S): boolean {
  const x = encoded(codec, a);
  const y = encoded(codec, b);
  return x.every((w, i) => w === y[i]);
}

export interface Model<S, A> {
  initialStates(): readonly S[];
  /** Every action to try in a state, in a deterministic order. */
  actions(state: S): readonly A[];
  /** The state after `action`, or undefined when the action is disabled (a rejected event leaves the state as it was). */
  next(state: S, action: A): S | undefined;
  /** The packed form of states: equal words exactly for states the checker must treat as one. */
  readonly codec: StateCodec<S>;
  /** A stable name of an action, for fairness (the same action in different states) and display. */
  actionName(action: A): string;
  readonly properties: readonly Property<S, A>[];
}
