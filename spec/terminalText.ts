/**
 * Text a user supplied (an admin id from `--path`, a key of a crafted policy, a file name), made
 * safe to print on a terminal. A terminal acts on more than the C0 controls JSON.stringify escapes:
 * `ESC ] 0 ; … BEL` sets its title, the single C1 byte `\u009b` (UTF-8 `c2 9b`) starts a control
 * sequence like `ESC [`, DEL and the other C1 codes are controls, bidirectional overrides
 * (U+202A–U+202E, U+2066–U+2069) make `approve a1` display as something else, U+2028/U+2029 break
 * lines where no `\n` is seen, and a lone surrogate is not text at all. Each of them is shown as a
 * visible escape (`\u001b`), so what is printed is what the file holds, and cuts never split a
 * character a reader sees as one (an emoji, a flag, a letter with its accents).
 *
 * One function for every human-readable output: messages, tables, findings. JSON output has its
 * own counterpart, {@link terminalSafeJson}, which keeps the text valid JSON.
 */

/**
 * Every character a terminal may act on, or that is not text: C0 controls, DEL, C1 controls, the
 * Arabic letter mark and left-to-right/right-to-left marks, line and paragraph separators, the
 * bidirectional embeddings, overrides and isolates, and a surrogate without its other half.
 */
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A fresh copy of the pattern of {@link ACTIVE} characters (global, so each caller needs its own lastIndex). */
export function terminalActivePattern(): RegExp {
  return new RegExp(ACTIVE.source, 'g');
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\u001b`: the escape a reader (and JSON) understands, four hex digits. */
function escaped(c: string): string {
  return SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The longest prefix of `text` of at most `limit` UTF-16 units that ends between two graphemes,
 * followed by `…` when anything was cut. A grapheme longer than the limit (a letter with 10,000
 * combining marks) is dropped whole, never shown in part.
 */
export function cutText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = 0;
  // Grapheme boundaries before `limit` depend only on characters near them, so a window a little
  // past the limit finds them without segmenting a text of megabytes.
  for (const { index, segment } of graphemes.segment(text.slice(0, limit + 64))) {
    if (index + segment.length > limit) break;
    end = index + segment.length;
  }
  return text.slice(0, end) + '…';
}

export interface TerminalTextOptions {
  /** Keep at most this many UTF-16 units of the text (cut between graphemes, then `…`). Default: all of it. */
  readonly limit?: number;
  /** Cut every run of more than this many characters without a blank (one huge word) to this many, then `…`. Default: no cut. */
  readonly longestRun?: number;
  /**
   * Keep line feeds and tabs as they are: for text the workbench laid out itself (a message of several
   * lines, a table, an exported model), in which any user text was already made safe. Default: they are
   * shown as `\n` and `\t`, as everything in a single value from a user's file should be.
   */
  readonly layout?: boolean;
}

/**
 * `text` with every character a terminal would act on shown as an escape (`\u001b`, `\n`), cut to
 * `limit` and with long runs cut to `longestRun`, never inside a grapheme. Pure; the cuts are made
 * on the original text, so a limit counts the user's characters, not the escapes.
 */
export function terminalSafe(text: string, options: TerminalTextOptions = {}): string {
  let out = options.limit === undefined ? text : cutText(text, options.limit);
  if (options.longestRun !== undefined) {
    const longest = options.longestRun;
    out = out.replace(new RegExp(`[^\\s]{${longest + 1},}`, 'g'), (run) => cutText(run, longest));
  }
  return out.replace(ACTIVE, (c) => (options.layout === true && (c === '\n' || c === '\t') ? c : escaped(c)));
}

/**
 * A string from a user's file, quoted for a message as a JSON string: at most `limit` characters of
 * it (40 by default: a 100,000-character unknown key made a message as long), and nothing a terminal
 * would act on. It reads back with JSON.parse as the (cut) text.
 */
export function quoted(text: string, limit = 40): string {
  return terminalSafe(JSON.stringify(cutText(text, limit)));
}

/** What JSON.stringify leaves raw in a string and a terminal or a JavaScript parser acts on. */
const JSON_ACTIVE = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * `value` as JSON text (`indent` as JSON.stringify takes it) with DEL, C1 controls, bidirectional
 * controls and U+2028/U+2029 escaped as `\u….` JSON.stringify escapes C0 controls and lone surrogates
 * but leaves those raw: `\u009b` in an admin id reached the terminal from `--json`, and U+2028 ends a
 * line in JavaScript before ES2019. The text parses to the same value.
 */
export function terminalSafeJson(value: unknown, indent?: number): string {
  return (JSON.stringify(value, null, indent) ?? 'null').replace(JSON_ACTIVE, escaped);
}
