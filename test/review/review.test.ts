import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { ReviewReport } from '../../review/index.ts';
import { looksLikeCrash, runCli } from '../cli/runCli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('review: the whole review of a policy, what npm start prints', function () {
  this.timeout(300_000);

  it('holds for the default policy, with a row per stage and a verdict a reviewer reads at a glance', async () => {
    const human = await runCli(['review']);
    assert.equal(human.code, 0, human.err);
    assert.ok(!looksLikeCrash(human.err), human.err);
    assert.match(human.out, /Guillotine review of the embedded default policy/);
    for (const stage of ['check', 'cross-check', 'prove', 'simulate', 'gen-tests']) assert.match(human.out, new RegExp(`│ ${stage} +│`), `a ${stage} row`);
    assert.doesNotMatch(human.out, /FAILS/);
    assert.match(human.out, /1 admin\(s\) can take the system to immolation/, 'the findings say what onTimeout "restrictive" implies');
    assert.match(human.out, /Every claim holds\.\n$/);
  });

  it('exits 1 for an unsafe policy, runs every stage, and gives each failing property a row of its own (--json)', async () => {
    const run = await runCli(['review', '--json', '--seed', '7', '--policy', fixture('policies/unsafe-small.json')]);
    assert.equal(run.code, 1, run.err);
    const r = JSON.parse(run.out) as ReviewReport;
    assert.equal(r.holds, false);
    assert.equal(r.seed, 7);
    assert.deepEqual([...new Set(r.summary.map((row) => row.stage))], ['check', 'cross-check', 'prove', 'simulate', 'gen-tests'], 'every stage runs even when an earlier one fails');
    assert.ok(r.summary.some((row) => row.stage === 'cross-check' && row.verdict === 'holds' && /agrees on all \d+ safety verdicts/.test(row.result)), 'SPIN agrees with the checker on the unsafe policy too');
    const failing = r.check.properties.filter((p) => p.status === 'fail').map((p) => p.id);
    assert.ok(failing.includes('irreversible-levels'));
    for (const id of failing) assert.ok(r.summary.some((row) => row.stage === 'check' && row.subject === id && row.verdict === 'fails'), `a row for ${id}`);
    assert.ok(r.summary.some((row) => row.stage === 'prove' && row.subject === 'quorum-arithmetic' && row.verdict === 'fails'), 'a de-escalation quorum of 1 of 3 is no strict majority');
  });

  it('says plainly which stages a policy cannot feed, and counts them neither as passes nor as failures', async () => {
    // The simulator holds only the private keys it derives from the seed, so it cannot sign for a pinned publicKey.
    const run = await runCli(['review', '--json', '--policy', fixture('policies/pinned-key.json')]);
    assert.equal(run.code, 0, run.err);
    const r = JSON.parse(run.out) as ReviewReport;
    const notRun = r.summary.filter((row) => row.verdict === 'not run');
    assert.deepEqual(notRun.map((row) => `${row.stage} ${row.subject}`), ['simulate port-resilience', 'simulate soak', 'gen-tests transition coverage against the simulator']);
    for (const row of notRun) assert.match(row.result, /admin a1 pins a publicKey/);
    assert.ok(r.summary.some((row) => row.stage === 'simulate' && row.subject.startsWith('side-channel') && row.verdict === 'holds'));
    const human = await runCli(['review', '--policy', fixture('policies/pinned-key.json')]);
    assert.match(human.out, /NOT RUN/);
    assert.match(human.out, /Every claim that ran holds; 3 stage\(s\) could not run/);
  });

  it('refuses a bad seed with exit 2 and a message naming the option', async () => {
    const run = await runCli(['review', '--seed', 'x']);
    assert.equal(run.code, 2);
    assert.match(run.err, /--seed/);
    assert.ok(!looksLikeCrash(run.err), run.err);
  });
});
