/**
 * Mocha root hooks: shut Z3's worker threads down after the whole run, or Node never exits.
 * Cheap and harmless when no test started Z3.
 */
import { shutdownZ3 } from '../proofs/z3.ts';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await shutdownZ3();
  },
};
