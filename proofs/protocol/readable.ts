/**
 * Invariants in the protocol's words: lemmas (terms) and Spacer's invariant (an SMT-LIB expression
 * over the same variable names) printed infix, with a level or a region's state compared with a
 * constant read by name (`isolation = offline`, `awaiting = none`), implications as `→`.
 */
import { readValue, type StateVar } from './countState.ts';
import { isConst, type Term } from './term.ts';

/** A parsed S-expression: an atom or a list. */
type Sexp = string | readonly Sexp[];

/** The variables by name (state variables; the knobs read as numbers). */
export type Vocabulary = ReadonlyMap<string, StateVar>;

/** A lemma (a term over the state's variables and the knobs) in words. */
export function readTerm(t: Term, vocabulary: Vocabulary): string {
  return show(toSexp(t), vocabulary, 0);
}

/**
 * Spacer's invariant (SMT-LIB text over the variables' names) in words, one conjunct per entry;
 * text that does not parse is returned as it is.
 */
export function readSmt(text: string, vocabulary: Vocabulary): string[] {
  const read = parse(text);
  if (read === undefined) return [text];
  const parsed = withoutLets(read);
  const conjuncts = Array.isArray(parsed) && parsed[0] === 'and' ? parsed.slice(1) : [parsed];
  return conjuncts.map((c) => show(c, vocabulary, 0));
}

function toSexp(t: Term): Sexp {
  if (isConst(t)) return typeof t.value === 'boolean' ? String(t.value) : String(t.value);
  if (t.op === 'var') return t.name!;
  const op = SMT_OP[t.op as Exclude<Term['op'], 'const' | 'var'>];
  return [op, ...t.args.map(toSexp)];
}

function parse(text: string): Sexp | undefined {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const read = (): Sexp | undefined => {
    const tok = tokens[at++];
    if (tok === undefined || tok === ')') return undefined;
    if (tok !== '(') return tok;
    const list: Sexp[] = [];
    while (tokens[at] !== ')') {
      const item = read();
      if (item === undefined) return undefined;
      list.push(item);
    }
    at++;
    return list;
  };
  const out = read();
  return at === tokens.length ? out : undefined;
}

/** An integer constant, including SMT-LIB's `(- 3)`. */
function numberOf(s: Sexp): number | undefined {
  if (typeof s === 'string') return /^\d+$/.test(s) ? Number(s) : undefined;
  if (s.length === 2 && s[0] === '-') {
    const n = numberOf(s[1]!);
    return n === undefined ? undefined : -n;
  }
  return undefined;
}

/** A comparison's two sides, a constant named after the variable on the other side where it has names. */
function sides(a: Sexp, b: Sexp, v: Vocabulary): [string, string] {
  const named = (x: Sexp, other: Sexp): string | undefined => {
    const n = numberOf(x);
    const w = typeof other === 'string' ? v.get(other) : undefined;
    if (n === undefined || w === undefined || w.reading.kind === 'number') return undefined;
    // A region's states are quoted: `hypervisor = "rebooting"` is not the variable `rebooting`.
    return w.reading.kind === 'region' ? `"${readValue(w, n)}"` : readValue(w, n);
  };
  return [named(a, b) ?? show(a, v, 1), named(b, a) ?? show(b, v, 1)];
}

const COMPARE: Readonly<Record<string, string>> = { '=': 'eq', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

/** The same comparison with its sides swapped. */
const FLIPPED: Readonly<Record<string, string>> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** A comparison with the variable first: `0 = approved_only` reads `approved_only = 0`. */
function ordered(op: string, a: Sexp, b: Sexp): [string, Sexp, Sexp] {
  return numberOf(a) !== undefined && numberOf(b) === undefined ? [FLIPPED[op]!, b, a] : [op, a, b];
}

const SYMBOL: Readonly<Record<string, string>> = { '=': '=', '<': '<', '<=': '≤', '>': '>', '>=': '≥' };
const NEGATION: Readonly<Record<string, string>> = { '=': '≠', '<': '≥', '<=': '>', '>': '≤', '>=': '<' };

const isNegated = (a: Sexp) => Array.isArray(a) && a.length === 3 && a[0] === '*' && numberOf(a[1]!) === -1;

/** `(let ((a!1 e) …) body)` with its bindings put back in place, so the invariant reads in the variables' names. */
function withoutLets(s: Sexp, bindings: ReadonlyMap<string, Sexp> = new Map()): Sexp {
  if (typeof s === 'string') return bindings.get(s) ?? s;
  if (s[0] === 'let' && s.length === 3 && Array.isArray(s[1])) {
    const inner = new Map(bindings);
    // Parallel let: each binding is read in the outer scope.
    for (const b of s[1] as Sexp[]) inner.set((b as Sexp[])[0] as string, withoutLets((b as Sexp[])[1]!, bindings));
    return withoutLets(s[2]!, inner);
  }
  return s.map((x) => withoutLets(x, bindings));
}

/** Prints with precedence: 0 top (a conjunction may stand bare), 1 inside a connective, 2 inside arithmetic. */
function show(s: Sexp, v: Vocabulary, prec: number): string {
  if (typeof s === 'string') return s;
  const n = numberOf(s);
  if (n !== undefined) return String(n);
  const [head, ...args] = s as [string, ...Sexp[]];
  const wrap = (text: string, at: number) => (prec > at ? `(${text})` : text);
  switch (head) {
    case 'and':
      return wrap(args.map((a) => show(a, v, 1)).join(' ∧ '), 0);
    case 'or': {
      // ¬c ∨ a reads as c → a; ¬c ∨ ¬d as c → ¬d.
      const negated = args.filter((a) => Array.isArray(a) && a[0] === 'not');
      const plain = args.filter((a) => !negated.includes(a));
      if (negated.length >= 1 && negated.length <= 3 && plain.length <= 1) {
        const conditions = plain.length === 1 ? negated : negated.slice(0, -1);
        const conclusion = plain.length === 1 ? plain[0]! : negated[negated.length - 1]!;
        if (conditions.length > 0) return wrap(`${conditions.map((a) => show((a as Sexp[])[1]!, v, 1)).join(' ∧ ')} → ${show(conclusion, v, 1)}`, 0);
      }
      return wrap(args.map((a) => show(a, v, 1)).join(' ∨ '), 0);
    }
    case 'not': {
      const inner = args[0]!;
      if (Array.isArray(inner) && COMPARE[inner[0] as string] !== undefined && inner.length === 3) {
        const [op, a, b] = ordered(inner[0] as string, inner[1]!, inner[2]!);
        const [x, y] = sides(a, b, v);
        return `${x} ${NEGATION[op]} ${y}`;
      }
      return `¬${show(inner, v, 2)}`;
    }
    case '=':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (args.length !== 2) break;
      const [op, a, b] = ordered(head, args[0]!, args[1]!);
      const [x, y] = sides(a, b, v);
      return `${x} ${SYMBOL[op]} ${y}`;
    }
    case '+':
      // Spacer writes x − y as (+ x (* (- 1) y)).
      return wrap(
        args.map((a, i) => (isNegated(a) ? `${i === 0 ? '−' : ' − '}${show((a as Sexp[])[2]!, v, 2)}` : `${i === 0 ? '' : ' + '}${show(a, v, 2)}`)).join(''),
        1,
      );

    case '-':
      return wrap(args.map((a) => show(a, v, 2)).join(' − '), 1);
    case '*':
      if (args.length === 2 && numberOf(args[0]!) === -1) return `−${show(args[1]!, v, 2)}`;
      return wrap(args.map((a) => show(a, v, 2)).join('·'), 1);
    case 'ite':
      return `(if ${show(args[0]!, v, 1)} then ${show(args[1]!, v, 1)} else ${show(args[2]!, v, 1)})`;
    default:
      break;
  }
  return `(${s.map((x) => show(x, v, 2)).join(' ')})`;
}

const SMT_OP: Readonly<Record<Exclude<Term['op'], 'const' | 'var'>, string>> = { not: 'not', and: 'and', or: 'or', add: '+', sub: '-', eq: '=', lt: '<', le: '<=', ite: 'ite' };
