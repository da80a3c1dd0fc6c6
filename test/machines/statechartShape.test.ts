/**
 * `readStatechart` (machines/statechart.ts) is what the compiled interpreter and the exporters
 * trust instead of XState: it must refuse any config shape they cannot follow, with a message
 * naming the problem and where it is, rather than let them silently misread the chart.
 *
 * No policy makes `machineConfig` malformed, so each refusal is shown on an edited copy of the
 * default policy's config, passed to `readStatechart` in place of the generated one.
 */
import assert from 'node:assert/strict';
import { machineConfig, machineImplementations } from '../../machines/guillotine.ts';
import { readStatechart, type Statechart, type Vocabulary } from '../../machines/statechart.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';

/** The config as plain, editable data (a deep copy of `machineConfig(policy)`). */
type RawConfig = { type?: string; states: Record<string, { type?: string; initial?: string; states?: Record<string, RawState> }> };
type RawState = { type?: string; states?: unknown; entry?: { type: string }[]; on?: Record<string, { target?: string }[]> };

/** Every guard and action name the interpreter can run, as `referenceEngine` builds it. */
function engineVocabulary(policy: Policy): { guards: Set<string>; actions: Set<string> } {
  const impl = machineImplementations(policy);
  return { guards: new Set(Object.keys(impl.guards)), actions: new Set([...Object.keys(impl.updates), ...Object.keys(impl.raises), ...Object.keys(impl.effects)]) };
}

/** Reads the default policy's config after `edit`, as the compiled interpreter would. */
function readEdited(edit: (config: RawConfig) => void): () => Statechart {
  const config = structuredClone(machineConfig(DEFAULT_POLICY)) as unknown as RawConfig;
  edit(config);
  return () => readStatechart(DEFAULT_POLICY, engineVocabulary(DEFAULT_POLICY), 'referenceEngine', config);
}

/** Asserts that reading throws a message that names the reader and matches `problem`. */
function refuses(read: () => unknown, problem: RegExp): void {
  assert.throws(read, (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /^referenceEngine: /);
    assert.match(e.message, problem);
    return true;
  });
}

function without(vocabulary: Vocabulary, action: string): Vocabulary {
  const actions = new Set(vocabulary.actions);
  actions.delete(action);
  return { guards: vocabulary.guards, actions };
}

describe('machines/statechart: reading the config, and refusing a shape a reader cannot follow', () => {
  it('lists as internal events exactly the raised events the config handles, in a stable sorted order', () => {
    // The exporters declare and dispatch these (Promela numbers them in this order); an event
    // sent from outside must not be among them, and a raised one must not be missing.
    const chart = readStatechart(DEFAULT_POLICY, engineVocabulary(DEFAULT_POLICY), 'referenceEngine');
    assert.deepEqual(chart.internalEvents, ['hypervisor.down', 'isolation.changed', 'isolation.set']);
  });

  it('refuses a vocabulary without an action a transition uses, naming the action, the region.state and the event', () => {
    const known = without(engineVocabulary(DEFAULT_POLICY), 'rejectProposal');
    assert.throws(() => readStatechart(DEFAULT_POLICY, known, 'referenceEngine'), /^Error: referenceEngine: unknown action "rejectProposal" in proposal\.idle on propose;/);
  });

  it('refuses a vocabulary without an entry action, naming the action and the state it enters', () => {
    const known = without(engineVocabulary(DEFAULT_POLICY), 'markRebooting');
    assert.throws(() => readStatechart(DEFAULT_POLICY, known, 'referenceEngine'), /^Error: referenceEngine: unknown action "markRebooting" in hypervisor\.rebooting entry;/);
  });

  it('reads an unedited copy of the config, so each refusal below is caused by its edit alone', () => {
    const chart = readEdited(() => {})();
    assert.deepEqual(chart.regions.map((r) => `${r.name}:${r.initial}`), ['isolation:standard', 'proposal:idle', 'watchdog:watching', 'hypervisor:running', 'detector:listening', 'actuators:commanding']);
  });

  it('refuses a machine that is not parallel, naming its type', () => {
    refuses(readEdited((c) => { c.type = 'compound'; }), /the machine is of type "compound", not "parallel"/);
  });

  it('refuses regions the reader does not know, naming each one', () => {
    const read = readEdited((c) => {
      c.states['audit'] = { initial: 'on', states: { on: {} } };
      c.states['logger'] = { initial: 'on', states: { on: {} } };
    });
    refuses(read, /the config has region\(s\) audit, logger that REGIONS does not list/);
  });

  it('refuses a config missing one of the six regions, naming it', () => {
    refuses(readEdited((c) => { delete c.states['detector']; }), /the config has no region "detector"/);
  });

  it('refuses a region that is parallel, or has no states or no initial state, naming the region', () => {
    const problem = /region watchdog is not a plain region with an initial state/;
    refuses(readEdited((c) => { c.states['watchdog']!.type = 'parallel'; }), problem);
    refuses(readEdited((c) => { delete c.states['watchdog']!.states; }), problem);
    refuses(readEdited((c) => { delete c.states['watchdog']!.initial; }), problem);
  });

  it('refuses a region whose initial state does not exist, naming the region and the state', () => {
    refuses(readEdited((c) => { c.states['watchdog']!.initial = 'sleeping'; }), /region watchdog starts in unknown state "sleeping"/);
  });

  it('refuses a nested state, whether it has child states or only a type, naming region.state', () => {
    const problem = /state detector\.listening is compound; only atomic states are supported/;
    refuses(readEdited((c) => { c.states['detector']!.states!['listening']!.states = { a: {} }; }), problem);
    refuses(readEdited((c) => { c.states['detector']!.states!['listening']!.type = 'parallel'; }), problem);
  });

  it('refuses a transition to a state its region does not have, naming the target, region.state and event', () => {
    // `idle` exists, but in the proposal region, not in hypervisor: targets are region-local.
    const read = readEdited((c) => { c.states['hypervisor']!.states!['rebooting']!.on!['reboot-complete']![0]!.target = 'idle'; });
    refuses(read, /unknown target "idle" in hypervisor\.rebooting on reboot-complete/);
  });

  it("reads the machine's id, each state's tags and each transition's description, which the visualizer and the coverage report show", () => {
    const chart = readEdited(() => {})();
    assert.equal(chart.id, 'guillotine');
    const isolation = chart.regions.find((r) => r.name === 'isolation')!;
    assert.deepEqual(isolation.states.filter((s) => s.tags.includes('irreversible')).map((s) => s.name), ['decapitation', 'immolation']);
    const approve = chart.regions.find((r) => r.name === 'proposal')!.states.find((s) => s.name === 'open')!.on['approve']!;
    assert.equal(approve[1]!.description, 'quorum: 3 of 7 to escalate, 5 of 7 to de-escalate');
    assert.equal(approve[0]!.description, undefined);
  });

  it('refuses tags that are not a list of strings, naming region.state', () => {
    refuses(readEdited((c) => { (c.states['detector']!.states!['listening'] as { tags?: unknown }).tags = 'irreversible'; }), /state detector\.listening has tags that are not a list of strings/);
  });
});
