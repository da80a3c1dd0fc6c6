import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z3Session } from '../../../proofs/z3.ts';
import { protocolHolds, protocolProperties, proveProtocol } from '../../../proofs/protocol/prove.ts';
import { runSpacer } from '../../../proofs/protocol/spacer.ts';
import { countSystem } from '../../../proofs/protocol/countSystem.ts';
import { correctMachine, mutatedMachine, specMutant } from '../../../machines/mutants.ts';
import { KNOBS } from '../../../proofs/protocol/termOps.ts';
import { LEVELS } from '../../../spec/levels.ts';
import { DEFAULT_POLICY } from '../../../spec/policy.ts';
import { looksLikeCrash, runCli } from '../../cli/runCli.ts';

/** What `prove --protocol --json` promises its readers. */
interface ProtocolJson {
  region: { words: string; bounds: Record<string, { min: number; max?: number }> };
  houdini: { status: string; candidates: number; lemmas: string[]; queries: number; seconds: number };
  properties: ({ property: string; seconds: number } & ({ verdict: 'proved'; method: 'houdini' | 'spacer'; invariant: string[] } | { verdict: 'refuted'; knobs: Record<string, number>; initial: Record<string, string>; abstractPath: { event: string; state: Record<string, string> }[]; replay: { policy: object; handle: string; reason: string } } | { verdict: 'unknown'; reason: string }))[];
  fixed: Record<string, string>;
}

function nativeZ3(): boolean {
  const probe = spawnSync('z3', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

/** The words an invariant may use: the count state's variables, the knobs, levels, region states, none. */
function vocabulary(): Set<string> {
  const sig = countSystem(correctMachine(DEFAULT_POLICY)).signature;
  return new Set([...sig.vars.map((v) => v.name), ...KNOBS, ...LEVELS, ...sig.regionStates.flat(), 'none', 'true', 'false']);
}

let words: Set<string> | undefined;

function assertReadable(lines: readonly string[], what: string): void {
  words ??= vocabulary();
  assert.ok(lines.length > 0, `${what}: an invariant is printed`);
  for (const line of lines) {
    assert.doesNotMatch(line, /x!\d|a!\d|\(let /, `${what}: ${line}`);
    for (const word of line.match(/[A-Za-z_][A-Za-z_0-9]*/g) ?? []) assert.ok(words.has(word), `${what}: "${word}" in "${line}" is a name of the protocol`);
  }
}

describe('guillotine prove --protocol', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-protocol-'));
    await z3Session();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('two properties of the default policy with plain candidates, run once for the tests below', () => {
    let report: ProtocolJson;
    let smt2: string;
    before(async () => {
      smt2 = join(dir, 'smt2');
      const run = await runCli(['prove', '--protocol', '--only', 'level-capabilities,escalation-has-cause', '--candidates', 'plain', '--json', '--emit-smt2', smt2]);
      assert.ok(!looksLikeCrash(run.err), run.err);
      assert.equal(run.code, 0, run.out + run.err);
      report = JSON.parse(run.out) as ProtocolJson;
    });

    it('proves_one_property_from_the_houdini_lemmas_and_one_with_spacer_each_with_its_invariant_in_the_protocols_words', () => {
      const byId = new Map(report.properties.map((p) => [p.property, p]));
      const capabilities = byId.get('level-capabilities');
      const cause = byId.get('escalation-has-cause');
      assert.ok(capabilities?.verdict === 'proved' && capabilities.method === 'houdini', JSON.stringify(capabilities));
      assert.ok(cause?.verdict === 'proved' && cause.method === 'spacer', JSON.stringify(cause));
      // The capability row follows the level: the lemmas say so in the state's own names.
      assert.ok(capabilities.invariant.includes('isolation = commanded'), capabilities.invariant.join('; '));
      assertReadable(capabilities.invariant, 'level-capabilities');
      assertReadable(cause.invariant, 'escalation-has-cause');
      assertReadable(report.houdini.lemmas, 'the Houdini invariant');
    });

    it('prints_json_of_the_documented_shape_with_the_region_in_words_and_the_fixed_parameters', () => {
      assert.deepEqual(Object.keys(report), ['region', 'houdini', 'properties', 'fixed']);
      assert.equal(report.region.words, 'admins ≥ 1, 1 ≤ escalate ≤ admins, 1 ≤ deescalate ≤ admins, missLimit ≥ 1, 1 ≤ maxStep ≤ 5');
      assert.equal(report.houdini.status, 'inductive');
      assert.ok(report.houdini.lemmas.length > 0 && report.houdini.lemmas.length <= report.houdini.candidates);
      assert.deepEqual(report.properties.map((p) => p.property), ['escalation-has-cause', 'level-capabilities'], 'in the order of PROPERTIES');
      for (const p of report.properties) assert.deepEqual(Object.keys(p).slice(0, 2), ['property', 'verdict']);
      assert.deepEqual(report.fixed, { irreversible: 'decapitation, immolation', onTimeout: 'restrictive', detectorMaxLevel: 'offline', rebootLevel: 'offline', actuatorFailureUpTo: 'offline' });
    });

    it('writes_each_horn_problem_as_smt2_and_native_z3_answers_as_the_wasm_build_did', async function () {
      const manifest = JSON.parse(readFileSync(join(smt2, 'manifest.json'), 'utf8')) as { problems: { property: string; file: string; spacer: string }[] };
      assert.deepEqual(manifest.problems.map((p) => [p.property, p.spacer]), [['escalation-has-cause', 'sat'], ['level-capabilities', 'not run']]);
      const text = readFileSync(join(smt2, 'escalation-has-cause.smt2'), 'utf8');
      assert.match(text, /^; escalation-has-cause for every policy with admins ≥ 1/);
      assert.match(text, /\(set-logic HORN\)/);
      if (!nativeZ3()) {
        // The issue asks for the cross-check where a native z3 is installed; say so rather than pass silently.
        console.log('      (skipped: no native z3 on the PATH)');
        this.skip();
      }
      const native = spawnSync('z3', ['-T:120', join(smt2, 'escalation-has-cause.smt2')], { encoding: 'utf8' });
      assert.equal(native.stdout.trim(), 'sat', native.stdout + native.stderr);
      // A problem the lemmas alone decided was never given to Spacer: both builds answer it here.
      const wasm = await runSpacer(readFileSync(join(smt2, 'level-capabilities.smt2'), 'utf8'), [], 60_000);
      const nativeToo = spawnSync('z3', ['-T:120', join(smt2, 'level-capabilities.smt2')], { encoding: 'utf8' });
      assert.equal(wasm.answer, 'sat', JSON.stringify(wasm));
      assert.equal(nativeToo.stdout.trim(), wasm.answer);
    });
  });

  it('refutes_a_spec_mutant_at_the_smallest_policy_that_shows_it_and_check_agrees_there_and_below', async () => {
    const traces = join(dir, 'refutations');
    const run = await runCli(['prove', '--protocol', '--mutant', 'deescalate-one-short', '--only', 'deescalation-needs-quorum', '--candidates', 'none', '--traces', traces]);
    assert.match(run.out, /Houdini: no candidate lemmas \(--candidates none/);
    assert.equal(run.code, 1, run.out + run.err);
    assert.match(run.out, /deescalation-needs-quorum REFUTED; the smallest policy that breaks it: 3 admins, escalate 1, deescalate 3, missLimit 1, maxStep 1\n/);
    assert.match(run.out, /1\. propose probation by an admin who neither approved nor voted/);
    // The same counterexample, concrete: a handle and a trace file that `replay` confirms on the mutant (and the correct machine refuses to violate).
    const handle = /concretely, with admins a1…a3: (\S+)\n/.exec(run.out)?.[1];
    assert.ok(handle, run.out);
    const file = join(traces, 'deescalation-needs-quorum.trace.json');
    assert.match(run.out, new RegExp(`replay: guillotine replay ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --mutant deescalate-one-short\n`));
    const replayed = await runCli(['replay', file, '--mutant', 'deescalate-one-short', '--json']);
    assert.equal(replayed.code, 1, replayed.out + replayed.err);
    assert.match(replayed.out, /deescalation-needs-quorum/);
    const onCorrect = await runCli(['replay', file, '--json']);
    assert.equal(onCorrect.code, 0, 'the correct machine does not break the property on the same events');
    // The checker, on concrete policies: the bug shows at 3 admins with those quorums, and at no quorum pair of 2 admins.
    const policy = (admins: number, escalate: number, deescalate: number) => {
      const file = join(dir, `n${admins}-${escalate}-${deescalate}.json`);
      writeFileSync(file, JSON.stringify({ admins: Array.from({ length: admins }, (_, i) => ({ id: `a${i + 1}` })), quorum: { escalate, deescalate }, heartbeat: { missLimit: 1 }, deescalation: { maxStep: 1 } }));
      return file;
    };
    const verdict = async (file: string) => {
      const checked = await runCli(['check', '--policy', file, '--mutant', 'deescalate-one-short', '--json']);
      const r = JSON.parse(checked.out) as { properties: { id: string; status: string }[] };
      return r.properties.find((p) => p.id === 'deescalation-needs-quorum')!.status;
    };
    assert.equal(await verdict(policy(3, 1, 3)), 'fail');
    for (const [e, d] of [[1, 1], [1, 2], [2, 1], [2, 2]] as const) assert.equal(await verdict(policy(2, e, d)), 'pass', `2 admins, escalate ${e}, deescalate ${d}`);
  });

  it('says_unknown_never_proved_when_spacer_finds_a_failure_beyond_the_searched_policies', async () => {
    // The bug shows first at 3 admins; a search bounded at 2 cannot name the policy, and Spacer's "unsat" is no proof.
    const report = await proveProtocol(mutatedMachine(DEFAULT_POLICY, specMutant('deescalate-one-short')!), { only: ['deescalation-needs-quorum'], candidates: 'plain', search: { maxAdmins: 2 } });
    const [verdict] = report.properties;
    assert.ok(verdict?.verdict === 'unknown', JSON.stringify(verdict));
    assert.match(verdict.reason, /^Spacer found a failure reachable for some policy of the region; no counterexample among \d+ policies with at most 2 admins$/);
    assert.equal(protocolHolds(report), false);
  });

  it('refuses_an_empty_region_an_unknown_mutant_or_property_and_protocol_options_without_protocol_with_one_line_and_exit_2', async () => {
    const cases: [string[], RegExp][] = [
      [['--protocol', '--admins', '5..3'], /--admins: the interval 5\.\.3 is empty/],
      [['--protocol', '--admins', '1..3', '--deescalate', '4..'], /--deescalate: a quorum of at least 4 exceeds every number of admins in 1\.\.3/],
      [['--protocol', '--max-step', '6'], /--max-step: a de-escalation step is at most 5/],
      [['--protocol', '--miss-limit', 'many'], /--miss-limit takes a range LO\.\.HI, LO\.\. or a whole number N/],
      [['--protocol', '--mutant', 'no-such-bug'], /--mutant: no mutant named "no-such-bug"; allowed: /],
      [['--protocol', '--only', 'quorum-intersection'], /--only: with --protocol, no safety property has id "quorum-intersection"; ids: irreversible-levels, /],
      [['--protocol', '--policy', 'test/fixtures/policies/bad/duplicate-admin-id.json'], /bad policy: admins\[3\]\.id: duplicate admin id/],
      [['--protocol', '--timeout', '0'], /--timeout takes a whole number from 1 to 3600/],
      [['--mutant', 'deescalate-one-short'], /--mutant applies only with --protocol/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['prove', ...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.err}`);
      assert.equal(run.out, '');
      assert.match(run.err, message);
      assert.equal(run.err.trim().split('\n').length, 1, `one line: ${run.err}`);
      assert.ok(!looksLikeCrash(run.err), run.err);
    }
    const json = await runCli(['prove', '--protocol', '--json', '--admins', '0']);
    assert.equal(json.code, 2);
    assert.match((JSON.parse(json.out) as { error: { message: string } }).error.message, /--admins: the least value is 0/);
  });

  it('selects_the_safety_properties_by_how_they_are_judged_never_a_fixed_list', () => {
    const ids = protocolProperties().map((p) => p.id);
    for (const id of ['irreversible-levels', 'deescalation-needs-quorum', 'escalation-has-cause', 'failsafe-only-raises', 'failsafe-reaches-offline', 'approvals-bound-to-proposal', 'level-capabilities', 'no-deadlock', 'reboot-keeps-level']) assert.ok(ids.includes(id as never), id);
    assert.ok(!ids.includes('quorum-intersection' as never) && !ids.includes('escalation-liveness' as never), 'policy arithmetic and liveness are not state-space safety');
  });
});
