/**
 * The simulator's library entry: the scenario list the CLI, the review and the visualizer share,
 * and `runScenario`'s contract — a tagged result with a fixed head, the policy it ran under, and
 * clear refusals of what it cannot run.
 */
import assert from 'node:assert/strict';
import { DEFAULT_SEED, runScenario, SCENARIO_NAMES, SCENARIOS, summarisePolicy } from '../../simulator/index.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../spec/policy.ts';

describe('simulator/index', () => {
  it('lists the three experiments of the seed summary, each with a one-line description', () => {
    assert.deepEqual([...SCENARIO_NAMES], ['side-channel', 'port-resilience', 'soak']);
    for (const s of SCENARIOS) assert.ok(s.description.length > 20 && !s.description.includes('\n'), s.name);
  });

  it('returns a result tagged with its scenario, the default seed, and a summary of the policy it ran under', () => {
    const three = parsePolicy({ admins: [{ id: 'x' }, { id: 'y' }, { id: 'z' }], quorum: { escalate: 2, deescalate: 2 } });
    assert.ok(three.ok);
    const r = runScenario('soak', { hours: 2, policy: three.policy });
    assert.equal(r.scenario, 'soak');
    assert.equal(r.seed, DEFAULT_SEED);
    assert.deepEqual(r.policy, summarisePolicy(three.policy));
    assert.equal(r.policy.admins, 3);
    assert.equal(r.hours, 2);
    assert.equal(r.holds, r.claims.every((c) => c.holds));
    assert.deepEqual(Object.keys(runScenario('side-channel')).slice(0, 5), ['scenario', 'seed', 'policy', 'holds', 'claims']);
    assert.deepEqual(runScenario('side-channel').policy, summarisePolicy(DEFAULT_POLICY));
  });

  it('refuses a soak that would simulate more heartbeats than a year at 1 s, before doing any work', () => {
    const parsed = parsePolicy({ admins: DEFAULT_POLICY.admins, heartbeat: { periodMs: 0.001 } });
    assert.ok(parsed.ok);
    assert.throws(() => runScenario('soak', { policy: parsed.policy }), /simulates 2\.6e\+11 heartbeats; at most 3\.2e\+7.*lower --hours or raise heartbeat\.periodMs/);
    assert.throws(() => runScenario('soak', { policy: DEFAULT_POLICY, hours: 9000 }), /lower --hours/);
  });

  it('refuses an unknown scenario naming the allowed ones, and hours for anything but the soak', () => {
    assert.throws(() => runScenario('meltdown' as never), /unknown scenario "meltdown"; allowed: side-channel, port-resilience, soak/);
    assert.throws(() => runScenario('side-channel', { hours: 3 }), /hours applies only to the soak/);
    assert.throws(() => runScenario('soak', { hours: 0 }), /positive number/);
  });
});
