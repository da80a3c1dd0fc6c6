import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReplayReport } from '../../checker/replay.ts';
import { encodePath, EventSchema, type GuillotineEvent } from '../../spec/events.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { looksLikeCrash, runCli, type CliRun } from './runCli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** The property ids of docs/protocol.md §4, in the order of its table. */
const SECTION4_IDS = [
  'irreversible-levels', 'deescalation-needs-quorum', 'escalation-has-cause', 'failsafe-only-raises', 'failsafe-reaches-offline',
  'approvals-bound-to-proposal', 'level-capabilities', 'quorum-intersection', 'reboot-keeps-level', 'no-deadlock', 'escalation-liveness',
  // Added where a rule of §3 had no property (docs/traceability.md).
  'decisions-take-effect',
];

/** What `check --json` promises its readers (the lead may add keys; these must stay). */
interface CheckJson {
  policy: unknown;
  states: number;
  transitions: number;
  depth: number;
  seconds: number;
  complete: boolean;
  properties: { id: string; kind: string; status: 'pass' | 'fail' | 'unknown'; reason?: string; trace?: { events: GuillotineEvent[]; cycle?: GuillotineEvent[] }; witness?: object }[];
  findings: unknown;
}

function parseCheck(run: CliRun): CheckJson {
  assert.ok(!looksLikeCrash(run.err), run.err);
  return JSON.parse(run.out) as CheckJson;
}

/** The report without its timing fields, the only part allowed to differ between two runs. */
function withoutTiming(text: string): string {
  return JSON.stringify(JSON.parse(text, (key, value: unknown) => (key === 'seconds' ? undefined : value)));
}

function assertShape(r: CheckJson): void {
  for (const key of ['policy', 'states', 'transitions', 'depth', 'seconds', 'properties', 'findings']) assert.ok(key in r, `check --json has "${key}"`);
  assert.ok(Number.isInteger(r.states) && r.states > 0, 'states');
  assert.ok(Number.isInteger(r.transitions) && r.transitions >= r.states - 1, 'a reachable graph has at least states - 1 transitions');
  assert.ok(Number.isInteger(r.depth) && r.depth > 0, 'depth');
  assert.ok(typeof r.seconds === 'number' && r.seconds >= 0, 'seconds');
  assert.deepEqual(r.properties.map((p) => p.id), SECTION4_IDS);
  for (const p of r.properties) {
    assert.ok(['pass', 'fail', 'unknown'].includes(p.status), `${p.id}: status ${p.status}`);
    assert.ok(['absolute', 'policy'].includes(p.kind), `${p.id}: kind ${p.kind}`);
    if (p.trace) for (const e of [...p.trace.events, ...(p.trace.cycle ?? [])]) assert.ok(EventSchema.safeParse(e).success, `${p.id}: trace event ${JSON.stringify(e)}`);
    if (p.status === 'fail') assert.ok(p.trace || p.witness, `${p.id} fails with a counterexample: a trace or a witness`);
    else assert.equal(p.trace, undefined, `${p.id} passes without a trace`);
  }
}

describe('cli: guillotine check --json', () => {
  // Each check explores the whole state space (about a second per policy): run them once, share the results.
  let first: CliRun;
  let second: CliRun;
  let unsafe: CliRun;
  let tracesDir: string;

  before(async () => {
    tracesDir = mkdtempSync(join(tmpdir(), 'guillotine-traces-'));
    first = await runCli(['check', '--json']);
    second = await runCli(['check', '--json']);
    unsafe = await runCli(['check', '--json', '--no-findings', '--policy', fixture('policies/unsafe.json'), '--traces', tracesDir]);
  });
  after(() => {
    rmSync(tracesDir, { recursive: true, force: true });
  });

  it('proves every §4 property of the default policy and exits 0', () => {
    assert.equal(first.code, 0, first.err);
    const r = parseCheck(first);
    assertShape(r);
    assert.deepEqual(r.policy, DEFAULT_POLICY);
    assert.equal(r.complete, true);
    assert.deepEqual(r.properties.filter((p) => p.status !== 'pass').map((p) => p.id), []);
    assert.ok(Array.isArray(r.findings), 'findings are on by default, one per level');
    const findings = r.findings as { level: string; fewestToReach: number | null; notes: string[] }[];
    assert.deepEqual(findings.map((f) => f.level), ['standard', 'probation', 'severed', 'offline', 'decapitation', 'immolation']);
    const immolation = findings.find((f) => f.level === 'immolation')!;
    assert.equal(immolation.fewestToReach, 1, 'onTimeout "restrictive": one admin reaches immolation by waiting');
    assert.match(immolation.notes.join('\n'), /fewer than the escalation quorum of 3/);
  });

  it('prints the same report twice, but for the timing', () => {
    assert.equal(second.code, 0);
    assert.equal(withoutTiming(second.out), withoutTiming(first.out));
    assert.notEqual(withoutTiming(first.out).length, 0);
  });



  it('refutes exactly the properties an unsafe policy breaks and exits 1', () => {
    assert.equal(unsafe.code, 1, unsafe.err);
    const r = parseCheck(unsafe);
    assertShape(r);
    assert.equal(r.findings, null, '--no-findings');
    // deescalate 3 of 7 → quorum-intersection; no irreversible levels → irreversible-levels;
    // a detector that may destroy → failsafe-only-raises; a reboot into standard → failsafe-reaches-offline.
    assert.deepEqual(r.properties.filter((p) => p.status === 'fail').map((p) => p.id), ['irreversible-levels', 'failsafe-only-raises', 'failsafe-reaches-offline', 'quorum-intersection']);
    const quorum = r.properties.find((p) => p.id === 'quorum-intersection')!;
    assert.ok(quorum.witness && !quorum.trace, 'a failure of policy arithmetic comes with disjoint quorums, not a trace');
    for (const p of r.properties.filter((p) => p.status === 'fail')) assert.ok(p.reason && p.reason.length > 0, `${p.id} says why it fails`);
  });

  it('writes one trace file per counterexample to --traces, each replaying to its violation (exit 1, the property named)', async () => {
    const r = parseCheck(unsafe);
    const withTrace = r.properties.filter((p) => p.trace).map((p) => p.id);
    assert.deepEqual(readdirSync(tracesDir).sort(), withTrace.map((id) => `${id}.trace.json`).sort());
    for (const id of withTrace) {
      const file = join(tracesDir, `${id}.trace.json`);
      const written = JSON.parse(readFileSync(file, 'utf8')) as { property: string; policy: unknown; events: unknown[] };
      assert.equal(written.property, id);
      assert.deepEqual(written.policy, r.policy, 'the trace carries its resolved policy');
      assert.deepEqual(written.events, r.properties.find((p) => p.id === id)!.trace!.events);

      const text = await runCli(['replay', file]);
      assert.equal(text.code, 1, `${id}: ${text.err}`);
      assert.match(text.out, new RegExp(`✗ ${id}: `), `${id}: the replay names the property`);
      const json = await runCli(['replay', file, '--json']);
      assert.equal(json.code, 1);
      const report = JSON.parse(json.out) as ReplayReport;
      assert.ok(report.firstViolation !== null);
      assert.ok(report.steps.some((s) => s.violations.some((v) => v.property === id)), `${id} is among the violations`);
    }
  });

  it('gives counterexamples whose --path form replays to the same violation', async () => {
    for (const p of parseCheck(unsafe).properties.filter((p) => p.trace && !p.trace.cycle)) {
      const run = await runCli(['replay', '--path', encodePath(p.trace!.events), '--policy', fixture('policies/unsafe.json'), '--json']);
      assert.equal(run.code, 1, `${p.id}: ${run.err}`);
      const report = JSON.parse(run.out) as ReplayReport;
      // Another property may break earlier on the way (an alarm that destroys); this one breaks at the last step, not before.
      const firstOfThis = report.steps.findIndex((s) => s.violations.some((v) => v.property === p.id));
      assert.equal(firstOfThis, p.trace!.events.length - 1, `${p.id}: a shortest counterexample violates it at its last step`);
      assert.ok(report.firstViolation !== null && report.firstViolation <= p.trace!.events.length);
    }
  });

  it('marks unfinished properties unknown and exits 3, "incomplete", when --max-states stops the search before any property fails', async () => {
    const run = await runCli(['check', '--json', '--no-findings', '--max-states', '5']);
    assert.equal(run.code, 3, run.err);
    assert.match(run.err, /^guillotine: incomplete: the search stopped at --max-states 5 \(\d+ states stored\) before finishing; \d+ properties are unknown, none failed; raise the cap with --max-states N\n$/);
    const r = parseCheck(run);
    assert.equal(r.complete, false);
    // The limit stops expansion; the children of the last state expanded are still counted.
    assert.ok(r.states < parseCheck(first).states / 10, `stopped early, at ${r.states} states`);
    const statuses = new Set(r.properties.filter((p) => p.id !== 'quorum-intersection').map((p) => p.status));
    assert.ok(!statuses.has('pass'), 'no property of the explored graph is claimed to pass');
    assert.equal(r.properties.find((p) => p.id === 'quorum-intersection')!.status, 'pass', 'policy arithmetic needs no exploration');
  });
});

describe('cli: guillotine check prints tables a reviewer can act on', () => {
  it('says which property fails, shows the steps, and prints the replay command', async () => {
    const run = await runCli(['check', '--no-findings', '--policy', fixture('policies/unsafe.json')]);
    assert.equal(run.code, 1, run.err);
    assert.ok(!looksLikeCrash(run.err), run.err);
    assert.match(run.out, /^Policy .*unsafe\.json: 7 admins, escalate 3, de-escalate 3, timeout 600s \(restrictive\), irreversible: none\n/);
    assert.match(run.out, /failsafe-only-raises FAILS: /);
    const replayLine = /replay: guillotine replay --policy '([^']+)' --path '([^']+)'/.exec(run.out);
    assert.ok(replayLine, 'a replay command naming the policy file is printed');
    assert.equal(replayLine[1], fixture('policies/unsafe.json'));
    const replayed = await runCli(['replay', '--path', replayLine[2]!, '--policy', replayLine[1]!]);
    assert.equal(replayed.code, 1, 'the printed command reproduces a violation');
  });
});
