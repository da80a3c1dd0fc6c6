/**
 * The simulator's own reading of the protocol's rules (docs/protocol.md §2–§3), as one table of
 * small decisions: how many approvals a change needs, which approval is a duplicate, what a
 * proposal opens with, what an expired proposal does, when the level record may lower the level,
 * what a reboot resumes at, which ports the gate services, when the watchdog trips, how far an
 * alarm raises. The machine's components (console, level record, watchdog, port gate) ask this
 * table instead of deciding inline, and the product simulator always runs {@link CORRECT_RULES}.
 *
 * Why a table: a test of the tests (do the conformance tests, the generated suite, the soak and
 * `guillotine validate` catch a wrong implementation?) needs a simulator that gets one rule wrong.
 * Those broken variants are test code (`test/simulator/mutants.ts`); they are built by replacing
 * one or two entries of this table and passed in through `SystemOptions.rules`, so the product
 * holds no trace of them.
 *
 * The entries are independent of the statechart: they are this implementation's decisions, which
 * the statechart (`machines/`) is the oracle for, never a part they call.
 */
import { levelIndex, minLevel, type Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import type { OpenProposal, Vote } from './console.ts';
import type { ChangeCause } from './physical.ts';
import { portServiced, type PortSpec } from './ports.ts';

export interface SimulatorRules {
  /** §3: distinct approvals a change needs: the escalation quorum upwards, the de-escalation quorum downwards. */
  readonly quorum: (policy: Policy, from: Level, to: Level) => number;
  /** §3 "a duplicate approval counts for nothing": whether `vote` repeats an approval `open` already counts. */
  readonly duplicate: (open: OpenProposal, vote: Vote) => boolean;
  /**
   * §3 "approvals bind to (proposal, from-level, to-level) and are never reused": votes a new
   * proposal counts besides its proposer's (none). {@link SimulatorRules.closed} tells the table
   * about every proposal that closed (expired or cancelled) before.
   */
  readonly carried: (opening: Vote) => readonly Vote[];
  /** Called when a proposal closes without reaching its quorum (it expired, or was cancelled). */
  readonly closed: (proposal: OpenProposal) => void;
  /** §3 quorum timeout: whether an expired proposal is applied (an escalation under `onTimeout: "restrictive"`). */
  readonly expiryApplies: (policy: Policy, expired: OpenProposal) => boolean;
  /**
   * §3: whether the level record takes a write for this cause without checking it — never: it
   * lowers the level only with a quorum certificate it verifies, and never out of an irreversible level.
   */
  readonly writesUnchecked: (cause: ChangeCause) => boolean;
  /** §3 "the level survives reboots and never drops across one": the level a rebooted hypervisor resumes at. */
  readonly resumeLevel: (policy: Policy, recorded: Level) => Level;
  /** §2's "ports serviced" column: whether the port gate services `port` at `level`. */
  readonly portServiced: (level: Level, port: PortSpec) => boolean;
  /** §3: the consecutive missed heartbeat periods at which the watchdog forces offline. */
  readonly missLimit: (policy: Policy) => number;
  /** §3: the level a detector alarm asking for `asked` raises to (capped at `detector.maxLevel`). */
  readonly alarmLevel: (policy: Policy, asked: Level) => Level;
}

/** The rules as docs/protocol.md states them: what every product simulator runs. */
export const CORRECT_RULES: SimulatorRules = {
  quorum: (policy, from, to) => (levelIndex(to) > levelIndex(from) ? policy.quorum.escalate : policy.quorum.deescalate),
  duplicate: (open, vote) => open.votes.some((v) => v.admin === vote.admin),
  carried: () => [],
  closed: () => {},
  expiryApplies: (policy, expired) => levelIndex(expired.to) > levelIndex(expired.from) && policy.quorum.onTimeout === 'restrictive',
  writesUnchecked: () => false,
  resumeLevel: (_policy, recorded) => recorded,
  portServiced,
  missLimit: (policy) => policy.heartbeat.missLimit,
  alarmLevel: (policy, asked) => minLevel(asked, policy.detector.maxLevel),
};
