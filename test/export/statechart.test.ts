/**
 * The exporters read `machineConfig(policy)` and refuse what they cannot translate, the way
 * `referenceEngine` does, instead of mistranslating it; and the same input gives the same text.
 */
import assert from 'node:assert/strict';
import { readStatechart } from '../../export/statechart.ts';
import { promelaModel } from '../../export/promela.ts';
import { tlaModule } from '../../export/tla.ts';
import { EFFECTS, machineConfig } from '../../machines/guillotine.ts';
import { PROTOCOL_RULES } from '../../machines/rules.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';

/** Every guard and action name the default config uses. */
function namesInConfig(): { guards: Set<string>; actions: Set<string> } {
  const guards = new Set<string>();
  const actions = new Set<string>();
  const config = machineConfig(DEFAULT_POLICY) as unknown as { states: Record<string, { states: Record<string, { entry?: { type: string }[]; on?: Record<string, { guard?: { type: string }; actions?: { type: string }[] }[]> }> }> };
  for (const region of Object.values(config.states)) {
    for (const state of Object.values(region.states)) {
      for (const a of state.entry ?? []) actions.add(a.type);
      for (const t of Object.values(state.on ?? {}).flat()) {
        if (t.guard) guards.add(t.guard.type);
        for (const a of t.actions ?? []) actions.add(a.type);
      }
    }
  }
  return { guards, actions };
}

describe('export: reading the statechart', () => {
  it('throws, naming the guard and where it is used, when an exporter has no rendering for it', () => {
    const { guards, actions } = namesInConfig();
    guards.delete('setsLevel');
    assert.throws(() => readStatechart(DEFAULT_POLICY, { guards, actions }, 'promela'), /promela: unknown guard "setsLevel" in isolation\.standard on isolation\.set/);
  });

  it('throws, naming the action, when an exporter has no rendering for it', () => {
    const { guards, actions } = namesInConfig();
    actions.delete('hypervisorDown');
    assert.throws(() => readStatechart(DEFAULT_POLICY, { guards, actions }, 'tla'), /tla: unknown action "hypervisorDown" in hypervisor\.rebooting entry/);
  });

  it('finds a rule for every guard and action the config names (the exporters render the rules, never a copy of them), or an effect for people', () => {
    const { guards, actions } = namesInConfig();
    for (const g of guards) assert.ok(g in PROTOCOL_RULES.guards, `guard ${g}`);
    for (const a of actions) assert.ok(a in PROTOCOL_RULES.updates || a in PROTOCOL_RULES.raises || a in EFFECTS, `action ${a}`);
  });

  it('reads the six regions in the interpreter\'s order and the raised events the config handles', () => {
    const { guards, actions } = namesInConfig();
    const chart = readStatechart(DEFAULT_POLICY, { guards, actions }, 'test');
    assert.deepEqual(chart.regions.map((r) => r.name), ['isolation', 'proposal', 'watchdog', 'hypervisor', 'detector', 'actuators']);
    assert.deepEqual(chart.internalEvents, ['hypervisor.down', 'isolation.changed', 'isolation.set']);
  });

  it('gives the same text for the same policy', () => {
    assert.equal(promelaModel(DEFAULT_POLICY), promelaModel(DEFAULT_POLICY));
    assert.deepEqual(tlaModule(DEFAULT_POLICY), tlaModule(DEFAULT_POLICY));
  });
});
