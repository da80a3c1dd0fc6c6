/**
 * Sets of voters as counts of admin classes: the abstraction behind the checker's symmetry reduction
 * and the Horn clauses that prove the protocol for every number of admins, written once over a
 * scalar algebra so that each interpretation — JavaScript source (`checker/compiled/jsOps.ts`),
 * terms for Z3 (`proofs/protocol/`), plain numbers — counts the same way.
 *
 * Admins are interchangeable (docs/checker.md): a state tells them apart only by how they voted on
 * the open proposal. So a state holds how many admins approved and voted (class 0), approved only
 * (1), voted only (2), or neither (3), and whether the outsider — the one non-admin voter the
 * alphabet tries — approved or voted. An event's voter is then a class (4 for the outsider), and a
 * set a rule builds during one step is a {@link ClassSet}: how many members it takes from each class
 * of the state the step started in, whether it holds the outsider, and whether it holds the event's
 * voter.
 *
 * Why the counts are exact: in one step a rule builds its sets from the state's two sets (the
 * approvals, the votes), the empty set, and the event's one voter, by union with the voter and by
 * choice (`iteSet`). Each class of the state is, within each of those sets, taken whole or not at
 * all — except for the voter, who is one member of its class. So every set a step can build takes,
 * from each class, nothing, the voter alone, or the whole class; any two such parts of one class are
 * nested, and counts then determine intersections ({@link reclassify}) and inclusions
 * ({@link ClassSetOps.subset}) exactly. A rule that named an admin, or a set built across two steps
 * without going through the state, would break this (docs/checker.md, "The count abstraction").
 */
import type { Knob, ProtocolOps, Scalars } from './protocolOps.ts';

/** The classes of admins under symmetry, then the outsider, in class order. */
export const CLASSES = ['approved and voted', 'approved only', 'voted only', 'neither', 'the outsider'] as const;

/** The outsider's class: the voter who is not an admin. */
export const OUTSIDER_CLASS = 4;

/** The operations on truth values and integers that counting needs: every interpretation has them. */
export interface ScalarOps<B, N> extends Scalars<B, N> {
  /** `c ? a : b` on truth values. */
  iteBool(c: B, a: B, b: B): B;
  knob(name: Knob): N;
}

/** A set of voters under symmetry, over the classes of the state a step started in. */
export interface ClassSet<B, N> {
  /** How many admins of each class (0..3) the set holds. */
  readonly members: readonly [N, N, N, N];
  /** Whether it holds the outsider. */
  readonly outsider: B;
  /** Whether it holds the event's voter. */
  readonly voter: B;
}

/** The set operations of {@link ProtocolOps}, with voters as classes and sets as {@link ClassSet}s. */
export type ClassSetOps<B, N> = Pick<ProtocolOps<B, N, number, ClassSet<B, N>>, 'isAdmin' | 'noVoters' | 'onlyVoter' | 'withVoter' | 'iteSet' | 'has' | 'size' | 'countAdmins' | 'subset'>;

/**
 * The set operations over class counts. A voter is a class index (0..4, {@link OUTSIDER_CLASS} for
 * the outsider; -1 for an event no voter sends, which no set operation may receive), and the
 * operations only ever ask about the event's own voter (`has` reads the set's `voter` flag).
 */
export function classSetOps<B, N>(s: ScalarOps<B, N>): ClassSetOps<B, N> {
  const zero = s.int(0);
  const one = s.int(1);
  const unit = (k: number): ClassSet<B, N>['members'] => [k === 0 ? one : zero, k === 1 ? one : zero, k === 2 ? one : zero, k === 3 ? one : zero];
  const sum = (xs: readonly N[]) => xs.reduce((a, b) => s.add(a, b), zero);
  const implies = (a: B, b: B) => s.or(s.not(a), b);
  const noVoter = (k: number) => {
    if (k < 0) throw new Error('class counts: a set operation on an event no voter sends');
  };
  const members = (f: (j: number) => N) => [f(0), f(1), f(2), f(3)] as const;
  return {
    isAdmin: (k) => s.bool(k >= 0 && k < OUTSIDER_CLASS),
    noVoters: () => ({ members: [zero, zero, zero, zero], outsider: s.bool(false), voter: s.bool(false) }),
    onlyVoter: (k) => (noVoter(k), { members: unit(k), outsider: s.bool(k === OUTSIDER_CLASS), voter: s.bool(true) }),
    withVoter: (set, k) => {
      noVoter(k);
      if (k === OUTSIDER_CLASS) return { members: set.members, outsider: s.bool(true), voter: s.bool(true) };
      // The voter is one admin of class k: counted once, whether or not the set held it already.
      return { members: members((j) => (j === k ? s.ite(set.voter, set.members[j]!, s.add(set.members[j]!, one)) : set.members[j]!)), outsider: set.outsider, voter: s.bool(true) };
    },
    iteSet: (c, a, b) => ({
      members: members((j) => s.ite(c, a.members[j]!, b.members[j]!)),
      outsider: s.iteBool(c, a.outsider, b.outsider),
      voter: s.iteBool(c, a.voter, b.voter),
    }),
    has: (set) => set.voter,
    size: (set) => s.add(sum(set.members), s.ite(set.outsider, one, zero)),
    countAdmins: (set) => sum(set.members),
    // Within a class both parts are nothing, the voter, or the whole class (nested), so counts decide inclusion.
    subset: (a, b) => s.and(...a.members.map((m, j) => s.le(m, b.members[j]!)), implies(a.outsider, b.outsider), implies(a.voter, b.voter)),
  };
}

/** The class counts of a state: admins approved and voted, approved only, voted only (the rest voted for nothing), and the outsider's two flags. */
export interface ClassCounts<B, N> {
  readonly approvedAndVoted: N;
  readonly approvedOnly: N;
  readonly votedOnly: N;
  readonly outsiderApproved: B;
  readonly outsiderVoted: B;
}

/** The number of admins who neither approved nor voted: the policy's admins less the three counted classes. */
export function neither<B, N>(s: ScalarOps<B, N>, c: ClassCounts<B, N>): N {
  return s.sub(s.sub(s.sub(s.knob('admins'), c.approvedAndVoted), c.approvedOnly), c.votedOnly);
}

/** The count of class `k` (0..3) in a state. */
export function classCount<B, N>(s: ScalarOps<B, N>, c: ClassCounts<B, N>, k: number): N {
  return [c.approvedAndVoted, c.approvedOnly, c.votedOnly, neither(s, c)][k]!;
}

/**
 * A state's approvals and votes as sets over its own classes, for an event whose voter is of class
 * `voter` (-1: no voter). Admins of classes 0 and 1 approved, of classes 0 and 2 voted.
 */
export function stateSets<B, N>(s: ScalarOps<B, N>, c: ClassCounts<B, N>, voter: number): { readonly approvals: ClassSet<B, N>; readonly votes: ClassSet<B, N> } {
  const zero = s.int(0);
  const inApprovals = voter === 0 || voter === 1 ? s.bool(true) : voter === OUTSIDER_CLASS ? c.outsiderApproved : s.bool(false);
  const inVotes = voter === 0 || voter === 2 ? s.bool(true) : voter === OUTSIDER_CLASS ? c.outsiderVoted : s.bool(false);
  return {
    approvals: { members: [c.approvedAndVoted, c.approvedOnly, zero, zero], outsider: c.outsiderApproved, voter: inApprovals },
    votes: { members: [c.approvedAndVoted, zero, c.votedOnly, zero], outsider: c.outsiderVoted, voter: inVotes },
  };
}

/**
 * The class counts of the state a step reaches, from its approvals and votes as sets over the
 * classes of the state it started in: within each old class the two parts are nested (see the
 * module comment), so the admins in both are the smaller part, class by class.
 */
export function reclassify<B, N>(s: ScalarOps<B, N>, approvals: ClassSet<B, N>, votes: ClassSet<B, N>): ClassCounts<B, N> {
  const min = (a: N, b: N) => s.ite(s.le(a, b), a, b);
  const sum = (xs: readonly N[]) => xs.reduce((a, b) => s.add(a, b), s.int(0));
  const both = sum(approvals.members.map((a, j) => min(a, votes.members[j]!)));
  return {
    approvedAndVoted: both,
    approvedOnly: s.sub(sum(approvals.members), both),
    votedOnly: s.sub(sum(votes.members), both),
    outsiderApproved: approvals.outsider,
    outsiderVoted: votes.outsider,
  };
}
