/**
 * Reading a policy from a file or from JSON text, with every problem reported as a key path and
 * what is allowed there. Never throws on bad input: the CLI turns a failure into exit status 2.
 */
import { readFileSync } from 'node:fs';
import { parsePolicy, type PolicyResult } from './policy.ts';
import { fileErrorWords } from './fileError.ts';

/** Parses JSON text as a policy; a syntax error is reported with its position. */
export function parsePolicyText(text: string, source = 'policy'): PolicyResult {
  if (text.trim() === '') return { ok: false, problems: [{ path: '(file)', message: `${source} is empty; the smallest policy is {"admins": [{"id": "a1"}, ...]}` }] };
  let json: unknown;
  try {
    // Editors on Windows often save UTF-8 with a byte-order mark, which JSON.parse refuses with an invisible character.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, problems: [{ path: '(file)', message: `${source} is not valid JSON: ${(error as Error).message}` }] };
  }
  return parsePolicy(json);
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
