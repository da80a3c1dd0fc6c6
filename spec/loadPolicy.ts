/**
 * Reading a policy from a file or from JSON text, with every problem reported as a key path and
 * what is allowed there. Never throws on bad input: the CLI turns a failure into exit status 2.
 * {@link readJsonText} is the one JSON reader of the files a user hands the workbench (policies
 * and traces), so both refuse the same things in the same words.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { parsePolicy, type PolicyResult } from './policy.ts';
import { fileErrorWords } from './fileError.ts';

export type JsonTextResult = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly message: string };

/**
 * Text from a user's file made safe to print in one message: at most `limit` UTF-16 units of it
 * (never half a surrogate pair), then control characters (a terminal escape sequence in a crafted
 * file, NUL bytes of a binary one) shown as `\u001b`, six characters each.
 */
export function printable(text: string, limit = 120): string {
  // Cutting between the two halves of a surrogate pair would print a lone half (a replacement character).
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: limit > 0 is implied: text[-1] is undefined, read as '', and no other one-character string is a high surrogate; kept for the reader
  const end = limit > 0 && /[\ud800-\udbff]/.test(text[limit - 1] ?? '') ? limit - 1 : limit;
  const cut = text.length > limit ? text.slice(0, end) + '…' : text;
  return cut.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/\n/g, '\\n');
}

/**
 * Parses a user's JSON file: a leading byte-order mark is ignored, an empty file and a syntax error
 * are said in words, and a key written twice in one object is refused. JSON.parse keeps the last of
 * two equal keys silently, so a reviewer reading the first `"quorum"` would judge a policy other than
 * the one checked. Never throws, whatever the text or its nesting depth.
 */
export function readJsonText(text: string, source: string, example: string): JsonTextResult {
  // Editors on Windows often save UTF-8 with a byte-order mark, which JSON.parse refuses with an invisible character.
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return { ok: false, message: `${source} is empty; the smallest ${example}` };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, message: `${source} is not valid JSON: ${printable((error as Error).message, 200)}` };
  }
  const duplicate = duplicateKey(body);
  if (duplicate !== null) return { ok: false, message: `${source} gives the key ${printable(JSON.stringify(duplicate.key))} twice in ${printable(duplicate.where)}; write each key once` };
  return { ok: true, json };
}

/**
 * The first key that appears twice in one object of valid JSON text, with the key path of that
 * object (`(top level)`, `quorum`, `events[3]`). One pass with an explicit stack, so 10^5 levels
 * of nesting cannot overflow the call stack.
 */
function duplicateKey(text: string): { key: string; where: string } | null {
  type Frame = { readonly keys: Set<string> | null; name: string | number; expectKey: boolean; index: number };
  const stack: Frame[] = [];
  const where = () => {
    let out = '';
    // The path of the innermost object: each enclosing container's current key or index.
    for (let i = 0; i < stack.length - 1; i++) {
      const f = stack[i]!;
      out += f.keys === null ? `[${f.index}]` : out === '' ? String(f.name) : `.${String(f.name)}`;
    }
    return out === '' ? 'the top-level object' : `the object at ${out}`;
  };
  // Stryker disable next-line EqualityOperator: one pass more reads text[text.length], undefined, which matches no branch
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top !== undefined && top.keys !== null && top.expectKey) {
        const raw = text.slice(i, j + 1);
        // Stryker disable next-line StringLiteral: the no-escape fast path: JSON.parse of a key without escapes gives the same string as the slice
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) return { key, where: where() };
        top.keys.add(key);
        top.name = key;
        top.expectKey = false;
      }
      i = j;
    } else if (c === '{') {
      // Stryker disable next-line StringLiteral: in valid JSON a key always comes before a nested container, so a new object frame's name is never read before it is set
      stack.push({ keys: new Set(), name: '', expectKey: true, index: 0 });
    } else if (c === '[') {
      // Stryker disable next-line StringLiteral,BooleanLiteral: an array frame's path uses its index, and keys are recorded only in objects
      stack.push({ keys: null, name: '', expectKey: false, index: 0 });
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1]!;
      if (top.keys === null) top.index++;
      else top.expectKey = true;
    }
  }
  return null;
}

/** The largest policy or trace file read (a trace of 10^5 events is a few megabytes). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a file a user named, as UTF-8 text, or says in words why it cannot. Only a regular file of
 * at most {@link MAX_FILE_BYTES} is read: `/dev/zero` named as a trace's policy made `replay` read
 * forever, and a named pipe would block it. Opened without blocking, then checked on the open
 * descriptor, so the file checked is the file read.
 */
export function readUserFile(path: string): { readonly ok: true; readonly text: string } | { readonly ok: false; readonly why: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, why: fileErrorWords(error) };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, why: fileErrorWords({ code: 'EISDIR' }) };
    if (!stat.isFile()) return { ok: false, why: 'it is not a regular file (a device, a pipe or a socket); give a JSON file' };
    if (stat.size > MAX_FILE_BYTES) return { ok: false, why: `it holds ${stat.size} bytes; at most ${MAX_FILE_BYTES} are read` };
    return { ok: true, text: readFileSync(fd, 'utf8') };
  } catch (error) {
    return { ok: false, why: fileErrorWords(error) };
  } finally {
    closeSync(fd);
  }
}

/** Parses JSON text as a policy; a syntax error is reported with its position. */
export function parsePolicyText(text: string, source = 'policy'): PolicyResult {
  const read = readJsonText(text, source, 'policy is {"admins": [{"id": "a1"}, ...]}');
  if (!read.ok) return { ok: false, problems: [{ path: '(file)', message: read.message }] };
  return parsePolicy(read.json);
}

/** Reads and validates a policy file. */
export function loadPolicyFile(path: string): PolicyResult {
  const file = readUserFile(path);
  if (!file.ok) return { ok: false, problems: [{ path: '(file)', message: `cannot read policy file ${printable(JSON.stringify(path), 300)}: ${file.why}` }] };
  return parsePolicyText(file.text, `policy file ${printable(JSON.stringify(path), 300)}`);
}
