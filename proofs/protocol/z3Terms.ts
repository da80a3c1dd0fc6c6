/**
 * Terms as Z3 expressions of one context: each term node once (terms are DAGs), variables as Z3
 * constants named after them, so the invariant Z3 finds reads in the count state's own names.
 */
import type { Context } from 'z3-solver';
import type { Term } from './term.ts';

type Ctx = Context<'main'>;
export type Z3Expr = ReturnType<Ctx['Int']['const']> | ReturnType<Ctx['Bool']['const']>;
type Z3Int = ReturnType<Ctx['Int']['const']>;
type Z3Bool = ReturnType<Ctx['Bool']['const']>;

/**
 * Translates terms into one context, remembering what it translated. It also holds every other Z3
 * object its user passes to {@link hold}: while it is reachable, none of them is freed, so no
 * finalizer frees a Z3 object while a query runs (`z3Garbage.ts`).
 */
export class Z3Terms {
  private readonly memo = new Map<number, Z3Expr>();
  private readonly held: unknown[] = [];

  constructor(readonly ctx: Ctx) {}

  /** Forgets what it translated and holds: the Z3 objects may be freed once collected (`z3Garbage.ts`). */
  release(): void {
    this.memo.clear();
    this.held.length = 0;
  }

  /** Keeps a Z3 object (an expression, a model, a vector) alive as long as this translator. */
  hold<T>(x: T): T {
    this.held.push(x);
    return x;
  }

  /** The Z3 constant of a variable term. */
  variable(t: Term): Z3Expr {
    if (t.op !== 'var') throw new Error('Z3Terms.variable: not a variable');
    return this.expr(t);
  }

  bool(t: Term): Z3Bool {
    if (t.sort !== 'bool') throw new TypeError('a truth value was expected, not an integer term');
    return this.expr(t) as Z3Bool;
  }

  int(t: Term): Z3Int {
    if (t.sort !== 'int') throw new TypeError('an integer was expected, not a truth value');
    return this.expr(t) as Z3Int;
  }

  expr(t: Term): Z3Expr {
    const known = this.memo.get(t.id);
    if (known !== undefined) return known;
    const z = this.ctx;
    let out: Z3Expr;
    switch (t.op) {
      case 'const':
        out = typeof t.value === 'boolean' ? z.Bool.val(t.value) : z.Int.val(t.value!);
        break;
      case 'var':
        out = t.sort === 'bool' ? z.Bool.const(t.name!) : z.Int.const(t.name!);
        break;
      case 'not':
        out = z.Not(this.bool(t.args[0]!));
        break;
      case 'and':
        out = z.And(...t.args.map((a) => this.bool(a)));
        break;
      case 'or':
        out = z.Or(...t.args.map((a) => this.bool(a)));
        break;
      case 'add':
        out = this.int(t.args[0]!).add(this.int(t.args[1]!));
        break;
      case 'sub':
        out = this.int(t.args[0]!).sub(this.int(t.args[1]!));
        break;
      case 'eq':
        out = this.int(t.args[0]!).eq(this.int(t.args[1]!));
        break;
      case 'lt':
        out = this.int(t.args[0]!).lt(this.int(t.args[1]!));
        break;
      case 'le':
        out = this.int(t.args[0]!).le(this.int(t.args[1]!));
        break;
      case 'ite':
        out = t.sort === 'bool' ? (z.If(this.bool(t.args[0]!), this.bool(t.args[1]!), this.bool(t.args[2]!)) as Z3Bool) : (z.If(this.bool(t.args[0]!), this.int(t.args[1]!), this.int(t.args[2]!)) as Z3Int);
        break;
    }
    this.memo.set(t.id, out);
    return out;
  }
}
