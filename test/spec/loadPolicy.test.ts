/**
 * The reader of the files a user hands the workbench (policies and traces): what it accepts, and
 * that what it refuses is said in one printable message naming the file, the key and where it is.
 * docs/protocol.md §6: bad input gets one clear message and exit 2, never a stack trace. Every call of the
 * code under test is inside its `it`, so the mutation run sees each one with its mutant active.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MAX_FILE_BYTES, parsePolicyText, readJsonText, readUserFile } from '../../spec/loadPolicy.ts';
import { SEED } from '../seed.ts';

/** readJsonText's verdict on a text, which must be a refusal: its message. */
function refusal(text: string): string {
  const r = readJsonText(text, 'trace file "t.json"', 'trace is {"events": []}');
  if (r.ok) assert.fail(`expected ${JSON.stringify(text.slice(0, 200))} to be refused, it was read as ${JSON.stringify(r.json).slice(0, 200)}`);
  return r.message;
}

/** readJsonText's verdict on a text, which must be accepted: the value read. */
function accepted(text: string): unknown {
  const r = readJsonText(text, 'trace file "t.json"', 'trace is {"events": []}');
  if (!r.ok) assert.fail(`expected ${JSON.stringify(text.slice(0, 200))} to be read, it was refused: ${r.message}`);
  return r.json;
}

describe('spec/loadPolicy: readJsonText reads JSON as written, and says why it does not', () => {
  it('ignores a leading byte-order mark but keeps the same character inside a string', () => {
    assert.deepEqual(accepted('\uFEFF{"k":"\uFEFF"}'), { k: '\uFEFF' });
    assert.deepEqual(accepted('{"k":"a\uFEFFb"}'), { k: 'a\uFEFFb' });
  });

  it('calls a file of only blanks empty and shows the smallest valid file, rather than a JSON syntax error', () => {
    for (const blank of ['', '   ', '\n\t \r\n', '\uFEFF \n']) {
      const message = refusal(blank);
      assert.match(message, /^trace file "t\.json" is empty; /, JSON.stringify(blank));
      assert.ok(message.includes('trace is {"events": []}'), message);
    }
  });

  it('names a policy given as text with no file name "policy"', () => {
    const r = parsePolicyText(' \n');
    assert.ok(!r.ok);
    assert.equal(r.problems[0]!.path, '(file)');
    assert.match(r.problems[0]!.message, /^policy is empty; the smallest policy is \{"admins"/);
  });

  it('refuses a key written twice in the top-level object, naming the key and the object', () => {
    const message = refusal('{"quorum":1,"admins":[],"quorum":2}');
    assert.match(message, /^trace file "t\.json" gives the key "quorum" twice in the top-level object; write each key once$/);
  });

  it('names the object holding a repeated key by its path of keys and array indices', () => {
    assert.match(refusal('{"a":{"b":[{"x":1},{"y":[],"c":{"k":1,"k":2}}]}}'), /the key "k" twice in the object at a\.b\[1\]\.c;/);
    assert.match(refusal('[[1,2],[3],{"a":1,"a":2}]'), /the key "a" twice in the object at \[2\];/);
    assert.match(refusal('{"events":[{},{},{"at":1},{"at":1,"at":2}]}'), /the key "at" twice in the object at events\[3\];/);
  });

  it('prints the path of the object with a repeated key safely: escapes and a length limit, whatever its keys', () => {
    // The path is made of the file's own keys: a crafted key must not reach the terminal raw.
    const escape = refusal('{"\\u001b[2J":{"a":1,"a":2}}');
    assert.ok(!escape.includes('\u001b'), 'no raw escape character');
    assert.match(escape, /the object at \\u001b\[2J;/);
    const long = refusal(`{"${'k'.repeat(100_000)}":{"a":1,"a":2}}`);
    assert.ok(long.length < 400, `${long.length} characters`);
  });

  it('finds a repeated key after nested arrays and objects have closed, and no false one inside them', () => {
    assert.match(refusal('{"list":[1,[2]],"obj":{"x":{"y":1}},"x":2,"list":3}'), /the key "list" twice in the top-level object;/);
  });

  it('treats a key spelled with an escape as the key it spells', () => {
    assert.match(refusal('{"id":1,"\\u0069d":2}'), /the key "id" twice in the top-level object;/);
    assert.match(refusal('{"a\\"b":1,"a\\"b":2}'), /the key "a\\"b" twice/);
  });

  it('accepts different keys however alike, and string values that look like keys', () => {
    assert.deepEqual(accepted('{"a1":1,"a2":2,"ab":3,"ac":4}'), { a1: 1, a2: 2, ab: 3, ac: 4 });
    assert.deepEqual(accepted('{"name":"x","x":1}'), { name: 'x', x: 1 }, 'a value is not a key');
    // A value holding escaped quotes, commas and braces is one string, not more keys.
    assert.deepEqual(accepted('{"a":"x\\",\\"a\\":{\\"b","b":1}'), { a: 'x","a":{"b', b: 1 });
    assert.deepEqual(accepted('{"a":"back\\\\","a2":1}'), { a: 'back\\', a2: 1 });
  });

  it(`reads every JSON value written out by JSON.stringify as that value (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 0, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        assert.deepEqual(accepted(text), JSON.parse(text));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  /** One step from a container to the next one inward: an array's element or an object's key. */
  type Step = { readonly index: number } | { readonly key: string };
  /** Keys with the characters that could confuse a scanner of JSON text: quotes, backslashes, brackets, commas. */
  const key = fc.string({ unit: fc.constantFrom('a', 'b', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'é'), minLength: 1, maxLength: 4 });
  const filler = fc.jsonValue({ maxDepth: 2 });

  it(`refuses a key written twice in an object at any depth, naming the key and the object's path (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ index: fc.nat({ max: 3 }) }), fc.record({ key })), { maxLength: 4 }),
        key,
        fc.uniqueArray(key, { maxLength: 3 }),
        fc.nat({ max: 3 }),
        fc.array(filler, { minLength: 8, maxLength: 8 }),
        (steps: Step[], twice, others, at, fill) => {
          // The innermost object: the repeated key at position `at` among the others, and again last.
          const entries = others.filter((k) => k !== twice).map((k, i) => `${JSON.stringify(k)}:${JSON.stringify(fill[i])}`);
          entries.splice(Math.min(at, entries.length), 0, `${JSON.stringify(twice)}:1`);
          let text = `{${[...entries, `${JSON.stringify(twice)}:2`].join(',')}}`;
          for (const step of [...steps].reverse()) {
            text = 'index' in step
              ? `[${[...fill.slice(0, step.index).map((v) => JSON.stringify(v)), text].join(',')}]`
              : `{${JSON.stringify(step.key === 'a' ? 'b' : 'a')}:${JSON.stringify(fill[7])},${JSON.stringify(step.key)}:${text}}`;
          }
          // The path as the message writes it: keys joined by dots, indices in brackets.
          let path = '';
          for (const step of steps) path += 'index' in step ? `[${step.index}]` : path === '' ? step.key : `.${step.key}`;
          const where = path === '' ? 'the top-level object' : `the object at ${path}`;
          const message = refusal(text);
          assert.ok(message.includes(` gives the key ${JSON.stringify(twice)} twice in ${where}; `), `${text}\n${message}`);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('spec/loadPolicy: readUserFile reads only a regular file of bounded size, and closes it', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-loadPolicy-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A file of `size` bytes that takes no disk space (a sparse file of zeros). */
  function sparseFile(name: string, size: number): string {
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    try {
      ftruncateSync(fd, size);
    } finally {
      closeSync(fd);
    }
    return path;
  }

  it('refuses a device such as /dev/null, which is not a regular file, and says what to give instead', function () {
    if (!existsSync('/dev/null')) this.skip();
    const r = readUserFile('/dev/null');
    assert.ok(!r.ok);
    assert.match(r.why, /not a regular file.*give a JSON file/);
  });

  it(`refuses a file of more than ${MAX_FILE_BYTES} bytes without reading it, naming its size and the limit, and reads one of exactly that size`, () => {
    const over = readUserFile(sparseFile('over.json', MAX_FILE_BYTES + 1));
    assert.ok(!over.ok);
    assert.ok(over.why.includes(String(MAX_FILE_BYTES + 1)) && over.why.includes(`at most ${MAX_FILE_BYTES}`), over.why);
    const limit = readUserFile(sparseFile('limit.json', MAX_FILE_BYTES));
    assert.ok(limit.ok, !limit.ok ? limit.why : '');
    assert.equal(limit.text.length, MAX_FILE_BYTES);
  });

  it('leaves no file descriptor open, whether it reads the file or refuses it (replaying many traces must not run out)', function () {
    if (!existsSync('/proc/self/fd')) this.skip();
    const good = join(dir, 'good.json');
    writeFileSync(good, '{}');
    const big = sparseFile('big.json', MAX_FILE_BYTES + 1);
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 3; i++) {
      assert.ok(readUserFile(good).ok);
      assert.ok(!readUserFile(dir).ok);
      assert.ok(!readUserFile(big).ok);
      if (existsSync('/dev/null')) assert.ok(!readUserFile('/dev/null').ok);
      assert.ok(!readUserFile(join(dir, 'missing.json')).ok);
    }
    assert.equal(open(), before);
  });
});
