/**
 * `guillotine simulate` as a user runs it: exit 0 when the claims hold, 1 when one does not, 2 for
 * bad input with one message naming what is allowed; `--json` is exactly `runScenario`'s object
 * with a stable head, and the same seed gives the same bytes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { looksLikeCrash, runCli } from '../cli/runCli.ts';
import { runScenario, SCENARIO_NAMES } from '../../simulator/index.ts';

describe('guillotine simulate', () => {
  it('prints the side-channel figures and claims with ✔ and exits 0', async () => {
    const run = await runCli(['simulate', '--scenario', 'side-channel']);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /conventional/);
    assert.match(run.out, /✔ guillotine-at-chance/);
    assert.match(run.out, /Every claim holds/);
    assert.match(run.out, /Reproduce: guillotine simulate --scenario side-channel --seed 20261123/);
  });

  it('prints exactly runScenario\'s object with --json, head first, the same bytes for the same seed', async () => {
    const first = await runCli(['simulate', '--scenario', 'soak', '--hours', '6', '--seed', '9', '--json']);
    const second = await runCli(['simulate', '--scenario', 'soak', '--hours', '6', '--seed', '9', '--json']);
    assert.equal(first.out, second.out);
    const parsed = JSON.parse(first.out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed).slice(0, 5), ['scenario', 'seed', 'policy', 'holds', 'claims']);
    assert.equal(first.out, JSON.stringify(runScenario('soak', { seed: 9, hours: 6 }), null, 2) + '\n');
    assert.equal(first.code, parsed.holds ? 0 : 1);
  });

  it('exits 1 with a ✘ when a claim fails (a policy whose detector may destroy)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    try {
      const file = join(dir, 'unsafe.json');
      writeFileSync(file, JSON.stringify({ admins: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }], quorum: { escalate: 2, deescalate: 2 }, detector: { maxLevel: 'immolation' } }));
      const run = await runCli(['simulate', '--scenario', 'soak', '--policy', file]);
      assert.equal(run.code, 1);
      assert.match(run.out, /✘ failsafes-never-destroy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const bad: readonly (readonly [string, readonly string[], RegExp])[] = [
    ['an unknown scenario, naming the allowed ones', ['--scenario', 'meltdown'], new RegExp(SCENARIO_NAMES.join(', '))],
    ['no scenario', [], /--scenario/],
    ['--hours for a scenario other than the soak', ['--scenario', 'side-channel', '--hours', '2'], /--hours applies only to --scenario soak/],
    ['a negative number of hours', ['--scenario', 'soak', '--hours', '-3'], /--hours takes a positive number/],
    ['a seed that is not a whole number', ['--scenario', 'soak', '--seed', '1.5'], /--seed takes a whole number from 0 to 4294967295/],
    ['a policy file that does not exist', ['--scenario', 'soak', '--policy', '/nonexistent/policy.json'], /policy/],
  ];

  it('exits 2 naming the admin when the policy pins a public key the simulator cannot sign for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    try {
      const file = join(dir, 'pinned.json');
      writeFileSync(file, JSON.stringify({ admins: [{ id: 'a1', publicKey: '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=' }, { id: 'a2' }, { id: 'a3' }], quorum: { escalate: 2, deescalate: 2 } }));
      const run = await runCli(['simulate', '--scenario', 'port-resilience', '--policy', file]);
      assert.equal(run.code, 2);
      assert.match(run.err, /admin a1 pins a publicKey/);
      assert.ok(!looksLikeCrash(run.err), run.err);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  for (const [what, args, message] of bad) {
    it(`exits 2 with one message for ${what}`, async () => {
      const run = await runCli(['simulate', ...args]);
      assert.equal(run.code, 2);
      assert.match(run.err, message);
      assert.ok(!looksLikeCrash(run.err), run.err);
      assert.equal(run.out, '');
    });
  }

  it('lists the scenarios and exit statuses in --help', async () => {
    const run = await runCli(['simulate', '--help']);
    assert.equal(run.code, 0);
    for (const name of SCENARIO_NAMES) assert.match(run.out, new RegExp(name));
    assert.match(run.out, /Exit status/);
  });
});
