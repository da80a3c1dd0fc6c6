/**
 * The soak's administrators, voting with Ed25519-signed votes:
 *
 * - **recovery**: after a review delay they de-escalate one level at a time, until standard (or an
 *   irreversible level), sometimes one approval short so the proposal expires, and sometimes with
 *   an actuator jammed just before the move the de-escalation commands;
 * - **escalations**: one of them proposes a level up to offline (never past: destruction is not a
 *   soak event) that either gathers its quorum or is left to expire;
 * - **vote attacks**: forged, replayed, non-admin, stale and duplicate votes, all of which the
 *   console must refuse.
 */
import { ACTUATORS, actuatorPositions, levelAt, levelIndex } from '../../spec/levels.ts';
import { MICROS_PER_SECOND } from '../clock.ts';
import { signVote, type ConsoleOutcome, type Vote } from '../console.ts';
import { deriveKey } from '../keys.ts';
import type { Prng } from '../prng.ts';
import type { Jams } from './soakFailsafes.ts';
import { poisson, type SoakRun } from './soakRun.ts';

const MS = 1_000;

/** What the admins did, for the report. */
export interface AdminTally {
  /** Every vote the console counted (not refused), in order. */
  readonly counted: readonly Vote[];
  readonly deescalations: number;
  /** De-escalations left one approval short, to expire. */
  readonly expired: number;
  readonly attacks: number;
  /** Attack votes the console counted (must be 0). */
  readonly attacksCounted: number;
}

/** The admins' terminals: they sign and submit votes, and keep the ones the console counted. */
interface Terminals {
  readonly counted: Vote[];
  submit(vote: Vote): ConsoleOutcome;
  /**
   * Approvals by `voters` (after the proposer), each a little later than the last, all within the
   * quorum timeout (admins answer on the policy's time scale, so a short timeout is not by itself
   * a reason for every proposal to expire).
   */
  approveLater(random: Prng, nonce: number, voters: readonly string[], onLast?: () => void): void;
}

function terminals(run: SoakRun): Terminals {
  const { system, clock, policy, end, keys } = run;
  const counted: Vote[] = [];
  const submit = (vote: Vote): ConsoleOutcome => {
    const outcome = system.submitVote(vote);
    if (outcome.kind !== 'refused') counted.push(vote);
    return outcome;
  };
  /** The open proposal, if it is still the one with this nonce. */
  const stillOpen = (nonce: number) => (system.console.proposal?.nonce === nonce ? system.console.proposal : null);
  return {
    counted,
    submit,
    approveLater(random, nonce, voters, onLast) {
      const timeout = policy.quorum.timeoutSeconds * MICROS_PER_SECOND;
      let at = clock.now;
      voters.forEach((admin, i) => {
        at += Math.max(1, Math.round((timeout * (0.1 + 0.8 * random.float())) / (voters.length + 1)));
        clock.at(Math.min(at, end), 'approval', () => {
          const open = stillOpen(nonce);
          if (open === null) return;
          if (i === voters.length - 1) onLast?.();
          submit(signVote(keys.get(admin)!, 'approve', open.nonce, open.from, open.to));
        });
      });
    },
  };
}

/** Recovery: after a review delay, de-escalate one level, until standard (or an irreversible level). */
function scheduleRecovery(run: SoakRun, admins: Terminals, jams: Jams, tally: { deescalations: number; expired: number }): void {
  const { system, clock, policy, end, ids, keys } = run;
  const recovery = run.root.fork('soak:recovery');
  const recover = () => {
    const level = system.level;
    const canPropose = system.hypervisor.isRunning && system.console.proposal === null;
    if (level !== 'standard' && !policy.irreversible.includes(level) && canPropose) {
      const target = levelAt(levelIndex(level) - 1);
      const proposer = recovery.pick(ids);
      // Sometimes an actuator jams just before the move this de-escalation commands (long enough to miss its deadline).
      const moves = ACTUATORS.filter((a) => actuatorPositions(level)[a] !== actuatorPositions(target)[a]);
      const jamIt = moves.length > 0 && recovery.chance(0.15);
      const jamBeforeMove = () => jams.jam(recovery.pick(moves), policy.actuators.confirmDeadlineMs * MS * (1.2 + 8 * recovery.float()));
      if (jamIt && policy.quorum.deescalate === 1) jamBeforeMove(); // the proposal itself is the quorum
      const opened = admins.submit(signVote(keys.get(proposer)!, 'propose', system.console.challenge(), level, target));
      if (opened.kind === 'opened' || opened.kind === 'quorum') {
        tally.deescalations++;
        if (opened.kind === 'opened') {
          const short = recovery.chance(0.1);
          const others = ids.filter((id) => id !== proposer);
          const needed = policy.quorum.deescalate - 1 - (short ? 1 : 0);
          if (short) tally.expired++;
          const voters = shuffle(recovery, others).slice(0, Math.max(0, needed));
          admins.approveLater(recovery, opened.proposal.nonce, voters, jamIt ? jamBeforeMove : undefined);
        }
      }
    }
    const delay = Math.round((2 + recovery.exponential(18)) * 60 * MICROS_PER_SECOND);
    if (clock.now + delay < end) clock.after(delay, 'recovery', recover);
  };
  clock.at(Math.round(5 * 60 * MICROS_PER_SECOND), 'recovery', recover);
}

/** Escalations: an admin proposes a level up to offline, which either gathers its quorum or is left to expire. */
function scheduleEscalations(run: SoakRun, admins: Terminals): void {
  const { system, policy, ids, keys } = run;
  poisson(run, 'escalation', run.rates.escalationProposal, (random) => {
    const level = system.level;
    if (levelIndex(level) >= levelIndex('offline') || !system.hypervisor.isRunning || system.console.proposal !== null) return;
    const target = levelAt(levelIndex(level) + 1 + random.int(levelIndex('offline') - levelIndex(level)));
    const proposer = random.pick(ids);
    const opened = admins.submit(signVote(keys.get(proposer)!, 'propose', system.console.challenge(), level, target));
    if (opened.kind === 'quorum') return run.triggers.instant('escalation-quorum', target);
    if (opened.kind !== 'opened') return;
    const nonce = opened.proposal.nonce;
    const reach = random.chance(0.5) && policy.quorum.escalate > 1;
    const others = shuffle(random, ids.filter((id) => id !== proposer));
    if (reach) {
      admins.approveLater(random, nonce, others.slice(0, policy.quorum.escalate - 1), () => run.triggers.expect('escalation-quorum', target, 0, { nonce }));
    } else {
      // Fewer approvals than the quorum: the proposal expires. Under `restrictive` the escalation then applies.
      admins.approveLater(random, nonce, others.slice(0, Math.max(0, Math.min(policy.quorum.escalate - 2, random.int(policy.quorum.escalate)))));
      if (policy.quorum.onTimeout === 'restrictive') run.triggers.expect('escalation-timeout', target, policy.quorum.timeoutSeconds * MICROS_PER_SECOND, { nonce });
      else run.triggers.absorb('escalation-timeout', 'cancelled');
    }
  });
}

/** Vote attacks: forged, replayed, non-admin, stale and duplicate votes, which the console must all refuse. */
function scheduleVoteAttacks(run: SoakRun, admins: Terminals, tally: { attacks: number; attacksCounted: number }): void {
  const { system, ids, keys } = run;
  const counted = admins.counted;
  const outsider = deriveKey(`${run.seed}:outsider`, 'mallory');
  poisson(run, 'vote-attack', run.rates.voteAttack, (random) => {
    tally.attacks++;
    const open = system.console.proposal;
    const kind = random.pick(['forged', 'replayed', 'non-admin', 'stale', 'duplicate'] as const);
    const admin = random.pick(ids);
    let vote: Vote;
    const previous = counted.length > 0 ? counted[random.int(counted.length)]! : null;
    if (kind === 'replayed' && previous !== null) vote = previous;
    else if (kind === 'duplicate' && open !== null) {
      // The proposer approves its own proposal: a second approval by the same admin (Ed25519 is
      // deterministic, so a re-sent approval would be a replay; this one is a fresh message).
      vote = signVote(keys.get(open.votes[0]!.admin) ?? keys.get(admin)!, 'approve', open.nonce, open.from, open.to);
    } else if (kind === 'non-admin') vote = signVote(outsider, open ? 'approve' : 'propose', open?.nonce ?? system.console.challenge(), open?.from ?? system.level, open?.to ?? 'standard');
    else if (kind === 'stale') vote = signVote(keys.get(admin)!, open ? 'approve' : 'propose', (open?.nonce ?? system.console.challenge()) - 1 - random.int(3), open?.from ?? system.level, open?.to ?? 'standard');
    else {
      // Forged: signed by a key that is not the admin's, under the admin's name.
      const forger = deriveKey(`${run.seed}:forger`, admin);
      vote = signVote(forger, open ? 'approve' : 'propose', open?.nonce ?? system.console.challenge(), open?.from ?? system.level, open?.to ?? 'standard');
    }
    const outcome = system.submitVote(vote);
    if (outcome.kind !== 'refused') tally.attacksCounted++;
  });
}

/** Schedules the admins' recovery, escalations and vote attacks (in that order on the clock). */
export function scheduleAdmins(run: SoakRun, jams: Jams): AdminTally {
  const admins = terminals(run);
  const tally = { deescalations: 0, expired: 0, attacks: 0, attacksCounted: 0 };
  scheduleRecovery(run, admins, jams, tally);
  scheduleEscalations(run, admins);
  scheduleVoteAttacks(run, admins, tally);
  return {
    counted: admins.counted,
    get deescalations() {
      return tally.deescalations;
    },
    get expired() {
      return tally.expired;
    },
    get attacks() {
      return tally.attacks;
    },
    get attacksCounted() {
      return tally.attacksCounted;
    },
  };
}

/** A seeded Fisher–Yates shuffle (a copy). */
function shuffle<T>(random: Prng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
