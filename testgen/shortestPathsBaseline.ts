/**
 * The baseline the covering walks are compared with: `@xstate/graph`'s per-state shortest paths
 * (`getShortestPaths`) over the XState machine itself, with our canonical state keys and event
 * alphabet. A baseline test resets, follows the shortest path to its target's source state and takes
 * the target's event: one test per reachable state (state coverage) or per reachable (state, event)
 * pair (transition coverage).
 *
 * Running it here also cross-checks the generator: XState's own reachable graph must have exactly
 * the states our compiled-engine exploration found, at the same depths (see `crossCheck`).
 *
 * Known limits of `@xstate/graph` 3.0.4 that shape this use: `getShortestPaths` keeps a whole path
 * per state (memory grows with states × depth), its adjacency search queues with `Array.shift()`
 * (quadratic in the transitions), and it runs XState's `transition()` (≈50 µs a step here), so it
 * takes seconds where the compiled exploration takes a fraction of one; it has no notion of covering
 * transitions, only states.
 */
import { getShortestPaths } from '@xstate/graph';
import type { Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { createGuillotineMachine } from '../machines/guillotine.ts';
import type { Region, SystemState } from '../machines/engine.ts';
import type { GuillotineContext } from '../machines/protocol.ts';
import { stateKey, type StateKey } from '../machines/stateKey.ts';
import { stateAlphabet, type AdminSelection } from './alphabet.ts';

/** Shortest-path length of every state XState reaches, by canonical key. */
export interface ShortestPathLengths {
  readonly depth: ReadonlyMap<StateKey, number>;
}

/**
 * Runs `@xstate/graph`'s `getShortestPaths` on the policy's machine and returns each reachable
 * state's shortest-path length. Unbounded: it explores the whole reachable graph (there is no depth
 * option in `@xstate/graph` 3), so a depth-bounded generation computes its baseline from its own
 * breadth-first depths instead, which a test shows equal to these.
 */
export function xstateShortestPaths(policy: Policy, admins: AdminSelection): ShortestPathLengths {
  const machine = createGuillotineMachine(policy);
  type Snapshot = ReturnType<typeof machine.getInitialSnapshot>;
  const toState = (snapshot: Snapshot): SystemState => ({ value: snapshot.value as unknown as Record<Region, string>, context: snapshot.context as GuillotineContext });
  const paths = getShortestPaths(machine as never, {
    events: (snapshot: Snapshot) => stateAlphabet(policy, toState(snapshot), admins) as never,
    serializeState: (snapshot: Snapshot) => stateKey(toState(snapshot)),
  } as never) as unknown as { state: Snapshot; steps: { event: GuillotineEvent | { type: 'xstate.init' } }[] }[];
  const depth = new Map<StateKey, number>();
  // `steps` starts with a synthetic `xstate.init` step (see @xstate/graph's alterPath).
  for (const path of paths) depth.set(stateKey(toState(path.state)), path.steps.length - 1);
  return { depth };
}
