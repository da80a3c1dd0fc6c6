/**
 * What a logged signed vote means to the statechart. docs/protocol.md §3: "an approval from a
 * non-admin, a duplicate approval, a forged or replayed signature counts for nothing", and
 * approvals bind to (proposal, from-level, to-level). So a vote becomes the §7 event
 * `propose`/`approve` only when it is authentic and bound to where the system stands; otherwise it
 * is no event at all. Which of those the statechart then accepts (a duplicate, a proposal while
 * another is open, an approval with none open) is the statechart's decision, not this file's.
 *
 * - **Authentic**: the signer is an admin of the policy and, when the policy pins the admin's
 *   `publicKey`, the signature verifies over `voteMessage` (`spec/log.ts`). An admin without a
 *   pinned key cannot be checked: the vote is taken as signed (and counted as unverified).
 * - **Fresh** (proposals): its nonce is above every proposal nonce the log showed before, so a
 *   replayed or stale proposal opens nothing. (A console issues nonces in increasing order, and a
 *   proposal burns its nonce whether or not it opens.)
 * - **Bound**: a proposal is signed from the current level; an approval for the open proposal's
 *   levels and, when the log showed the proposal that opened it, for its nonce.
 */
import type { KeyObject } from 'node:crypto';
import type { GuillotineEvent } from '../spec/events.ts';
import type { Level } from '../spec/levels.ts';
import { ed25519PublicKey, signatureValid, voteMessage, type LogVote } from '../spec/log.ts';
import type { Policy } from '../spec/policy.ts';

/** Whether a vote is authentic, or why it is not. */
export type Authenticity = { readonly authentic: true; readonly verified: boolean } | { readonly authentic: false; readonly why: string };

/** Checks votes' signatures against a policy's admins and their pinned keys. */
export function voteChecker(policy: Policy): (vote: LogVote) => Authenticity {
  const keys = new Map<string, KeyObject | null>(policy.admins.map((a) => [a.id, a.publicKey === undefined ? null : ed25519PublicKey(a.publicKey)]));
  return (vote) => {
    if (!keys.has(vote.admin)) return { authentic: false, why: `${JSON.stringify(vote.admin)} is not an admin of the policy` };
    const key = keys.get(vote.admin)!;
    if (key === null) return { authentic: true, verified: false };
    if (vote.signature === undefined) return { authentic: false, why: `${vote.admin}'s vote carries no signature, and the policy pins ${vote.admin}'s key` };
    if (!signatureValid(key, voteMessage(vote.kind, vote.nonce, vote.from, vote.to, vote.admin), vote.signature)) {
      return { authentic: false, why: `the signature on ${vote.admin}'s vote does not verify under ${vote.admin}'s key (forged or altered)` };
    }
    return { authentic: true, verified: true };
  };
}

/** Where one candidate behaviour stands when the vote arrives. */
export interface VoteContext {
  readonly level: Level;
  readonly proposal: { readonly from: Level; readonly to: Level } | null;
  /** The nonce of the vote that opened the open proposal, when the log showed it. */
  readonly openNonce: number | null;
}

/** The §7 event a vote is, or why it is none. */
export type VoteMeaning = { readonly event: GuillotineEvent } | { readonly ignored: string };

/**
 * The event a vote is in `at`. `authenticity` comes from {@link voteChecker}; `highestNonce` is the
 * highest proposal nonce of an authentic proposal earlier in the log (null: none yet).
 */
export function voteMeaning(vote: LogVote, authenticity: Authenticity, highestNonce: number | null, at: VoteContext): VoteMeaning {
  if (!authenticity.authentic) return { ignored: authenticity.why };
  if (vote.kind === 'propose') {
    if (highestNonce !== null && vote.nonce <= highestNonce) return { ignored: `proposal nonce ${vote.nonce} was already used (the log showed ${highestNonce}): replayed or stale` };
    if (vote.from !== at.level) return { ignored: `the proposal is signed from ${vote.from}, but the level is ${at.level}: stale` };
    return { event: { type: 'propose', admin: vote.admin, target: vote.to } };
  }
  const open = at.proposal;
  if (open !== null && (vote.from !== open.from || vote.to !== open.to)) return { ignored: `the approval is bound to ${vote.from} → ${vote.to}, not the open ${open.from} → ${open.to}: stale` };
  if (open !== null && at.openNonce !== null && vote.nonce !== at.openNonce) return { ignored: `the approval is bound to proposal nonce ${vote.nonce}, not the open proposal's ${at.openNonce}: stale or replayed` };
  return { event: { type: 'approve', admin: vote.admin } };
}
