/**
 * Negative controls for the count abstraction: every design bug of the spec-mutant catalogue
 * (`machines/mutants.ts`), under its `shownUnder` policy if it has one, is refuted on counts by the
 * properties it names that the count system judges, at the smallest N the search tries (quorums in
 * the default policy's ratio to N); the counterexample made concrete is confirmed by the reference
 * engine and the property's judge (`concretize`), and by `guillotine replay --mutant NAME` on its
 * handle; and at that N the checker with the mutant agrees with the count system state for state
 * and verdict for verdict, counterexamples as short.
 * A proof for every N is worth something only if the same machinery refutes every broken machine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaledPolicy } from '../../../spec/policy.ts';
import { SPEC_MUTANTS } from '../../../machines/mutants.ts';
import { PROPERTIES, type PropertyId } from '../../../properties/index.ts';
import type { ReplayReport } from '../../../checker/replay.ts';
import { exploreCounts, type KnobValues } from '../../../proofs/protocol/explore.ts';
import { abstractCounterexample, concretize } from '../../../proofs/protocol/concretize.ts';
import { runCli } from '../../cli/runCli.ts';
import { compareAt, compiledCounts } from './countsAndChecker.ts';

/** The search for a refuting N stops here (every mutant of the catalogue shows by 5 admins). */
const MAX_ADMINS = 6;

describe('proofs/protocol: every spec mutant is refuted on counts, confirmed concretely and by replay --mutant', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-count-mutants-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const mutant of SPEC_MUTANTS) {
    // The properties a path can show: transition and state properties, and no-deadlock (a policy
    // property is arithmetic on the knobs, a liveness one needs a fair cycle).
    const judged = mutant.caughtBy.filter((id) => ['transition', 'state', 'progress'].includes(PROPERTIES.find((p) => p.id === id)!.check.on));
    it(`${mutant.name}: refuted on counts by ${judged.join(' and ') || '(nothing)'} at the smallest N with the default quorum ratio, confirmed concretely and by replay --mutant`, async () => {
      assert.ok(judged.length > 0, `${mutant.name} names no property the count system judges (${mutant.caughtBy.join(', ')})`);
      const c = compiledCounts(mutant.name);
      const template = c.system.machine.policy;
      const found = new Map<PropertyId, number>();
      for (let admins = 1; admins <= MAX_ADMINS && found.size < judged.length; admins++) {
        const q = scaledPolicy(admins).quorum;
        const knobs: KnobValues = { admins, escalate: q.escalate, deescalate: q.deescalate, missLimit: template.heartbeat.missLimit, maxStep: template.deescalation.maxStep };
        const exploration = exploreCounts(c, knobs);
        const refuted = judged.filter((p) => !found.has(p) && abstractCounterexample(exploration, p) !== undefined);
        if (refuted.length === 0) continue;
        // The checker with the mutant at this N: the same states as counts, the same verdicts, counterexamples as short.
        const compared = compareAt(c, knobs, mutant.name);
        assert.deepEqual(compared.differences, [], `the count system and checkPolicy --mutant ${mutant.name} differ at ${JSON.stringify(knobs)}`);
        for (const property of refuted) {
          found.set(property, admins);
          const path = abstractCounterexample(exploration, property)!;
          const concrete = concretize(c.system, knobs, path, property);
          assert.ok(concrete.ok, concrete.ok ? '' : `${property} at ${JSON.stringify(knobs)}: ${concrete.message}`);
          assert.equal(concrete.events.length, path.length);
          assert.ok(path.length > 0, 'a mutant broken in its initial state has no path to replay');
          // The handle as a user would replay it: the policy in a file, the mutant by name, XState's engine.
          const policyFile = join(dir, `${mutant.name}-${admins}.json`);
          writeFileSync(policyFile, JSON.stringify(concrete.policy));
          const run = await runCli(['replay', '--policy', policyFile, '--mutant', mutant.name, '--path', concrete.handle, '--json']);
          assert.equal(run.code, 1, `guillotine replay --mutant ${mutant.name} --path '${concrete.handle}' exits ${run.code}: ${run.err}`);
          const report = JSON.parse(run.out) as ReplayReport;
          assert.ok(report.steps.at(-1)!.violations.some((v) => v.property === property), `replay --mutant ${mutant.name} --path '${concrete.handle}' does not show ${property} at its last step`);
        }
      }
      assert.deepEqual(judged.filter((p) => !found.has(p)), [], `not refuted on counts for N ≤ ${MAX_ADMINS}`);
    });
  }
});
