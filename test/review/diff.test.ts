import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { checkPolicy } from '../../checker/index.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { diffPolicies, type PolicyDiff } from '../../review/diff.ts';
import { distinguishingTrace } from '../../review/distinguishingTrace.ts';
import { diffSectionOf } from '../../viz/diffSection.ts';
import { looksLikeCrash, runCli } from '../cli/runCli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/policies/${name}`, import.meta.url));
const load = (name: string): Policy => {
  const r = loadPolicyFile(fixture(name));
  if (!r.ok) throw new Error(`fixture ${name} does not load`);
  return r.policy;
};

/** Whether a policy's machine accepts every event of a trace, and how it takes the last. */
function run(policy: Policy, events: readonly GuillotineEvent[]): { prefixAccepted: boolean; lastAccepted: boolean } {
  const engine = referenceEngine(policy);
  let state = engine.initial();
  let prefixAccepted = true;
  let lastAccepted = true;
  events.forEach((e, i) => {
    const step = engine.step(state, e);
    if (i < events.length - 1) prefixAccepted &&= step.accepted;
    else lastAccepted = step.accepted;
    state = step.state;
  });
  return { prefixAccepted, lastAccepted };
}

describe('review/diff: two policies compared', function () {
  this.timeout(120_000);
  let unsafe: PolicyDiff;
  before(() => {
    unsafe = diffPolicies({ source: 'default', policy: DEFAULT_POLICY }, { source: 'unsafe.json', policy: load('unsafe.json') });
  });

  it('lines_up_every_propertys_verdict_under_both_and_says_which_changed', () => {
    assert.equal(unsafe.sameVerdicts, false);
    // Each side is checkPolicy's own verdict, and "changed" is exactly where they differ.
    const a = checkPolicy(DEFAULT_POLICY, { findings: false });
    const b = checkPolicy(load('unsafe.json'), { findings: false });
    assert.deepEqual(unsafe.verdicts.map((v) => [v.id, v.a, v.b]), a.properties.map((p) => [p.id, p.status, b.properties.find((q) => q.id === p.id)!.status]));
    assert.ok(unsafe.verdicts.every((v) => v.changed === (v.a !== v.b)));
    const changed = unsafe.verdicts.filter((v) => v.changed).map((v) => `${v.id} ${v.a}→${v.b}`);
    for (const id of ['irreversible-levels', 'failsafe-only-raises', 'failsafe-reaches-offline', 'quorum-intersection']) assert.ok(changed.includes(`${id} pass→fail`), `${id} changed`);
    assert.equal(unsafe.states.a, 732);
    assert.ok(unsafe.findings !== null && unsafe.findings.length === 6);
  });

  it('finds_a_shortest_trace_one_machine_accepts_and_the_other_rejects', () => {
    const t = unsafe.distinguishing;
    assert.equal(t.kind, 'found');
    if (t.kind !== 'found') return;
    const a = run(DEFAULT_POLICY, t.events);
    const b = run(load('unsafe.json'), t.events);
    assert.ok(a.prefixAccepted && b.prefixAccepted, 'both accept every step before the last');
    assert.notEqual(a.lastAccepted, b.lastAccepted, 'they disagree on the last');
    assert.equal(t.a.accepted, a.lastAccepted);
    assert.equal(t.b.accepted, b.lastAccepted);
    assert.equal(t.path, 'alarm:decapitation,propose:a1:severed');
    // Shortest: no single event tells them apart.
    const alphabet = eventAlphabet(DEFAULT_POLICY);
    assert.ok(t.events.length === 2);
    for (const e of alphabet) assert.equal(run(DEFAULT_POLICY, [e]).lastAccepted, run(load('unsafe.json'), [e]).lastAccepted, `a single ${e.type} does not distinguish them`);
  });

  it('says_when_no_trace_tells_the_machines_apart', () => {
    const same = distinguishingTrace(DEFAULT_POLICY, { ...DEFAULT_POLICY, heartbeat: { ...DEFAULT_POLICY.heartbeat, periodMs: 2000 } });
    assert.deepEqual(same, { kind: 'none', explored: 9108, complete: true }, 'a heartbeat period is real time, which the machine abstracts: the same traces');
    const bounded = distinguishingTrace(DEFAULT_POLICY, DEFAULT_POLICY, { maxPairs: 100 });
    assert.equal(bounded.kind === 'none' && bounded.complete, false);
  });

  it('shows_a_changed_timeout_rule_by_a_trace_even_when_no_verdict_changes', () => {
    const d = diffPolicies({ source: 'default', policy: DEFAULT_POLICY }, { source: 'timeout-unchanged.json', policy: load('timeout-unchanged.json') });
    assert.equal(d.sameVerdicts, true);
    assert.equal(d.distinguishing.kind, 'found');
    assert.equal(d.distinguishing.path, 'propose:a1:probation,timeout,propose:a1:standard');
    assert.ok(d.findings!.some((f) => f.changed), 'the fewest admins to reach a level change: one admin can no longer escalate by waiting');
    const section = diffSectionOf(d);
    assert.ok(section.status === 'ready' && section.holds === true);
    assert.match(section.status === 'ready' ? section.html : '', /<a class="trace-link" href="#path=propose%3Aa1%3Aprobation%2Ctimeout%2Cpropose%3Aa1%3Astandard&amp;step=3" data-diff="distinguishing">/);
  });

  it('is_guillotine_diff_exit_0_for_equal_verdicts_1_for_a_changed_one_2_for_bad_input', async () => {
    const changed = await runCli(['diff', fixture('minimal.json'), fixture('unsafe-small.json')]);
    assert.equal(changed.code, 1, changed.err);
    assert.match(changed.out, /│ irreversible-levels +│ absolute │ PASS │ FAIL │ changed │/);
    assert.match(changed.out, /Shortest trace accepted by A and rejected by B|Shortest trace accepted by B and rejected by A/);
    assert.match(changed.out, /replay: guillotine replay --policy '.*minimal\.json' --path '[^']+'/);
    assert.match(changed.out, /verdicts? changed: /);
    const same = await runCli(['diff', '--json', fixture('minimal.json'), fixture('timeout-unchanged.json')]);
    assert.equal(same.code, 0, same.err);
    const json = JSON.parse(same.out) as PolicyDiff;
    assert.equal(json.sameVerdicts, true);
    assert.equal(json.distinguishing.kind, 'found');
    assert.equal(json.a.source, fixture('minimal.json'));
    for (const args of [['diff', fixture('minimal.json')], ['diff', fixture('minimal.json'), fixture('bad/quorum-larger-than-admins.json')], ['diff', 'no-such.json', fixture('minimal.json')], ['diff', '--max-pairs', '0', fixture('minimal.json'), fixture('minimal.json')]]) {
      const bad = await runCli(args);
      assert.equal(bad.code, 2, args.join(' '));
      assert.ok(!looksLikeCrash(bad.err), bad.err);
    }
  });
});
