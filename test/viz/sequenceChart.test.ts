import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { decodePath } from '../../spec/events.ts';
import { sequenceChartSvg, sequenceLanes, SYSTEM_LANES } from '../../viz/sequenceChart.ts';
import { replay } from '../../viz/trace.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

function frames(path: string, cycle = '') {
  const e = decodePath(path);
  const c = decodePath(cycle);
  assert.ok(e.ok && c.ok);
  return replay(DEFAULT_POLICY, e.events, c.events).frames;
}

/** The `<g class="step …" data-step="i">` group of a row. */
const row = (svg: string, i: number) => new RegExp(`<g class="([^"]*)" data-step="${i}">([\\s\\S]*?)</g>(?=<g class="step|<g class="cycle|</svg>)`).exec(svg);

describe('viz/sequenceChart: a trace as a message sequence chart', () => {
  it('has_a_lane_per_admin_then_any_outsider_who_voted_then_the_hypervisor_detector_watchdog_and_actuators', () => {
    const f = frames('propose:a1:severed,approve:mallory');
    assert.deepEqual(sequenceLanes(DEFAULT_POLICY, f), ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'mallory', ...SYSTEM_LANES]);
    const svg = sequenceChartSvg(DEFAULT_POLICY, f);
    assert.deepEqual([...svg.matchAll(/<g class="lane (\w+)" data-lane="([^"]+)">/g)].map((m) => `${m[1]}:${m[2]}`), [
      ...['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((a) => `admin:${a}`), 'outsider:mallory', 'system:hypervisor', 'system:detector', 'system:watchdog', 'system:actuators',
    ]);
    const three = parsedPolicy({ admins: [{ id: 'ann' }, { id: 'bob' }, { id: 'cy' }], quorum: { escalate: 2, deescalate: 3 } });
    assert.deepEqual(sequenceLanes(three, []), ['ann', 'bob', 'cy', ...SYSTEM_LANES]);
  });

  it('draws_votes_counted_against_the_quorum_a_refusal_with_its_reason_the_level_change_and_the_kill_switch_commands', () => {
    const svg = sequenceChartSvg(DEFAULT_POLICY, frames('propose:a1:severed,approve:a2,approve:a2,approve:a3'));
    assert.match(row(svg, 1)![2]!, /<line class="msg vote"[^>]*>.*propose → severed/);
    assert.match(row(svg, 2)![2]!, /approve \(2\/3\)/);
    const refused = row(svg, 3)!;
    assert.match(refused[1]!, /\brejected\b/);
    assert.match(refused[2]!, /<line class="msg vote refused"/);
    assert.match(refused[2]!, /✗ refused: a2 already approved this proposal/);
    const applied = row(svg, 4)![2]!;
    assert.match(applied, /approve \(3\/3\)/);
    assert.match(applied, /level standard → severed \(quorum\)/);
    assert.match(applied, /<line class="msg command"/);
    assert.match(applied, /<text class="note command"[^>]*>engage network-relay<\/text>/);
  });

  it('sends_alarms_from_the_detector_heartbeats_to_the_watchdog_and_marks_a_violation', () => {
    const unsafe = parsedPolicy({ admins: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }], quorum: { escalate: 2, deescalate: 2 }, detector: { maxLevel: 'immolation' } });
    const e = decodePath('heartbeat,heartbeat-missed,alarm:immolation');
    assert.ok(e.ok);
    const svg = sequenceChartSvg(unsafe, replay(unsafe, e.events).frames);
    assert.match(row(svg, 1)![2]!, /heartbeat/);
    assert.match(row(svg, 2)![2]!, /missed heartbeat 1/);
    const alarm = row(svg, 3)!;
    assert.match(alarm[2]!, /<line class="msg failsafe"[^>]*>.*alarm immolation/);
    assert.match(alarm[1]!, /\bviolating\b/);
    assert.match(alarm[2]!, /✗ failsafe-only-raises/);
  });

  it('brackets_the_cycle_of_a_liveness_counterexample', () => {
    const svg = sequenceChartSvg(DEFAULT_POLICY, frames('propose:a1:severed', 'heartbeat,heartbeat-missed'));
    assert.match(row(svg, 2)![1]!, /\bcycle\b/);
    assert.match(row(svg, 3)![1]!, /\bcycle\b/);
    assert.doesNotMatch(row(svg, 1)![1]!, /\bcycle\b/);
    assert.match(svg, /<g class="cycle-mark">.*↻ cycle/);
  });

  it('is_deterministic_and_escapes_what_it_quotes', () => {
    const f = frames('propose:<b>:severed');
    const svg = sequenceChartSvg(DEFAULT_POLICY, f, { width: 800 });
    assert.equal(sequenceChartSvg(DEFAULT_POLICY, f, { width: 800 }), svg);
    assert.doesNotMatch(svg, /<b>/);
    assert.match(svg, /&lt;b&gt;/);
  });
});
