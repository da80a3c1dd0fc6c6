import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compiledFindings } from '../../../checker/compiled/findings.ts';
import { compileChecker } from '../../../checker/compiled/compiledChecker.ts';
import { checkedModel } from '../../../checker/checkedModel.ts';
import { policyFindings } from '../../../checker/findings.ts';
import { checkPolicy } from '../../../checker/index.ts';
import { SPEC_MUTANT_NAMES } from '../../../machines/mutants.ts';
import { loadPolicyFile } from '../../../spec/loadPolicy.ts';
import { DEFAULT_POLICY, scaledPolicy, type Policy } from '../../../spec/policy.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/policies');

/** The shipped fixture policies that load. */
function fixtures(): { name: string; policy: Policy }[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const loaded = loadPolicyFile(join(FIXTURES, f));
      return loaded.ok ? [{ name: f, policy: loaded.policy }] : [];
    });
}

/** Both searches' findings of one machine. */
function bothFindings(policy: Policy, mutant?: string) {
  const checked = checkedModel({ policy, engine: 'compiled', symmetry: true, mutant });
  return { compiled: compiledFindings(compileChecker(checked, true)), objects: policyFindings(checked.engine, true) };
}

describe('checker/compiled/findings: the fewest admins for each level, in one search over class counts', function () {
  this.timeout(120_000);

  it('gives the object search\'s findings, notes included, for every fixture policy and nine admins', () => {
    for (const { name, policy } of [...fixtures(), { name: 'scaled to 9 admins', policy: scaledPolicy(9) }]) {
      const { compiled, objects } = bothFindings(policy);
      assert.deepEqual(compiled, objects, name);
    }
  });

  it('gives the object search\'s findings for every spec mutant', () => {
    for (const mutant of SPEC_MUTANT_NAMES) {
      const { compiled, objects } = bothFindings(DEFAULT_POLICY, mutant);
      assert.deepEqual(compiled, objects, mutant);
    }
  });

  it('is what check reports by default, with or without symmetry', () => {
    const objects = checkPolicy(DEFAULT_POLICY, { engine: 'reference' }).findings;
    assert.notEqual(objects, null);
    assert.deepEqual(checkPolicy(DEFAULT_POLICY).findings, objects);
    assert.deepEqual(checkPolicy(DEFAULT_POLICY, { symmetry: false }).findings, objects);
  });

  it('gives up (null, as unknown) rather than store more than --max-states states', () => {
    const c = compileChecker(checkedModel({ policy: DEFAULT_POLICY, engine: 'compiled', symmetry: true }), true);
    assert.equal(compiledFindings(c, 50), null);
    assert.notEqual(compiledFindings(c, 1_000_000), null);
  });

  it('refuses a generated checker without symmetry, whose states name admins rather than classes', () => {
    const c = compileChecker(checkedModel({ policy: DEFAULT_POLICY, engine: 'compiled', symmetry: false }), false);
    assert.throws(() => compiledFindings(c), /must use symmetry/);
  });
});
