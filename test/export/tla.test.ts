/**
 * The TLA+ export is checked to parse (tree-sitter-tlaplus; TLC itself needs tla2tools.jar, which
 * the workbench does not bundle) with no ERROR or MISSING node, for the default and the violating
 * policies, and its TLC configuration names only operators the module defines.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { tlaModule } from '../../export/tla.ts';
import { configNames, parseTla } from '../../export/tlaParse.ts';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
function policyAt(relative: string): Policy {
  const loaded = loadPolicyFile(path(relative));
  if (!loaded.ok) throw new Error(`${relative}: ${JSON.stringify(loaded.problems)}`);
  return loaded.policy;
}

const POLICIES: readonly { name: string; policy: () => Policy }[] = [
  { name: 'the default policy', policy: () => DEFAULT_POLICY },
  { name: 'unsafe.json', policy: () => policyAt('../fixtures/policies/unsafe.json') },
  { name: 'unsafe-small.json', policy: () => policyAt('../fixtures/policies/unsafe-small.json') },
  { name: 'timeout-unchanged.json', policy: () => policyAt('../fixtures/policies/timeout-unchanged.json') },
  { name: 'detector.maxLevel immolation', policy: () => policyAt('fixtures/detector-immolation.json') },
  { name: 'faults.rebootLevel standard', policy: () => policyAt('fixtures/reboot-standard.json') },
  { name: 'irreversible []', policy: () => policyAt('fixtures/nothing-irreversible.json') },
  { name: 'a lone escalator', policy: () => policyAt('fixtures/lone-escalator.json') },
];

describe('export: TLA+ module and TLC configuration', () => {
  for (const { name, policy } of POLICIES) {
    it(`parses without syntax errors, and its .cfg names only defined operators, for ${name}`, async () => {
      const { module, config } = tlaModule(policy());
      const parsed = await parseTla(module);
      assert.deepEqual(parsed.errors, [], 'no ERROR or MISSING node');
      assert.equal(parsed.module, 'Guillotine');
      const named = configNames(config);
      assert.ok(named.includes('Spec') && named.length >= 8, `the cfg names the spec and the properties: ${named.join(' ')}`);
      assert.deepEqual(named.filter((n) => !parsed.definitions.includes(n)), [], 'every name in the cfg is defined by the module');
    });
  }

  it('has one Next disjunct per event kind of the alphabet, with its parameters quantified over constants', async () => {
    const { module } = tlaModule(DEFAULT_POLICY);
    const next = /^Next == ([^]*?)\n\n/m.exec(module)?.[1] ?? '';
    const kinds = [...new Set(eventAlphabet(DEFAULT_POLICY).map((e) => e.type))];
    assert.equal(next.split('\\/').length, kinds.length, next);
    assert.match(next, /\\E a \\in Voters, t \\in Levels : Propose\(a, t\)/);
    assert.match(next, /\\E x \\in Actuators : ActuatorFault\(x\)/);
  });

  it('names the module after --out, and the parser finds the error in a module with a parenthesis dropped', async () => {
    const { module } = tlaModule(DEFAULT_POLICY, { name: 'Policy_7' });
    const parsed = await parseTla(module);
    assert.equal(parsed.module, 'Policy_7');
    const broken = module.replace('Normal(x) == IF x.pOpen THEN', 'Normal(x == IF x.pOpen THEN');
    assert.notEqual(broken, module);
    assert.ok((await parseTla(broken)).errors.length > 0, 'a syntax error is reported');
  });

  it('reads every name a TLC configuration lists after its keywords', () => {
    const cfg = 'SPECIFICATION Spec\n\\* a comment naming Nothing\nINVARIANT A B\nPROPERTIES C\nCHECK_DEADLOCK TRUE\nCONSTANTS N = 3\n';
    assert.deepEqual(configNames(cfg), ['Spec', 'A', 'B', 'C']);
  });
});
