import { parsePolicy, type Policy } from '../spec/policy.ts';

/** The policy of a test's own input (as `parsePolicy` takes it), which must be valid: its problems are the error otherwise. */
export function parsedPolicy(input: unknown): Policy {
  const parsed = parsePolicy(input);
  if (!parsed.ok) throw new Error(`a test's policy does not parse: ${JSON.stringify(parsed.problems)}`);
  return parsed.policy;
}
