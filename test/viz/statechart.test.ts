import assert from 'node:assert/strict';
import { machineConfig } from '../../machines/guillotine.ts';
import { LEVELS } from '../../spec/levels.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { statechartView, transitionLabel } from '../../viz/statechart.ts';
import { edgeLines, stateLines } from '../../viz/textBlock.ts';

function policy(input: object): Policy {
  return parsedPolicy({ admins: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id) => ({ id })), ...input });
}

/** Every transition of the config, as `region.state:event#i`, counted independently of the view. */
function configTransitionIds(p: Policy): string[] {
  const config = machineConfig(p) as unknown as { states: Record<string, { states: Record<string, { on?: Record<string, unknown[]> }> }> };
  const ids: string[] = [];
  for (const [region, r] of Object.entries(config.states))
    for (const [state, s] of Object.entries(r.states)) for (const [event, ts] of Object.entries(s.on ?? {})) ts.forEach((_, i) => ids.push(`${region}.${state}:${event}#${i}`));
  return ids;
}

describe('viz/statechart', () => {
  it('draws_all_six_levels_as_states_of_the_isolation_region_in_escalation_order', () => {
    const view = statechartView(DEFAULT_POLICY);
    const isolation = view.regions.find((r) => r.id === 'isolation')!;
    assert.deepEqual(isolation.states.map((s) => s.level), [...LEVELS]);
    assert.deepEqual(view.regions.map((r) => r.id), ['isolation', 'proposal', 'watchdog', 'hypervisor', 'detector', 'actuators']);
  });

  it('shows_every_transition_of_the_machine_config_exactly_once', () => {
    for (const p of [DEFAULT_POLICY, policy({ irreversible: [] }), policy({ quorum: { escalate: 1 } })]) {
      const view = statechartView(p);
      const shown = [...view.edges, ...view.regions.flatMap((r) => r.states.flatMap((s) => s.internal))].map((t) => t.id).sort();
      assert.deepEqual(shown, configTransitionIds(p).sort());
    }
  });

  it('labels_transitions_with_the_quorum_thresholds_of_the_policy', () => {
    const text = (p: Policy) => {
      const view = statechartView(p);
      return [...view.edges.flatMap(edgeLines), ...view.regions.flatMap((r) => r.states.flatMap(stateLines))].map((l) => l.text).join('\n');
    };
    assert.match(text(DEFAULT_POLICY), /quorum: 3 of 7 to escalate, 5 of 7 to\s*de-escalate/);
    assert.match(text(policy({ quorum: { escalate: 4, deescalate: 6 } })), /quorum: 4 of 7 to escalate, 6 of 7 to\s*de-escalate/);
    assert.match(text(policy({ detector: { maxLevel: 'severed' } })), /raise, capped at severed/);
    assert.match(text(DEFAULT_POLICY), /3 consecutive misses force offline/);
  });

  it('draws_no_lowering_edge_out_of_an_irreversible_level', () => {
    const view = statechartView(DEFAULT_POLICY);
    const lowering = view.edges.filter((e) => e.direction === 'lower').map((e) => e.source);
    assert.ok(!lowering.includes('isolation.decapitation') && !lowering.includes('isolation.immolation'));
    assert.deepEqual(view.regions[0]!.states.filter((s) => s.tags.includes('irreversible')).map((s) => s.name), ['decapitation', 'immolation']);
    // With no irreversible level, every level can be lowered to every lower one.
    const open = statechartView(policy({ irreversible: [] }));
    assert.equal(open.edges.filter((e) => e.direction === 'lower').length, 15);
  });

  it('labels_an_edge_with_its_event_and_guard_in_uml_form', () => {
    const view = statechartView(DEFAULT_POLICY);
    const quorum = view.edges.find((e) => e.id === 'proposal.open:approve#1')!;
    assert.equal(transitionLabel(quorum), 'approve [approvalCompletesQuorum] / ⇑applyProposal');
    const raise = view.edges.find((e) => e.source === 'isolation.standard' && e.target === 'isolation.severed')!;
    assert.equal(edgeLines(raise)[0]!.text, 'isolation.set [setsLevel(severed)]');
  });
});
