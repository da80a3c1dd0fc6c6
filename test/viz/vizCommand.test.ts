import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startVizProcess, type VizProcess } from './vizProcess.ts';

const BIN = fileURLToPath(new URL('../../bin/guillotine.js', import.meta.url));

/** `guillotine viz` with a marker in its environment, to find any process it leaves behind. */
function startViz(marker: string, args: readonly string[] = []): Promise<VizProcess> {
  return startVizProcess(args, { env: { ...process.env, GUILLOTINE_TEST_MARKER: marker } });
}

/** Processes (other than this one) whose environment carries the marker. */
function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`GUILLOTINE_TEST_MARKER=${marker}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Waits until stderr shows that the sections are being computed (the worker thread is busy). */
async function whileSectionsCompute(viz: VizProcess): Promise<void> {
  await fetch(`${viz.url}api/sections`);
  for (let i = 0; i < 600 && !/viz: check…/.test(viz.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(viz.stderr(), /viz: check…/, 'the sections started');
}

describe('guillotine viz as a process', function () {
  this.timeout(60_000);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`ends_at_once_on_${signal}_while_the_sections_compute_with_one_line_and_nothing_left_running`, async () => {
      const marker = randomUUID();
      const viz = await startViz(marker);
      await whileSectionsCompute(viz);
      const sent = performance.now();
      viz.child.kill(signal);
      const { code, at } = await viz.exited;
      // Not a speed target (those live in `npm run bench`): the sections alone take tens of seconds,
      // so exiting well before they could finish shows they were stopped, not waited for.
      console.log(`      exited ${Math.round(at - sent)} ms after ${signal}`);
      assert.ok(at - sent < 8000, `viz took ${Math.round(at - sent)} ms to exit`);
      assert.equal(code, 0);
      const lines = viz.stderr().split('\n').filter((l) => l.startsWith('viz: stopped'));
      assert.deepEqual(lines, [`viz: stopped (${signal}); the server and the sections thread are closed`]);
      assert.deepEqual(processesWithMarker(marker), [], 'no process is left behind');
    });
  }

  it('leaves_no_orphan_when_it_is_killed_outright', async () => {
    const marker = randomUUID();
    const viz = await startViz(marker);
    await whileSectionsCompute(viz);
    viz.child.kill('SIGKILL');
    await viz.exited;
    // The sections run on a thread of the viz process, not in a child process: nothing can outlive it.
    for (let i = 0; i < 20 && processesWithMarker(marker).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(processesWithMarker(marker), []);
  });

  it('builds_only_the_sections_named_by_--sections_the_protocol_proofs_among_them_and_refuses_an_unknown_one', async () => {
    const viz = await startViz(randomUUID(), ['--sections', 'protocol,check']);
    const listed = (await (await fetch(`${viz.url}api/sections`)).json()) as { sections: { id: string }[] };
    assert.deepEqual(listed.sections.map((s) => s.id), ['check', 'protocol'], 'in page order, and nothing else');
    viz.child.kill('SIGINT');
    assert.equal((await viz.exited).code, 0);
    const child = spawn(process.execPath, [BIN, 'viz', '--sections', 'check,bogus'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    assert.equal(await new Promise<number | null>((resolve) => child.on('exit', resolve)), 2);
    assert.match(err, /^guillotine: --sections takes a comma-separated list of check, .*protocol.*; got "check,bogus"\n$/);
  });

  it('refuses_watch_without_a_policy_file', async () => {
    const child = spawn(process.execPath, [BIN, 'viz', '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.equal(err, 'guillotine: --watch needs --policy FILE (the file to re-check when it is saved) or --log FILE (the log to follow)\n');
  });
});
