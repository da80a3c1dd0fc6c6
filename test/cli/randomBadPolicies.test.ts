import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { brokenPolicy, SEED } from '../spec/policyArbitraries.ts';
import { looksLikeCrash, runCli } from './runCli.ts';

describe(`cli: random policies with one thing broken are refused with exit 2, naming the key path (fast-check seed ${SEED})`, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-bad-policies-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(`refuses each through check and replay with one line "guillotine: bad policy: <path>: ..." (seed ${SEED})`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(brokenPolicy, fc.constantFrom<readonly string[]>(['check'], ['replay', '--path', 'heartbeat']), async ({ input, path, what, mention }, command) => {
        const file = join(dir, `policy-${run++}.json`);
        writeFileSync(file, JSON.stringify(input, null, 2) + '\n');
        const result = await runCli([...command, '--policy', file]);
        const context = `${what} (${file}):\n${result.err}`;
        assert.equal(result.code, 2, context);
        assert.equal(result.out, '', context);
        assert.ok(!looksLikeCrash(result.err), context);
        assert.equal(result.err.trimEnd().split('\n').length, 1, context);
        assert.ok(result.err.startsWith(`guillotine: bad policy: ${path}: `), context);
        assert.match(result.err, mention, context);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
