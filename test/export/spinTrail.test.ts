/**
 * `guillotine replay --spin-trail FILE`: a trail SPIN wrote on the Promela export, turned back into
 * the workbench's trace and replayed. End to end, as a user runs it: `guillotine export --mutant`
 * → `spin -a` → `gcc` → `pan` → `MODEL.pml.trail` → `guillotine replay --spin-trail`. pan is compiled
 * with -O0 (these models are small; compiling is most of the time).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replay } from '../../checker/replay.ts';
import { promelaModel } from '../../export/promela.ts';
import { choiceLines, judgeTrail, parseTrailText, readSpinTrail } from '../../export/spinTrail.ts';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { mutatedMachine, specMutant } from '../../machines/mutants.ts';
import { PROTOCOL_RULES } from '../../machines/rules.ts';
import { encodeEvent } from '../../spec/events.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { runCli } from '../cli/runCli.ts';

const THREE_ADMINS = fileURLToPath(new URL('fixtures/three-admins.json', import.meta.url));

/** Runs a command of the SPIN tool chain in `dir`; pan exits non-zero on an error, which is what these runs are for. */
function sh(dir: string, command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, [...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; status?: number };
    if (command === './pan' || command === './pan-fair') return e.stdout ?? '';
    throw new Error(`${command} ${args.join(' ')} failed (${e.status}): ${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

/**
 * `guillotine export --format promela --policy three-admins.json --mutant NAME --out model.pml`, then
 * SPIN's safety search (`fair`: the FAIR_EVENTS variant under `pan -a -f -A`, for the liveness claim).
 * Returns the directory holding model.pml and model.pml.trail, and what pan printed.
 */
async function trailOf(mutant: string | null, options: { fair?: boolean; policy?: string } = {}): Promise<{ dir: string; trail: string; pan: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'guillotine-trail-test-'));
  const exported = await runCli(['export', '--format', 'promela', '--policy', options.policy ?? THREE_ADMINS, ...(mutant === null ? [] : ['--mutant', mutant]), '--out', join(dir, 'model.pml')]);
  assert.equal(exported.code, 0, exported.err);
  let pan: string;
  if (options.fair) {
    sh(dir, 'spin', ['-DFAIR_EVENTS', '-a', 'model.pml']);
    sh(dir, 'gcc', ['-O0', '-DNOREDUCE', '-DVECTORSZ=8192', '-DNFAIR=20', '-o', 'pan-fair', 'pan.c']);
    pan = sh(dir, './pan-fair', ['-a', '-f', '-A', '-m100000']);
  } else {
    // The commands of the brief: a plain compile (the ltl claim included) and pan -a.
    sh(dir, 'spin', ['-a', 'model.pml']);
    sh(dir, 'gcc', ['-O0', '-DVECTORSZ=8192', '-o', 'pan', 'pan.c']);
    pan = sh(dir, './pan', ['-a', '-m100000']);
  }
  assert.match(pan, /pan: wrote model\.pml\.trail/, pan);
  return { dir, trail: join(dir, 'model.pml.trail'), pan };
}

describe('export: replay --spin-trail reads a trail SPIN wrote on the export back into the workbench', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  before(function () {
    try {
      execFileSync('spin', ['-V'], { stdio: 'pipe' });
    } catch {
      assert.fail('spin is not on PATH: these tests need it (Debian/Ubuntu: apt-get install spin; .ci/run installs it)');
    }
  });

  let safety: { dir: string; trail: string; pan: string };
  before(async () => {
    safety = await trailOf('approvals-survive-level-change');
    dirs.push(safety.dir);
  });

  it('reproduces the violation SPIN found on a spec mutant, at the step where SPIN found it, and says they agree', async () => {
    assert.match(safety.pan, /assertion violated approvals_bound_to_proposal/);
    const run = await runCli(['replay', '--spin-trail', safety.trail, '--policy', THREE_ADMINS, '--mutant', 'approvals-survive-level-change']);
    assert.equal(run.code, 1, run.err);
    assert.equal(run.err, '');
    const events = Number(/SPIN steps on the model of guillotine export --format promela --policy \S+ --mutant approvals-survive-level-change, (\d+) events\n/.exec(run.out)?.[1]);
    assert.ok(events > 0, run.out);
    assert.match(run.out, new RegExp(`\\nSPIN: {6}approvals-bound-to-proposal is violated after ${events} events \\(assertion approvals_bound_to_proposal\\)\\n`));
    assert.match(run.out, new RegExp(`\\nworkbench: step ${events} \\([^)]+\\) violates approvals-bound-to-proposal: `));
    assert.match(run.out, /\nAGREES: the workbench replays the violation SPIN found\.\n/);
    assert.match(run.out, new RegExp(`\\nstep ${events} violates a property\\n`), 'the replay table ends at the violation');
    // The handle it prints replays the same violation on its own.
    const path = /--path '([^']*)'\n$/.exec(run.out)?.[1];
    assert.ok(path !== undefined, run.out);
    const again = await runCli(['replay', '--policy', THREE_ADMINS, '--mutant', 'approvals-survive-level-change', '--path', path]);
    assert.equal(again.code, 1);
    assert.match(again.out, new RegExp(`✗ approvals-bound-to-proposal[^]*step ${events} violates a property`));
  });

  it('prints SPIN\'s and the workbench\'s views as JSON with the trail\'s events as a replay handle, and writes them as a trace file', async () => {
    const out = join(safety.dir, 'trace.json');
    const run = await runCli(['replay', '--spin-trail', safety.trail, '--policy', THREE_ADMINS, '--mutant', 'approvals-survive-level-change', '--json', '--out', out]);
    const again = await runCli(['replay', out, '--mutant', 'approvals-survive-level-change', '--json']);
    assert.equal(again.code, 1);
    assert.deepEqual((JSON.parse(again.out) as { steps: unknown[] }).steps, (JSON.parse(run.out) as { steps: unknown[] }).steps);
    assert.equal(run.code, 1);
    const json = JSON.parse(run.out) as { steps: unknown[]; firstViolation: number; mutant: { name: string }; spin: { variant: string; finding: { kind: string; flag: string; property: string }; path: string; cycle: null; agrees: boolean } };
    assert.equal(json.mutant.name, 'approvals-survive-level-change');
    assert.deepEqual(json.spin.finding, { kind: 'assertion', flag: 'approvals_bound_to_proposal', property: 'approvals-bound-to-proposal' });
    assert.equal(json.spin.variant, 'plain');
    assert.equal(json.spin.agrees, true);
    assert.equal(json.firstViolation, json.steps.length);
    assert.equal(json.spin.path.split(',').length, json.steps.length);
  });

  it('refuses a trail of another model, naming the step SPIN cannot follow', async () => {
    // The same policy without the mutant: the machines differ, so the trail takes a transition the correct one does not.
    const correct = await runCli(['replay', '--spin-trail', safety.trail, '--policy', THREE_ADMINS]);
    assert.equal(correct.code, 2);
    assert.equal(correct.out, '');
    assert.match(correct.err, /^guillotine: --spin-trail: the trail does not fit the model of guillotine export --format promela --policy \S+: (?:at step \d+ the trail takes [a-z:0-9-]+, which this model does not accept in that state \(SPIN: transition failed\)|step \d+ of the trail names (?:no statement of this model \(SPIN: invalid statement\)|a transition this model does not have \(SPIN: no matching statement\))); replay it with the --policy and --mutant it was made with\n$/);
    // Another policy (seven admins): another shape altogether.
    const other = await runCli(['replay', '--spin-trail', safety.trail, '--mutant', 'approvals-survive-level-change']);
    assert.equal(other.code, 2);
    assert.match(other.err, /^guillotine: --spin-trail: the trail does not fit the model of guillotine export --format promela --mutant approvals-survive-level-change: (?:step \d+ of the trail names .*|at step \d+ the trail takes .*\(SPIN: transition failed\)); replay it/);
  });

  it('says plainly, with both views, when the workbench does not see what the trail claims (exit 1)', async () => {
    // The trail cut short: SPIN follows it to its end with no error there, which pan writes only for a
    // deadlock; the workbench sees events still enabled, and says it disagrees.
    const lines = readFileSync(safety.trail, 'utf8').trimEnd().split('\n');
    const cut = join(safety.dir, 'cut.trail');
    writeFileSync(cut, lines.slice(0, 8).join('\n') + '\n');
    const run = await runCli(['replay', '--spin-trail', cut, '--policy', THREE_ADMINS, '--mutant', 'approvals-survive-level-change']);
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, /\nSPIN: {6}no-deadlock is violated: the trail ends after \d+ events? in an invalid end state, where no event is enabled\n/);
    assert.match(run.out, /\nworkbench: after step \d+ these events are still enabled: [a-z:-]+(, [a-z:-]+)* \(is the trail cut short, or from another model\?\)\n/);
    assert.match(run.out, /\nDISAGREES: the workbench does not show what SPIN found on the same model\./);
  });

  it('judges a disagreement on the events themselves: the mutant\'s trail replayed on the correct machine shows no violation', async () => {
    const policy = loadPolicyFile(THREE_ADMINS);
    assert.ok(policy.ok);
    const machine = mutatedMachine(policy.policy, specMutant('approvals-survive-level-change')!);
    const read = await readSpinTrail(promelaModel(machine.policy, { rules: machine.rules }), readFileSync(safety.trail, 'utf8'));
    assert.equal(read.kind, 'read');
    if (read.kind !== 'read') return;
    const onMutant = judgeTrail(machine, read.trail, replay(machine.policy, read.trail.events, { rules: machine.rules }));
    assert.equal(onMutant.agrees, true);
    const onCorrect = judgeTrail({ policy: policy.policy, rules: PROTOCOL_RULES }, read.trail, replay(policy.policy, read.trail.events, { rules: PROTOCOL_RULES }));
    assert.equal(onCorrect.agrees, false);
    assert.match(onCorrect.workbench, /^no step of the replay violates approvals-bound-to-proposal$|^the workbench rejects step \d+/);
  });

  it('replays an acceptance cycle of the liveness claim under weak fairness as a lasso, and agrees that it is fair and never escalates', async () => {
    const fair = await trailOf('quorum-never-applied', { fair: true });
    dirs.push(fair.dir);
    assert.match(fair.pan, /acceptance cycle/);
    const run = await runCli(['replay', '--spin-trail', fair.trail, '--policy', THREE_ADMINS, '--mutant', 'quorum-never-applied', '--json']);
    assert.equal(run.code, 1, run.err);
    const json = JSON.parse(run.out) as { steps: { inCycle?: boolean; violations: { property: string }[] }[]; lasso: { returns: boolean; neverTaken: string[] }; spin: { variant: string; finding: { kind: string; property: string }; cycle: string; agrees: boolean; workbench: string } };
    assert.equal(json.spin.variant, 'fair-events');
    assert.deepEqual(json.spin.finding, { kind: 'acceptance-cycle', claim: 'escalation_liveness', property: 'escalation-liveness' });
    assert.equal(json.spin.agrees, true, json.spin.workbench);
    assert.deepEqual(json.lasso, { returns: true, neverTaken: [] });
    assert.ok(json.steps.filter((s) => s.inCycle).length > 0);
    assert.equal(json.steps.filter((s) => s.inCycle).length, json.spin.cycle.split(',').length);
    assert.ok(json.steps[json.steps.length - 1]!.violations.some((v) => v.property === 'escalation-liveness'));
  });

  it('agrees on a policy SPIN refutes in its initialising step: a trail of no events, judged on the policy', async () => {
    const unsafe = fileURLToPath(new URL('../fixtures/policies/unsafe-small.json', import.meta.url));
    const t = await trailOf(null, { policy: unsafe });
    dirs.push(t.dir);
    const run = await runCli(['replay', '--spin-trail', t.trail, '--policy', unsafe]);
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, /\nSPIN: {6}quorum-intersection is violated after 0 events \(assertion quorum_intersection\)\nworkbench: quorum-intersection fails for this policy: .+\nAGREES/);
  });

  it('refuses a file that is not a trail, naming the line, before running SPIN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-trail-test-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'bad.trail'), '-4:-4:-4\n1:0:947\nnot a step\n');
    const run = await runCli(['replay', '--spin-trail', join(dir, 'bad.trail')]);
    assert.equal(run.code, 2);
    assert.match(run.err, /^guillotine: --spin-trail: \S+bad\.trail line 3: "not a step" is not a trail step; every line of a SPIN trail is step:process:transition \(three integers\)\n$/);
    const missing = await runCli(['replay', '--spin-trail', join(dir, 'nothing.trail')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^guillotine: --spin-trail: cannot read "[^"]+nothing\.trail": no such file or directory\n$/);
    const both = await runCli(['replay', '--spin-trail', join(dir, 'bad.trail'), '--path', 'heartbeat']);
    assert.equal(both.code, 2);
    assert.match(both.err, /--spin-trail replays the trail alone/);
  });

  it('says to install spin (exit 2) when spin is not on PATH', async () => {
    const saved = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const run = await runCli(['replay', '--spin-trail', safety.trail, '--policy', THREE_ADMINS, '--mutant', 'approvals-survive-level-change']);
      assert.equal(run.code, 2);
      assert.equal(run.err, 'guillotine: --spin-trail: spin is not on PATH: install it (Debian/Ubuntu: apt-get install spin)\n');
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('reads a shortest trail from SPIN\'s breadth-first search (-DMULTICORE -DBFS), the committed one of the README', async () => {
    // The README's sample (test/fixtures/spin/) is this run's trail: regenerated here, so a change of
    // the export that renumbers pan's transitions shows as a test naming the command, not a stale doc.
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-trail-test-'));
    dirs.push(dir);
    const exported = await runCli(['export', '--format', 'promela', '--policy', THREE_ADMINS, '--mutant', 'approvals-survive-level-change', '--out', join(dir, 'model.pml')]);
    assert.equal(exported.code, 0);
    sh(dir, 'spin', ['-DMULTICORE', '-a', 'model.pml']);
    sh(dir, 'gcc', ['-O0', '-DBFS', '-DNOREDUCE', '-DSAFETY', '-DNOCLAIM', '-DVECTORSZ=8192', '-o', 'pan', 'pan.c']);
    assert.match(sh(dir, './pan', []), /assertion violated approvals_bound_to_proposal \(at depth 4\)/);
    const committed = fileURLToPath(new URL('../fixtures/spin/approvals-survive-level-change.trail', import.meta.url));
    assert.equal(readFileSync(join(dir, 'model.pml.trail'), 'utf8'), readFileSync(committed, 'utf8'), `the export changed pan's numbering: copy ${join(dir, 'model.pml.trail')} to ${committed} and run npm run docs`);
    const run = await runCli(['replay', '--spin-trail', committed, '--policy', THREE_ADMINS, '--mutant', 'approvals-survive-level-change', '--json']);
    assert.equal(run.code, 1);
    const json = JSON.parse(run.out) as { spin: { defines: string[]; path: string; agrees: boolean } };
    assert.deepEqual([json.spin.defines, json.spin.path, json.spin.agrees], [['-DMULTICORE'], 'propose:a1:probation,alarm:probation', true]);
  });

  it('knows the line of every event of the alphabet in the model, in both variants', () => {
    const policy = loadPolicyFile(THREE_ADMINS);
    assert.ok(policy.ok);
    const lines = choiceLines(promelaModel(policy.policy));
    const alphabet = eventAlphabet(policy.policy).map(encodeEvent);
    const named = [...lines.values()].map(encodeEvent);
    // Once in the plain loop, once in the FAIR_EVENTS processes.
    assert.deepEqual(named, [...alphabet, ...alphabet]);
    assert.deepEqual(parseTrailText('-2:2:-2\n-4:-4:-4\n1:0:5\n2:1:7\n3:3:9\n'), { ok: true, steps: 3, variant: 'fair-events' });
    assert.deepEqual(parseTrailText('-4:-4:-4\n1:0:5\n2:1:7\n'), { ok: true, steps: 2, variant: 'plain' });
    assert.deepEqual(parseTrailText(''), { ok: false, line: 1, message: 'the trail is empty; pan writes MODEL.pml.trail when it finds an error' });
  });
});
