/**
 * A reader of JSON text that says, in the workbench's words, where a file stops being JSON: the line
 * and column, what was expected there and what was found ("line 4, column 3: expected "," or "}"
 * after a value in an object, found "\"quorum\"""), instead of the engine's "Unexpected token } in JSON
 * at position 66", whose wording changes between Node versions. It also finds the line on which each
 * element of a top-level list starts, so a bad event of a trace is named by its line.
 *
 * One pass over the text with an explicit stack (RFC 8259's grammar), so 10^5 levels of nesting
 * cannot overflow the call stack; it builds no values (JSON.parse does that).
 */

/** Where a text is not JSON. `line` and `column` count from 1; a column counts characters (code points). */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** What the grammar allows there, in words. */
  readonly expected: string;
  /** What is there instead, quoted, or "the end of the file". */
  readonly found: string;
  /** A likely cause of a common mistake (single quotes, a trailing comma, a comment), or null. */
  readonly hint: string | null;
}

/** The line and column (from 1, in code points) of a UTF-16 offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (let i = lineStart; i < offset; i++) {
    const c = text.charCodeAt(i);
    // The second half of a surrogate pair is the same character as the first.
    if (!(c >= 0xdc00 && c <= 0xdfff && i > lineStart && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)) column++;
  }
  return { line, column };
}

/** How one place of the text is described as found: the end of the file, a string, a word, or one character. */
function foundAt(text: string, at: number): string {
  if (at >= text.length) return 'the end of the file';
  if (text[at] === '"') {
    // A string as written, quotes included (cut when long or unclosed on its line).
    const string = /^"(?:[^"\\\n]|\\.){0,40}"?/.exec(text.slice(at, at + 90))![0];
    return `the string ${string.length > 1 && string.endsWith('"') ? string : `${string}…`}`;
  }
  const word = /^[A-Za-z0-9_.+-]{1,24}/.exec(text.slice(at, at + 24));
  // Shown as JSON: a control character or a quote is visible as an escape (terminalSafe does the rest).
  return JSON.stringify(word !== null ? word[0] : String.fromCodePoint(text.codePointAt(at)!));
}

/** Frames of the explicit stack: what the parser expects next inside each open container. */
type Expect = 'value' | 'first-value' | 'after-value' | 'first-key' | 'key' | 'colon' | 'after-member';

// Sticky: matched where the scan is, without slicing the text.
const LITERAL = /true|false|null/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

const VALUE = 'a value (an object {…}, a list […], a string in double quotes, a number, true, false or null)';

export type JsonScan =
  | { readonly ok: true; readonly elementLines: ReadonlyMap<string, readonly number[]> }
  | { readonly ok: false; readonly error: JsonSyntaxError };

/**
 * Scans `text` as JSON. On success, for each name of `listKeys` that is a key of the top-level
 * object holding a list, the line of each of the list's elements (for naming `events[3]` by its
 * line); otherwise the first place where the text is not JSON.
 */
export function scanJson(text: string, listKeys: readonly string[] = []): JsonScan {
  return new JsonScanner(text, listKeys).scan();
}

/** An open container on the scanner's stack: what it expects next, and (at the top level) its key. */
interface Frame {
  readonly kind: 'object' | 'array';
  expect: Expect;
  key: string;
}

/**
 * The scan's state: the place `i` in the text, the stack of open containers, and the offsets of the
 * elements of the lists asked for. Each method consumes one part of the grammar and returns null, or
 * the result that ends the scan (the first error).
 */
class JsonScanner {
  private i = 0;
  private readonly n: number;
  private readonly stack: Frame[] = [];
  private readonly elementOffsets = new Map<string, number[]>();

  constructor(
    private readonly text: string,
    private readonly listKeys: readonly string[],
  ) {
    this.n = text.length;
  }

  scan(): JsonScan {
    this.skipBlanks();
    if (this.i >= this.n) return this.fail(this.i, VALUE);
    const failed = this.value();
    if (failed !== null) return failed;
    while (this.stack.length > 0) {
      this.skipBlanks();
      const top = this.stack[this.stack.length - 1]!;
      const stop = top.kind === 'array' ? this.inList(top) : this.inObject(top);
      if (stop !== null) return stop;
    }
    this.skipBlanks();
    if (this.i < this.n) return this.fail(this.i, 'nothing more: the JSON value has ended (one file holds one value)');
    const elementLines = new Map<string, number[]>();
    for (const [key, offsets] of this.elementOffsets) elementLines.set(key, linesOf(this.text, offsets));
    return { ok: true, elementLines };
  }

  /** `wantsValue`: a value or a key may start here, so a word or a single quote is a likely mistake. */
  private fail(at: number, expected: string, hint: string | null = null, wantsValue = false): JsonScan {
    const { line, column } = lineAndColumn(this.text, at);
    return { ok: false, error: { offset: at, line, column, expected, found: foundAt(this.text, at), hint: hint ?? hintAt(this.text, at, wantsValue) } };
  }

  private skipBlanks(): void {
    const { text, n } = this;
    while (this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  /** Reads a string starting at text[i] === '"'; returns its end (after the closing quote) or an error. */
  private string(): number | JsonScan {
    const { text, n } = this;
    const start = this.i;
    let j = this.i + 1;
    for (;;) {
      if (j >= n) return this.fail(j, `a closing " for the string that starts at ${where(text, start)}`);
      const c = text.charCodeAt(j);
      if (c === 0x22) return j + 1;
      if (c < 0x20) return this.fail(j, 'a character of the string or its closing "', c === 0x0a ? 'a string cannot span lines; write a line break inside it as \\n' : 'a control character must be written as an escape such as \\u0009');
      if (c === 0x5c) {
        const e = text[j + 1];
        if (e === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(j + 2, j + 6))) return this.fail(j, 'four hexadecimal digits after \\u');
          j += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j += 2;
        else return this.fail(j, 'an escape: one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
      } else j++;
    }
  }

  /** A value starting at text[i]: a scalar is consumed whole; a container is opened on the stack. */
  private value(): JsonScan | null {
    const { text, stack } = this;
    const c = text[this.i];
    if (c === '{') {
      stack.push({ kind: 'object', expect: 'first-key', key: '' });
      this.i++;
      return null;
    }
    if (c === '[') {
      const top = stack[stack.length - 1];
      // A list directly under one of the top-level keys asked for: its elements' lines are recorded.
      if (stack.length === 1 && top?.kind === 'object' && this.listKeys.includes(top.key) && !this.elementOffsets.has(top.key)) this.elementOffsets.set(top.key, []);
      stack.push({ kind: 'array', expect: 'first-value', key: stack.length === 1 && top?.kind === 'object' ? top.key : '' });
      this.i++;
      return null;
    }
    if (c === '"') {
      const end = this.string();
      if (typeof end !== 'number') return end;
      this.i = end;
      return null;
    }
    LITERAL.lastIndex = this.i;
    const literal = LITERAL.exec(text);
    if (literal !== null) {
      this.i += literal[0].length;
      return null;
    }
    NUMBER.lastIndex = this.i;
    const number = NUMBER.exec(text);
    if (number !== null) {
      this.i += number[0].length;
      if (/[0-9.eE]/.test(text[this.i] ?? '')) return this.fail(this.i, 'the end of the number (a number is written as 12, -3, 0.5 or 1e9, with no leading zero)');
      return null;
    }
    return this.fail(this.i, VALUE, null, true);
  }

  /** One step inside a list: an element (or the end, before the first), or what follows an element. */
  private inList(top: Frame): JsonScan | null {
    const c = this.text[this.i];
    if (top.expect === 'after-value') {
      if (c === ',') top.expect = 'value';
      else if (c === ']') this.stack.pop();
      else return this.fail(this.i, '"," or "]" after an element of a list');
      this.i++;
      return null;
    }
    if (c === ']' && top.expect === 'first-value') {
      this.stack.pop();
      this.i++;
      return null;
    }
    if (this.i >= this.n) return this.fail(this.i, VALUE);
    if (c === ']') return this.fail(this.i, VALUE, 'a comma before "]": JSON allows no comma after the last element');
    if (this.stack.length === 2 && this.elementOffsets.has(top.key)) this.elementOffsets.get(top.key)!.push(this.i);
    top.expect = 'after-value';
    return this.value();
  }

  /** One step inside an object: a key (or the end, before the first), the colon and its value, or what follows a member. */
  private inObject(top: Frame): JsonScan | null {
    const c = this.text[this.i];
    switch (top.expect) {
      case 'colon':
        if (c !== ':') return this.fail(this.i, '":" after the key');
        this.i++;
        this.skipBlanks();
        if (this.i >= this.n) return this.fail(this.i, VALUE);
        top.expect = 'after-member';
        return this.value();
      case 'after-member':
        if (c === ',') top.expect = 'key';
        else if (c === '}') this.stack.pop();
        else return this.fail(this.i, '"," or "}" after a value in an object');
        this.i++;
        return null;
      default: {
        if (c === '}' && top.expect === 'first-key') {
          this.stack.pop();
          this.i++;
          return null;
        }
        if (c === '}') return this.fail(this.i, 'a key in double quotes', 'a comma before "}": JSON allows no comma after the last member');
        if (c !== '"') return this.fail(this.i, top.expect === 'first-key' ? 'a key in double quotes or "}"' : 'a key in double quotes', null, true);
        const end = this.string();
        if (typeof end !== 'number') return end;
        top.key = this.stack.length === 1 ? (JSON.parse(this.text.slice(this.i, end)) as string) : '';
        this.i = end;
        top.expect = 'colon';
        return null;
      }
    }
  }
}

/** `line 3, column 7`, for a message. */
function where(text: string, offset: number): string {
  const { line, column } = lineAndColumn(text, offset);
  return `line ${line}, column ${column}`;
}

/** The lines of increasing offsets, in one pass over the text's line feeds. */
function linesOf(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  // The next line feed not yet counted: each is found once, however many offsets there are.
  let feed = text.indexOf('\n');
  for (const offset of offsets) {
    while (feed !== -1 && feed < offset) {
      line++;
      feed = text.indexOf('\n', feed + 1);
    }
    lines.push(line);
  }
  return lines;
}

/**
 * The cause of a common mistake at `at`: a comment, a typographic quote, and where a value or a key
 * may start, a single quote or a word that is not a literal.
 */
function hintAt(text: string, at: number, wantsValue: boolean): string | null {
  const c = text[at];
  if (c === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) return 'JSON has no comments';
  if (c === '“' || c === '”') return 'a typographic quote; JSON needs the plain double quote "';
  if (!wantsValue) return null;
  if (c === "'") return 'JSON strings and keys are written in double quotes, not single quotes';
  const word = /^[A-Za-z_]+/.exec(text.slice(at, at + 24))?.[0];
  if (word !== undefined && ['True', 'False', 'None', 'NULL', 'Null', 'TRUE', 'FALSE', 'undefined', 'NaN', 'Infinity'].includes(word)) return 'JSON\'s literals are true, false and null, in lower case; it has no NaN, Infinity or undefined';
  if (word !== undefined) return 'a key or a text must be in double quotes';
  return null;
}

/** The error as one phrase: `line 3, column 7: expected …, found …` and a hint after a semicolon. */
export function describeJsonSyntaxError(e: JsonSyntaxError): string {
  return `line ${e.line}, column ${e.column}: expected ${e.expected}, found ${e.found}${e.hint === null ? '' : ` (${e.hint})`}`;
}
