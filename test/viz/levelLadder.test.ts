import assert from 'node:assert/strict';
import { referenceEngine, levelOf } from '../../machines/engine.ts';
import { decodePath } from '../../spec/events.ts';
import { LEVELS } from '../../spec/levels.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { ladderHtml, levelLadder, type LevelLadder } from '../../viz/levelLadder.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

const admins = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `a${i + 1}` }));
const labels = (ladder: LevelLadder, from: string, to: string) => ladder.edges.find((e) => e.from === from && e.to === to)?.causes.map((c) => c.label) ?? [];

describe('viz/levelLadder: the levels view, found by exploring the machine', () => {
  const ladder = levelLadder(DEFAULT_POLICY);

  it('labels_each_way_between_levels_by_the_votes_and_fail_safes_that_take_it', () => {
    assert.equal(ladder.explored.complete, true);
    assert.deepEqual(labels(ladder, 'standard', 'severed'), ['3 approvals', '600 s timeout', 'alarm severed']);
    assert.deepEqual(labels(ladder, 'standard', 'offline'), ['3 approvals', '600 s timeout', 'alarm ≥ offline', '3rd missed heartbeat', 'mce / assertion-failure → reboot']);
    assert.deepEqual(labels(ladder, 'severed', 'offline').slice(-1), ['actuator fault'], 'a kill switch that misses its deadline raises one level, up to offline');
    assert.deepEqual(labels(ladder, 'offline', 'decapitation'), ['3 approvals', '600 s timeout'], 'destruction needs people: no fail-safe reaches it');
    assert.deepEqual(labels(ladder, 'probation', 'standard'), ['5 approvals']);
    assert.deepEqual(labels(ladder, 'offline', 'probation'), [], 'a de-escalation drops one level at most');
    for (const level of ['decapitation', 'immolation']) assert.ok(ladder.edges.every((e) => e.from !== level || e.direction === 'raise'), `nothing lowers ${level}`);
    assert.deepEqual(ladder.levels.filter((l) => l.irreversible).map((l) => l.level), ['decapitation', 'immolation']);
  });

  it('gives_each_label_a_shortest_path_whose_last_step_takes_that_way', () => {
    for (const edge of ladder.edges) {
      for (const cause of edge.causes) {
        const decoded = decodePath(cause.path);
        assert.ok(decoded.ok, cause.path);
        const engine = referenceEngine(DEFAULT_POLICY);
        let state = engine.initial();
        decoded.events.forEach((e, i) => {
          const step = engine.step(state, e);
          assert.ok(step.accepted, `${cause.path}: step ${i + 1} is accepted`);
          if (i === decoded.events.length - 1) {
            assert.equal(levelOf(state), edge.from, `${cause.label}: from ${edge.from}`);
            assert.equal(levelOf(step.state), edge.to, `${cause.label}: to ${edge.to}`);
          }
          state = step.state;
        });
      }
    }
    const quorum = ladder.edges.find((e) => e.from === 'standard' && e.to === 'severed')!.causes[0]!;
    assert.equal(quorum.path, 'propose:a1:severed,approve:a2,approve:a3');
  });

  it('follows_the_policy_it_is_given_rather_than_a_table', () => {
    const other = levelLadder(parsedPolicy({ admins: admins(5), quorum: { escalate: 2, deescalate: 4, onTimeout: 'unchanged' }, heartbeat: { missLimit: 2 }, irreversible: [], detector: { maxLevel: 'severed' } }));
    assert.deepEqual(labels(other, 'standard', 'offline'), ['2 approvals', '2nd missed heartbeat', 'mce / assertion-failure → reboot'], 'no timeout escalation when onTimeout is "unchanged"; the detector cannot reach offline');
    assert.deepEqual(labels(other, 'standard', 'severed'), ['2 approvals', 'alarm ≥ severed']);
    assert.deepEqual(labels(other, 'immolation', 'decapitation'), ['4 approvals'], 'with no irreversible level, immolation can be lowered');
    assert.ok(other.levels.every((l) => !l.irreversible));
  });

  it('finds_with_as_many_admins_as_the_larger_quorum_every_way_the_whole_console_finds', function () {
    this.timeout(60_000);
    const every = levelLadder(DEFAULT_POLICY, { admins: 7 });
    const strip = (l: LevelLadder) => l.edges.map((e) => ({ from: e.from, to: e.to, causes: e.causes.map((c) => c.label) }));
    assert.deepEqual(strip(ladder), strip(every));
    assert.ok(every.explored.states > ladder.explored.states);
    const small: Policy = parsedPolicy({ admins: admins(4), quorum: { escalate: 2, deescalate: 3 }, irreversible: ['immolation'] });
    assert.deepEqual(strip(levelLadder(small)), strip(levelLadder(small, { admins: 4 })));
  });

  it('draws_a_matrix_of_the_six_levels_with_each_label_a_button_that_replays_its_path', () => {
    const html = ladderHtml(ladder);
    assert.equal(html.match(/<tr data-level="/g)?.length, LEVELS.length);
    for (const level of LEVELS) assert.match(html, new RegExp(`<th scope="row" data-level="${level}">`));
    assert.match(html, /<button type="button" class="chip admins" data-kind="quorum" data-path="propose:a1:severed,approve:a2,approve:a3" title="[^"]+">3 approvals<\/button>/);
    assert.match(html, /<tr data-level="decapitation" class="irreversible">/);
    assert.equal(ladderHtml(levelLadder(DEFAULT_POLICY)), html, 'the same policy gives the same bytes');
  });
});
