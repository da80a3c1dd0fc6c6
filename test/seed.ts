/**
 * The seed of every property test, in one place: 20261123 unless `FC_SEED` says otherwise, so a
 * failure's seed (which fast-check prints with the shrunk counterexample and its path) reproduces
 * with `FC_SEED=<seed> npx mocha <file>`, and another seed explores further.
 */
export const SEED = Number(process.env.FC_SEED ?? 20261123);

if (!Number.isSafeInteger(SEED)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(process.env.FC_SEED)}`);
