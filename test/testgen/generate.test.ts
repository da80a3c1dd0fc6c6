import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY, scaledPolicy } from '../../spec/policy.ts';
import { generateTests, renderSuiteJson, DEFAULT_WALK_LENGTH, writeSuite, SUITE_FILE, RUNNER_FILE, REPORT_FILE, type GenerateResult } from '../../testgen/index.ts';

function generated(result: GenerateResult) {
  if (result.kind !== 'generated') throw new Error(result.message);
  return result;
}

describe('testgen/generate: suite and coverage report from the statechart', () => {
  it("cross-checks the exploration against @xstate/graph's getShortestPaths on the XState machine and reports the issue's JSON shape", () => {
    // Throws if XState and the compiled engine disagree on any state or its depth.
    const { report } = generated(generateTests(DEFAULT_POLICY));
    assert.deepEqual(Object.keys(report).slice(0, 6), ['states', 'transitions', 'covered', 'tests', 'steps', 'baseline']);
    assert.equal(report.baseline.source, '@xstate/graph getShortestPaths');
    assert.equal(report.covered, report.transitions, 'transition coverage covers every reachable transition');
    assert.equal(report.statesCovered, report.states);
    assert.deepEqual(report.uncovered, []);
    assert.ok(report.steps < report.baseline.steps && report.tests < report.baseline.tests);
    assert.equal(report.checks, report.transitions, 'one named check per transition');
  });

  it("takes the baseline from @xstate/graph over representative admins only, and from the exploration's breadth-first depths over every admin", () => {
    const policy = scaledPolicy(3);
    assert.equal(generated(generateTests(policy)).report.baseline.source, '@xstate/graph getShortestPaths');
    const every = generated(generateTests(policy, { admins: 'every' })).report;
    assert.equal(every.baseline.source, 'breadth-first shortest paths');
    assert.equal(every.covered, every.transitions);
  });

  it('keeps every walk near the default length bound, so one failing step hides at most that many of the ones after it', () => {
    const { walks, graph } = generated(generateTests(DEFAULT_POLICY, { baseline: 'breadth-first' }));
    const longestPath = Math.max(...graph.depth);
    assert.ok(walks.length > 1);
    for (const [w, walk] of walks.entries()) assert.ok(walk.steps.length <= DEFAULT_WALK_LENGTH + longestPath + 1, `walk ${w + 1} has ${walk.steps.length} steps`);
  });

  it('is deterministic: the same policy and options give the same suite bytes and report, and the same files in a same-depth directory', () => {
    const policy = scaledPolicy(3);
    const a = generated(generateTests(policy, { baseline: 'breadth-first' }));
    const b = generated(generateTests(policy, { baseline: 'breadth-first' }));
    assert.equal(renderSuiteJson(a.suite), renderSuiteJson(b.suite));
    assert.equal(JSON.stringify(a.report), JSON.stringify(b.report));
    const root = mkdtempSync(join(tmpdir(), 'gen-tests-'));
    try {
      writeSuite(join(root, 'one'), a.suite, a.report);
      writeSuite(join(root, 'two'), b.suite, b.report);
      for (const file of [SUITE_FILE, RUNNER_FILE, REPORT_FILE]) {
        assert.ok(readFileSync(join(root, 'one', file)).equals(readFileSync(join(root, 'two', file))), `${file} differs`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names each test after the transition it covers and prescribes the state after every step', () => {
    const { suite } = generated(generateTests(scaledPolicy(2), { baseline: 'breadth-first' }));
    const test = suite.walks[0]!.tests[0]!;
    assert.match(test.name, /^T\d+ standard: propose:a1:standard is rejected$/);
    // Two admins, quorums 1 and 2: a1 proposes to lower probation, a2's approval applies it.
    assert.ok(suite.walks.flatMap((w) => w.tests).some((t) => /^T\d+ probation, proposal probation→standard by a1: approve:a2 → standard$/.test(t.name)));
    const states = new Map(suite.states.map((s) => [s.id, s]));
    for (const t of suite.transitions) {
      assert.ok(states.has(t.from) && states.has(t.to));
      if (!t.accepted) assert.equal(t.from, t.to, `T${t.id}: a rejected event leaves the state as it was`);
    }
    assert.deepEqual(states.get(0)!.expect, {
      level: 'standard', proposal: null, hypervisor: 'running',
      capabilities: { modelCores: 'run', ports: 'all', networkRelay: 'connected', modelPower: 'on', modelHardware: 'intact', facility: 'intact' },
    });
  });

  it('with state coverage reports the transitions it leaves out and why', () => {
    const { report } = generated(generateTests(DEFAULT_POLICY, { criterion: 'state', baseline: 'breadth-first' }));
    assert.equal(report.statesCovered, report.states);
    assert.equal(report.uncovered.length, 1);
    assert.equal(report.uncovered[0]!.count, report.transitions - report.covered);
    assert.match(report.uncovered[0]!.reason, /targets states only; use --coverage transition/);
  });

  it('with path coverage at depth K names each test by its path and says which states the bound left unexplored', () => {
    const { suite, report } = generated(generateTests(DEFAULT_POLICY, { criterion: 'path', depth: 2 }));
    assert.equal(report.depth, 2);
    assert.ok(suite.walks.every((w) => w.tests.length === 1 && /^path [^,]+(,[^,]+)?$/.test(w.tests[0]!.name)));
    assert.ok(report.unexpandedStates > 0);
    assert.ok(report.uncovered.some((g) => /lie at the depth bound 2/.test(g.reason)));
    assert.ok(report.baseline.tests >= report.tests);
  });

  it('marks each statechart transition covered, and the ones no reachable state takes under the policy as unreachable', () => {
    const { report } = generated(generateTests(DEFAULT_POLICY, { baseline: 'breadth-first' }));
    const byId = new Map(report.statechart.map((e) => [e.id, e]));
    assert.equal(byId.get('proposal.open approve#1')!.covered, true, 'the quorum branch');
    assert.equal(byId.get('isolation.standard isolation.set#0')!.covered, true);
    // Quorums of 3 and 5: the proposer alone is never a quorum, and no rule lowers offline by two levels.
    assert.equal(byId.get('proposal.idle propose#0')!.reachable, 0);
    assert.equal(byId.get('isolation.offline isolation.set#0')!.reachable, 0);
    assert.ok(report.statechart.every((e) => e.covered === e.reachable > 0), 'transition coverage exercises every reachable edge');
    const alone = generated(generateTests(scaledPolicy(1), { baseline: 'breadth-first' })).report.statechart.find((e) => e.id === 'proposal.idle propose#0')!;
    assert.ok(alone.covered, 'with one admin the proposer alone is a quorum');
  });
});
