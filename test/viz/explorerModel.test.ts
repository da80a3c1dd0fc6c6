import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { replay as checkedReplay } from '../../checker/replay.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { decodePath } from '../../spec/events.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { explorerBundle } from '../../viz/bundle.ts';
import { createExplorer, EVENT_GROUPS, type Explorer } from '../../viz/explorerModel.ts';
import { replay } from '../../viz/trace.ts';
import { SEED } from '../seed.ts';

function unsafe(): Policy {
  const loaded = loadPolicyFile('test/fixtures/policies/unsafe.json');
  if (!loaded.ok) throw new Error('fixture unsafe.json does not load');
  return loaded.policy;
}

describe(`viz/explorerModel: the machine the page runs itself (fast-check seed ${SEED})`, () => {
  const explorer = createExplorer(DEFAULT_POLICY);

  it('offers_the_checkers_event_alphabet_grouped_as_votes_failsafes_time_and_actuators', () => {
    assert.equal(explorer.alphabet.length, (7 + 1) * 7 + 3 + 6 + 3 + 8, 'each admin and an outsider: 6 proposals and an approval; timeout, heartbeat, heartbeat-missed; 6 alarms; mce, assertion-failure, reboot-complete; 4 actuators × 2');
    const groups = new Set(explorer.alphabet.map((e) => e.group));
    assert.deepEqual([...groups].sort(), EVENT_GROUPS.map((g) => g.id).sort());
    assert.deepEqual(explorer.alphabet.filter((e) => e.group === 'votes').map((e) => e.event.type).filter((t, i, a) => a.indexOf(t) === i), ['propose', 'approve']);
    assert.ok(explorer.alphabet.every((e, i) => e.index === i));
  });

  it('accepts_or_rejects_each_event_exactly_as_the_engine_does_with_its_reason', () => {
    const engine = referenceEngine(DEFAULT_POLICY);
    let frame = explorer.initial();
    for (const path of ['', 'propose:a1:severed', 'propose:a1:severed,approve:a2', 'mce']) {
      const view = explorer.replay(path);
      assert.ok(view.ok);
      frame = view.frames[view.frames.length - 1]!;
      explorer.options(frame).forEach((o, i) => {
        const step = engine.step(frame.state, explorer.alphabet[i]!.event);
        assert.equal(o.accepted, step.accepted, `${path}: ${explorer.alphabet[i]!.encoded}`);
        const reason = step.effects.find((e) => e.kind === 'reject');
        assert.equal(o.reason, step.accepted ? null : reason?.kind === 'reject' ? reason.reason : null);
      });
    }
    const opened = explorer.replay('propose:a1:severed');
    assert.ok(opened.ok);
    const options = explorer.options(opened.frames[1]!);
    const at = (encoded: string) => options[explorer.alphabet.findIndex((e) => e.encoded === encoded)]!;
    assert.deepEqual(at('approve:a1'), { accepted: false, reason: 'a1 already approved this proposal' });
    assert.deepEqual(at('approve:outsider'), { accepted: false, reason: '"outsider" is not an admin of this policy' });
    assert.equal(at('approve:a2').accepted, true);
  });

  it('extends_a_trace_one_click_at_a_time_into_the_very_frames_a_whole_replay_gives', () => {
    for (const policy of [DEFAULT_POLICY, unsafe()]) {
      const x: Explorer = createExplorer(policy);
      fc.assert(
        fc.property(fc.array(fc.nat({ max: x.alphabet.length - 1 }), { maxLength: 30 }), (picks) => {
          const events = picks.map((i) => x.alphabet[i]!.event);
          let frame = x.initial();
          const clicked = [frame];
          for (const e of events) clicked.push((frame = x.next(frame, e)));
          const whole = replay(policy, events);
          assert.deepEqual(clicked, whole.frames);
          // The violations are the checker's own, step for step.
          const judged = checkedReplay(policy, events, { engine: 'reference' });
          assert.deepEqual(clicked.slice(1).map((f) => f.violations), judged.steps.map((s) => s.violations));
          assert.equal(x.pathOf(clicked), whole.path);
        }),
        { seed: SEED, numRuns: 60 },
      );
    }
  });

  it('walks_at_random_from_a_seed_the_same_way_every_time_taking_only_accepted_events', () => {
    const a = explorer.randomWalk(explorer.initial(), 200, 7);
    const b = explorer.randomWalk(explorer.initial(), 200, 7);
    assert.deepEqual(a, b);
    assert.equal(a.frames.length, 200);
    assert.deepEqual(a.end, { kind: 'steps' });
    assert.ok(a.frames.every((f) => f.accepted), 'every step of a walk is accepted');
    assert.notDeepEqual(explorer.randomWalk(explorer.initial(), 200, 8).frames.map((f) => f.event?.encoded), a.frames.map((f) => f.event?.encoded), 'another seed, another walk');
    // A walk continues the trace it starts from.
    const mid = a.frames[99]!;
    const rest = explorer.randomWalk(mid, 5, 1);
    assert.equal(rest.frames[0]!.index, 101);
  });

  it('stops_a_random_walk_at_the_first_step_that_violates_a_property', () => {
    const x = createExplorer(unsafe());
    let stopped = 0;
    for (let seed = 0; seed < 20; seed++) {
      const walk = x.randomWalk(x.initial(), 500, seed);
      if (walk.end.kind !== 'violation') continue;
      stopped++;
      const last = walk.frames[walk.frames.length - 1]!;
      assert.equal(walk.end.step, last.index);
      assert.deepEqual(walk.end.properties, last.violations.map((v) => v.property));
      assert.ok(walk.frames.slice(0, -1).every((f) => f.violations.length === 0), `seed ${seed}: no earlier step violates anything`);
      // The walk's path replays to the same violation (the URL handle of the page).
      const again = x.replay(x.pathOf([x.initial(), ...walk.frames]));
      assert.ok(again.ok);
      assert.equal(again.firstViolation, last.index);
    }
    assert.ok(stopped >= 15, `the unsafe policy is refuted by most random walks (${stopped} of 20)`);
  });

  it('answers_a_path_that_does_not_decode_with_the_decoders_message', () => {
    const bad = explorer.replay('propose:a1:severed,aprove:a2');
    assert.equal(bad.ok, false);
    assert.equal(bad.ok ? '' : bad.message, `path: ${(decodePath('propose:a1:severed,aprove:a2') as { message: string }).message}`);
  });

  it('runs_unchanged_in_a_browser_bundle_that_needs_nothing_from_node', async function () {
    this.timeout(30_000);
    const bundle = await explorerBundle();
    // A bare context: no require, no process, no Buffer — what a page from file:// has, minus the DOM.
    const context: Record<string, unknown> = {};
    runInNewContext(`${bundle};globalThis.G = GuillotineExplorer;`, context);
    const G = context.G as { createExplorer: (p: Policy) => Explorer; sequenceChartSvg: (...a: unknown[]) => string };
    for (const policy of [DEFAULT_POLICY, unsafe()]) {
      const inPage = G.createExplorer(JSON.parse(JSON.stringify(policy)) as Policy);
      const here = createExplorer(policy);
      for (const path of ['propose:a1:severed,approve:a2,approve:a3', 'alarm:decapitation,propose:a1:offline,approve:a2,approve:a3', 'propose:a1:severed,aprove:a2', 'alarm:doom', 'propose:a1']) {
        assert.deepEqual(JSON.parse(JSON.stringify(inPage.replay(path))), JSON.parse(JSON.stringify(here.replay(path))), `${path}: the page's replay is the library's, error messages included`);
      }
      const walk = inPage.randomWalk(inPage.initial(), 50, 3);
      assert.deepEqual(JSON.parse(JSON.stringify(walk)), JSON.parse(JSON.stringify(here.randomWalk(here.initial(), 50, 3))));
    }
    assert.ok(bundle.length < 400_000, `the bundle stays small enough to inline (${bundle.length} bytes)`);
  });
});
