/**
 * Terms over truth values and integers: what the protocol's rules compute when their inputs are
 * symbols (the count abstraction's state variables and the policy's knobs). A term is built by smart
 * constructors that fold constants and the identities the rules lean on (`ite` of constants compared
 * with a constant, `x ≤ x`, `and` with `false`), and is hash-consed: equal terms are the same object
 * with the same `id`, so a term is a DAG and every reader (Z3, JavaScript, the invariant's printer)
 * handles each node once.
 *
 * Terms are the one representation the Horn clauses, their concrete exploration and their SMT-LIB
 * text share: what Z3 proves is what the exactness test explores.
 */

export type Sort = 'bool' | 'int';

export type Op = 'const' | 'var' | 'not' | 'and' | 'or' | 'add' | 'sub' | 'eq' | 'lt' | 'le' | 'ite';

/** A hash-consed term. Build terms only with a {@link TermBank}'s constructors. */
export interface Term {
  readonly id: number;
  readonly sort: Sort;
  readonly op: Op;
  readonly args: readonly Term[];
  /** A constant's value (a number for `int`, a boolean for `bool`). */
  readonly value?: number | boolean;
  /** A variable's name. */
  readonly name?: string;
}

/** Whether a term is a constant, and its value. */
export function isConst(t: Term): t is Term & { readonly value: number | boolean } {
  return t.op === 'const';
}

/** The constructors of terms, with folding and hash-consing; one bank per family of terms that meet. */
export class TermBank {
  private readonly table = new Map<string, Term>();
  private next = 0;
  readonly TRUE: Term;
  readonly FALSE: Term;

  constructor() {
    this.TRUE = this.make('bool', 'const', [], { value: true });
    this.FALSE = this.make('bool', 'const', [], { value: false });
  }

  /** How many distinct terms the bank holds. */
  get size(): number {
    return this.table.size;
  }

  private make(sort: Sort, op: Op, args: readonly Term[], extra: { value?: number | boolean; name?: string } = {}): Term {
    const key = `${op}|${sort}|${extra.value ?? ''}|${extra.name ?? ''}|${args.map((a) => a.id).join(',')}`;
    let t = this.table.get(key);
    if (t === undefined) {
      t = Object.freeze({ id: this.next++, sort, op, args: Object.freeze([...args]), ...extra });
      this.table.set(key, t);
    }
    return t;
  }

  bool(value: boolean): Term {
    return value ? this.TRUE : this.FALSE;
  }

  int(value: number): Term {
    if (!Number.isInteger(value)) throw new RangeError(`terms hold integers, not ${value}`);
    return this.make('int', 'const', [], { value });
  }

  variable(name: string, sort: Sort): Term {
    return this.make(sort, 'var', [], { name });
  }

  not(a: Term): Term {
    expectSort(a, 'bool', 'not');
    if (isConst(a)) return this.bool(!a.value);
    if (a.op === 'not') return a.args[0]!;
    return this.make('bool', 'not', [a]);
  }

  and(...bs: Term[]): Term {
    return this.junction('and', bs);
  }

  or(...bs: Term[]): Term {
    return this.junction('or', bs);
  }

  private junction(op: 'and' | 'or', bs: readonly Term[]): Term {
    const unit = op === 'and' ? this.TRUE : this.FALSE;
    const zero = op === 'and' ? this.FALSE : this.TRUE;
    const kept = new Map<number, Term>();
    const add = (b: Term) => {
      expectSort(b, 'bool', op);
      if (b.op === op) b.args.forEach(add);
      else if (b !== unit) kept.set(b.id, b);
    };
    bs.forEach(add);
    if (kept.has(zero.id)) return zero;
    for (const b of kept.values()) if (b.op === 'not' && kept.has(b.args[0]!.id)) return zero;
    const args = [...kept.values()].sort((x, y) => x.id - y.id);
    return args.length === 0 ? unit : args.length === 1 ? args[0]! : this.make('bool', op, args);
  }

  add(a: Term, b: Term): Term {
    expectSort(a, 'int', 'add');
    expectSort(b, 'int', 'add');
    if (isConst(a) && isConst(b)) return this.int((a.value as number) + (b.value as number));
    if (isConst(b) && b.value === 0) return a;
    if (isConst(a) && a.value === 0) return b;
    // Constants gather on the right: (x + 1) + 1 is x + 2.
    if (isConst(a)) return this.add(b, a);
    if (isConst(b) && a.op === 'add' && isConst(a.args[1]!)) return this.add(a.args[0]!, this.int((a.args[1]!.value as number) + (b.value as number)));
    return this.make('int', 'add', [a, b]);
  }

  sub(a: Term, b: Term): Term {
    expectSort(a, 'int', 'sub');
    expectSort(b, 'int', 'sub');
    if (isConst(a) && isConst(b)) return this.int((a.value as number) - (b.value as number));
    if (isConst(b) && b.value === 0) return a;
    if (a === b) return this.int(0);
    if (isConst(b)) return this.add(a, this.int(-(b.value as number)));
    return this.make('int', 'sub', [a, b]);
  }

  eq(a: Term, b: Term): Term {
    return this.compare('eq', a, b);
  }

  lt(a: Term, b: Term): Term {
    return this.compare('lt', a, b);
  }

  le(a: Term, b: Term): Term {
    return this.compare('le', a, b);
  }

  private compare(op: 'eq' | 'lt' | 'le', a: Term, b: Term): Term {
    expectSort(a, 'int', op);
    expectSort(b, 'int', op);
    const holds = (x: number, y: number) => (op === 'eq' ? x === y : op === 'lt' ? x < y : x <= y);
    if (isConst(a) && isConst(b)) return this.bool(holds(a.value as number, b.value as number));
    if (a === b) return this.bool(op !== 'lt');
    // A choice between constants compared with a constant is the choice's condition (or a constant).
    if (a.op === 'ite' && isConst(b) && isConst(a.args[1]!) && isConst(a.args[2]!)) {
      return this.iteBool(a.args[0]!, this.bool(holds(a.args[1]!.value as number, b.value as number)), this.bool(holds(a.args[2]!.value as number, b.value as number)));
    }
    if (b.op === 'ite' && isConst(a) && isConst(b.args[1]!) && isConst(b.args[2]!)) {
      return this.iteBool(b.args[0]!, this.bool(holds(a.value as number, b.args[1]!.value as number)), this.bool(holds(a.value as number, b.args[2]!.value as number)));
    }
    if (op === 'eq' && b.id < a.id) return this.make('bool', 'eq', [b, a]);
    return this.make('bool', op, [a, b]);
  }

  /** `c ? a : b` on integers. */
  ite(c: Term, a: Term, b: Term): Term {
    expectSort(c, 'bool', 'ite');
    expectSort(a, 'int', 'ite');
    expectSort(b, 'int', 'ite');
    if (isConst(c)) return c.value ? a : b;
    if (a === b) return a;
    if (c.op === 'not') return this.ite(c.args[0]!, b, a);
    return this.make('int', 'ite', [c, a, b]);
  }

  /** `c ? a : b` on truth values, as a term of `and`/`or` where that is as short. */
  iteBool(c: Term, a: Term, b: Term): Term {
    expectSort(c, 'bool', 'ite');
    expectSort(a, 'bool', 'ite');
    expectSort(b, 'bool', 'ite');
    if (isConst(c)) return c.value ? a : b;
    if (a === b) return a;
    if (isConst(a) && isConst(b)) return a.value ? c : this.not(c);
    if (isConst(a)) return a.value ? this.or(c, b) : this.and(this.not(c), b);
    if (isConst(b)) return b.value ? this.or(this.not(c), a) : this.and(c, a);
    if (c.op === 'not') return this.iteBool(c.args[0]!, b, a);
    return this.make('bool', 'ite', [c, a, b]);
  }

  /** Rebuilds a term with some variables replaced by terms (constants, typically), folding as it goes. */
  substitute(t: Term, bindings: ReadonlyMap<number, Term>, memo: Map<number, Term> = new Map()): Term {
    const known = memo.get(t.id);
    if (known !== undefined) return known;
    let out: Term;
    if (t.op === 'var') out = bindings.get(t.id) ?? t;
    else if (t.op === 'const') out = t;
    else {
      const args = t.args.map((a) => this.substitute(a, bindings, memo));
      out = args.every((a, i) => a === t.args[i]) ? t : this.rebuild(t, args);
    }
    memo.set(t.id, out);
    return out;
  }

  private rebuild(t: Term, args: readonly Term[]): Term {
    switch (t.op) {
      case 'not':
        return this.not(args[0]!);
      case 'and':
        return this.and(...args);
      case 'or':
        return this.or(...args);
      case 'add':
        return this.add(args[0]!, args[1]!);
      case 'sub':
        return this.sub(args[0]!, args[1]!);
      case 'eq':
      case 'lt':
      case 'le':
        return this.compare(t.op, args[0]!, args[1]!);
      case 'ite':
        return t.sort === 'int' ? this.ite(args[0]!, args[1]!, args[2]!) : this.iteBool(args[0]!, args[1]!, args[2]!);
      default:
        throw new Error(`term: cannot rebuild a ${t.op}`);
    }
  }
}

function expectSort(t: Term, sort: Sort, op: string): void {
  if (t.sort !== sort) throw new TypeError(`term: ${op} takes ${sort} terms, got a ${t.sort} term`);
}

/** Every subterm of the given terms, each once, children before parents. */
export function subterms(roots: readonly Term[]): Term[] {
  const seen = new Set<number>();
  const out: Term[] = [];
  const visit = (t: Term) => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    t.args.forEach(visit);
    out.push(t);
  };
  roots.forEach(visit);
  return out;
}

/** The value of a term under values for its variables (by name); a missing variable is an error. */
export function evaluate(t: Term, values: (name: string) => number | boolean, memo: Map<number, number | boolean> = new Map()): number | boolean {
  const known = memo.get(t.id);
  if (known !== undefined) return known;
  const a = t.args.map((x) => evaluate(x, values, memo));
  let v: number | boolean;
  switch (t.op) {
    case 'const':
      v = t.value!;
      break;
    case 'var':
      v = values(t.name!);
      break;
    case 'not':
      v = !a[0];
      break;
    case 'and':
      v = a.every(Boolean);
      break;
    case 'or':
      v = a.some(Boolean);
      break;
    case 'add':
      v = (a[0] as number) + (a[1] as number);
      break;
    case 'sub':
      v = (a[0] as number) - (a[1] as number);
      break;
    case 'eq':
      v = a[0] === a[1];
      break;
    case 'lt':
      v = (a[0] as number) < (a[1] as number);
      break;
    case 'le':
      v = (a[0] as number) <= (a[1] as number);
      break;
    case 'ite':
      v = a[0] ? a[1]! : a[2]!;
      break;
  }
  memo.set(t.id, v);
  return v;
}
