/**
 * Generates `spec/policy.schema.json`, the JSON Schema of a policy file as a user writes it
 * (docs/protocol.md §6), from the one zod definition in `policy.ts`. Editors use it for completion
 * and inline errors (`"$schema": "./spec/policy.schema.json"` in a policy file).
 *
 * Run `npm run schema` after changing `PolicySchema`; `test/spec/policySchema.test.ts` fails while
 * the committed file differs from what this generator produces, so the two cannot drift.
 *
 * Known limits: JSON Schema cannot express the constraints between keys that `PolicySchema`
 * checks in its refinement (distinct admin ids, quorums no larger than the number of admins, no
 * level listed twice), nor the wording of the loader's messages. An editor that accepts a file
 * is a first filter; `guillotine check --policy FILE` remains the authority.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PolicySchema } from './policy.ts';
import { writeFileAtomically } from './atomicWrite.ts';
import { logSchemaText } from './log.ts';

/** Where the generated schema lives, next to this file. */
export const POLICY_SCHEMA_PATH = fileURLToPath(new URL('./policy.schema.json', import.meta.url));
/** The log format's schema (`spec/log.ts`), written by the same script. */
export const LOG_SCHEMA_PATH = fileURLToPath(new URL('./log.schema.json', import.meta.url));

/**
 * The exact bytes of `spec/policy.schema.json`: the input-side JSON Schema of `PolicySchema`
 * (defaulted keys optional, only `admins` required), two-space indented, with a trailing newline.
 * Pure and deterministic: the same `PolicySchema` always gives the same text.
 */
export function policySchemaText(): string {
  const schema = z.toJSONSchema(PolicySchema, { io: 'input' });
  return JSON.stringify({ ...schema, title: 'Guillotine policy (docs/protocol.md §6)' }, null, 2) + '\n';
}

// Writes the file only when run as a script (`npm run schema`), never when a test imports it.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const written = writeFileAtomically(POLICY_SCHEMA_PATH, policySchemaText());
  if (!written.ok) throw new Error(`cannot write ${written.path}: ${written.why}`);
  process.stdout.write(`wrote ${POLICY_SCHEMA_PATH}\n`);
  const log = writeFileAtomically(LOG_SCHEMA_PATH, logSchemaText());
  if (!log.ok) throw new Error(`cannot write ${log.path}: ${log.why}`);
  process.stdout.write(`wrote ${LOG_SCHEMA_PATH}\n`);
}
