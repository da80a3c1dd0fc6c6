/**
 * {@link ProtocolOps} interpreted as JavaScript source: every value is the text of an expression
 * over the generated code's local variables, folded where its operands are constants (a guard that
 * is `false` for an event type vanishes from the code instead of being tested at run time).
 *
 * Two ways of holding sets of voters:
 *
 * - {@link bitSetOps}: without symmetry, a set is a 32-bit word, bit `i` for voter `i` (the admins
 *   in policy order, then the outsider), and a voter is the expression of its index;
 * - {@link classCountOps}: under symmetry, admins are only told apart by how they voted, and a state
 *   holds how many admins approved and voted (class 0), approved only (1), voted only (2), or
 *   neither (3), plus whether the outsider approved or voted. The voter of an event is then a class
 *   (a constant: the generated code has one copy of the event per class), and a set is a
 *   {@link ClassSet}: how many members it takes from each class of the state the step started in,
 *   whether it holds the outsider, and whether it holds the event's voter. Every set a rule can build
 *   in one step is a class of that state, taken whole or not at all, plus or minus the one voter,
 *   so these counts are exact (docs/checker.md says why).
 */
import { knobsOf, type ProtocolOps } from '../../machines/protocolOps.ts';
import { classSetOps, type ClassSet as ClassCountSet } from '../../machines/classCounts.ts';
import type { Policy } from '../../spec/policy.ts';

/** An expression's text. */
export type Js = string;

const isInt = (e: Js) => /^-?\d+$/.test(e);
const num = (e: Js) => Number(e);

/** The operations every flavour shares: truth values and integers, with constant folding. */
function scalarOps(policy: Policy): Omit<ProtocolOps<Js, Js, never, never>, 'isAdmin' | 'noVoters' | 'onlyVoter' | 'withVoter' | 'iteSet' | 'has' | 'size' | 'countAdmins' | 'subset'> {
  const knobs = knobsOf(policy);
  const compare = (op: '===' | '<' | '<=', a: Js, b: Js): Js => {
    if (isInt(a) && isInt(b)) return String(op === '===' ? num(a) === num(b) : op === '<' ? num(a) < num(b) : num(a) <= num(b));
    if (op === '===' && a === b) return 'true';
    return `(${a} ${op} ${b})`;
  };
  return {
    interpretation: 'javascript',
    bool: (value) => (value ? 'true' : 'false'),
    and: (...bs) => {
      if (bs.includes('false')) return 'false';
      const kept = [...new Set(bs.filter((b) => b !== 'true'))];
      return kept.length === 0 ? 'true' : kept.length === 1 ? kept[0]! : `(${kept.join(' && ')})`;
    },
    or: (...bs) => {
      if (bs.includes('true')) return 'true';
      const kept = [...new Set(bs.filter((b) => b !== 'false'))];
      return kept.length === 0 ? 'false' : kept.length === 1 ? kept[0]! : `(${kept.join(' || ')})`;
    },
    not: (b) => (b === 'true' ? 'false' : b === 'false' ? 'true' : `!${b.startsWith('(') || /^[A-Za-z_$][\w$]*$/.test(b) ? b : `(${b})`}`),
    int: (value) => String(value),
    add: (a, b) => (isInt(a) && isInt(b) ? String(num(a) + num(b)) : b === '0' ? a : a === '0' ? b : `(${a} + ${b})`),
    sub: (a, b) => (isInt(a) && isInt(b) ? String(num(a) - num(b)) : b === '0' ? a : `(${a} - ${b})`),
    eq: (a, b) => compare('===', a, b),
    lt: (a, b) => compare('<', a, b),
    le: (a, b) => compare('<=', a, b),
    ite: (c, a, b) => (c === 'true' || a === b ? a : c === 'false' ? b : `(${c} ? ${a} : ${b})`),
    knob: (name) => String(knobs[name]),
  };
}

/** Sets as 32-bit words over at most 32 voters; a voter is its index's expression. */
export function bitSetOps(policy: Policy, admins: number): ProtocolOps<Js, Js, Js, Js> {
  if (admins + 1 > 32) throw new RangeError(`bitSetOps: ${admins} admins and the outsider do not fit one 32-bit word`);
  const s = scalarOps(policy);
  const adminMask = admins === 32 ? '-1' : String((2 ** admins - 1) | 0);
  return {
    ...s,
    isAdmin: (v) => (isInt(v) ? String(num(v) < admins) : `(${v} < ${admins})`),
    noVoters: () => '0',
    onlyVoter: (v) => `(1 << ${v})`,
    withVoter: (set, v) => (set === '0' ? `(1 << ${v})` : `(${set} | (1 << ${v}))`),
    iteSet: (c, a, b) => s.ite(c, a, b),
    has: (set, v) => (set === '0' ? 'false' : `(((${set} >>> ${v}) & 1) !== 0)`),
    size: (set) => (set === '0' ? '0' : `pc(${set})`),
    countAdmins: (set) => (set === '0' ? '0' : `pc(${set} & ${adminMask})`),
    subset: (a, b) => (a === '0' ? 'true' : `((${a} & ~${b}) === 0)`),
  };
}

export { CLASSES, OUTSIDER_CLASS } from '../../machines/classCounts.ts';

/** A set of voters under symmetry, over the classes of the state a step started in (`machines/classCounts.ts`). */
export type ClassSet = ClassCountSet<Js, Js>;

/**
 * Sets as class counts (`machines/classCounts.ts`, over JavaScript source). `voterClass` is the
 * class of the event's voter (0..4, a constant of the generated code; -1 for an event no voter
 * sends), and the operations only ever ask about that voter.
 */
export function classCountOps(policy: Policy): ProtocolOps<Js, Js, number, ClassSet> {
  const s = scalarOps(policy);
  return { ...s, ...classSetOps({ ...s, iteBool: s.ite }) };
}
