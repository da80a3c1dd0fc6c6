/**
 * The paths through a step, as a decision tree: the step is run once per sequence of decisions
 * (symbolic execution by re-execution), and wherever it asks about a term that is not a constant
 * under what the path already decided, the tree forks — one branch where the term holds, one where
 * it does not. A leaf is one path: its condition is the decisions on the way to it, its outcome the
 * step's (refused, or accepted with the successor as terms of the state before).
 *
 * Decisions are remembered as facts where they pin a variable (`isolation = 3`, `proposal_open`), and
 * later questions are simplified under them, so a region's state is asked once per path and a guard
 * that the path already decides does not fork again. A path whose condition is contradictory in a way
 * facts cannot see is kept: its Horn clause is then vacuous, never wrong.
 */
import { isConst, type Term, type TermBank } from './term.ts';

/** A decision tree of a step. */
export type PathTree<L> = { readonly kind: 'fork'; readonly condition: Term; readonly then: PathTree<L>; readonly else: PathTree<L> } | { readonly kind: 'leaf'; readonly outcome: L };

/** One path: the decisions along it (a term and whether it held) and what the step does there. */
export interface Path<L> {
  readonly decisions: readonly { readonly condition: Term; readonly holds: boolean }[];
  readonly outcome: L;
}

class Fork {
  constructor(readonly condition: Term) {}
}

/**
 * The decision tree of `run`, which must be deterministic given its decisions. `run` may pass the
 * terms of its outcome through `simplify`, which applies what the path has decided.
 * @param maxLeaves a bound on the paths (a rule that forks without end is a bug to report, not to wait for)
 */
export function pathTree<L>(bank: TermBank, run: (choose: (b: Term) => boolean, simplify: (t: Term) => Term) => L, maxLeaves = 100_000): PathTree<L> {
  let leaves = 0;
  const explore = (prefix: readonly boolean[]): PathTree<L> => {
    const facts = new Map<number, Term>();
    let at = 0;
    const choose = (b: Term): boolean => {
      const simplified = facts.size === 0 ? b : bank.substitute(b, facts);
      if (isConst(simplified)) return simplified.value as boolean;
      if (at === prefix.length) throw new Fork(simplified);
      const holds = prefix[at++]!;
      learn(bank, simplified, holds, facts);
      return holds;
    };
    // What the path decided, applied to a term of its outcome: the successor reads `isolation = 3` as 3.
    const simplify = (t: Term): Term => (facts.size === 0 ? t : bank.substitute(t, facts));
    try {
      const outcome = run(choose, simplify);
      if (++leaves > maxLeaves) throw new Error(`a step has more than ${maxLeaves} paths`);
      return { kind: 'leaf', outcome };
    } catch (thrown) {
      if (!(thrown instanceof Fork)) throw thrown;
      return { kind: 'fork', condition: thrown.condition, then: explore([...prefix, true]), else: explore([...prefix, false]) };
    }
  };
  return explore([]);
}

/** What a decision pins: a truth variable, a variable equal to a constant, each part of a conjunction that holds. */
function learn(bank: TermBank, t: Term, holds: boolean, facts: Map<number, Term>): void {
  if (t.op === 'var') facts.set(t.id, bank.bool(holds));
  else if (t.op === 'not') learn(bank, t.args[0]!, !holds, facts);
  else if (t.op === 'and' && holds) t.args.forEach((a) => learn(bank, a, true, facts));
  else if (t.op === 'or' && !holds) t.args.forEach((a) => learn(bank, a, false, facts));
  else if (t.op === 'eq' && holds) {
    const [a, b] = t.args as [Term, Term];
    if (a.op === 'var' && isConst(b)) facts.set(a.id, b);
    else if (b.op === 'var' && isConst(a)) facts.set(b.id, a);
  }
}

/** The paths of a tree, in order (then-branches first). */
export function pathsOf<L>(tree: PathTree<L>): Path<L>[] {
  const out: Path<L>[] = [];
  const walk = (t: PathTree<L>, decisions: Path<L>['decisions']) => {
    if (t.kind === 'leaf') out.push({ decisions, outcome: t.outcome });
    else {
      walk(t.then, [...decisions, { condition: t.condition, holds: true }]);
      walk(t.else, [...decisions, { condition: t.condition, holds: false }]);
    }
  };
  walk(tree, []);
  return out;
}

/** A path's condition as one term. */
export function pathCondition(bank: TermBank, path: Path<unknown>): Term {
  return bank.and(...path.decisions.map((d) => (d.holds ? d.condition : bank.not(d.condition))));
}
