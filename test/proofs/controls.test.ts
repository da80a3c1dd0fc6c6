import assert from 'node:assert/strict';
import { concreteOps } from '../../proofs/bitvector.ts';
import { descriptorInBounds, naiveDescriptorInBounds } from '../../proofs/checks/descriptorBounds.ts';
import { validatePteWrite } from '../../proofs/checks/validatePteWrite.ts';
import { discharge } from '../../proofs/discharge.ts';
import { THEOREMS } from '../../proofs/index.ts';
import { DEFAULT_LAYOUT } from '../../proofs/layout.ts';
import type { Assignment, Obligation } from '../../proofs/obligation.ts';
import { z3Session } from '../../proofs/z3.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';

const subject = { policy: DEFAULT_POLICY, layout: DEFAULT_LAYOUT };

/** The first refuted obligation of a control, with the raw counterexample values. */
async function firstRefutation(obligations: readonly Obligation[]): Promise<{ obligation: Obligation; values: Assignment } | undefined> {
  const z = await z3Session();
  for (const o of obligations) {
    const outcome = await discharge(z, o, { timeoutMs: 30_000 });
    assert.notEqual(outcome.status, 'unknown', `${o.name}: ${outcome.status === 'unknown' ? outcome.reason : ''}`);
    if (outcome.status === 'refuted' && outcome.assignment !== undefined) return { obligation: o, values: outcome.assignment };
  }
  return undefined;
}

describe('proofs: every negative control is refuted with a counterexample that really violates the property', () => {
  for (const theorem of THEOREMS) {
    const real = theorem.obligations(subject);
    for (const control of theorem.controls(subject)) {
      it(`${theorem.id}: ${control.id} (${control.description})`, async () => {
        const found = await firstRefutation(control.obligations);
        assert.ok(found !== undefined, `${control.id} was not refuted: the theorem does not tell it from the real check`);
        // Evaluated on plain bigints, the weakened implementation violates the property...
        const weakened = found.obligation.formula(concreteOps, found.values);
        assert.equal(weakened.assume, true, 'the counterexample meets the assumptions');
        assert.equal(weakened.goal, false, 'the counterexample violates the goal');
        // ...and the real implementation, on the same values, does not: the counterexample is due to the weakening.
        const same = real.find((o) => o.name === found.obligation.name);
        assert.ok(same !== undefined);
        const honest = same.formula(concreteOps, found.values);
        assert.ok(!honest.assume || honest.goal, `the real check also fails on ${JSON.stringify(found.obligation.explain(found.values))}`);
      });
    }
  }

  it('the naive descriptor check accepts a range that wraps past 2^64, which the real check rejects', async () => {
    const control = THEOREMS.find((t) => t.id === 'descriptor-bounds')!.controls(subject)[0]!;
    const found = await firstRefutation(control.obligations);
    assert.ok(found !== undefined);
    const [offset, length, size] = (['offset', 'length', 'size'] as const).map((k) => found.values[k] as bigint) as [bigint, bigint, bigint];
    assert.ok(offset + length > size, 'the range ends past the payload area, as integers');
    assert.equal(naiveDescriptorInBounds(concreteOps, offset, length, size), true);
    assert.equal(descriptorInBounds(concreteOps, offset, length, size), false);
  });

  it('the validator without the writable-alias rule accepts a writable leaf over a code frame, which the real validator rejects', async () => {
    const control = THEOREMS.find((t) => t.id === 'exec-pages-immutable')!.controls(subject).find((c) => c.id === 'validator-forgets-writable-alias')!;
    const found = await firstRefutation(control.obligations);
    assert.ok(found !== undefined);
    const v = found.values;
    const newPte = v['newPte'] as bigint;
    const write = { level: v['level'] as bigint, oldPte: v['oldPte'] as bigint, newPte, freshTable: v['freshTable'] === true };
    assert.equal((newPte >> 2n) & 1n, 1n, 'W is set');
    assert.equal(validatePteWrite(concreteOps, DEFAULT_LAYOUT, write, new Set(['no-writable-executable-alias'])), true);
    assert.equal(validatePteWrite(concreteOps, DEFAULT_LAYOUT, write), false);
  });
});
