import assert from 'node:assert/strict';
import { discharge } from '../../proofs/discharge.ts';
import { THEOREMS } from '../../proofs/index.ts';
import { DEFAULT_LAYOUT } from '../../proofs/layout.ts';
import { obligation } from '../../proofs/obligation.ts';
import { z3Session } from '../../proofs/z3.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';

describe('proofs/discharge: unknown and vacuous are never reported as proved', () => {
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
