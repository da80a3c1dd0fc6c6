import assert from 'node:assert/strict';
import fs, { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileErrorWords, makeDirectory } from '../../spec/fileError.ts';

/** A fresh scratch directory per test, removed after it: nothing is ever written inside the repository. */
function withScratch(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'guillotine-fileError-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The error `body` throws, or a failed assertion when it returns normally. */
function thrown(body: () => void): NodeJS.ErrnoException {
  try {
    body();
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  assert.fail('expected an error, but the call returned');
}

/**
 * Runs `body` while `existsSync` answers false for `path` once, after `meanwhile` has run: the
 * check-then-make race in which another process makes the directory between makeDirectory's look
 * and its mkdir. The ESM binding of node:fs is synced to the patched function and restored after.
 */
function withRaceOn(path: string, meanwhile: () => void, body: () => void): void {
  const realExists = fs.existsSync;
  let raced = false;
  fs.existsSync = (p: fs.PathLike): boolean => {
    if (!raced && p === path && !realExists(p)) {
      raced = true;
      meanwhile();
      return false;
    }
    return realExists(p);
  };
  syncBuiltinESMExports();
  try {
    body();
  } finally {
    fs.existsSync = realExists;
    syncBuiltinESMExports();
  }
  assert.ok(raced, `the race on ${path} never happened`);
}

describe('spec/fileError: file-system errors in words, and a mkdir -p that always returns', () => {
  describe('fileErrorWords', () => {
    it('says a known error code in words a user understands', () => {
      assert.match(fileErrorWords({ code: 'ENOENT' }), /no such file/);
      assert.match(fileErrorWords({ code: 'EISDIR' }), /directory/);
      assert.match(fileErrorWords({ code: 'EACCES' }), /permission denied/);
    });

    it('says the words for the real error of reading a missing file', () => {
      withScratch((dir) => {
        const error = thrown(() => fs.readFileSync(join(dir, 'missing.json')));
        assert.match(fileErrorWords(error), /no such file/);
      });
    });

    it('says EIO and EINVAL in words, which the hardening probe met bare', () => {
      assert.match(fileErrorWords({ code: 'EIO' }), /^an input\/output error/);
      assert.match(fileErrorWords({ code: 'EINVAL' }), /^the file system refused the operation as invalid/);
      assert.doesNotMatch(fileErrorWords({ code: 'EIO' }), /EIO/);
    });

    it('says any other code the system knows in the system\'s words, with the code', () => {
      assert.equal(fileErrorWords({ code: 'EHOSTDOWN' }), 'host is down (EHOSTDOWN)');
      assert.equal(fileErrorWords({ code: 'ECONNREFUSED' }), 'connection refused (ECONNREFUSED)');
    });

    it('falls back to the code itself for a code it has no words for', () => {
      assert.equal(fileErrorWords(Object.assign(new Error('weird failure'), { code: 'EWEIRD' })), 'EWEIRD');
      assert.equal(fileErrorWords({ code: 'ESTRANGE' }), 'ESTRANGE');
      // A code that names a property every object has is still just a code, not Object.prototype's function.
      assert.equal(fileErrorWords({ code: 'toString' }), 'toString');
      assert.equal(fileErrorWords({ code: 'constructor' }), 'constructor');
    });

    it("gives a plain Error's message, and anything else as text", () => {
      assert.equal(fileErrorWords(new Error('disk on fire')), 'disk on fire');
      assert.equal(fileErrorWords('just a string'), 'just a string');
      assert.equal(fileErrorWords(42), '42');
      assert.equal(fileErrorWords(undefined), 'undefined');
      assert.equal(fileErrorWords(null), 'null');
    });
  });

  describe('makeDirectory', () => {
    it('makes every missing directory of a nested path, and says which it made, outermost first', () => {
      withScratch((dir) => {
        const deep = join(dir, 'a', 'b', 'c');
        assert.deepEqual(makeDirectory(deep), [join(dir, 'a'), join(dir, 'a', 'b'), deep]);
        assert.deepEqual(makeDirectory(deep), [], 'nothing made when it is there');
        assert.ok(statSync(deep).isDirectory());
      });
    });

    it('makes the missing part under an existing directory, and accepts a relative-looking path', () => {
      withScratch((dir) => {
        mkdirSync(join(dir, 'a'));
        makeDirectory(join(dir, 'a', '.', 'b', '..', 'b', 'c'));
        assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
      });
    });

    it('accepts a directory that already exists, leaving its contents alone', () => {
      withScratch((dir) => {
        writeFileSync(join(dir, 'keep.txt'), 'kept');
        makeDirectory(dir);
        assert.equal(fs.readFileSync(join(dir, 'keep.txt'), 'utf8'), 'kept');
      });
    });

    it('refuses a file where the directory should be, with EEXIST', () => {
      withScratch((dir) => {
        const file = join(dir, 'out');
        writeFileSync(file, 'not a directory');
        assert.equal(thrown(() => makeDirectory(file)).code, 'EEXIST');
        assert.ok(statSync(file).isFile());
      });
    });

    it('refuses a path that runs through a file, with ENOTDIR', () => {
      withScratch((dir) => {
        const file = join(dir, 'out');
        writeFileSync(file, 'not a directory');
        assert.equal(thrown(() => makeDirectory(join(file, 'sub', 'deeper'))).code, 'ENOTDIR');
      });
    });

    it('fails with ENOENT under /proc instead of hanging', function () {
      // Where Node's own recursive mkdir spins forever; a hang here ends in mocha's timeout.
      if (!fs.existsSync('/proc/self')) this.skip();
      assert.equal(thrown(() => makeDirectory('/proc/guillotine-no-such/out')).code, 'ENOENT');
      assert.equal(thrown(() => makeDirectory('/proc/guillotine-no-such')).code, 'ENOENT');
    });

    it("reports mkdir's own refusal (not permitted, read-only), not the ENOENT that a look at the missing directory afterwards gives", function () {
      // sysfs refuses every mkdir, even root's: EPERM, or EROFS where it is mounted read-only.
      if (!fs.existsSync('/sys/kernel')) this.skip();
      const code = thrown(() => makeDirectory('/sys/guillotine-no-such')).code;
      assert.ok(code === 'EPERM' || code === 'EROFS' || code === 'EACCES', `got ${code}`);
    });

    it('accepts a directory someone else made meanwhile', () => {
      withScratch((dir) => {
        const a = join(dir, 'a');
        withRaceOn(a, () => mkdirSync(a), () => makeDirectory(join(a, 'b')));
        assert.ok(statSync(join(a, 'b')).isDirectory());
      });
    });

    it('refuses a file someone else put where a directory was to be made', () => {
      withScratch((dir) => {
        const a = join(dir, 'a');
        let error: NodeJS.ErrnoException | undefined;
        withRaceOn(a, () => writeFileSync(a, 'in the way'), () => {
          error = thrown(() => makeDirectory(join(a, 'b')));
        });
        assert.equal(error?.code, 'EEXIST');
      });
    });
  });
});
