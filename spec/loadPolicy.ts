/**
 * Reading a policy from a file or from JSON text, with every problem reported as a key path and
 * what is allowed there. Never throws on bad input: the CLI turns a failure into exit status 2.
 * {@link readJsonText} is the one JSON reader of the files a user hands the workbench (policies
 * and traces), so both refuse the same things in the same words.
 */
import { readFileSync } from 'node:fs';
import { parsePolicy, type PolicyResult } from './policy.ts';
import { fileErrorWords } from './fileError.ts';

export type JsonTextResult = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly message: string };

/**
 * Text from a user's file made safe to print in one message: control characters (a terminal
 * escape sequence in a crafted file, NUL bytes of a binary one) shown as `\u001b`, and at most
 * `limit` characters.
 */
export function printable(text: string, limit = 120): string {
  const cut = text.length > limit ? text.slice(0, limit) + '…' : text;
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
  if (duplicate !== null) return { ok: false, message: `${source} gives the key ${printable(JSON.stringify(duplicate.key))} twice in ${duplicate.where}; write each key once` };
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
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top !== undefined && top.keys !== null && top.expectKey) {
        const raw = text.slice(i, j + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) return { key, where: where() };
        top.keys.add(key);
        top.name = key;
        top.expectKey = false;
      }
      i = j;
    } else if (c === '{') stack.push({ keys: new Set(), name: '', expectKey: true, index: 0 });
    else if (c === '[') stack.push({ keys: null, name: '', expectKey: false, index: 0 });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1]!;
      if (top.keys === null) top.index++;
      else top.expectKey = true;
    }
  }
  return null;
}

/** Parses JSON text as a policy; a syntax error is reported with its position. */
export function parsePolicyText(text: string, source = 'policy'): PolicyResult {
  const read = readJsonText(text, source, 'policy is {"admins": [{"id": "a1"}, ...]}');
  if (!read.ok) return { ok: false, problems: [{ path: '(file)', message: read.message }] };
  return parsePolicy(read.json);
}

/** Reads and validates a policy file. */
export function loadPolicyFile(path: string): PolicyResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const why = fileErrorWords(error);
    return { ok: false, problems: [{ path: '(file)', message: `cannot read policy file ${JSON.stringify(path)}: ${why}` }] };
  }
  return parsePolicyText(text, `policy file ${JSON.stringify(path)}`);
}
