/**
 * `review/`: the sequencing, the summary rows and the verdict, tested with stand-in stages (real
 * library calls kept small: the check of a policy, one theorem, the side-channel experiment), and
 * the real review once, end to end, as `npm start` runs it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPolicy } from '../../checker/index.ts';
import type { SpinResult } from '../../export/spin.ts';
import { printSummary } from '../../cli/commands/review.ts';
import { blockIsCurrent, findBlocks, REPOSITORY_ROOT } from '../../docs/outputBlocks.ts';
import { proveAll } from '../../proofs/index.ts';
import type { ProtocolProofReport, ProtocolVerdict } from '../../proofs/protocol/prove.ts';
import { FULL_REGION, regionWords } from '../../proofs/protocol/region.ts';
import { REVIEW_STAGES, reviewPolicy, type CoverageStage, type ReviewReport, type ReviewStages } from '../../review/index.ts';
import { runScenario } from '../../simulator/index.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { looksLikeCrash, runCli } from '../cli/runCli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function policyFile(name: string): Policy {
  const loaded = loadPolicyFile(fixture(`policies/${name}`));
  assert.ok(loaded.ok, `${name} loads`);
  return loaded.policy;
}

/** SPIN's complete run that found no violated assertion and no deadlock (liveness not asked for). */
const spinFindsNothing: SpinResult = {
  kind: 'complete',
  states: 4_321,
  transitions: 9_876,
  seconds: 0.1,
  panWallSeconds: 0.1,
  safety: { states: 4_321, transitions: 9_876, depth: 20, stateVectorBytes: 64, seconds: 0.1, memoryMegabytes: 128, errors: 0, messages: [] },
  violatedAssertions: [],
  deadlock: false,
  claims: {},
  fairness: false,
  compileSeconds: 0.5,
};

const passingSuite: CoverageStage = {
  kind: 'ran',
  states: 10,
  transitions: 40,
  covered: 40,
  tests: 2,
  steps: 45,
  baseline: { tests: 40, steps: 120 },
  outcome: { kind: 'passed', walks: 2, tests: 40, steps: 45 },
};

/** A protocol proof of one property (the real one takes half a minute; `test/proofs/protocol/` runs it). */
const protocolProof = (verdict: ProtocolVerdict = { property: 'level-capabilities', verdict: 'proved', method: 'houdini', invariant: ['isolation = level', 'isolation = commanded'], seconds: 0.1 }): ProtocolProofReport => ({
  region: { words: regionWords(FULL_REGION), bounds: FULL_REGION },
  houdini: { status: 'inductive', candidates: 3, lemmas: ['isolation = level', 'isolation = commanded'], queries: 2, seconds: 0.2 },
  properties: [verdict],
});

/** `compute` once per policy: the stand-ins return real results, computed once for the whole file. */
function oncePerPolicy<T>(compute: (policy: Policy) => T): (policy: Policy) => T {
  const results = new Map<Policy, T>();
  return (policy) => {
    if (!results.has(policy)) results.set(policy, compute(policy));
    return results.get(policy)!;
  };
}

const realCheck = oncePerPolicy((policy) => checkPolicy(policy));
const realProof = oncePerPolicy((policy) => proveAll(policy, { only: ['quorum-arithmetic'], controls: true }));
const realSideChannel = oncePerPolicy((policy) => runScenario('side-channel', { seed: 7, policy }));

/**
 * Real stages made small: the real check, SPIN that finds nothing, one theorem and its control, the
 * side-channel experiment (the other two take seconds, and a shortened soak leaves triggers
 * unexercised), and a suite that passes. Each call is recorded.
 */
function smallStages(calls: string[] = [], overrides: Partial<ReviewStages> = {}): ReviewStages {
  const stages: ReviewStages = {
    check: realCheck,
    spin: async () => spinFindsNothing,
    prove: async (policy, progress) => {
      const report = await realProof(policy);
      for (const t of report.theorems) progress(`prove: ${t.id} ${t.status}`);
      return report;
    },
    proveProtocol: async () => protocolProof(),
    scenarios: ['side-channel'],
    simulate: (_, options) => realSideChannel(options.policy),
    coverage: async () => passingSuite,
    ...overrides,
  };
  return {
    check: (policy, onProgress) => (calls.push('check'), stages.check(policy, onProgress)),
    spin: (policy) => (calls.push('spin'), stages.spin(policy)),
    prove: (policy, progress) => (calls.push('prove'), stages.prove(policy, progress)),
    proveProtocol: (policy, progress) => (calls.push('prove protocol'), stages.proveProtocol(policy, progress)),
    scenarios: stages.scenarios,
    simulate: (scenario, options) => (calls.push(`simulate ${scenario}`), stages.simulate(scenario, options)),
    coverage: (policy) => (calls.push('coverage'), stages.coverage(policy)),
  };
}

function rowsOf(report: ReviewReport, stage: string) {
  return report.summary.filter((row) => row.stage === stage);
}

/** What `guillotine review` prints for a report (the CLI's own printer). */
function printed(report: ReviewReport): string {
  let out = '';
  printSummary({ out: (s) => void (out += s), err: () => {}, interactive: false }, report, 'the policy under test');
  return out;
}

describe('review: the stages of a review, sequenced and condensed into one table', () => {
  it('runs every stage once, in order, saying on the progress channel which one starts', async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const stages = smallStages(calls, { scenarios: ['side-channel', 'soak'], simulate: (_, options) => realSideChannel(options.policy) });
    await reviewPolicy(DEFAULT_POLICY, { seed: 7, progress: (line) => lines.push(line) }, stages);
    assert.deepEqual(calls, ['check', 'spin', 'prove', 'prove protocol', 'simulate side-channel', 'simulate soak', 'coverage']);
    const starts = lines.filter((l) => l.endsWith('…')).map((l) => l.split(':')[0]);
    assert.deepEqual(starts, ['check', 'cross-check', 'prove', 'prove', 'simulate', 'simulate', 'gen-tests']);
    assert.ok(lines.includes('simulate: soak (seed 7)…'), 'the seed is named');
    assert.ok(lines.some((l) => /^prove: quorum-arithmetic proved/.test(l)), "the prover's own progress is passed on");
  });

  it('holds for the default policy with a row per stage, per theorem and per experiment, and the seed it was given', async () => {
    const report = await reviewPolicy(DEFAULT_POLICY, { seed: 7 }, smallStages());
    assert.equal(report.holds, true);
    assert.equal(report.seed, 7);
    assert.deepEqual([...new Set(report.summary.map((row) => row.stage))], ['check', 'cross-check', 'prove', 'simulate', 'gen-tests']);
    const [check] = rowsOf(report, 'check');
    assert.equal(rowsOf(report, 'check').length, 1, 'no property fails, so one check row');
    assert.match(check!.subject, new RegExp(`^§4 safety properties \\(${report.check.states.toLocaleString('en-US')} states, ${report.check.transitions.toLocaleString('en-US')} transitions\\)$`));
    assert.equal(check!.result, `${report.check.properties.length}/${report.check.properties.length} pass`);
    assert.match(rowsOf(report, 'cross-check')[0]!.result, /^4,321 states; agrees on all \d+ safety verdicts$/);
    assert.deepEqual(rowsOf(report, 'prove').map((r) => [r.subject, r.result]), [
      ['quorum-arithmetic', 'proved'],
      ['negative controls (weakened checks)', '1/1 refuted'],
      ['level-capabilities, every number of admins', 'proved (houdini)'],
    ]);
    assert.deepEqual(rowsOf(report, 'simulate').map((r) => r.result), [`${report.simulate[0]!.claims.length}/${report.simulate[0]!.claims.length} claims`]);
    assert.match(rowsOf(report, 'simulate')[0]!.subject, /^side-channel: attacker \d+\.\d% conventional, \d+\.\d% guillotine$/);
    assert.deepEqual(rowsOf(report, 'gen-tests').map((r) => [r.subject, r.result]), [['(state, event) pairs, in 2 walks of 45 steps', '40/40 covered; simulator passes']]);
    assert.ok(report.summary.every((row) => row.verdict === 'holds'));
    assert.match(printed(report), /Every claim holds\.\n$/);
  });

  it('runs every stage when the check fails, gives each failing property a row of its own, and fails', async () => {
    const calls: string[] = [];
    const unsafe = policyFile('unsafe-small.json');
    const report = await reviewPolicy(unsafe, { seed: 1 }, smallStages(calls));
    assert.deepEqual(calls, ['check', 'spin', 'prove', 'prove protocol', 'simulate side-channel', 'coverage'], 'the stages after the check still ran');
    assert.equal(report.holds, false);
    const failing = report.check.properties.filter((p) => p.status === 'fail').map((p) => p.id);
    assert.ok(failing.includes('irreversible-levels'), failing.join(', '));
    assert.deepEqual(rowsOf(report, 'check').slice(1).map((r) => [r.subject, r.verdict]), failing.map((id) => [id, 'fails']));
    // SPIN that found nothing wrong now disagrees with the checker on each failing safety property.
    const cross = rowsOf(report, 'cross-check')[0]!;
    assert.equal(cross.verdict, 'fails');
    assert.match(cross.result, /DISAGREES on .*irreversible-levels \(SPIN: pass, check: fail\)/);
    // A de-escalation quorum of 1 of 3 is no strict majority.
    assert.deepEqual(rowsOf(report, 'prove').map((r) => r.verdict), ['fails', 'holds', 'holds']);
    assert.match(printed(report), /Some claims FAIL: run the command of each failing stage/);
  });

  it('says plainly which stages a policy cannot feed, and counts them neither as passes nor as failures', async () => {
    // The simulator holds only the private keys it derives from the seed, so it cannot sign for a pinned publicKey.
    const pinned = policyFile('pinned-key.json');
    const report = await reviewPolicy(pinned, { seed: 7 }, smallStages([], { scenarios: REVIEW_STAGES.scenarios, simulate: REVIEW_STAGES.simulate, coverage: REVIEW_STAGES.coverage }));
    const notRun = report.summary.filter((row) => row.verdict === 'not run');
    assert.deepEqual(notRun.map((row) => `${row.stage} ${row.subject}`), ['simulate port-resilience', 'simulate soak', 'gen-tests transition coverage against the simulator']);
    for (const row of notRun) assert.match(row.result, /admin a1 pins a publicKey/);
    assert.deepEqual(report.coverage.kind, 'not run');
    assert.ok(rowsOf(report, 'simulate').some((row) => row.subject.startsWith('side-channel') && row.verdict === 'holds'));
    assert.deepEqual(report.simulate.map((r) => r.scenario), ['side-channel'], 'only the experiments that ran are in the report');
    assert.equal(report.holds, true);
    const text = printed(report);
    assert.match(text, /NOT RUN/);
    assert.match(text, /Every claim that ran holds; 3 stage\(s\) could not run \(see their rows\)\.\n$/);
  });

  it('reports SPIN missing as not run, SPIN that stops at a limit as incomplete and SPIN that fails as a failure, with its reason', async () => {
    const withSpin = (spin: SpinResult) => reviewPolicy(DEFAULT_POLICY, { seed: 7 }, smallStages([], { spin: async () => spin }));
    const missing = await withSpin({ kind: 'missing', message: 'spin is not installed; apt-get install -y spin gcc' });
    assert.deepEqual(rowsOf(missing, 'cross-check').map((r) => [r.result, r.verdict]), [['spin is not installed; apt-get install -y spin gcc', 'not run']]);
    assert.equal(missing.holds, true);
    const incomplete = await withSpin({ kind: 'incomplete', reason: 'max search depth too small', output: '' });
    assert.deepEqual(rowsOf(incomplete, 'cross-check').map((r) => [r.result, r.verdict]), [['SPIN did not finish: max search depth too small', 'incomplete']]);
    assert.equal(incomplete.holds, false, 'an incomplete row is no pass');
    const broken = await withSpin({ kind: 'error', stage: 'gcc', message: 'pan.c:1: error: oops\nmore' });
    assert.deepEqual(rowsOf(broken, 'cross-check').map((r) => [r.result, r.verdict]), [['SPIN did not finish: gcc failed: pan.c:1: error: oops', 'fails']]);
  });

  it('fails when the generated tests do not cover every transition or the simulator fails one, naming the first failure; a state limit is incomplete', async () => {
    const withCoverage = (coverage: CoverageStage) => reviewPolicy(DEFAULT_POLICY, { seed: 7 }, smallStages([], { coverage: async () => coverage }));
    const failed = await withCoverage({
      ...passingSuite,
      kind: 'ran',
      outcome: { kind: 'failed', walks: 2, tests: 40, passed: 39, skipped: 0, steps: 45, failures: [{ walk: 'W1', test: 'T3', message: 'T3: expected severed', replay: 'heartbeat', shortReplay: 'heartbeat' }] },
    });
    assert.deepEqual(rowsOf(failed, 'gen-tests').map((r) => [r.result, r.verdict]), [['40/40 covered; simulator FAILS 1 (first: T3: expected severed)', 'fails']]);
    assert.equal(failed.holds, false);
    const uncovered = await withCoverage({ ...passingSuite, covered: 39 });
    assert.deepEqual(rowsOf(uncovered, 'gen-tests').map((r) => [r.result, r.verdict]), [['39/40 covered; simulator passes', 'fails']]);
    const limit = await withCoverage({ kind: 'limit', message: 'more than 1,000,000 states; lower --depth' });
    assert.deepEqual(rowsOf(limit, 'gen-tests').map((r) => [r.subject, r.result, r.verdict]), [['transition coverage', 'more than 1,000,000 states; lower --depth', 'incomplete']]);
  });

  it('fails when a protocol property is refuted for some number of admins, and is incomplete when the solver gave up on one', async () => {
    const withProtocol = (verdict: ProtocolVerdict) => reviewPolicy(DEFAULT_POLICY, { seed: 7 }, smallStages([], { proveProtocol: async () => protocolProof(verdict) }));
    const refuted = await withProtocol({ property: 'deescalation-needs-quorum', verdict: 'refuted', knobs: { admins: 3, escalate: 1, deescalate: 3, missLimit: 1, maxStep: 1 }, initial: {}, abstractPath: [], replay: { policy: DEFAULT_POLICY, handle: 'alarm:probation,propose:a1:standard,approve:a2', reason: 'de-escalated with 2 of 3 approvals' }, seconds: 1 });
    assert.deepEqual(rowsOf(refuted, 'prove').slice(2).map((r) => [r.subject, r.result, r.verdict]), [['deescalation-needs-quorum, every number of admins', 'refuted at 3 admins, quorums 1/3', 'fails']]);
    assert.equal(refuted.holds, false);
    const unknown = await withProtocol({ property: 'no-deadlock', verdict: 'unknown', reason: 'Spacer: timeout after 60000 ms', seconds: 60 });
    assert.deepEqual(rowsOf(unknown, 'prove').slice(2).map((r) => r.verdict), ['incomplete']);
    assert.equal(unknown.holds, false, 'an unknown is no proof');
  });

  it('fails when an experiment breaks a claim, naming the claims that fail', async () => {
    const real = realSideChannel(DEFAULT_POLICY);
    const broken = { ...real, holds: false, claims: real.claims.map((c, i) => (i === 0 ? { ...c, holds: false } : c)) };
    const report = await reviewPolicy(DEFAULT_POLICY, { seed: 7 }, smallStages([], { scenarios: ['side-channel'], simulate: () => broken }));
    const [row] = rowsOf(report, 'simulate');
    assert.equal(row!.verdict, 'fails');
    assert.equal(row!.result, `${real.claims.length - 1}/${real.claims.length} claims (fails: ${real.claims[0]!.id})`);
    assert.equal(report.holds, false);
  });

  it('refuses a bad seed with exit 2 and a message naming the option, before any stage', async () => {
    const run = await runCli(['review', '--seed', 'x']);
    assert.equal(run.code, 2);
    assert.match(run.err, /--seed/);
    assert.equal(run.out, '');
    assert.ok(!looksLikeCrash(run.err), run.err);
  });
});

describe('review: end to end, the one full run (every real stage on the default policy, as npm start prints it)', () => {
  it('holds for the default policy, with a row per stage and a verdict a reviewer reads at a glance', async () => {
    const human = await runCli(['review']);
    assert.equal(human.code, 0, human.err);
    assert.ok(!looksLikeCrash(human.err), human.err);
    assert.match(human.out, /Guillotine review of the embedded default policy/);
    for (const stage of ['check', 'cross-check', 'prove', 'simulate', 'gen-tests']) assert.match(human.out, new RegExp(`│ ${stage} +│`), `a ${stage} row`);
    assert.doesNotMatch(human.out, /FAILS/);
    assert.match(human.out, /1 admin\(s\) can take the system to immolation/, 'the findings say what onTimeout "restrictive" implies');
    assert.match(human.out, /Every claim holds\.\n$/);
    // The README shows this very output (a slow block, which test/docs skips): it must still be what a run prints.
    const readme = findBlocks(readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8')).find((b) => b.command === 'guillotine review');
    assert.ok(readme, 'README.md has a block for guillotine review');
    assert.ok(blockIsCurrent(readme, { command: 'guillotine review', code: human.code, output: human.out }), `README.md:${readme.line}: the guillotine review block is stale; run \`npm run docs -- README.md\``);
  });
});
