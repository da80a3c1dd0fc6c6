import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { levelIndex, type Level } from '../../spec/levels.ts';
import { decodePath, encodeEvent } from '../../spec/events.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { mutatedMachine, specMutant } from '../../machines/mutants.ts';
import { generateTests, referenceSut, runSuite, stateLabel, type GeneratedSuite, type SuiteOutcome, type SuiteState, type SuiteTransition } from '../../testgen/index.ts';
import { SIMULATOR_MUTANTS, SIMULATOR_MUTANT_NAMES, mutantSut, type SimulatorMutantName } from '../simulator/mutants.ts';

/** The transition a failing test is named after (`T<id> …`), with its source state. */
function failingTransition(suite: GeneratedSuite, outcome: SuiteOutcome): { t: SuiteTransition; from: SuiteState } {
  assert.equal(outcome.kind, 'failed', 'the broken variant must fail the suite');
  if (outcome.kind !== 'failed') throw new Error('unreachable');
  const id = Number(/^T(\d+) /.exec(outcome.failures[0]!.test)?.[1]);
  const t = suite.transitions.find((x) => x.id === id)!;
  return { t, from: suite.states.find((s) => s.id === t.from)! };
}

const isDeescalation = (p: { from: Level; to: Level } | null) => p !== null && levelIndex(p.to) < levelIndex(p.from);

describe('testgen/runSuite: the generated suite against implementations', function () {
  let suite: GeneratedSuite;
  before(function () {
    const result = generateTests(DEFAULT_POLICY, { baseline: 'breadth-first' });
    if (result.kind !== 'generated') throw new Error(result.message);
    suite = result.suite;
  });

  it("passes against the statechart's own adapter (a check of the generator and the runner)", async () => {
    const outcome = await runSuite(suite, referenceSut());
    assert.equal(outcome.kind, 'passed', JSON.stringify(outcome.kind === 'failed' ? outcome.failures.slice(0, 2) : outcome));
    assert.equal(outcome.tests, suite.walks.reduce((sum, w) => sum + w.tests.length, 0));
  });

  it('fails a machine variant that applies a de-escalation one approval short on exactly that approval, with a replay path', async () => {
    // The catalogue's own mutant (machines/mutants.ts): one definition of the bug for every test.
    const broken = mutatedMachine(DEFAULT_POLICY, specMutant('deescalate-one-short')!).rules;
    const outcome = await runSuite(suite, referenceSut({ rules: broken }), { maxFailures: 1 });
    const { t, from } = failingTransition(suite, outcome);
    assert.match(t.event, /^approve:/);
    assert.ok(isDeescalation(from.expect.proposal) && from.expect.proposal!.approvals.length === DEFAULT_POLICY.quorum.deescalate - 2, from.label);
    if (outcome.kind === 'failed') {
      assert.match(outcome.failures[0]!.message, /level: expected \w+, observed \w+/);
      const failure = outcome.failures[0]!;
      assert.ok(failure.replay.endsWith(t.event), 'the replay path ends with the failing event');
      // The short replay drops the events that leave the statechart's state as it was, and still reaches the failing transition.
      const short = decodePath(failure.shortReplay);
      const full = decodePath(failure.replay);
      assert.ok(short.ok && full.ok);
      assert.ok(short.events.length < full.events.length, `${failure.shortReplay} is no shorter than ${failure.replay}`);
      const engine = referenceEngine(DEFAULT_POLICY);
      const before = short.events.slice(0, -1).reduce((state, event) => engine.step(state, event).state, engine.initial());
      assert.equal(stateLabel(before), from.label);
      assert.equal(encodeEvent(short.events[short.events.length - 1]!), t.event);
    }
  });

  describe("fails each of the simulator's broken variants on the test of the transition that variant breaks", function () {
    /** What the first failing transition must be, per variant (docs/protocol.md §3 rule the bug breaks). */
    const expectations: Record<SimulatorMutantName, (t: SuiteTransition, from: SuiteState) => boolean> = {
      'count-stale-approval': (t) => /^(propose|approve):/.test(t.event),
      'deescalate-one-short': (t, from) => t.event.startsWith('approve:') && isDeescalation(from.expect.proposal) && from.expect.proposal!.approvals.length === DEFAULT_POLICY.quorum.deescalate - 2,
      'duplicate-approval-counts': (t, from) => t.event.startsWith('approve:') && from.expect.proposal!.approvals.includes(t.event.slice('approve:'.length)) && !t.accepted,
      'timeout-applies-deescalation': (t, from) => t.event === 'timeout' && isDeescalation(from.expect.proposal),
      'reboot-forgets-level': (t, from) => ['mce', 'assertion-failure', 'reboot-complete'].includes(t.event) && levelIndex(from.expect.level) > levelIndex(DEFAULT_POLICY.faults.rebootLevel),
      'severed-services-network': (t) => suite.states.find((s) => s.id === t.to)!.expect.level === 'severed',
      'watchdog-off-by-one': (t) => t.event === 'heartbeat-missed',
      'alarm-uncapped': (t) => t.event.startsWith('alarm:') && levelIndex(t.event.slice('alarm:'.length) as Level) > levelIndex(DEFAULT_POLICY.detector.maxLevel),
    };
    for (const bug of SIMULATOR_MUTANT_NAMES) {
      it(`${bug}: ${SIMULATOR_MUTANTS[bug].description}`, async () => {
        const outcome = await runSuite(suite, mutantSut(bug), { maxFailures: 1 });
        const { t, from } = failingTransition(suite, outcome);
        assert.ok(expectations[bug](t, from), `failed on T${t.id} ${t.event} in ${from.label}, which is not the transition ${bug} breaks`);
      });
    }
  });
});
