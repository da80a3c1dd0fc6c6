/**
 * The admins the protocol cannot tell apart: the one notion of symmetry every search of the
 * workbench reduces by.
 *
 * No guard, update or property of docs/protocol.md names an admin. Each asks only whether a voter
 * is an admin, and whether it is in a set: the open proposal's approvals (the machine's context) and
 * the admins who voted for the proposal a property is judging (the history of
 * `properties/history.ts`). So in any state the admins fall into four classes by which of those two
 * sets hold them, numbered as the checker's generated code counts them (`classCountOps` in
 * `checker/compiled/jsOps.ts`, whose class counts are the sizes of these classes; the class-count
 * algebra that interpretation and the Horn-clause proofs share names the same four, then the
 * outsider as class 4):
 *
 *   0  approved and voted · 1  approved only · 2  voted only · 3  neither
 *
 * Two admins of one class can be swapped without changing the state, so their proposals and
 * approvals lead to states that are renamings of each other, with the same verdicts. Trying one
 * admin per class therefore reaches every state up to renaming that trying all of them would:
 * the checker's reduced model (`checker/symmetry.ts`), the findings (`checker/findings.ts`, where
 * only the first k admins act) and the test generator's alphabet (`testgen/alphabet.ts`) all pick
 * their acting admins with {@link representativeAdmins}, and the checker's canonical renaming
 * lists admins class by class with {@link adminClasses}.
 *
 * Known limit: sound only while no rule names a particular admin; a policy feature that did (a veto
 * holder, weighted votes) would have to make that admin a class of its own here.
 */

/** The sets that tell admins apart: the open proposal's approvals and, for the properties' history, the votes. */
export interface AdminMarks {
  readonly approvals: readonly string[];
  /** The history's votes; empty for a bare machine state (the findings, the test generator). */
  readonly votes: readonly string[];
}

/** An admin's class, numbered as the compiled checker numbers its class counts. */
export type AdminClass = 0 | 1 | 2 | 3;

/** The class of an admin: whether the approvals hold it, whether the votes do. */
export function adminClassOf(approved: boolean, voted: boolean): AdminClass {
  return ((approved ? 0 : 2) + (voted ? 0 : 1)) as AdminClass;
}

/**
 * The admins of each class, classes in number order, each class in the order of `admins` (the
 * policy's order). Linear in the admins (sets, not list look-ups: the checker canonicalises every
 * state it reaches, and 101 admins made a quadratic partition the bottleneck).
 */
export function adminClasses(admins: readonly string[], marks: AdminMarks): readonly [string[], string[], string[], string[]] {
  const approved = new Set(marks.approvals);
  const voted = new Set(marks.votes);
  const classes: [string[], string[], string[], string[]] = [[], [], [], []];
  for (const id of admins) classes[adminClassOf(approved.has(id), voted.has(id))].push(id);
  return classes;
}

/**
 * One admin per non-empty class among `admins`: the first of each, listed in `admins`' order.
 * Ids in the marks that are not among `admins` (an outsider's counted vote in a broken machine,
 * an admin who does not act) are no admin's class and are ignored.
 *
 * The usual state is answered without sets: approvals that are the first k acting admins, and votes
 * that are either the same list or empty, make two classes, the first k and the rest.
 */
export function representativeAdmins(admins: readonly string[], marks: AdminMarks): string[] {
  const { approvals, votes } = marks;
  const sameVotes = votes.length === 0 || votes === approvals || (votes.length === approvals.length && votes.every((id, i) => id === approvals[i]));
  if (sameVotes && approvals.length <= admins.length && approvals.every((id, i) => id === admins[i])) {
    const k = approvals.length;
    if (admins.length === 0) return [];
    return k === 0 || k === admins.length ? [admins[0]!] : [admins[0]!, admins[k]!];
  }
  const approved = new Set(approvals);
  const voted = new Set(votes);
  const seen = [false, false, false, false];
  const out: string[] = [];
  for (const id of admins) {
    const c = adminClassOf(approved.has(id), voted.has(id));
    if (seen[c]) continue;
    seen[c] = true;
    out.push(id);
    if (out.length === 4) break;
  }
  return out;
}
