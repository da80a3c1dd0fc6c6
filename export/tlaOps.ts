/**
 * {@link ProtocolOps} interpreted as TLA+ expressions: truth values and integers are TLA+ expressions
 * over the module's records (folded where their operands are constants), the policy's knobs are its
 * constants (`Escalate`, `MissLimit`, …), a voter is a TLA+ value (a quantified `a`, or a string), and
 * a set of voters is a TLA+ set.
 */
import type { Knob, ProtocolOps } from '../machines/protocolOps.ts';

export type Tla = string;

const isInt = (e: Tla) => /^-?\d+$/.test(e);

export function tlaOps(): ProtocolOps<Tla, Tla, Tla, Tla> {
  const knobs: Readonly<Record<Knob, Tla>> = { escalate: 'Escalate', deescalate: 'Deescalate', missLimit: 'MissLimit', maxStep: 'MaxStep', admins: 'Cardinality(Admins)' };
  const and = (...bs: Tla[]): Tla => {
    if (bs.includes('FALSE')) return 'FALSE';
    const kept = [...new Set(bs.filter((b) => b !== 'TRUE'))];
    return kept.length === 0 ? 'TRUE' : kept.length === 1 ? kept[0]! : `(${kept.join(' /\\ ')})`;
  };
  const or = (...bs: Tla[]): Tla => {
    if (bs.includes('TRUE')) return 'TRUE';
    const kept = [...new Set(bs.filter((b) => b !== 'FALSE'))];
    return kept.length === 0 ? 'FALSE' : kept.length === 1 ? kept[0]! : `(${kept.join(' \\/ ')})`;
  };
  const compare = (op: '=' | '<' | '<=', a: Tla, b: Tla): Tla => {
    if (isInt(a) && isInt(b)) return op === '=' ? (+a === +b ? 'TRUE' : 'FALSE') : (op === '<' ? +a < +b : +a <= +b) ? 'TRUE' : 'FALSE';
    if (op === '=' && a === b) return 'TRUE';
    return `(${a} ${op} ${b})`;
  };
  const add = (a: Tla, b: Tla): Tla => (isInt(a) && isInt(b) ? String(+a + +b) : b === '0' ? a : a === '0' ? b : `(${a} + ${b})`);
  const ite = (c: Tla, a: Tla, b: Tla): Tla => (c === 'TRUE' || a === b ? a : c === 'FALSE' ? b : `(IF ${c} THEN ${a} ELSE ${b})`);
  return {
    interpretation: 'tla',
    bool: (value) => (value ? 'TRUE' : 'FALSE'),
    and,
    or,
    not: (b) => (b === 'TRUE' ? 'FALSE' : b === 'FALSE' ? 'TRUE' : `~${b.startsWith('(') ? b : `(${b})`}`),
    int: (value) => String(value),
    add,
    sub: (a, b) => (isInt(a) && isInt(b) ? String(+a - +b) : b === '0' ? a : `(${a} - ${b})`),
    eq: (a, b) => compare('=', a, b),
    lt: (a, b) => compare('<', a, b),
    le: (a, b) => compare('<=', a, b),
    ite,
    knob: (name) => knobs[name],
    isAdmin: (v) => `(${v} \\in Admins)`,
    noVoters: () => '{}',
    onlyVoter: (v) => `{${v}}`,
    withVoter: (s, v) => (s === '{}' ? `{${v}}` : `(${s} \\cup {${v}})`),
    iteSet: (c, a, b) => ite(c, a, b),
    has: (s, v) => (s === '{}' ? 'FALSE' : `(${v} \\in ${s})`),
    size: (s) => (s === '{}' ? '0' : `Cardinality(${s})`),
    countAdmins: (s) => (s === '{}' ? '0' : `Cardinality(${s} \\cap Admins)`),
    subset: (a, b) => (a === '{}' ? 'TRUE' : `(${a} \\subseteq ${b})`),
  };
}
