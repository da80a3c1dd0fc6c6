/**
 * Admins' terminals, for experiments: sign and submit the votes that move the level, with the keys
 * the system derives from its seed (the same derivation the console trusts).
 */
import { adminIds } from '../../spec/policy.ts';
import type { Level } from '../../spec/levels.ts';
import { signVote } from '../console.ts';
import { deriveKey } from '../keys.ts';
import type { GuillotineSystem } from '../system.ts';

/**
 * Opens a proposal from the current level to `target` as the first admin and has the next admins
 * approve it one by one until the console reaches a quorum or `approvals` admins have voted.
 * Returns whether the level is now `target`.
 */
export function voteTo(system: GuillotineSystem, seed: number, target: Level, approvals = system.policy.admins.length): boolean {
  const ids = adminIds(system.policy);
  const first = ids[0]!;
  const opened = system.submitVote(signVote(deriveKey(seed, first), 'propose', system.console.challenge(), system.level, target));
  if (opened.kind === 'refused') return false;
  for (const admin of ids.slice(1, approvals)) {
    const open = system.console.proposal;
    if (open === null) break;
    system.submitVote(signVote(deriveKey(seed, admin), 'approve', open.nonce, open.from, open.to));
  }
  return system.level === target;
}
