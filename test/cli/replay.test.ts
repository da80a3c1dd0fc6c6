import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReplayReport } from '../../checker/replay.ts';
import { encodePath, type GuillotineEvent } from '../../spec/events.ts';
import { looksLikeCrash, runCli } from './runCli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** `guillotine replay ... --json`, which must succeed (exit 0: no step breaks a property). */
async function replayJson(...argv: string[]): Promise<ReplayReport> {
  const run = await runCli(['replay', ...argv, '--json']);
  assert.equal(run.code, 0, run.err);
  assert.ok(!looksLikeCrash(run.err), run.err);
  return JSON.parse(run.out) as ReplayReport;
}

const pathOf = (trace: string) => encodePath((JSON.parse(readFileSync(fixture(`traces/${trace}`), 'utf8')) as { events: GuillotineEvent[] }).events);

describe('cli: guillotine replay runs hand-written trace files to the levels of docs/protocol.md §3', () => {
  it('escalates at the third distinct approval; a duplicate and a non-admin count for nothing (escalation.trace.json)', async () => {
    const r = await replayJson(fixture('traces/escalation.trace.json'));
    assert.deepEqual(r.steps.map((s) => [s.accepted, s.level]), [[true, 'standard'], [true, 'standard'], [false, 'standard'], [false, 'standard'], [true, 'severed']]);
    assert.match(r.steps[2]!.reason!, /already approved/);
    assert.match(r.steps[3]!.reason!, /"a8" is not an admin/);
    assert.equal(r.firstViolation, null);
  });

  it('rejects approvals made stale by a level change; a new proposal starts from one (stale-approvals.trace.json)', async () => {
    const r = await replayJson(fixture('traces/stale-approvals.trace.json'));
    assert.deepEqual(r.steps.map((s) => s.level), ['standard', 'standard', 'probation', 'probation', 'probation', 'probation', 'severed']);
    assert.equal(r.steps[3]!.accepted, false);
    assert.deepEqual(r.steps[4]!.state.proposal?.approvals, ['a4']);
  });

  it('drops an expired escalation under the trace\'s own policy (onTimeout "unchanged"), and --policy overrides it', async () => {
    const own = await replayJson(fixture('traces/timeout-unchanged.trace.json'));
    assert.deepEqual(own.steps.map((s) => s.level), ['standard', 'standard']);
    const overridden = await replayJson(fixture('traces/timeout-unchanged.trace.json'), '--policy', fixture('policies/default.json'));
    assert.deepEqual(overridden.steps.map((s) => s.level), ['standard', 'offline'], 'the default, restrictive timeout applies the escalation');
  });

  it('forces offline only at three consecutive missed heartbeats (failsafes.trace.json)', async () => {
    const r = await replayJson(fixture('traces/failsafes.trace.json'));
    assert.deepEqual(r.steps.map((s) => s.level), ['standard', 'standard', 'standard', 'standard', 'standard', 'offline']);
    assert.equal(r.final.modelCores, 'halted');
  });

  it('gives the same report for a trace file and for its --path form', async () => {
    for (const trace of ['escalation.trace.json', 'stale-approvals.trace.json', 'failsafes.trace.json']) {
      assert.deepEqual(await replayJson('--path', pathOf(trace)), await replayJson(fixture(`traces/${trace}`)), trace);
    }
  });

  it('gives the same report under --engine reference as under XState', async () => {
    const path = pathOf('stale-approvals.trace.json');
    assert.deepEqual(await replayJson('--path', path, '--engine', 'reference'), await replayJson('--path', path));
  });

  it('prints a table a reviewer can read, with each rejection\'s reason and the final state', async () => {
    const run = await runCli(['replay', '--path', 'propose:a1:severed,approve:a2,approve:a2,approve:a3']);
    assert.equal(run.code, 0);
    assert.match(run.out, /^initial: standard, hypervisor running\n/);
    assert.match(run.out, /rejected: a2 already approved this proposal/);
    assert.match(run.out, /standard→severed \(quorum\)/);
    assert.match(run.out, /final: severed, hypervisor running, ports local, model cores run, awaiting confirmation: network-relay\n$/);
  });

  it('exits 1 and names the property when a step violates one', async () => {
    const run = await runCli(['replay', '--path', 'heartbeat,alarm:immolation', '--policy', fixture('policies/unsafe.json')]);
    assert.equal(run.code, 1);
    assert.match(run.out, /✗ failsafe-only-raises: /);
    assert.match(run.out, /step 2 violates a property\n$/);
  });

  it('runs every replay command that check prints, as printed, to the violation of its property', async () => {
    const check = await runCli(['check', '--no-findings', '--policy', fixture('policies/unsafe.json')]);
    assert.equal(check.code, 1, check.err);
    const handles = [...check.out.matchAll(/^(\S+) FAILS: [^\n]*\n(?:[^\n]*\n)*?  replay: guillotine replay --policy '([^']+)' --path '([^']+)'$/gm)];
    assert.ok(handles.length >= 3, check.out);
    for (const [, property, policy, path] of handles) {
      const run = await runCli(['replay', '--policy', policy!, '--path', path!]);
      assert.equal(run.code, 1, `${property}: ${run.out}`);
      assert.match(run.out, new RegExp(`✗ ${property}: `));
    }
  });

  it('replays a liveness cycle given with --cycle after the path, and refuses --cycle with a trace file', async () => {
    const r = await replayJson('--path', 'propose:a1:severed', '--cycle', 'heartbeat,heartbeat-missed');
    assert.deepEqual(r.steps.map((s) => s.inCycle === true), [false, true, true]);
    const both = await runCli(['replay', fixture('traces/escalation.trace.json'), '--cycle', 'heartbeat']);
    assert.equal(both.code, 2);
    assert.match(both.err, /--cycle goes with --path/);
  });

  it('prints a long trace as aligned columns, one line a step, instead of a box table', async () => {
    const run = await runCli(['replay', '--path', Array(600).fill('heartbeat').join(',')]);
    assert.equal(run.code, 0, run.err);
    const lines = run.out.split('\n');
    assert.match(lines[1]!, /^step +event +outcome +level +proposal +effects$/);
    assert.match(lines[2]!, /^1 +heartbeat +accepted +standard +-$/);
    assert.match(lines[601]!, /^600 +heartbeat +accepted +standard +-$/);
  });
});
