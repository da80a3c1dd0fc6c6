import assert from 'node:assert/strict';
import type { ProveReport } from '../../proofs/index.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { generateTests } from '../../testgen/index.ts';
import { statechartView } from '../../viz/statechart.ts';
import { coverageSectionOf } from '../../viz/coverageSection.ts';
import { proofSectionOf } from '../../viz/proofSection.ts';
import { sectionsInWorker } from '../../viz/sectionsThread.ts';
import { allSections, PendingSections } from '../../viz/sectionFeed.ts';
import { experimentsSectionOf, soakLanes } from '../../viz/experimentsSection.ts';
import { runScenario, SOAK_TRIGGERS, type SideChannelResult, type SoakResult } from '../../simulator/index.ts';

function proveReport(refute: boolean): ProveReport {
  const theorem = (id: string, status: 'proved' | 'refuted') => ({
    id: id as ProveReport['theorems'][number]['id'],
    status,
    seconds: 0.5,
    statement: `statement of ${id}`,
    assumptions: [],
    obligations: [{ name: 'o', statement: 's', status, seconds: 0.5 }],
    ...(status === 'refuted' ? { counterexample: { offset: '0xffffffffffffffff', length: '0x2' } } : {}),
  });
  return {
    theorems: [theorem('descriptor-bounds', refute ? 'refuted' : 'proved'), theorem('ring-index-bounds', 'proved')],
    controls: [{ id: 'naive-bounds', theorem: 'descriptor-bounds' as ProveReport['theorems'][number]['id'], description: 'offset + length <= size', status: 'refuted', expected: 'refuted', seconds: 0.2, counterexample: { offset: '0x1' } }],
  };
}

describe('viz/sections', () => {
  it('shows_each_theorem_with_its_verdict_and_holds_only_when_all_are_proved_and_all_controls_caught', () => {
    const ok = proofSectionOf(proveReport(false));
    assert.equal(ok.status, 'ready');
    if (ok.status !== 'ready') return;
    assert.equal(ok.holds, true);
    assert.equal(ok.html.match(/<tr class="status-pass" data-theorem=/g)?.length, 2);
    assert.match(ok.html, /2 of 2 theorems proved by Z3 for all values; 1 of 1 negative controls/);
    assert.match(ok.html, /data-control="naive-bounds"[^]*?caught/);
    const bad = proofSectionOf(proveReport(true));
    assert.equal(bad.status === 'ready' && bad.holds, false);
    assert.match(bad.status === 'ready' ? bad.html : '', /data-theorem="descriptor-bounds"><td><code>descriptor-bounds<\/code><\/td><td class="verdict">REFUTED[^]*?0xffffffffffffffff/);
  });

  it('colours_exactly_the_transitions_of_the_picture_covered_uncovered_or_unreachable', () => {
    const result = generateTests(DEFAULT_POLICY);
    assert.equal(result.kind, 'generated');
    if (result.kind !== 'generated') return;
    const section = coverageSectionOf(result.report);
    assert.equal(section.status, 'ready');
    if (section.status !== 'ready') return;
    // The overlay names the picture's transitions, every one of them, whether drawn as an edge or listed in a box.
    const view = statechartView(DEFAULT_POLICY);
    const pictured = [...view.edges.map((e) => e.id), ...view.regions.flatMap((r) => r.states.flatMap((s) => s.internal.map((t) => t.id)))].sort();
    assert.deepEqual(Object.keys(section.overlay ?? {}).sort(), pictured);
    const statuses = Object.values(section.overlay ?? {});
    assert.ok(statuses.includes('covered'));
    // The default policy's quorums are above 1: the proposer-alone branch is dead, and said so.
    assert.equal(section.overlay?.['proposal.idle:propose#0'], 'unreachable');
    assert.equal(statuses.filter((s) => s === 'covered').length, result.report.statechart.filter((e) => e.covered).length);
  });

  it('plots_the_soak_series_as_the_simulator_returns_them_and_shows_a_failed_experiment_as_missing', () => {
    const soak = runScenario('soak', { seed: 7, hours: 6 }) as SoakResult;
    const sideChannel = runScenario('side-channel', { seed: 7 }) as SideChannelResult;
    const { levels, lanes } = soakLanes(soak);
    assert.deepEqual(levels.map((l) => l.level), soak.series.levels.map((l) => l.level));
    levels.forEach((l, i) => assert.ok(Math.abs(l.t * 3600 - soak.series.levels[i]!.atS) < 1e-6, `point ${i} is at its time`));
    assert.deepEqual(lanes.map((l) => l.trigger), [...SOAK_TRIGGERS]);
    assert.equal(lanes.reduce((n, l) => n + l.marks.length, 0), soak.series.triggers.length, 'every trigger of the series is marked');
    const section = experimentsSectionOf({ seed: 7, soak, sideChannel, portResilience: { error: 'port-resilience crashed: boom' } });
    assert.equal(section.status, 'ready');
    if (section.status !== 'ready') return;
    assert.equal(section.holds, false, 'an experiment that did not run is not a pass');
    assert.match(section.html, /1 of 3 experiments did not run/);
    assert.match(section.html, /The port-resilience experiment is not available: port-resilience crashed: boom/);
    assert.equal(section.html.match(/<svg [^>]*class="plot histogram"/g)?.length, SOAK_TRIGGERS.length);
    assert.match(section.html, /<h3>Soak: 6 virtual hours/);
    for (const c of [...soak.claims, ...sideChannel.claims]) assert.match(section.html, new RegExp(`data-claim="${c.id}"><span class="mark">${c.holds ? '✔' : '✘'}`));
    const again = experimentsSectionOf({ seed: 7, soak, sideChannel, portResilience: { error: 'port-resilience crashed: boom' } });
    assert.ok(again.status === 'ready' && again.html === section.html, 'the same results give the same bytes');
  });

  it('delivers_each_section_from_the_child_process_as_soon_as_it_is_built', async function () {
    this.timeout(60_000);
    const feed = sectionsInWorker(DEFAULT_POLICY, { only: ['check'] });
    assert.deepEqual(feed.ids, ['check']);
    const [check] = await allSections(feed);
    assert.equal(check?.status, 'ready');
    assert.equal(check?.status === 'ready' && check.holds, true);
  });

  it('marks_every_section_not_yet_delivered_unavailable_when_its_producer_fails', async () => {
    const feed = new PendingSections(['check', 'proofs']);
    feed.deliver({ id: 'check', title: 'Check', status: 'ready', html: '', traces: [], holds: true });
    feed.fail('the sections process exited with code 1');
    const [check, proofs] = await allSections(feed);
    assert.equal(check?.status, 'ready');
    assert.deepEqual(proofs, { id: 'proofs', title: 'Proofs (docs/protocol.md §5)', status: 'unavailable', reason: 'the sections process exited with code 1' });
    assert.throws(() => feed.section('coverage'), /no section "coverage"; it has check, proofs/);
  });
});
