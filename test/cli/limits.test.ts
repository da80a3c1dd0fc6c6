/**
 * Bounded by default, and exit 3 for "incomplete" (issue 25, finding 7; issue 23): a state cap for
 * `check` and `gen-tests`, a memory guard, an event cap for `replay`; each limit reached before anything is violated is exit 3 with one line saying which limit
 * and how to raise it, and a violation found first is still exit 1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPolicy } from '../../checker/index.ts';
import type { ProveReport } from '../../proofs/index.ts';
import type { ReviewReport } from '../../review/index.ts';
import { checkRows, proveRows, type SummaryRow } from '../../review/summary.ts';
import { reviewExitCode } from '../../cli/commands/review.ts';
import { DEFAULT_CHECK_MAX_STATES, DEFAULT_GEN_TESTS_MAX_STATES, DEFAULT_MAX_EVENTS } from '../../cli/limits.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { assertJsonError } from '../fuzz/campaign.ts';
import { looksLikeCrash, runCli } from './runCli.ts';

const UNSAFE = fileURLToPath(new URL('../fixtures/policies/unsafe.json', import.meta.url));

describe('cli: bounded by default; a limit reached before any violation is exit 3 with one line saying how to raise it', function () {
  this.timeout(120_000);

  it('check: --max-states reached with nothing failed is exit 3; a failure found before the cap is still exit 1', async () => {
    const capped = await runCli(['check', '--no-findings', '--max-states', '20']);
    assert.equal(capped.code, 3, capped.err);
    assert.match(capped.out, /^Stopped early at --max-states: /m);
    assert.match(capped.err, /^guillotine: incomplete: the search stopped at --max-states 20 \(\d+ states stored\) before finishing; \d+ properties are unknown, none failed; raise the cap with --max-states N\n$/);
    // unsafe.json breaks failsafe-only-raises at depth 1: found before any cap of a few hundred states.
    const failed = await runCli(['check', '--policy', UNSAFE, '--no-findings', '--max-states', '300', '--json']);
    assert.equal(failed.code, 1, failed.err);
    const report = JSON.parse(failed.out) as { complete: boolean; properties: { status: string }[] };
    assert.equal(report.complete, false);
    assert.ok(report.properties.some((p) => p.status === 'fail') && report.properties.some((p) => p.status === 'unknown'));
  });

  it(`check: the default cap (${DEFAULT_CHECK_MAX_STATES} states) leaves every state of the default policy without symmetry explored, and the help says the default and why`, async () => {
    const run = await runCli(['check', '--no-findings', '--no-symmetry', '--json']);
    assert.equal(run.code, 0, run.err);
    assert.equal((JSON.parse(run.out) as { complete: boolean; states: number }).complete, true);
    const help = await runCli(['check', '--help']);
    assert.match(help.out.replace(/\s+/g, ' '), /--max-states <n> stop once this many states are stored \(default 1,000,000: six times the largest shipped run/);
    assert.match(help.out, /3 incomplete: --max-states or the memory guard stopped the search/);
  });

  it('check: the memory guard stops the search at --max-memory, as exit 3 with a JSON error object under --json', async () => {
    // This process already uses more than 64 MiB, so the guard is reached at once.
    for (const json of [false, true]) {
      const run = await runCli(['check', '--max-memory', '64', ...(json ? ['--json'] : [])]);
      assert.equal(run.code, 3, run.err);
      assert.match(run.err, /^guillotine: incomplete: stopped by the memory guard: the process uses [\d,]+ MiB, more than 64 MiB \(set by --max-memory; raise it\), or bound the work with --max-states N\n$/);
      if (json) assertJsonError(run.out, 3, run.err);
      else assert.equal(run.out, '');
    }
  });



  it(`replay: a trace longer than --max-events (default ${DEFAULT_MAX_EVENTS}) replays its first events and exits 3, unless they violate a property`, async () => {
    const long = await runCli(['replay', '--path', 'heartbeat,heartbeat,heartbeat', '--max-events', '2', '--json']);
    assert.equal(long.code, 3, long.err);
    const report = JSON.parse(long.out) as { steps: unknown[]; incomplete: unknown };
    assert.equal(report.steps.length, 2);
    assert.deepEqual(report.incomplete, { limit: '--max-events', maxEvents: 2, events: 3 });
    assert.equal(long.err, 'guillotine: incomplete: replayed the first 2 of 3 events (--max-events 2), and none of them violates a property; raise the cap with --max-events N\n');
    // A violation within the first events wins: exit 1.
    const violated = await runCli(['replay', '--policy', UNSAFE, '--path', 'alarm:decapitation,propose:a1:offline,approve:a2,approve:a3,heartbeat', '--max-events', '4']);
    assert.equal(violated.code, 1, violated.err);
    // Within the cap, nothing changes: the shape of --json is as before.
    const short = await runCli(['replay', '--path', 'heartbeat', '--json']);
    assert.equal(short.code, 0);
    assert.ok(!('incomplete' in (JSON.parse(short.out) as object)));
  });

  it(`gen-tests: --max-states reached is exit 3 naming the cap (default ${DEFAULT_GEN_TESTS_MAX_STATES}), with nothing written and no directory left`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-limits-'));
    try {
      const out = join(dir, 'suite');
      const run = await runCli(['gen-tests', '--max-states', '10', '--out', out, '--json']);
      assert.equal(run.code, 3, run.err);
      assert.match(run.err, /guillotine: incomplete: the reachable graph has more than 10 states .*; the cap is --max-states 10: raise it with --max-states N\n$/);
      assertJsonError(run.out, 3, run.err);
      assert.ok(!existsSync(out), 'the --out directory made for the suite is removed again');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('review: a stage stopped by a limit is an INCOMPLETE row, exit 3; a failing row wins, exit 1', () => {
    const capped = checkPolicy(DEFAULT_POLICY, { maxStates: 5, findings: false });
    const rows = checkRows(capped);
    assert.equal(rows[0]!.verdict, 'incomplete');
    assert.ok(rows.slice(1).every((r) => r.verdict === 'incomplete' && r.result === 'unknown'));
    const unknownTheorem: ProveReport = {
      theorems: [{ id: 'quorum-arithmetic', status: 'unknown', seconds: 0, statement: '', assumptions: [], obligations: [], reason: 'timeout' }],
      controls: [{ id: 'c', theorem: 'quorum-arithmetic', description: '', expected: 'refuted', status: 'unknown', seconds: 0 }],
    } as unknown as ProveReport;
    assert.deepEqual(proveRows(unknownTheorem).map((r) => r.verdict), ['incomplete', 'incomplete']);
    const report = (summary: SummaryRow[]) => ({ summary, holds: summary.every((r) => r.verdict === 'holds') }) as unknown as ReviewReport;
    const holds: SummaryRow = { stage: 'simulate', subject: 's', result: 'ok', verdict: 'holds', seconds: 0 };
    const fails: SummaryRow = { ...holds, verdict: 'fails' };
    assert.equal(reviewExitCode(report([holds, ...rows])), 3);
    assert.equal(reviewExitCode(report([fails, ...rows])), 1);
    assert.equal(reviewExitCode(report([holds])), 0);
  });

  it('states the four exit statuses in guillotine --help and in the help of each command that reaches a limit', async () => {
    assert.match((await runCli(['--help'])).out, /Exit status: 0 every claim holds; 1 a claim is violated; 2 bad input; 3 incomplete/);
    for (const command of ['check', 'replay', 'prove', 'gen-tests', 'review']) {
      assert.match((await runCli([command, '--help'])).out.replace(/\s+/g, ' '), /Exit status: .*2 bad input.*3 incomplete/, command);
    }
  });

  it('never prints a stack for a limit, and says which limit in one line', async () => {
    const run = await runCli(['check', '--max-states', '3']);
    assert.ok(!looksLikeCrash(run.err), run.err);
    assert.equal(run.err.trimEnd().split('\n').filter((l) => l.startsWith('guillotine: ')).length, 1);
  });
});
