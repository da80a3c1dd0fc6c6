import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckReport } from '../../checker/index.ts';
import type { ReplayReport } from '../../checker/replay.ts';
import { PROTOCOL_RULES } from '../../machines/rules.ts';
import { SPEC_MUTANTS, correctMachine, mutatedMachine, type SpecMutant } from '../../machines/mutants.ts';
import { PROPERTY_IDS } from '../../properties/index.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { looksLikeCrash, runCli } from '../cli/runCli.ts';

const defaultPolicyFile = fileURLToPath(new URL('../fixtures/policies/default.json', import.meta.url));

type MutantCheck = CheckReport & { mutant?: { name: string; bug: string; mutates: string; caughtBy: string[] } };

/** Whether a replay breaks the property at its last step, and at no step before. */
function violatesAtEnd(r: ReplayReport, property: string): boolean {
  const at = r.steps.findIndex((s) => s.violations.some((v) => v.property === property));
  return at === r.steps.length - 1;
}

/** Leaf key paths where two JSON values differ (`quorum.deescalate`, `irreversible`). */
function differingPaths(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'object' && a !== null && !Array.isArray(a) && typeof b === 'object' && b !== null && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differingPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

/** The named rules a mutant replaced, as `guard NAME` / `update NAME` / `raise NAME`. */
function replacedRules(m: SpecMutant): string[] {
  const correct = correctMachine(DEFAULT_POLICY).rules;
  const mutated = m.apply({ policy: DEFAULT_POLICY, rules: correct }).rules;
  const changed: string[] = [];
  for (const kind of ['guards', 'updates', 'raises'] as const) {
    for (const name of Object.keys(correct[kind])) if (mutated[kind][name] !== correct[kind][name]) changed.push(`${kind.replace(/s$/, '')} ${name}`);
  }
  return changed;
}

describe('machines: the spec-mutant catalogue of plausible design bugs', () => {
  it('names each mutant once, with properties that exist', () => {
    const names = SPEC_MUTANTS.map((m) => m.name);
    assert.equal(new Set(names).size, names.length);
    for (const m of SPEC_MUTANTS) {
      assert.match(m.name, /^[a-z]+(-[a-z]+)*$/, m.name);
      assert.ok(m.caughtBy.length > 0, `${m.name} names the property that catches it`);
      for (const id of m.caughtBy) assert.ok(PROPERTY_IDS.includes(id), `${m.name}: ${id} is a property of §4`);
    }
  });

  it('changes exactly what each mutant says it mutates: one policy field, or the named guards, updates and raised events', () => {
    for (const m of SPEC_MUTANTS) {
      const mutated = mutatedMachine(DEFAULT_POLICY, m);
      if (m.mutates.startsWith('policy ')) {
        assert.deepEqual(differingPaths(DEFAULT_POLICY, mutated.policy), [m.mutates.slice('policy '.length)], m.name);
        // The rules are the correct ones, nothing else.
        assert.equal(mutated.rules, PROTOCOL_RULES, m.name);
      } else {
        assert.deepEqual(mutated.policy, DEFAULT_POLICY, `${m.name} leaves the policy alone`);
        const [kind, ...rest] = m.mutates.split(' ');
        const named = rest.join(' ').split(', ').map((n) => `${kind!.replace(/s$/, '')} ${n}`);
        assert.deepEqual(replacedRules(m), named, m.name);
      }
    }
  });

  it('applies each mutant idempotently, so a trace that carries a mutated policy replays under --mutant as checked', () => {
    for (const m of SPEC_MUTANTS) {
      const once = mutatedMachine(DEFAULT_POLICY, m);
      assert.deepEqual(mutatedMachine(once.policy, m).policy, once.policy, m.name);
    }
  });
});

describe('cli: guillotine check refutes every spec-level mutant with a counterexample that replays', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-mutants-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every property on the correct machine (the catalogue\'s control)', async () => {
    const run = await runCli(['check', '--json', '--no-findings']);
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as MutantCheck;
    assert.deepEqual(report.properties.filter((p) => p.status !== 'pass').map((p) => p.id), []);
    assert.ok(!('mutant' in report), 'without --mutant the report keeps its shape');
  });

  /** The policy file a mutant is checked under: the default, or the one its catalogue entry says it shows under. */
  const policyFileFor = (m: SpecMutant): string => {
    if (m.shownUnder === undefined) return defaultPolicyFile;
    const file = join(dir, `${m.name}.policy.json`);
    writeFileSync(file, JSON.stringify(m.shownUnder.policy(DEFAULT_POLICY)));
    return file;
  };

  for (const m of SPEC_MUTANTS) {
    const under = m.shownUnder ? ` (under ${m.shownUnder.change})` : '';
    it(`refutes ${m.name} (${m.bug}) by ${m.caughtBy.join(', ')}${under}, with a trace that breaks it on the mutant and not on the correct machine`, async () => {
      const traces = join(dir, m.name);
      const policyFile = policyFileFor(m);
      const run = await runCli(['check', '--mutant', m.name, '--policy', policyFile, '--json', '--no-findings', '--traces', traces]);
      assert.equal(run.code, 1, `check --mutant ${m.name} exits 1\n${run.err}`);
      assert.ok(!looksLikeCrash(run.err), run.err);
      const report = JSON.parse(run.out) as MutantCheck;
      assert.equal(report.mutant?.name, m.name);
      assert.equal(report.complete, true);
      for (const id of m.caughtBy) {
        const p = report.properties.find((x) => x.id === id)!;
        assert.equal(p.status, 'fail', `${m.name} breaks ${id}`);
        const file = join(traces, `${id}.trace.json`);
        assert.ok(existsSync(file), `${id}.trace.json is written`);

        const onMutant = await runCli(['replay', '--mutant', m.name, file, '--json']);
        assert.equal(onMutant.code, 1, `replay --mutant ${m.name} ${id}.trace.json exits 1\n${onMutant.err}`);
        const mutantReplay = JSON.parse(onMutant.out) as ReplayReport;
        assert.ok(violatesAtEnd(mutantReplay, id), `the mutant breaks ${id} at the last step of its shortest counterexample`);

        const onCorrect = await runCli(['replay', file, '--policy', policyFile, '--json']);
        assert.ok(onCorrect.code === 0 || onCorrect.code === 1, onCorrect.err);
        const correctReplay = JSON.parse(onCorrect.out) as ReplayReport;
        const rejected = correctReplay.steps.some((s) => !s.accepted);
        const violated = correctReplay.steps.some((s) => s.violations.some((v) => v.property === id));
        assert.ok(rejected || !violated, `on the correct machine the trace is rejected somewhere or keeps ${id}`);
        assert.equal(violated, false, `the correct machine never breaks ${id}`);
      }
    });
  }

  it('prints a mutant\'s report for a reviewer: the bug, the failing property, and a replay command that names the mutant', async () => {
    const run = await runCli(['check', '--mutant', 'reboot-into-standard', '--no-findings']);
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, /^Mutant reboot-into-standard \(policy faults\.rebootLevel\): /);
    assert.match(run.out, /failsafe-reaches-offline FAILS: after mce the level is standard, below offline/);
    assert.match(run.out, /replay: guillotine replay --mutant reboot-into-standard --path 'mce'/);
    assert.match(run.out, /Mutant reboot-into-standard is refuted, as expected, by failsafe-reaches-offline/);
    const replayed = await runCli(['replay', '--mutant', 'reboot-into-standard', '--path', 'mce']);
    assert.equal(replayed.code, 1, replayed.err);
    assert.match(replayed.out, /✗ failsafe-reaches-offline/);
  });

  it('says a mutant that only shows under another policy survives the default one as the correct machine would, and names that policy', async () => {
    const shy = SPEC_MUTANTS.filter((m) => m.shownUnder !== undefined);
    assert.ok(shy.length > 0, 'the catalogue has a mutant the default policy cannot show');
    for (const m of shy) {
      const run = await runCli(['check', '--mutant', m.name, '--no-findings']);
      assert.equal(run.code, 0, `${m.name} passes every property under the default policy\n${run.err}`);
      assert.ok(run.out.includes(`Mutant ${m.name} SURVIVES`) && run.out.includes(`it shows under a policy with ${m.shownUnder!.change}`), run.out);
    }
  });

  it('prints the catalogue for --mutant list and exits 0; an unknown name exits 2 naming the allowed names', async () => {
    for (const command of ['check', 'replay']) {
      const list = await runCli([command, '--mutant', 'list']);
      assert.equal(list.code, 0);
      for (const m of SPEC_MUTANTS) assert.ok(list.out.includes(m.name) && list.out.includes(m.bug), `${command} --mutant list shows ${m.name}`);
      assert.equal(list.err, '');

      const unknown = await runCli([command, '--mutant', 'no-such-bug', ...(command === 'replay' ? ['--path', 'mce'] : [])]);
      assert.equal(unknown.code, 2);
      assert.equal(unknown.out, '');
      assert.match(unknown.err, /guillotine: --mutant: no mutant named "no-such-bug"; allowed: deescalate-one-short, .*reboot-forgets-higher-level, or list to print the catalogue\n$/);
      assert.ok(!looksLikeCrash(unknown.err), unknown.err);
    }
    const json = await runCli(['check', '--mutant', 'list', '--json']);
    assert.equal(json.code, 0);
    assert.deepEqual((JSON.parse(json.out) as { mutants: { name: string }[] }).mutants.map((m) => m.name), SPEC_MUTANTS.map((m) => m.name));
  });
});
