/**
 * A concrete checked state (the reference model's objects) read as a count state: its regions, its
 * context as the rules read it, its approvals and votes as the sizes of the four admin classes and
 * the outsider's two flags, its history. What the exactness test compares, state for state, and how a
 * counterexample found on counts is followed on the concrete machine.
 */
import { LEVEL, NO_LEVEL } from '../../machines/protocolOps.ts';
import { contextView } from '../../machines/concreteOps.ts';
import { REGIONS } from '../../machines/statechart.ts';
import { adminIds, type Policy } from '../../spec/policy.ts';
import type { CheckState } from '../../properties/history.ts';
import { flatten, type StateSignature } from './countState.ts';

/** The admins of each class (0 approved and voted, 1 approved only, 2 voted only, 3 neither) in policy order, and the outsider's flags. */
export function adminClasses(policy: Policy, s: CheckState): { readonly classes: readonly (readonly string[])[]; readonly outsiderApproved: boolean; readonly outsiderVoted: boolean } {
  const approvals = s.machine.context.proposal?.approvals ?? [];
  const votes = s.history.votes;
  const ids = adminIds(policy);
  const admins = new Set(ids);
  const classes: string[][] = [[], [], [], []];
  for (const id of ids) classes[(approvals.includes(id) ? 0 : 2) + (votes.includes(id) ? 0 : 1)]!.push(id);
  return { classes, outsiderApproved: approvals.some((a) => !admins.has(a)), outsiderVoted: votes.some((v) => !admins.has(v)) };
}

/** A checked state's count state, as the numbers the compiled count system holds (signature order). */
export function countStateOf(sig: StateSignature, policy: Policy, s: CheckState): Int32Array {
  const c = contextView(s.machine.context);
  const { classes, outsiderApproved, outsiderVoted } = adminClasses(policy, s);
  const regions = REGIONS.map((r, i) => {
    const at = sig.regionStates[i]!.indexOf(s.machine.value[r]);
    if (at < 0) throw new Error(`region ${r} is in ${s.machine.value[r]}, which the statechart does not have`);
    return at;
  });
  const values = flatten(sig, {
    regions,
    level: c.level,
    rebooting: c.rebooting,
    open: c.open,
    from: c.from,
    to: c.to,
    missed: c.missed,
    commanded: c.commanded,
    pending: c.pending,
    counts: { approvedAndVoted: classes[0]!.length, approvedOnly: classes[1]!.length, votedOnly: classes[2]!.length, outsiderApproved, outsiderVoted },
    misses: s.history.misses,
    awaiting: s.history.awaiting === null ? NO_LEVEL : LEVEL[s.history.awaiting],
    floor: s.history.rebootFloor === null ? NO_LEVEL : LEVEL[s.history.rebootFloor],
  });
  return Int32Array.from(values, (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
}
