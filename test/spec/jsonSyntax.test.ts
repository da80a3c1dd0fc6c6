/**
 * Bad JSON told in the workbench's words (issue 23): a syntax error gives the line and column, what
 * was expected and what was found, never the engine's "position 66". The scanner must agree with
 * JSON.parse on what is JSON, or it would point at an error that is not there.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeJsonSyntaxError, lineAndColumn, scanJson, type JsonSyntaxError } from '../../spec/jsonSyntax.ts';
import { SEED } from '../seed.ts';

function errorOf(text: string): JsonSyntaxError {
  const scan = scanJson(text);
  if (scan.ok) assert.fail(`expected ${JSON.stringify(text)} to be refused`);
  return scan.error;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON text broken one way: a character deleted, inserted or replaced, or the text cut short. */
const mutatedJson = fc
  .tuple(fc.json({ maxDepth: 3 }), fc.constantFrom(undefined, 2), fc.nat(), fc.constantFrom('delete', 'insert', 'replace', 'cut'), fc.constantFrom(...'{}[]:,"\'\\ \n\t0-1.e+truefalsnx/*é\u0000\u001f'.split('')))
  .map(([json, indent, at, how, c]) => {
    const text = JSON.stringify(JSON.parse(json), null, indent);
    const i = text.length === 0 ? 0 : at % text.length;
    if (how === 'delete') return text.slice(0, i) + text.slice(i + 1);
    if (how === 'insert') return text.slice(0, i) + c + text.slice(i);
    if (how === 'replace') return text.slice(0, i) + c + text.slice(i + 1);
    return text.slice(0, i);
  });

describe(`spec/jsonSyntax: where a file stops being JSON, in words, with line and column (fast-check seed ${SEED})`, () => {
  it(`accepts exactly what JSON.parse accepts, over broken and whole JSON texts (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.oneof(mutatedJson, fc.json().map((j) => JSON.stringify(JSON.parse(j), null, 1))), (text) => {
        assert.equal(scanJson(text).ok, parses(text), JSON.stringify(text));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('names the line and column of a missing comma, and the string found instead', () => {
    const e = errorOf('{\n  "admins": [{"id": "a1"}],\n  "quorum": {"escalate": 1 "deescalate": 1}\n}\n');
    assert.deepEqual([e.line, e.column], [3, 28]);
    assert.equal(describeJsonSyntaxError(e), 'line 3, column 28: expected "," or "}" after a value in an object, found the string "deescalate"');
  });

  it('counts columns in characters: an emoji before the error is one column, not two', () => {
    const e = errorOf('["😀😀" x]');
    assert.deepEqual([e.line, e.column], [1, 7], '[ " 😀 😀 " space x: x is the seventh character');
    assert.deepEqual(lineAndColumn('a\nb😀c', 5), { line: 2, column: 3 }, 'c, after b and the emoji');
  });

  it('explains the common mistakes: a trailing comma, single quotes, a comment, Python literals, a string across lines, a leading zero', () => {
    assert.match(describeJsonSyntaxError(errorOf('[1, 2,]')), /^line 1, column 7: expected a value .*, found "\]" \(a comma before "\]": JSON allows no comma after the last element\)$/);
    assert.match(describeJsonSyntaxError(errorOf('{"a": 1,}')), /found "\}" \(a comma before "\}": JSON allows no comma after the last member\)$/);
    assert.match(describeJsonSyntaxError(errorOf("{'admins': []}")), /found "'" \(JSON strings and keys are written in double quotes, not single quotes\)$/);
    assert.match(describeJsonSyntaxError(errorOf('{"a": 1 // one\n}')), /found "\/" \(JSON has no comments\)$/);
    assert.match(describeJsonSyntaxError(errorOf('{"a": True}')), /found "True" \(JSON's literals are true, false and null, in lower case/);
    assert.match(describeJsonSyntaxError(errorOf('{"a": "one\ntwo"}')), /a string cannot span lines/);
    assert.match(describeJsonSyntaxError(errorOf('{"a": 01}')), /no leading zero/);
    assert.match(describeJsonSyntaxError(errorOf('{"a": 1} {"b": 2}')), /expected nothing more: the JSON value has ended/);
    assert.match(describeJsonSyntaxError(errorOf('{"a": "x')), /expected a closing " for the string that starts at line 1, column 7, found the end of the file$/);
  });

  it('scans 100,000 levels of nesting without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    assert.ok(scanJson(deep).ok);
    const e = errorOf('['.repeat(100_000) + ']'.repeat(99_999));
    assert.equal(e.found, 'the end of the file');
  });

  it('finds the line of each element of a top-level list, for naming a bad event by its line', () => {
    const text = '{\n  "events": [\n    {"type": "heartbeat"},\n\n    {"type": "mce"}, {"type": "timeout"}\n  ],\n  "cycle": [[1,\n2], 3]\n}';
    const scan = scanJson(text, ['events', 'cycle', 'missing']);
    assert.ok(scan.ok);
    assert.deepEqual(scan.elementLines.get('events'), [3, 5, 5]);
    assert.deepEqual(scan.elementLines.get('cycle'), [7, 8], 'only the list\'s own elements, not those nested in them');
    assert.equal(scan.elementLines.get('missing'), undefined);
  });
});
