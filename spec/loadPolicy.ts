/**
 * Reading a policy from a file or from JSON text, with every problem reported as a key path and
 * what is allowed there. Never throws on bad input: the CLI turns a failure into exit status 2.
 * {@link readJsonText} is the one JSON reader of the files a user hands the workbench (policies
 * and traces), so both refuse the same things in the same words.
 */
import { parsePolicy, type PolicyResult } from './policy.ts';
import { describeJsonSyntaxError, scanJson } from './jsonSyntax.ts';
import { readUserFile } from './readUserFile.ts';
import { quoted, terminalSafe } from './terminalText.ts';

export { MAX_FILE_BYTES, readUserFile } from './readUserFile.ts';

export type JsonTextResult = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly message: string };

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
    // Said in our words, at a line and column; the engine's own message only if the two disagree.
    const scan = scanJson(body);
    const why = scan.ok ? terminalSafe((error as Error).message, { limit: 200 }) : terminalSafe(describeJsonSyntaxError(scan.error), { limit: 400 });
    return { ok: false, message: `${source} is not valid JSON: ${why}` };
  }
  const duplicate = duplicateKey(body);
  if (duplicate !== null) return { ok: false, message: `${source} gives the key ${quoted(duplicate.key, 120)} twice in ${terminalSafe(duplicate.where, { limit: 120 })}; write each key once` };
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

/** Parses JSON text as a policy; a syntax error is reported with its line and column. */
export function parsePolicyText(text: string, source = 'policy'): PolicyResult {
  const read = readJsonText(text, source, 'policy is {"admins": [{"id": "a1"}, ...]}');
  if (!read.ok) return { ok: false, problems: [{ path: '(file)', message: read.message }] };
  return parsePolicy(read.json);
}

/** Reads and validates a policy file. */
export function loadPolicyFile(path: string): PolicyResult {
  const file = readUserFile(path);
  if (!file.ok) return { ok: false, problems: [{ path: '(file)', message: `cannot read policy file ${quoted(path, 300)}: ${file.why}` }] };
  return parsePolicyText(file.text, `policy file ${quoted(path, 300)}`);
}
