/**
 * User text on a terminal (issue 25, finding 5): `guillotine replay --path $'approve:\e]0;PWN\a…'`
 * set the terminal's title and colours, the C1 byte `\xc2\x9b` did the same from a trace file, and
 * `--json` printed U+009B and U+2028 raw. One function shows every such character as an escape and
 * cuts text only between graphemes; these tests state its laws.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cutText, quoted, terminalSafe, terminalSafeJson } from '../../spec/terminalText.ts';
import { SEED } from '../seed.ts';

/** Every character a terminal may act on, or that is not text, as the function promises to escape. */
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Characters of every kind: plain, controls, C1, bidirectional, separators, emoji halves, combining marks. */
const character = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', ' ', '-', '"', '\\', 'é', '中', '👍', '🇫🇷', '👨‍👩‍👧', 'e\u0301') },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom('\u007f', '\u0085', '\u009b', '\u009d', '\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069') },
  { weight: 1, arbitrary: fc.constantFrom('\ud83d', '\ude00', '\udbff', '\udc00') },
);
const text = fc.string({ unit: character, maxLength: 80 });

const graphemes = (s: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);

describe(`spec/terminalText: user text is shown, never obeyed, and never cut inside a character (fast-check seed ${SEED})`, () => {
  it('shows the sequences the hardening probe sent as visible escapes', () => {
    // OSC title, CSI colour, the one-byte C1 CSI (UTF-8 c2 9b), a right-to-left override, a line separator.
    assert.equal(terminalSafe('approve:\u001b]0;PWN\u0007\u001b[31mRED'), 'approve:\\u001b]0;PWN\\u0007\\u001b[31mRED');
    assert.equal(terminalSafe(Buffer.from([0x61, 0xc2, 0x9b, 0x32, 0x4a]).toString('utf8')), 'a\\u009b2J');
    assert.equal(terminalSafe('a1\u202egnp.exe'), 'a1\\u202egnp.exe');
    assert.equal(terminalSafe('x\u2028y\u2029z\u007f'), 'x\\u2028y\\u2029z\\u007f');
    assert.equal(terminalSafe('tab\tline\nreturn\r'), 'tab\\tline\\nreturn\\r');
    // A lone half of a surrogate pair is not text; a whole pair is an emoji and stays.
    assert.equal(terminalSafe('\ud83d!\ude00😀'), '\\ud83d!\\ude00😀');
  });

  it('keeps line breaks and tabs of a layout the workbench made, and nothing else active', () => {
    assert.equal(terminalSafe('a\tb\nc\u001b[2J\r', { layout: true }), 'a\tb\nc\\u001b[2J\\r');
  });

  it(`leaves no character a terminal acts on, whatever the text and options (seed ${SEED})`, () => {
    fc.assert(
      fc.property(text, fc.option(fc.nat({ max: 90 })), fc.option(fc.integer({ min: 1, max: 30 })), fc.boolean(), (t, limit, longestRun, layout) => {
        const out = terminalSafe(t, { ...(limit === null ? {} : { limit }), ...(longestRun === null ? {} : { longestRun }), layout });
        const active = layout ? out.replace(/[\n\t]/g, '') : out;
        assert.doesNotMatch(active, ACTIVE, JSON.stringify(out));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it(`is the identity on text with nothing active, and idempotent on everything (seed ${SEED})`, () => {
    fc.assert(
      fc.property(text, (t) => {
        if (!ACTIVE.test(t)) assert.equal(terminalSafe(t), t);
        assert.equal(terminalSafe(terminalSafe(t)), terminalSafe(t));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('cuts between graphemes: an emoji, a flag, a family and an accented letter are kept whole or left out whole', () => {
    assert.equal(cutText('ab😀cd', 3), 'ab…');
    assert.equal(cutText('ab😀cd', 4), 'ab😀…');
    assert.equal(cutText('x🇫🇷🇩🇪', 3), 'x…', 'a flag is two code points, four UTF-16 units');
    assert.equal(cutText('x🇫🇷🇩🇪', 5), 'x🇫🇷…');
    assert.equal(cutText('👨‍👩‍👧 family', 5), '…', 'a family of three joined by zero-width joiners is 8 units, one grapheme');
    assert.equal(cutText('e\u0301e\u0301e\u0301', 3), 'e\u0301…');
    assert.equal(cutText('x'.repeat(120), 120), 'x'.repeat(120), 'up to the limit, inclusive, nothing is cut');
    assert.equal(cutText('x'.repeat(121), 120), `${'x'.repeat(120)}…`);
    // One grapheme of 10,000 combining marks is longer than any limit: left out whole.
    assert.equal(cutText(`a${'\u0301'.repeat(10_000)}b`, 40), '…');
  });

  it(`cuts to a prefix of whole graphemes no longer than the limit, and the longest such (seed ${SEED})`, () => {
    fc.assert(
      fc.property(text, fc.nat({ max: 60 }), (t, limit) => {
        const out = cutText(t, limit);
        if (t.length <= limit) return assert.equal(out, t);
        assert.ok(out.endsWith('…'));
        const kept = out.slice(0, -1);
        const all = graphemes(t);
        const keptGraphemes = graphemes(kept);
        assert.ok(kept.length <= limit, `${kept.length} > ${limit}`);
        assert.deepEqual(keptGraphemes, all.slice(0, keptGraphemes.length), 'a prefix of whole graphemes');
        const next = all[keptGraphemes.length];
        assert.ok(next === undefined || kept.length + next.length > limit, 'the next grapheme would not have fitted');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('cuts each run of characters without a blank at longestRun, and leaves words and spacing alone', () => {
    assert.equal(terminalSafe(`short ${'x'.repeat(300)} words`, { longestRun: 10 }), `short ${'x'.repeat(10)}… words`);
    assert.equal(terminalSafe('a b  c', { longestRun: 1 }), 'a b  c');
  });

  it(`quotes as a JSON string that reads back as the text cut to the limit, with nothing active (seed ${SEED})`, () => {
    assert.equal(quoted('a'.repeat(41)), `"${'a'.repeat(40)}…"`);
    assert.equal(quoted('\u007f\u009b\u2028'), '"\\u007f\\u009b\\u2028"');
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 60 }), (t, limit) => {
        const out = quoted(t, limit);
        assert.equal(JSON.parse(out), cutText(t, limit));
        assert.doesNotMatch(out, ACTIVE);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it(`writes JSON with C1 controls, U+2028/U+2029 and bidirectional controls escaped, parsing to the same value (seed ${SEED})`, () => {
    assert.equal(terminalSafeJson({ admin: 'a\u009b\u2028\u202e' }), '{"admin":"a\\u009b\\u2028\\u202e"}');
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(text, text, { maxKeys: 3 }), fc.constantFrom(undefined, 2), (value, extra, indent) => {
        const both = { value, extra };
        const out = terminalSafeJson(both, indent);
        assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(both)));
        assert.doesNotMatch(out.replace(/\n/g, ''), ACTIVE, out);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
