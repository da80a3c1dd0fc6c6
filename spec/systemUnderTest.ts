/**
 * The adapter between generated transition tests and an implementation of Guillotine. The
 * reference simulator is the first implementation (`simulator/sut.ts`); a team with another
 * implementation writes one of these and runs the same generated suite against it
 * (`testgen/`, docs/system-under-test.md).
 *
 * It lives in `spec/` because both sides of it are above: implementations (the simulator) provide
 * it and the test generator drives it, and neither may import the other.
 */
import type { Capabilities, Level } from './levels.ts';
import type { GuillotineEvent } from './events.ts';
import type { Policy } from './policy.ts';

/** What a test observes after each step; everything the statechart prescribes about the state. */
export interface ObservedState {
  readonly level: Level;
  /** The open proposal, with the distinct admins whose approvals count, in policy order. */
  readonly proposal: { readonly from: Level; readonly to: Level; readonly approvals: readonly string[] } | null;
  readonly hypervisor: 'running' | 'rebooting';
  /** The capability row the implementation currently enforces (docs/protocol.md §2). */
  readonly capabilities: Capabilities;
}

/** The result of sending one event: accepted, or rejected with the implementation's reason. */
export type SendResult = { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

export interface SystemUnderTest {
  /** Puts the implementation in its initial state under a policy. */
  reset(policy: Policy): Promise<void> | void;
  /** Delivers one protocol event (docs/protocol.md §7). */
  send(event: GuillotineEvent): Promise<SendResult> | SendResult;
  /** Reads the state the tests assert on. */
  observe(): Promise<ObservedState> | ObservedState;
}
