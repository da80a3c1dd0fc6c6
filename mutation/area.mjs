#!/usr/bin/env node
// One area of the mutation run at a time: `npm run mutation:area -- AREA [stryker options]`, e.g.
//   npm run mutation:area -- properties --concurrency 2
// Each area mutates its own files against the tests that exercise them in-process (a smaller test
// set can only lower a score, never raise it) and keeps its own report and incremental files,
// reports/mutation/AREA.{html,json,incremental.json}, so that areas do not overwrite each other.
// Static mutants (code run at module load or in a `before` hook) are skipped: each would cost a
// fresh worker and a run of the whole test set (docs/mutation.md, "Static mutants and run time").
// The scores in docs/mutation.md were measured with exactly these areas.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const AREAS = {
  properties: {
    mutate: ['properties/**/*.ts'],
    tests: [
      'test/properties/verdicts.test.ts', 'test/properties/statements.test.ts', 'test/properties/vacuityGuards.test.ts',
      'test/properties/history.test.ts', 'test/checker/**/*.test.ts', 'test/machines/mutants.test.ts',
    ],
  },
  machines: {
    mutate: ['machines/**/*.ts', '!machines/mutants.ts'],
    // properties/catches.test.ts checks the default policy in-process (all ten properties pass, every
    // vacuity guard witnessed) and one bug per property, in seconds; mutants.test.ts's fifteen CLI checks
    // cover the same ground and would re-run for every surviving mutant.
    tests: [
      'test/machines/protocolDecisions.test.ts', 'test/checker/replay.test.ts', 'test/properties/catches.test.ts',
      'test/machines/engine.test.ts', 'test/machines/engineRules.test.ts', 'test/machines/guillotineChart.test.ts',
      'test/machines/statechartShape.test.ts',
    ],
  },
  spec: {
    mutate: ['spec/**/*.ts', '!spec/writeSchema.ts'],
    tests: [
      'test/spec/**/*.test.ts', 'test/cli/badInput.test.ts', 'test/cli/replay.test.ts', 'test/checker/replay.test.ts',
      'test/machines/protocolDecisions.test.ts', 'test/properties/verdicts.test.ts',
    ],
  },
  checker: {
    mutate: ['checker/**/*.ts', '!checker/exploreWorker.ts'],
    tests: ['test/checker/**/*.test.ts', 'test/properties/catches.test.ts', 'test/machines/mutants.test.ts'],
  },
  hardware: {
    mutate: ['proofs/checks/**/*.ts', 'proofs/bitvector.ts', 'simulator/hypervisor.ts', 'simulator/ports.ts', 'simulator/mmu.ts', 'simulator/console.ts', 'simulator/rules.ts'],
    tests: [
      'test/simulator/mmu.test.ts', 'test/simulator/console.test.ts', 'test/simulator/hypervisor.test.ts', 'test/simulator/hypervisorRules.test.ts',
      'test/simulator/ports.test.ts', 'test/simulator/memory.test.ts', 'test/simulator/index.test.ts', 'test/simulator/noninterference.test.ts',
      'test/simulator/conformance.test.ts', 'test/simulator/determinism.test.ts', 'test/simulator/scenarios/portResilience.test.ts',
      'test/simulator/scenarios/sideChannel.test.ts', 'test/proofs/checks/**/*.test.ts', 'test/proofs/proveAll.test.ts', 'test/proofs/bitvector.test.ts',
    ],
  },
};

const [area, ...strykerOptions] = process.argv.slice(2);
if (area === undefined || area === '--help' || area === '-h' || !(area in AREAS)) {
  const names = Object.keys(AREAS).join(', ');
  const ask = area === undefined || area === '--help' || area === '-h';
  const usage = `usage: npm run mutation:area -- AREA [stryker options]; areas: ${names}\n`;
  if (ask && area !== undefined) {
    process.stdout.write(usage);
    process.exit(0);
  }
  process.stderr.write(`mutation:area: ${area === undefined ? 'no area given' : `unknown area ${JSON.stringify(area)}`}; ${usage}`);
  process.exit(2);
}

const { mutate, tests } = AREAS[area];
const run = spawnSync(
  process.execPath,
  [fileURLToPath(new URL('../node_modules/@stryker-mutator/core/bin/stryker.js', import.meta.url)), 'run', 'stryker.config.mjs', '--mutate', mutate.join(','), '--ignoreStatic',
    // A mutant that blows up a state space is detected as a timeout; 5 s beyond the covering tests' own time is plenty.
    '--timeoutMS', '5000', ...strykerOptions],
  { stdio: 'inherit', env: { ...process.env, MUTATION_AREA: area, MUTATION_TESTS: tests.join(',') } },
);
process.exit(run.status ?? 1);
