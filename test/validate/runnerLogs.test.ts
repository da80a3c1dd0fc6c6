/**
 * The generated suite's runner records what the implementation did, one log per walk; those logs,
 * checked by `guillotine validate` on their own, agree with the runner: every walk of the correct
 * simulator validates, and a broken simulator's failing walk diverges at the very step the runner
 * failed on.
 */
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { generateTests, runSuite, type GeneratedSuite } from '../../testgen/index.ts';
import { createSimulatorSut } from '../../simulator/sut.ts';
import { validateLogText } from '../../validate/index.ts';
import { mutantSut } from '../simulator/mutants.ts';
import { text } from './logs.ts';

describe("validate: the generated suite's runner records each walk in the log format", function () {
  let suite: GeneratedSuite;
  before(function () {
    this.timeout(60_000);
    const result = generateTests(DEFAULT_POLICY, { criterion: 'state' });
    if (result.kind !== 'generated') throw new Error(result.message);
    suite = result.suite;
  });

  const recording = () => {
    const logs = new Map<string, string[]>();
    return { logs, log: (walk: string) => { const lines: string[] = []; logs.set(walk, lines); return (line: string) => void lines.push(line); } };
  };

  it('writes a log per walk that validates, for the correct simulator', async function () {
    this.timeout(60_000);
    const { logs, log } = recording();
    const outcome = await runSuite(suite, createSimulatorSut(), { log });
    assert.equal(outcome.kind, 'passed');
    assert.equal(logs.size, suite.walks.length);
    for (const [walk, lines] of logs) {
      const result = validateLogText(text(lines));
      assert.equal(result.kind, 'consistent', `${walk}: ${JSON.stringify(result).slice(0, 600)}`);
      assert.equal(result.figures.records, lines.length - 1);
    }
  });

  it("diverges where the runner failed: the broken simulator's failing walk, at its failing step", async function () {
    this.timeout(60_000);
    const { logs, log } = recording();
    const outcome = await runSuite(suite, mutantSut('severed-services-network'), { maxFailures: 1, log });
    assert.ok(outcome.kind === 'failed');
    const failure = outcome.failures[0]!;
    const lines = logs.get(failure.walk)!;
    const result = validateLogText(text(lines));
    assert.ok(result.kind === 'divergent', JSON.stringify(result).slice(0, 600));
    // The runner stops the walk at the failing step: its record is the log's last, and its event the replay's last.
    assert.equal(result.divergence.line, lines.length);
    assert.equal(result.divergence.record, failure.replay.split(',').length);
    assert.deepEqual(result.divergence.candidates[0]!.diffs.map((d) => [d.field, d.log, d.spec]), [['capabilities.ports', 'all', 'local']]);
    assert.ok(result.divergence.properties.some((p) => p.property === 'level-capabilities'));
  });
});
