/**
 * Reads of a user's file bounded by the bytes actually read (issue 25, finding 2):
 * `guillotine check --policy /proc/self/pagemap` read 7 GB in 190 s, because procfs reports a size
 * of 0 and the 64 MB check trusted it. Kernel pseudo files, devices, pipes and sockets are refused
 * at once, and a read never takes more than the cap, whatever stat said.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBounded, readUserFile } from '../../spec/readUserFile.ts';
import { runCli } from '../cli/runCli.ts';

describe('spec/readUserFile: a file a user names is read only if it is a regular file, and never past the cap', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-readUserFile-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a procfs file that streams without end (size 0 in stat), at once, saying what it is', function () {
    if (!existsSync('/proc/self/pagemap')) this.skip();
    const r = readUserFile('/proc/self/pagemap');
    assert.ok(!r.ok);
    assert.equal(r.why, 'it is a file the kernel makes up as it is read (procfs (/proc)), not a JSON file; give a JSON file');
  });

  it('refuses sysfs files too', function () {
    if (!existsSync('/sys/kernel/mm/transparent_hugepage/enabled')) this.skip();
    const r = readUserFile('/sys/kernel/mm/transparent_hugepage/enabled');
    assert.ok(!r.ok);
    assert.match(r.why, /sysfs/);
  });

  it('stops reading one byte past the cap, whatever the file claims: /dev/zero never ends', function () {
    if (!existsSync('/dev/zero')) this.skip();
    const fd = openSync('/dev/zero', 'r');
    try {
      const r = readBounded(fd, 100_000);
      assert.ok(!r.ok);
      assert.equal(r.why, 'it holds more than 100000 bytes (counted as read); at most 100000 are read');
    } finally {
      closeSync(fd);
    }
  });

  it('names a named pipe and a socket as what they are, without blocking on them', async function () {
    const fifo = join(dir, 'policy.fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      this.skip();
    }
    const r = readUserFile(fifo);
    assert.ok(!r.ok);
    assert.equal(r.why, 'it is not a regular file (a named pipe); give a JSON file');
    const socketPath = join(dir, 'policy.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const s = readUserFile(socketPath);
      assert.ok(!s.ok);
      // Opening a Unix socket fails on Linux (ENXIO), in words either way.
      assert.match(s.why, /socket|no such device or address/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers `check --policy /proc/self/pagemap` with exit 2 and one line at once, instead of reading gigabytes', async function () {
    if (!existsSync('/proc/self/pagemap')) this.skip();
    const run = await runCli(['check', '--policy', '/proc/self/pagemap']);
    assert.equal(run.code, 2);
    assert.equal(run.err, 'guillotine: bad policy: cannot read policy file "/proc/self/pagemap": it is a file the kernel makes up as it is read (procfs (/proc)), not a JSON file; give a JSON file\n');
  });
});
