/**
 * The exporters read `machineConfig(policy)` and refuse what they cannot translate, the way
 * `compiledEngine` does, instead of mistranslating it; and the same input gives the same text.
 */
import assert from 'node:assert/strict';
import { readStatechart } from '../../export/statechart.ts';
import { ACTIONS as PROMELA_ACTIONS, GUARDS as PROMELA_GUARDS, promelaModel } from '../../export/promela.ts';
import { ACTIONS as TLA_ACTIONS, GUARDS as TLA_GUARDS, tlaModule } from '../../export/tla.ts';
import { machineConfig } from '../../machines/guillotine.ts';
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

  it('has one Promela and one TLA+ rendering for every guard and action the config names', () => {
    const { guards, actions } = namesInConfig();
    for (const g of guards) assert.ok(g in PROMELA_GUARDS && g in TLA_GUARDS, `guard ${g}`);
    for (const a of actions) assert.ok(a in PROMELA_ACTIONS && a in TLA_ACTIONS, `action ${a}`);
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
