import assert from 'node:assert/strict';
import { discharge } from '../../proofs/discharge.ts';
import { THEOREMS } from '../../proofs/index.ts';
import { DEFAULT_LAYOUT } from '../../proofs/layout.ts';
import { obligation } from '../../proofs/obligation.ts';
import { z3Session } from '../../proofs/z3.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';

describe('proofs/discharge: unknown and vacuous are never proved; counterexamples are canonical', () => {
  it('reports a solver timeout as unknown with the reason, not as proved', async () => {
    const z = await z3Session();
    const ring = THEOREMS.find((t) => t.id === 'ring-index-bounds')!.obligations({ policy: DEFAULT_POLICY, layout: DEFAULT_LAYOUT });
    const hard = ring.find((o) => o.name === 'consume-keeps-valid@64')!;
    const outcome = await discharge(z, hard, { timeoutMs: 1 });
    assert.equal(outcome.status, 'unknown');
    assert.match(outcome.status === 'unknown' ? outcome.reason : '', /timeout/);
  });

  it('reports an obligation whose assumptions are unsatisfiable as unknown (vacuous), not as proved', async () => {
    const z = await z3Session();
    const vacuous = obligation({
      name: 'vacuous',
      statement: 'x < 0 (unsigned) implies anything',
      mode: 'valid',
      vars: { x: 8 },
      formula: (ops, v) => ({ assume: ops.bvult(v.x, ops.bv(8, 0n)), goal: ops.bool(false) }),
      explain: () => ({}),
    });
    const outcome = await discharge(z, vacuous, { timeoutMs: 10_000 });
    assert.equal(outcome.status, 'unknown');
    assert.match(outcome.status === 'unknown' ? outcome.reason : '', /vacuous/);
  });

  it('gives the smallest counterexample, variables in declaration order or minimise order first, Booleans false where possible', async () => {
    const z = await z3Session();
    // Refuted by every x >= 200 with any y and any flag; also by x = 7 when y = 3 and the flag is set.
    const claim = (minimise?: ('x' | 'y')[]) =>
      obligation({
        name: 'x-below-200',
        statement: 'x < 200, unless y = 3 and flag (then x is not 7)',
        mode: 'valid',
        vars: { x: 8, y: 8, flag: 'bool' },
        ...(minimise === undefined ? {} : { minimise }),
        formula: (ops, v) => ({
          assume: ops.bool(true),
          goal: ops.and(ops.bvult(v.x, ops.bv(8, 200n)), ops.implies(ops.and(v.flag, ops.eq(v.y, ops.bv(8, 3n))), ops.not(ops.eq(v.x, ops.bv(8, 7n))))),
        }),
        explain: (v) => ({ x: Number(v.x), y: Number(v.y), flag: v.flag }),
      });
    const inOrder = await discharge(z, claim(), { timeoutMs: 10_000 });
    assert.ok(inOrder.status === 'refuted');
    assert.deepEqual(inOrder.assignment, { x: 7n, y: 3n, flag: true }, 'x first: 7 is the smallest x that refutes, which forces y = 3 and the flag');
    const yFirst = await discharge(z, claim(['y']), { timeoutMs: 10_000 });
    assert.ok(yFirst.status === 'refuted');
    assert.deepEqual(yFirst.assignment, { x: 200n, y: 0n, flag: false }, 'y first: y = 0 rules out the exception, so x = 200 and the flag stays false');
  });

  it('proves a satisfiable obligation with a witness, and refutes one that has none', async () => {
    const z = await z3Session();
    const reach = (bound: bigint) =>
      obligation({
        name: `reach-${bound}`,
        statement: `some 8-bit x exceeds ${bound}`,
        mode: 'satisfiable',
        vars: { x: 8 },
        formula: (ops, v) => ({ assume: ops.bool(true), goal: ops.bvugt(v.x, ops.bv(8, bound)) }),
        explain: (v) => ({ x: Number(v.x) }),
      });
    const yes = await discharge(z, reach(200n), { timeoutMs: 10_000 });
    assert.equal(yes.status, 'proved');
    assert.ok(yes.status === 'proved' && Number(yes.witness?.['x']) > 200);
    const no = await discharge(z, reach(255n), { timeoutMs: 10_000 });
    assert.equal(no.status, 'refuted');
  });
});
