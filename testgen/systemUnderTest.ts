/**
 * The {@link SystemUnderTest} interface a generated suite drives. It is defined in
 * `spec/systemUnderTest.ts` (below both the test generator and the implementations that provide
 * it); this module keeps the path adapters written against `testgen/` import it from.
 */
export type { ObservedState, SendResult, SystemUnderTest } from '../spec/systemUnderTest.ts';
