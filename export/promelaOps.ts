/**
 * {@link ProtocolOps} interpreted as Promela expressions: truth values and integers are Promela
 * expressions over the model's variables (folded where their operands are constants), the policy's
 * knobs are its macros (`ESCALATE`, `MISSLIMIT`, …), a voter is the expression of its index (the admins
 * in policy order, then the outsider), and a set of voters is the membership of voter `i` as an
 * expression of `i` — a set variable of the model is an array of bools, `set(i)` is `p_app[i]`, and a
 * count unrolls the sum over the voters, as SPIN needs a fixed expression.
 */
import type { Knob, ProtocolOps } from '../machines/protocolOps.ts';

export type Pml = string;

/** A set of voters: whether the voter of index expression `i` is in it. */
export type PmlSet = (i: Pml) => Pml;

const isInt = (e: Pml) => /^-?\d+$/.test(e);

/** The Promela interpretation for `admins` admins and one outsider (voters `0 .. admins`). */
export function promelaOps(admins: number): ProtocolOps<Pml, Pml, Pml, PmlSet> {
  const voters = admins + 1;
  const knobs: Readonly<Record<Knob, Pml>> = { escalate: 'ESCALATE', deescalate: 'DEESCALATE', missLimit: 'MISSLIMIT', maxStep: 'MAXSTEP', admins: 'NADMINS' };
  const and = (...bs: Pml[]): Pml => {
    if (bs.includes('false')) return 'false';
    const kept = [...new Set(bs.filter((b) => b !== 'true'))];
    return kept.length === 0 ? 'true' : kept.length === 1 ? kept[0]! : `(${kept.join(' && ')})`;
  };
  const or = (...bs: Pml[]): Pml => {
    if (bs.includes('true')) return 'true';
    const kept = [...new Set(bs.filter((b) => b !== 'false'))];
    return kept.length === 0 ? 'false' : kept.length === 1 ? kept[0]! : `(${kept.join(' || ')})`;
  };
  const compare = (op: '==' | '<' | '<=', a: Pml, b: Pml): Pml => {
    if (isInt(a) && isInt(b)) return String(op === '==' ? +a === +b : op === '<' ? +a < +b : +a <= +b);
    if (op === '==' && a === b) return 'true';
    return `(${a} ${op} ${b})`;
  };
  // Negation is parenthesised: `!` binds tighter than `==`, and `!!` is no Promela.
  const not = (b: Pml): Pml => (b === 'true' ? 'false' : b === 'false' ? 'true' : `!(${b})`);
  const add = (a: Pml, b: Pml): Pml => (isInt(a) && isInt(b) ? String(+a + +b) : b === '0' ? a : a === '0' ? b : `(${a} + ${b})`);
  const ite = (c: Pml, a: Pml, b: Pml): Pml => (c === 'true' || a === b ? a : c === 'false' ? b : `(${c} -> ${a} : ${b})`);
  const sum = (terms: Pml[]): Pml => terms.filter((t) => t !== 'false' && t !== '0').map((t) => (t === 'true' ? '1' : t)).reduce((x, y) => add(x, y), '0');
  const indices = (n: number) => Array.from({ length: n }, (_, i) => String(i));
  const isVoter = (i: Pml, v: Pml) => compare('==', i, v);
  return {
    interpretation: 'promela',
    bool: (value) => (value ? 'true' : 'false'),
    and,
    or,
    not,
    int: (value) => String(value),
    add,
    sub: (a, b) => (isInt(a) && isInt(b) ? String(+a - +b) : b === '0' ? a : `(${a} - ${b})`),
    eq: (a, b) => compare('==', a, b),
    lt: (a, b) => compare('<', a, b),
    le: (a, b) => compare('<=', a, b),
    ite,
    knob: (name) => knobs[name],
    isAdmin: (v) => compare('<', v, 'NADMINS'),
    noVoters: () => () => 'false',
    onlyVoter: (v) => (i) => isVoter(i, v),
    withVoter: (s, v) => (i) => or(s(i), isVoter(i, v)),
    iteSet: (c, a, b) => (i) => ite(c, a(i), b(i)),
    has: (s, v) => s(v),
    size: (s) => sum(indices(voters).map(s)),
    countAdmins: (s) => sum(indices(admins).map(s)),
    subset: (a, b) => and(...indices(voters).map((i) => or(not(a(i)), b(i)))),
  };
}
