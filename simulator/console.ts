/**
 * The control console: administrators vote on level changes with Ed25519-signed votes.
 *
 * A vote signs (kind, proposal nonce, from-level, to-level, admin). The console counts a vote
 * only when its signer is an admin of the policy, the signature verifies under that admin's key,
 * the signature was never seen before (no replay), the vote is bound to the open proposal's
 * nonce and levels (no stale vote), and the admin has not already approved it. Every refused
 * vote is logged with its reason. At most one proposal is open; any change of level cancels it,
 * and a cancelled proposal's approvals are never counted again (a new proposal has a new nonce).
 *
 * The console decides *that* a quorum is reached; the level record of the physical hypervisor
 * re-verifies the certificate before it lowers the level (defence in depth).
 */
import { isLevel, levelIndex, type Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import type { KeyObject } from 'node:crypto';
import { deriveKey, publicKeyFromBase64, signMessage, verifySignature, type SigningKey } from './keys.ts';
import type { Micros } from './clock.ts';
import type { Bug } from './bugs.ts';

export type VoteKind = 'propose' | 'approve';

/** A signed vote as it travels from an admin's terminal to the console. */
export interface Vote {
  readonly kind: VoteKind;
  readonly admin: string;
  readonly nonce: number;
  readonly from: Level;
  readonly to: Level;
  /** Base64 Ed25519 signature of {@link voteMessage}. */
  readonly signature: string;
}

/** The exact bytes an admin signs. */
export function voteMessage(kind: VoteKind, nonce: number, from: Level, to: Level, admin: string): string {
  return `guillotine-vote/1\n${kind}\n${nonce}\n${from}\n${to}\n${admin}`;
}

/** Signs a vote with an admin's key. */
export function signVote(key: SigningKey, kind: VoteKind, nonce: number, from: Level, to: Level): Vote {
  return { kind, admin: key.admin, nonce, from, to, signature: signMessage(key, voteMessage(kind, nonce, from, to, key.admin)) };
}

/** Why a vote was refused: one code per rule. */
export type RefusalCode =
  | 'non-admin' // the signer is not an admin of the policy
  | 'forged' // the signature does not verify under the admin's key
  | 'replayed' // this exact signature was already presented
  | 'stale' // bound to another proposal nonce, or to other levels
  | 'duplicate' // the admin already approved this proposal
  | 'no-proposal' // an approval with no proposal open
  | 'busy' // a proposal while another is open
  | 'hypervisor-down' // the hypervisor is rebooting and cannot apply a change
  | 'no-change' // the target is the current level
  | 'irreversible' // the current level is irreversible
  | 'too-far'; // a de-escalation of more than maxStep levels

/** A proposal gathering approvals. */
export interface OpenProposal {
  readonly nonce: number;
  readonly from: Level;
  readonly to: Level;
  readonly openedAt: Micros;
  readonly deadline: Micros;
  /** The counted votes, one per distinct admin, in arrival order (the proposer's first). */
  readonly votes: readonly Vote[];
}

/** The proof a level change was voted: the votes the console counted for one proposal. */
export interface QuorumCertificate {
  readonly nonce: number;
  readonly from: Level;
  readonly to: Level;
  readonly votes: readonly Vote[];
}

export type ConsoleOutcome =
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly reason: string }
  | { readonly kind: 'opened'; readonly proposal: OpenProposal }
  | { readonly kind: 'counted'; readonly proposal: OpenProposal }
  | { readonly kind: 'quorum'; readonly certificate: QuorumCertificate };

/** One line of the console's audit log. */
export interface ConsoleLogEntry {
  readonly at: Micros;
  readonly admin: string;
  readonly kind: VoteKind;
  readonly outcome: 'refused' | 'opened' | 'counted' | 'quorum' | 'expired' | 'cancelled';
  readonly code?: RefusalCode;
  readonly reason?: string;
}

/** Where the console stands when a vote arrives (it reads this from the hypervisor). */
export interface ConsoleView {
  readonly level: Level;
  readonly hypervisorRunning: boolean;
  readonly now: Micros;
}

/** The public keys the console trusts: the policy's `publicKey` if given, else the seed-derived one. */
export function trustedKeys(policy: Policy, seed: string | number): ReadonlyMap<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const admin of policy.admins) {
    // A pinned key that does not parse is an error, never a reason to trust the seed-derived key.
    const key = publicKeyFromBase64(admin.publicKey ?? deriveKey(seed, admin.id).publicKeyBase64);
    if (key === null) throw new Error(`cannot build a public key for admin ${admin.id}`);
    keys.set(admin.id, key);
  }
  return keys;
}

/** The number of distinct approvals a change from one level to another needs. */
export function requiredApprovals(policy: Policy, from: Level, to: Level, bug?: Bug): number {
  // Stryker disable next-line EqualityOperator: > and >= differ only for from = to, and a vote for no change is refused before the quorum is asked for
  if (levelIndex(to) > levelIndex(from)) return policy.quorum.escalate;
  return bug === 'deescalate-one-short' ? Math.max(1, policy.quorum.deescalate - 1) : policy.quorum.deescalate;
}

export class ControlConsole {
  private nextNonce = 1;
  private open: OpenProposal | null = null;
  private readonly seen = new Set<string>();
  /** Test-only mutant state: approvals of cancelled proposals, by from→to (see `bugs.ts`). */
  private readonly carried = new Map<string, Vote[]>();
  readonly log: ConsoleLogEntry[] = [];
  /** Refusals by code, for reports. */
  readonly refusals = new Map<RefusalCode, number>();

  constructor(
    private readonly policy: Policy,
    private readonly keys: ReadonlyMap<string, KeyObject>,
    private readonly bug?: Bug,
  ) {}

  /** The nonce the next proposal must carry (a proposer reads it, then signs over it). */
  challenge(): number {
    return this.nextNonce;
  }

  /** The open proposal, if any. */
  get proposal(): OpenProposal | null {
    return this.open;
  }

  /** Checks and counts one vote. Never throws; a refusal is logged and returned with its reason. */
  submit(vote: Vote, view: ConsoleView): ConsoleOutcome {
    const refused = (code: RefusalCode, reason: string): ConsoleOutcome => {
      this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
      this.log.push({ at: view.now, admin: vote.admin, kind: vote.kind, outcome: 'refused', code, reason });
      return { kind: 'refused', code, reason };
    };
    const key = this.keys.get(vote.admin);
    if (key === undefined) return refused('non-admin', `${JSON.stringify(vote.admin)} is not an admin of this policy`);
    if (!verifySignature(key, voteMessage(vote.kind, vote.nonce, vote.from, vote.to, vote.admin), vote.signature)) {
      return refused('forged', `the signature on ${vote.admin}'s vote does not verify under ${vote.admin}'s key`);
    }
    if (this.seen.has(vote.signature)) return refused('replayed', `${vote.admin}'s vote was already presented once (replay)`);
    const outcome = vote.kind === 'propose' ? this.propose(vote, view, refused) : this.approve(vote, view, refused);
    // A refused proposal burns the challenge it was signed over: otherwise whoever saw it could
    // present the same signature later (after a reboot, once the open proposal closes) and open it
    // in the admin's name. The admin proposes again over the next challenge.
    if (outcome.kind === 'refused' && vote.kind === 'propose' && vote.nonce === this.nextNonce) this.nextNonce++;
    if (outcome.kind !== 'refused') {
      this.seen.add(vote.signature);
      this.log.push({ at: view.now, admin: vote.admin, kind: vote.kind, outcome: outcome.kind });
    }
    return outcome;
  }

  private propose(vote: Vote, view: ConsoleView, refused: (code: RefusalCode, reason: string) => ConsoleOutcome): ConsoleOutcome {
    if (!view.hypervisorRunning) return refused('hypervisor-down', 'the hypervisor is rebooting; proposals resume when it is back');
    if (this.open !== null) return refused('busy', `proposal #${this.open.nonce} (${this.open.from} → ${this.open.to}) is still open`);
    // A vote arrives as data: its levels are checked to be levels before any arithmetic on them.
    if (!isLevel(vote.to)) return refused('stale', `the proposal is signed for ${JSON.stringify(vote.to)}, which is not a level`);
    if (vote.nonce !== this.nextNonce || vote.from !== view.level) {
      return refused('stale', `the proposal is signed for nonce ${vote.nonce} from ${vote.from}; the console expects nonce ${this.nextNonce} from ${view.level}`);
    }
    if (vote.to === vote.from) return refused('no-change', `the level is already ${vote.to}`);
    const drop = levelIndex(vote.from) - levelIndex(vote.to);
    if (drop > 0 && this.policy.irreversible.includes(vote.from)) return refused('irreversible', `${vote.from} is irreversible; no vote lowers it`);
    if (drop > this.policy.deescalation.maxStep) return refused('too-far', `a de-escalation may drop at most ${this.policy.deescalation.maxStep} level(s); this one drops ${drop}`);
    this.nextNonce++;
    const deadline = view.now + Math.round(this.policy.quorum.timeoutSeconds * 1_000_000);
    const carried = this.bug === 'count-stale-approval' ? (this.carried.get(`${vote.from}>${vote.to}`) ?? []).filter((v) => v.admin !== vote.admin) : [];
    const proposal: OpenProposal = { nonce: vote.nonce, from: vote.from, to: vote.to, openedAt: view.now, deadline, votes: [vote, ...carried] };
    if (proposal.votes.length >= requiredApprovals(this.policy, vote.from, vote.to, this.bug)) return this.reachQuorum(proposal);
    this.open = proposal;
    return { kind: 'opened', proposal };
  }

  private approve(vote: Vote, _view: ConsoleView, refused: (code: RefusalCode, reason: string) => ConsoleOutcome): ConsoleOutcome {
    const open = this.open;
    if (open === null) return refused('no-proposal', 'no proposal is open');
    if (vote.nonce !== open.nonce || vote.from !== open.from || vote.to !== open.to) {
      return refused('stale', `the approval is bound to proposal #${vote.nonce} (${vote.from} → ${vote.to}), not the open #${open.nonce} (${open.from} → ${open.to})`);
    }
    if (open.votes.some((v) => v.admin === vote.admin) && this.bug !== 'duplicate-approval-counts') {
      return refused('duplicate', `${vote.admin} already approved proposal #${open.nonce}`);
    }
    const proposal: OpenProposal = { ...open, votes: [...open.votes, vote] };
    if (proposal.votes.length >= requiredApprovals(this.policy, open.from, open.to, this.bug)) return this.reachQuorum(proposal);
    this.open = proposal;
    return { kind: 'counted', proposal };
  }

  private reachQuorum(proposal: OpenProposal): ConsoleOutcome {
    this.open = null;
    return { kind: 'quorum', certificate: { nonce: proposal.nonce, from: proposal.from, to: proposal.to, votes: proposal.votes } };
  }

  /** The open proposal's quorum timer fired: closes it and returns it (the caller applies the policy). */
  expire(now: Micros): OpenProposal | null {
    const open = this.open;
    if (open === null) return null;
    this.open = null;
    if (this.bug === 'count-stale-approval') this.carried.set(`${open.from}>${open.to}`, [...open.votes]);
    this.log.push({ at: now, admin: open.votes[0]?.admin ?? '', kind: 'propose', outcome: 'expired' });
    return open;
  }

  /** Cancels the open proposal (a level change or a hypervisor reboot); its votes are never counted again. */
  cancel(now: Micros, why: string): void {
    const open = this.open;
    if (open === null) return;
    this.open = null;
    if (this.bug === 'count-stale-approval') this.carried.set(`${open.from}>${open.to}`, [...open.votes]);
    this.log.push({ at: now, admin: open.votes[0]?.admin ?? '', kind: 'propose', outcome: 'cancelled', reason: why });
  }
}
