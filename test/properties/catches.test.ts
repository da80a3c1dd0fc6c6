/**
 * Every property of GUILLOTINE.md §4 catches the design bug it exists for: for each, a policy or
 * a deliberately broken machine (one guard or action replaced) that violates it is refuted, and
 * the counterexample, replayed under XState itself, reaches a violation of that very property.
 */
import assert from 'node:assert/strict';
import { checkPolicy, type CheckReport } from '../../checker/index.ts';
import { replay } from '../../checker/replay.ts';
import { explore } from '../../checker/bfs.ts';
import { guillotineModel } from '../../checker/guillotineModel.ts';
import { compiledEngine, levelOf, type Engine } from '../../machines/engine.ts';
import { machineImplementations, type MachineImplementations } from '../../machines/guillotine.ts';
import { CAPABILITIES, levelIndex } from '../../spec/levels.ts';
import { DEFAULT_POLICY, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { PROPERTIES, type PropertyId } from '../../properties/index.ts';

const ADMINS = DEFAULT_POLICY.admins;
function policy(extra: Partial<PolicyInput>): Policy {
  return parsedPolicy({ admins: ADMINS, ...extra });
}
type Variant = (impl: MachineImplementations, p: Policy) => MachineImplementations;
const guard = (name: string, f: MachineImplementations['guards'][string]): Variant => (impl) => ({ ...impl, guards: { ...impl.guards, [name]: f } });
const update = (name: string, f: MachineImplementations['updates'][string]): Variant => (impl) => ({ ...impl, updates: { ...impl.updates, [name]: f } });
const raiseAs = (name: string, f: MachineImplementations['raises'][string]): Variant => (impl) => ({ ...impl, raises: { ...impl.raises, [name]: f } });

interface Case {
  readonly property: PropertyId;
  readonly bug: string;
  readonly policy: Policy;
  readonly variant?: Variant;
}

const CASES: readonly Case[] = [
  { property: 'irreversible-levels', bug: 'a policy with no irreversible levels', policy: policy({ irreversible: [] }) },
  {
    property: 'deescalation-needs-quorum',
    bug: 'a de-escalation applied one approval short',
    policy: DEFAULT_POLICY,
    variant: (impl, p) =>
      guard('approvalCompletesQuorum', (ctx, e) => {
        if (impl.guards.approvalRefused!(ctx, e, undefined) || ctx.proposal === null) return false;
        const down = levelIndex(ctx.proposal.to) < levelIndex(ctx.proposal.from);
        return ctx.proposal.approvals.length + 1 >= (down ? p.quorum.deescalate - 1 : p.quorum.escalate);
      })(impl, p),
  },
  { property: 'escalation-has-cause', bug: 'a heartbeat counter that never resets on a heartbeat', policy: DEFAULT_POLICY, variant: update('resetWatchdog', (ctx, e) => (e.type === 'heartbeat' ? ctx : { ...ctx, missedHeartbeats: 0 })) },
  { property: 'failsafe-only-raises', bug: 'a detector allowed to destroy', policy: policy({ detector: { maxLevel: 'immolation' } }) },
  // The detector obeys any alarm, even one asking for a lower level than the current one.
  { property: 'failsafe-only-raises', bug: 'a fail-safe that can lower the level', policy: DEFAULT_POLICY, variant: guard('alarmRaisesLevel', (ctx, e) => e.type === 'alarm' && e.level !== ctx.level) },
  { property: 'failsafe-reaches-offline', bug: 'a reboot that comes back in standard', policy: policy({ faults: { rebootLevel: 'standard' } }) },
  { property: 'approvals-bound-to-proposal', bug: 'approvals kept across a level change', policy: DEFAULT_POLICY, variant: update('clearProposal', (ctx) => ctx) },
  { property: 'level-capabilities', bug: 'severed that forgets to open the network relay', policy: DEFAULT_POLICY, variant: (impl, p) => update('enterLevel', (ctx, e, params) => { const next = impl.updates.enterLevel!(ctx, e, params); return params?.level === 'severed' ? { ...next, outputs: { ...CAPABILITIES.severed, networkRelay: 'connected' } } : next; })(impl, p) },
  { property: 'quorum-intersection', bug: 'a de-escalation quorum of 3 of 7', policy: policy({ quorum: { deescalate: 3 } }) },
  {
    property: 'escalation-liveness',
    bug: 'a quorum that closes the proposal without applying it (no timeout fallback)',
    policy: policy({ quorum: { onTimeout: 'unchanged' } }),
    variant: raiseAs('applyProposal', (ctx) => ({ type: 'isolation.set', to: ctx.level, cause: 'quorum' })),
  },
];

describe('properties: each §4 property refutes the bug it guards against', function () {
  this.timeout(60_000);
  let clean: CheckReport;
  before(() => {
    clean = checkPolicy(DEFAULT_POLICY, { findings: false });
  });

  it('the default policy passes all ten properties and witnesses every vacuity guard', () => {
    assert.deepEqual(clean.properties.map((p) => [p.id, p.status]), PROPERTIES.map((p) => [p.id, 'pass']));
    assert.ok(clean.vacuity.length >= 9);
    assert.ok(clean.vacuity.every((v) => v.status === 'witnessed'), JSON.stringify(clean.vacuity.filter((v) => v.status !== 'witnessed')));
  });

  for (const c of CASES) {
    it(`${c.property} catches ${c.bug}, with a counterexample that replays to the violation under XState`, () => {
      const implementations = c.variant?.(machineImplementations(c.policy), c.policy);
      const report = checkPolicy(c.policy, { findings: false, implementations });
      const failed = report.properties.find((p) => p.id === c.property)!;
      assert.equal(failed.status, 'fail', `${c.property} should fail`);
      if (failed.witness) return; // policy arithmetic: no trace to replay
      assert.ok(failed.trace, 'a failure found by exploration carries a trace');
      const replayed = replay(c.policy, failed.trace.events, { implementations, cycle: failed.trace.cycle });
      if (failed.trace.cycle) {
        // A liveness counterexample: along the lasso the escalation that gathered its quorum is never applied.
        assert.ok(replayed.steps.length > 0);
        return;
      }
      const last = replayed.steps[replayed.steps.length - 1]!;
      assert.ok(last.violations.some((v) => v.property === c.property), `the last step violates ${c.property}: ${JSON.stringify(last)}`);
    });
  }

  it('no-deadlock catches a machine that rejects every event once immolated', () => {
    const base = compiledEngine(DEFAULT_POLICY);
    const stuck: Engine = { ...base, step: (s, e) => (levelOf(s) === 'immolation' ? { state: s, accepted: false, effects: [{ kind: 'reject', reason: 'stuck' }] } : base.step(s, e)) };
    const out = explore(guillotineModel(stuck, PROPERTIES.filter((p) => p.id === 'no-deadlock')));
    const result = out.properties.find((p) => p.name === 'no-deadlock')!;
    assert.equal(result.status, 'violated');
    assert.ok(result.status === 'violated' && 'path' in result);
    let s = base.initial();
    for (const e of result.path) s = base.step(s, e).state;
    assert.equal(levelOf(s), 'immolation');
  });
});
