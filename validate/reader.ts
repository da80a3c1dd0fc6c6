/**
 * Reads a log (`spec/log.ts`) as it streams in: text in chunks of any size, out come its lines
 * parsed — the header first, then the records, each with its line number — or the first line that
 * is not what the format says, with what is wrong. Nothing is held but the current partial line,
 * so a log of any length is read in constant memory.
 *
 * Lines are checked like every file a user hands the workbench (`spec/loadPolicy.ts`): a key given
 * twice in one object is refused (JSON.parse would silently keep the last, and a reader of the log
 * would see the first), and so is a line longer than {@link MAX_LOG_LINE_BYTES}. Blank lines are
 * skipped; a trailing `\r` (CRLF files) and a leading byte-order mark are ignored.
 *
 * Speed: most records of a long log differ only in their time (a heartbeat every second, each
 * showing the same state). A record's text after its time is looked up in a small cache of texts
 * already checked, so such a record costs a number parse and a lookup instead of a JSON parse and
 * a schema check; the cache holds only texts that passed every check, and the time is checked on its own.
 */
import { readJsonText } from '../spec/loadPolicy.ts';
import { MAX_LOG_LINE_BYTES, LOG_FORMAT, parseLogHeader, parseLogRecord, type LogHeader, type LogRecord } from '../spec/log.ts';

export type LogLine =
  | { readonly kind: 'header'; readonly line: number; readonly header: LogHeader }
  | { readonly kind: 'record'; readonly line: number; readonly record: LogRecord }
  | { readonly kind: 'malformed'; readonly line: number; readonly message: string };

const CACHE_LIMIT = 4096;
/** A non-negative number as JSON writes it (no leading zero, no sign). */
const JSON_NUMBER = /^(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A record's text split at its time: `{"t":<number>,<rest>` gives the number's text and where the
 * rest starts, or null for any other shape. Found by hand: cheaper than a regular expression over the line.
 */
function splitTime(text: string): { readonly time: string; readonly rest: number } | null {
  if (text.charCodeAt(0) !== 123 || !text.startsWith('"t":', 1)) return null;
  const comma = text.indexOf(',', 5);
  if (comma < 0) return null;
  const time = text.slice(5, comma);
  return JSON_NUMBER.test(time) ? { time, rest: comma + 1 } : null;
}

/** A streaming reader of one log. */
export class LogReader {
  private partial = '';
  private lineNumber = 0;
  private sawHeader = false;
  private failed = false;
  private readonly cache = new Map<string, Omit<LogRecord, 't'>>();
  /** The last cached text and its record: consecutive records often show the same (a run of heartbeats). */
  private lastText = '';
  private lastBody: Omit<LogRecord, 't'> | null = null;

  /**
   * Feeds the next chunk of text; returns the lines it completed, in order. After a malformed
   * line nothing more is returned (the log is refused at its first bad line).
   */
  push(chunk: string): LogLine[] {
    const out: LogLine[] = [];
    if (this.failed) return out;
    let text = this.partial + chunk;
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      const line = this.line(text.slice(start, end));
      if (line !== null) {
        out.push(line);
        if (line.kind === 'malformed') return this.fail(out);
      }
      start = end + 1;
    }
    text = text.slice(start);
    if (text.length > MAX_LOG_LINE_BYTES) {
      this.lineNumber++;
      out.push({ kind: 'malformed', line: this.lineNumber, message: `the line is longer than ${MAX_LOG_LINE_BYTES} bytes; a record is a few hundred (is this a log?)` });
      return this.fail(out);
    }
    this.partial = text;
    return out;
  }

  /** The end of the log: its last line, if it had no newline, and a missing header said as such. */
  end(): LogLine[] {
    if (this.failed) return [];
    const out: LogLine[] = [];
    if (this.partial !== '') {
      const line = this.line(this.partial);
      this.partial = '';
      if (line !== null) out.push(line);
    }
    if (!this.sawHeader && !out.some((l) => l.kind === 'malformed')) out.push({ kind: 'malformed', line: Math.max(1, this.lineNumber), message: `the log is empty; its first line is the header {"format": "${LOG_FORMAT}", "complete": [...]}` });
    return out;
  }

  private fail(out: LogLine[]): LogLine[] {
    this.failed = true;
    this.partial = '';
    return out;
  }

  private line(raw: string): LogLine | null {
    const line = ++this.lineNumber;
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === 1) text = text.replace(/^\uFEFF/, '');
    if (text.length > MAX_LOG_LINE_BYTES) return { kind: 'malformed', line, message: `the line is longer than ${MAX_LOG_LINE_BYTES} bytes; a record is a few hundred (is this a log?)` };
    if (text.trim() === '') return null;
    if (!this.sawHeader) return this.header(text, line);
    const cached = this.cached(text);
    if (cached !== null) return { kind: 'record', line, record: cached };
    const json = readJsonText(text, `line ${line}`, 'record is {"t": 0}');
    if (!json.ok) return { kind: 'malformed', line, message: json.message };
    const parsed = parseLogRecord(json.json);
    if (!parsed.ok) return { kind: 'malformed', line, message: parsed.message };
    this.remember(text, parsed.value);
    return { kind: 'record', line, record: parsed.value };
  }

  private header(text: string, line: number): LogLine {
    const json = readJsonText(text, `the header (line ${line})`, `header is {"format": "${LOG_FORMAT}"}`);
    if (!json.ok) return { kind: 'malformed', line, message: json.message };
    const record = json.json as { format?: unknown; t?: unknown } | null;
    if (record !== null && typeof record === 'object' && !('format' in record) && 't' in record) {
      return { kind: 'malformed', line, message: `the first line is a record; a log starts with its header {"format": "${LOG_FORMAT}", "complete": [...]}` };
    }
    const parsed = parseLogHeader(json.json);
    if (!parsed.ok) return { kind: 'malformed', line, message: `header: ${parsed.message}` };
    this.sawHeader = true;
    return { kind: 'header', line, header: parsed.value };
  }

  /** The record of a line whose text after its time was already checked, or null. */
  private cached(text: string): LogRecord | null {
    const split = splitTime(text);
    if (split === null) return null;
    const rest = text.slice(split.rest);
    let body = rest === this.lastText ? this.lastBody : null;
    if (body === null) {
      body = this.cache.get(rest) ?? null;
      if (body === null) return null;
      this.lastText = rest;
      this.lastBody = body;
    }
    const t = Number(split.time);
    // The same bounds as the schema's `t`.
    if (!(t >= 0 && t <= 1e15)) return null;
    return { ...body, t } as LogRecord;
  }

  private remember(text: string, record: LogRecord): void {
    const split = splitTime(text);
    if (split === null) return;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    const { t: _t, ...body } = record;
    // A copy of the text, not a slice of it: a slice would keep the whole chunk it came from alive.
    this.cache.set(Buffer.from(text.slice(split.rest), 'utf8').toString('utf8'), body);
  }
}
