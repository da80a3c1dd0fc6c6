/**
 * The one writer of the workbench's outputs (issue 25, findings 3 and 4): a temporary file beside
 * the destination renamed into place, a set renamed only once all of it is written, and a symbolic
 * link at a destination refused, never followed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically, writeFilesAtomically } from '../../spec/atomicWrite.ts';

describe('spec/atomicWrite: outputs replaced whole, as a set, never through a link', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-atomicWrite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a new file and replaces an old one, leaving no temporary file behind', () => {
    const path = join(dir, 'out.json');
    assert.deepEqual(writeFileAtomically(path, 'one'), { ok: true, paths: [path] });
    assert.equal(readFileSync(path, 'utf8'), 'one');
    assert.deepEqual(writeFileAtomically(path, Buffer.from('two')), { ok: true, paths: [path] });
    assert.equal(readFileSync(path, 'utf8'), 'two');
    assert.deepEqual(readdirSync(dir), ['out.json']);
  });

  it('keeps the mode of the file it replaces', () => {
    const path = join(dir, 'script.sh');
    writeFileSync(path, 'old');
    chmodSync(path, 0o750);
    assert.ok(writeFileAtomically(path, 'new').ok);
    assert.equal(statSync(path).mode & 0o777, 0o750);
  });

  it("refuses a symbolic link at the destination, naming its target, and leaves the link's target untouched", () => {
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'precious');
    const link = join(dir, 'out.html');
    symlinkSync(target, link);
    const r = writeFileAtomically(link, 'overwritten?');
    assert.deepEqual(r, { ok: false, path: link, why: `it is a symbolic link to ${JSON.stringify(target)}, which is never followed; remove the link or write somewhere else` });
    assert.equal(readFileSync(target, 'utf8'), 'precious');
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link itself is left as it was');
    // A dangling link is refused as well: following it would create a file wherever it points.
    const dangling = join(dir, 'dangling.html');
    symlinkSync(join(dir, 'nowhere', 'x'), dangling);
    assert.ok(!writeFileAtomically(dangling, 'x').ok);
  });

  it('refuses a directory and a named pipe at the destination, in words', function () {
    const sub = join(dir, 'a.trace.json');
    mkdirSync(sub);
    assert.deepEqual(writeFileAtomically(sub, 'x'), { ok: false, path: sub, why: 'it is a directory; give a file name' });
    const fifo = join(dir, 'fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      this.skip();
    }
    const r = writeFileAtomically(fifo, 'x');
    assert.ok(!r.ok);
    assert.match(r.why, /not a regular file/);
  });

  it('renames none of a set when one of its files cannot be written, and leaves no temporary file', () => {
    const module = join(dir, 'Guillotine.tla');
    const config = join(dir, 'Guillotine.cfg');
    writeFileSync(module, 'old module');
    mkdirSync(config); // the .cfg path blocked by a directory
    const r = writeFilesAtomically([{ path: module, text: 'new module' }, { path: config, text: 'new config' }]);
    assert.ok(!r.ok);
    assert.equal(r.path, config);
    assert.equal(readFileSync(module, 'utf8'), 'old module', 'the module alone was not replaced');
    assert.deepEqual(readdirSync(dir).sort(), ['Guillotine.cfg', 'Guillotine.tla']);
  });

  it('renames none of a set when a later file fails while being written, and removes the earlier temporary files', () => {
    const first = join(dir, 'suite.json');
    writeFileSync(first, 'old suite');
    const unwritable = join(dir, 'missing', 'coverage.json');
    const r = writeFilesAtomically([{ path: first, text: 'new suite' }, { path: unwritable, text: 'new report' }]);
    assert.deepEqual(r, { ok: false, path: unwritable, why: 'no such file or directory' });
    assert.equal(readFileSync(first, 'utf8'), 'old suite');
    assert.deepEqual(readdirSync(dir), ['suite.json'], 'the temporary file of suite.json is gone');
  });

  it('says why a directory that does not exist cannot hold the file, and writes nothing', () => {
    const inside = join(dir, 'missing', 'out.json');
    assert.deepEqual(writeFileAtomically(inside, 'x'), { ok: false, path: inside, why: 'no such file or directory' });
  });

  it('refuses a read-only file system in words (/proc), with no stack and no temporary file', function () {
    const r = writeFileAtomically('/proc/guillotine-out.json', 'x');
    assert.ok(!r.ok);
    assert.match(r.why, /^[a-z]/, r.why);
    assert.doesNotMatch(r.why, /^E[A-Z]+$/, 'in words, not a bare code');
  });
});
