/**
 * The reference engine reports the statechart transitions each step took (`Step.taken`), which the
 * test generator's edge coverage counts instead of re-selecting branches itself. The oracle is
 * XState: its `getMicrosteps` runs the same step microstep by microstep, the `xstate.raise` actions
 * say which internal event each later microstep processes, and the machine's `getTransitionData`
 * says which transitions XState selects for that event in that microstep's pre-state.
 */
import assert from 'node:assert/strict';
import { getMicrosteps, type AnyMachineSnapshot, type AnyTransitionDefinition } from 'xstate';
import { createGuillotineMachine } from '../../machines/guillotine.ts';
import { referenceEngine, REGIONS, type SystemState } from '../../machines/engine.ts';
import { breadthFirst } from '../../machines/reachability.ts';
import { stateKey } from '../../machines/stateKey.ts';
import { readStatechart, ruleVocabulary, statechartTransitions, type TransitionAddress } from '../../machines/statechart.ts';
import { stateAlphabet } from '../../testgen/alphabet.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

const name = (a: TransitionAddress) => `${a.region}.${a.source} ${a.event}#${a.branch}`;

type Machine = ReturnType<typeof createGuillotineMachine>;

/** The transitions XState takes for `event` in `state`, microstep by microstep, as addresses. */
function xstateTaken(machine: Machine, state: SystemState, event: GuillotineEvent): string[] {
  const before = machine.resolveState({ value: state.value as never, context: state.context }) as unknown as AnyMachineSnapshot;
  const microsteps = getMicrosteps(machine as never, before as never, event as never) as unknown as [AnyMachineSnapshot, { type: string; params?: { event?: { type: string } } }[]][];
  const events: { type: string }[] = [event];
  const taken: string[] = [];
  let pre = before;
  for (let k = 0; k < events.length; k++) {
    const selected = machine.getTransitionData(pre as never, events[k] as never) as AnyTransitionDefinition[];
    for (const t of selected) {
      const [region, source] = t.source.path as [string, string];
      taken.push(name({ region: region as TransitionAddress['region'], source, event: t.eventType, branch: t.source.transitions.get(t.eventType)!.indexOf(t) }));
    }
    const step = microsteps[k];
    if (step === undefined) break;
    for (const a of step[1]) if (a.type === 'xstate.raise' && a.params?.event !== undefined) events.push(a.params.event);
    pre = step[0];
  }
  return taken;
}

describe('machines/engine: the reference engine reports the transitions it took, as XState takes them', function () {
  this.timeout(120_000);

  it('reports, for every reachable (state, event) pair of a three-admin policy, the transitions XState selects microstep by microstep', () => {
    const policy = parsedPolicy({ admins: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }], quorum: { escalate: 2, deescalate: 3, onTimeout: 'restrictive' } });
    const engine = referenceEngine(policy);
    const machine = createGuillotineMachine(policy);
    let pairs = 0;
    let internal = 0;
    const reached = breadthFirst({
      initial: engine.initial(),
      events: (s: SystemState) => stateAlphabet(policy, s),
      step: (s: SystemState, e: GuillotineEvent) => ({ before: s, event: e, step: engine.step(s, e) }),
      successor: (t) => t.step.state,
      key: stateKey,
    }, {
      onEdge(_id, _from, event, { before, step }) {
        const ours = step.taken!.map(name);
        assert.deepEqual(ours, xstateTaken(machine, before, event), `${stateKey(before)} on ${JSON.stringify(event)}`);
        pairs++;
        if (step.taken!.some((a) => a.event.includes('.'))) internal++;
      },
    });
    assert.equal(reached.kind, 'explored');
    assert.ok(pairs > 1000 && internal > 100, `${pairs} pairs, ${internal} with internal events`);
  });

  it('reports an empty list for an event no region takes, and none at all when effects are off', () => {
    const engine = referenceEngine(DEFAULT_POLICY);
    const rebooting = engine.step(engine.initial(), { type: 'mce' }).state;
    // A heartbeat while rebooting is refused by a transition (a rejection is taken, and reported).
    assert.deepEqual(engine.step(rebooting, { type: 'heartbeat' }).taken!.map(name), ['watchdog.watching heartbeat#0']);
    const quiet = referenceEngine(DEFAULT_POLICY, undefined, { effects: false });
    assert.equal(quiet.step(quiet.initial(), { type: 'mce' }).taken, undefined);
  });

  it('names only transitions the statechart has, by the address readStatechart gives them', () => {
    const chart = readStatechart(DEFAULT_POLICY, ruleVocabulary(), 'test');
    const known = new Set(statechartTransitions(chart).map((t) => name(t.address)));
    const engine = referenceEngine(DEFAULT_POLICY);
    const taken = engine.step(engine.initial(), { type: 'mce' }).taken!.map(name);
    assert.deepEqual(taken, ['hypervisor.running mce#0', 'isolation.standard isolation.set#2']);
    for (const t of taken) assert.ok(known.has(t), t);
    assert.deepEqual(REGIONS.map((r) => chart.regions.find((x) => x.name === r)!.name), [...REGIONS]);
  });
});
