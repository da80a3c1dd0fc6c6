/**
 * `quorum-arithmetic`: for the policy under review, any escalation quorum and any de-escalation
 * quorum share an admin, any two de-escalation quorums share an admin (a strict majority), and each
 * quorum can be gathered from the admins listed.
 *
 * Two sets of admins are described by the sizes of their Venn regions (only in the first, in both,
 * only in the second, in neither), which sum to the number of admins. Every such 4-tuple is realised
 * by some pair of sets and vice versa, so the claims for all sets reduce to linear arithmetic on
 * four counts, in 16-bit vectors that cannot wrap (each count is at most 1024). A counterexample is
 * turned back into two concrete groups of admin ids.
 */
import type { BitVecOps } from '../bitvector.ts';
import { adminIds, MAX_ADMINS, type Policy } from '../../spec/policy.ts';
import { obligation, type Obligation } from '../obligation.ts';
import type { Theorem } from '../theorem.ts';

/** Bits enough for every sum below (at most four groups of at most MAX_ADMINS admins), so none wraps. */
const COUNT_BITS = Math.ceil(Math.log2(4 * MAX_ADMINS + 1));

const VENN = { onlyFirst: COUNT_BITS, both: COUNT_BITS, onlySecond: COUNT_BITS, neither: COUNT_BITS } as const;

interface Quorums {
  readonly admins: readonly string[];
  readonly escalate: number;
  readonly deescalate: number;
}

/** The four Venn counts describe two groups of the `n` admins, with at least `q1` and `q2` members. */
function twoQuorums<BV, B>(ops: BitVecOps<BV, B>, v: { onlyFirst: BV; both: BV; onlySecond: BV; neither: BV }, n: number, q1: number, q2: number): B {
  const c = (x: number) => ops.bv(COUNT_BITS, BigInt(x));
  const add = (a: BV, b: BV) => ops.bvadd(COUNT_BITS, a, b);
  return ops.and(
    ...[v.onlyFirst, v.both, v.onlySecond, v.neither].map((x) => ops.bvule(x, c(n))),
    ops.eq(add(add(v.onlyFirst, v.both), add(v.onlySecond, v.neither)), c(n)),
    ops.bvuge(add(v.onlyFirst, v.both), c(q1)),
    ops.bvuge(add(v.onlySecond, v.both), c(q2)),
  );
}

/** The two groups a Venn assignment stands for, as admin ids in policy order. */
function groups(admins: readonly string[], v: { onlyFirst: bigint; both: bigint; onlySecond: bigint }, first: string, second: string): Record<string, unknown> {
  const a = Number(v.onlyFirst);
  const b = Number(v.both);
  const c = Number(v.onlySecond);
  return { [first]: admins.slice(0, a + b), [second]: admins.slice(a, a + b + c), sharedAdmins: admins.slice(a, a + b) };
}

function obligations(q: Quorums): Obligation[] {
  const n = q.admins.length;
  const intersect = (name: string, statement: string, q1: number, q2: number, first: string, second: string) =>
    obligation({
      name,
      statement,
      mode: 'valid',
      vars: VENN,
      formula: (ops, v) => ({ assume: twoQuorums(ops, v, n, q1, q2), goal: ops.bvuge(v.both, ops.bv(COUNT_BITS, 1n)) }),
      explain: (v) => ({ admins: n, quorums: { [first]: q1, [second]: q2 }, ...groups(q.admins, v, first, second) }),
    });
  const reachable = (name: string, quorum: number, what: string) =>
    obligation({
      name,
      statement: `A ${what} quorum of ${quorum} distinct approvals can be gathered from the ${n} admins listed.`,
      mode: 'satisfiable',
      vars: { approvals: COUNT_BITS },
      formula: (ops, v) => ({ assume: ops.bvule(v.approvals, ops.bv(COUNT_BITS, BigInt(n))), goal: ops.bvuge(v.approvals, ops.bv(COUNT_BITS, BigInt(quorum))) }),
      explain: (v) => ({ approvers: q.admins.slice(0, Number(v.approvals)) }),
    });
  return [
    intersect('escalation-meets-deescalation', `Any ${q.escalate} admins and any ${q.deescalate} admins of the ${n} share at least one admin.`, q.escalate, q.deescalate, 'escalationQuorum', 'deescalationQuorum'),
    intersect('deescalation-strict-majority', `Any two groups of ${q.deescalate} admins of the ${n} share an admin (a strict majority).`, q.deescalate, q.deescalate, 'deescalationQuorum', 'otherDeescalationQuorum'),
    reachable('escalation-reachable', q.escalate, 'escalation'),
    reachable('deescalation-reachable', q.deescalate, 'de-escalation'),
  ];
}

export const quorumArithmeticTheorem: Theorem = {
  id: 'quorum-arithmetic',
  summary: 'the policy quorums intersect, de-escalation needs a strict majority, each quorum is reachable',
  statement:
    'For the policy under review: every group of admins large enough to escalate and every group large enough to de-escalate have an admin in common, so no de-escalation can undo an escalation without someone who voted for it; every two groups large enough to de-escalate have an admin in common, so de-escalation needs a strict majority; and each quorum can actually be gathered from the admins the policy lists.',
  assumptions: [
    'Approvals count distinct admins (the statechart discards duplicates and non-admins; the checker proves it).',
    `At most ${MAX_ADMINS} admins (the policy schema's limit), so the counts fit in ${COUNT_BITS}-bit vectors without wrapping.`,
  ],
  obligations: ({ policy }) => obligations(quorumsOf(policy)),
  controls: ({ policy }) => {
    const q = quorumsOf(policy);
    const n = q.admins.length;
    // With a single admin no two groups can be disjoint: there is nothing to weaken.
    if (n < 2) return [];
    return [
      {
        id: 'quorum-half-deescalation',
        description: `the same admins with the de-escalation quorum lowered to half of them (${Math.floor(n / 2)} of ${n}) and escalation to the rest`,
        obligations: obligations({ ...q, deescalate: Math.max(1, Math.floor(n / 2)), escalate: Math.max(1, n - Math.max(1, Math.floor(n / 2))) }),
      },
    ];
  },
};

function quorumsOf(policy: Policy): Quorums {
  return { admins: adminIds(policy), escalate: policy.quorum.escalate, deescalate: policy.quorum.deescalate };
}
