import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ProveReport } from '../../proofs/index.ts';

describe('proofs: a solver that overruns its timeout is abandoned, never waited for', () => {
  it('reports the overrunning query and every later one unknown, and the process still exits by itself', async () => {
    // In a child process: abandoning Z3 makes it unusable for the rest of the process. Its 300 s
    // limit is a hang detector (the run takes about 1.5 s), not a speed limit.
    const child = fileURLToPath(new URL('./fixtures/abandonSolver.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], { timeout: 300_000, encoding: 'utf8' });
    const report = JSON.parse(stdout) as ProveReport;
    const obligations = report.theorems.flatMap((t) => t.obligations);
    const first = obligations.findIndex((o) => o.status === 'unknown');
    assert.ok(first >= 0, 'some query lost the race against a 0 ms bound');
    assert.match(obligations[first]!.reason ?? '', /abandoned/);
    for (const o of obligations.slice(first + 1)) {
      assert.equal(o.status, 'unknown', o.name);
      assert.match(o.reason ?? '', /not attempted: Z3 was abandoned/, o.name);
    }
    assert.ok(report.theorems.every((t) => t.status !== 'proved' || t.obligations.every((o) => o.status === 'proved')));
    assert.equal(report.theorems.find((t) => t.id === 'quorum-arithmetic')?.status, 'unknown', 'the later theorem is not attempted, not proved');
  });
});
