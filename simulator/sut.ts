/**
 * The reference simulator as a {@link SystemUnderTest}: what generated transition tests and the
 * conformance tests drive. Each §7 event becomes the stimulus a real machine would see:
 *
 * - `propose` / `approve` → a vote signed with that admin's Ed25519 key (derived from the seed),
 *   bound to the console's current nonce and levels; a non-admin's vote is signed with a key the
 *   console does not trust;
 * - `timeout` → virtual time advances to the open proposal's quorum deadline;
 * - `heartbeat` → the software hypervisor's heartbeat reaches the physical hypervisor;
 *   `heartbeat-missed` → one heartbeat period ends with no heartbeat;
 * - `alarm` → the detector's alarm line; `mce` / `assertion-failure` → a fault on a hypervisor
 *   core; `reboot-complete` → the hypervisor finishes booting;
 * - `actuator-confirm` → the actuator reports its position; `actuator-fault` → its confirmation
 *   deadline passes without one.
 *
 * The machine abstracts time: any armed timer may expire at any step, independently of the
 * others. The adapter therefore runs the simulator in `scripted` mode, where the environment's
 * timers (heartbeat periods, actuator deadlines, reboot durations) fire only when the matching
 * event says so, and only the quorum timer is a real deadline on the clock. In free-running mode
 * (the soak) all of them are real timers.
 *
 * Known limit: a policy that pins an admin's `publicKey` to a key other than the seed-derived one
 * cannot be driven (the adapter does not hold that private key); {@link createSimulatorSut}'s
 * `reset` refuses such a policy with a message saying so.
 */
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { ObservedState, SendResult, SystemUnderTest } from '../spec/systemUnderTest.ts';
import { signVote } from './console.ts';
import { deriveKey, type SigningKey } from './keys.ts';
import { GuillotineSystem } from './system.ts';
import type { SimulatorRules } from './rules.ts';

export interface SimulatorSutOptions {
  /**
   * Builds the rules each fresh machine runs (see `rules.ts`; called on every `reset`, since a
   * rule may keep state). Omit for the correct simulator; only a test of the tests passes one.
   */
  readonly rules?: () => SimulatorRules;
  /** Seed of the admins' keys and of the simulator (default 1). */
  readonly seed?: number;
}

/** The simulator behind the {@link SystemUnderTest} interface, with its inner system exposed for white-box tests. */
export interface SimulatorSut extends SystemUnderTest {
  reset(policy: Policy): void;
  send(event: GuillotineEvent): SendResult;
  observe(): ObservedState;
  /** The simulated machine (after the first `reset`). */
  readonly system: GuillotineSystem;
}

const result = (ok: boolean, reason: string): SendResult => (ok ? { accepted: true } : { accepted: false, reason });

/** What the console made of a signed vote: refused, accepted but its level change refused, or accepted. */
function voteOutcome(r: ReturnType<GuillotineSystem['submitVote']>): SendResult {
  return r.kind === 'refused' ? result(false, r.reason) : r.write && !r.write.ok ? result(false, r.write.reason) : result(true, '');
}

/** Sends `event` to the simulated machine as the stimulus a real one would see (the list above), then runs what falls due. */
function stimulate(s: GuillotineSystem, event: GuillotineEvent, keyOf: (admin: string) => SigningKey): SendResult {
  let outcome: SendResult;
  switch (event.type) {
    case 'propose':
      outcome = voteOutcome(s.submitVote(signVote(keyOf(event.admin), 'propose', s.console.challenge(), s.level, event.target)));
      break;
    case 'approve': {
      // The admin's terminal signs for the proposal the console shows (or a stale one when none is open).
      const open = s.console.proposal;
      const vote = open ? signVote(keyOf(event.admin), 'approve', open.nonce, open.from, open.to) : signVote(keyOf(event.admin), 'approve', s.console.challenge() - 1, s.level, s.level);
      outcome = voteOutcome(s.submitVote(vote));
      break;
    }
    case 'timeout': {
      const deadline = s.quorumDeadline();
      if (deadline === null) outcome = result(false, 'no proposal is open, so no quorum timer is armed');
      else {
        s.clock.runUntil(deadline);
        outcome = result(true, '');
      }
      break;
    }
    case 'heartbeat':
      outcome = s.heartbeat();
      break;
    case 'heartbeat-missed': {
      const w = s.physical.periodMissed();
      outcome = result(w.ok, w.ok ? '' : w.reason);
      break;
    }
    case 'alarm':
      s.alarm(event.level);
      outcome = result(true, '');
      break;
    case 'mce':
    case 'assertion-failure':
      outcome = s.fault(event.type);
      break;
    case 'reboot-complete':
      outcome = s.rebootComplete();
      break;
    case 'actuator-confirm': {
      const w = s.physical.confirm(event.actuator);
      outcome = result(w.ok, w.ok ? '' : w.reason);
      break;
    }
    case 'actuator-fault': {
      const w = s.physical.deadlineMissed(event.actuator);
      outcome = result(w.ok, w.ok ? '' : w.reason);
      break;
    }
  }
  s.clock.runDue();
  return outcome;
}

/** What the simulated machine shows of the state a generated test prescribes. */
function observation(s: GuillotineSystem): ObservedState {
  const open = s.console.proposal;
  const row = s.physical.commandedRow();
  return {
    level: s.level,
    proposal: open === null ? null : { from: open.from, to: open.to, approvals: adminIds(s.policy).filter((id) => open.votes.some((v) => v.admin === id)) },
    hypervisor: s.hypervisor.isRunning ? 'running' : 'rebooting',
    capabilities: { modelCores: s.core.halted ? 'halted' : 'run', ports: s.portService(), ...row },
  };
}

/** Creates the adapter. Call `reset(policy)` before the first `send`. */
export function createSimulatorSut(options: SimulatorSutOptions = {}): SimulatorSut {
  const seed = options.seed ?? 1;
  let system: GuillotineSystem | null = null;
  const keys = new Map<string, SigningKey>();
  const keyOf = (admin: string): SigningKey => {
    let key = keys.get(admin);
    if (key === undefined) keys.set(admin, (key = deriveKey(seed, admin)));
    return key;
  };
  const live = (): GuillotineSystem => {
    if (system === null) throw new Error('the simulator SUT has no policy yet: call reset(policy) first');
    return system;
  };
  return {
    get system() {
      return live();
    },
    reset(policy) {
      for (const admin of policy.admins) {
        if (admin.publicKey !== undefined && admin.publicKey !== keyOf(admin.id).publicKeyBase64) {
          throw new Error(`admin ${admin.id} pins a publicKey the simulator adapter cannot sign for; remove "publicKey" from the policy to test it against the simulator`);
        }
      }
      system = new GuillotineSystem({ policy, seed, mode: 'scripted', ...(options.rules ? { rules: options.rules() } : {}) });
    },
    send: (event) => stimulate(live(), event, keyOf),
    observe: () => observation(live()),
  };
}
