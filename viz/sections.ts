/**
 * The sections of the review below the statechart, in reading order: the check results, the
 * proofs' verdicts, the transition coverage of the generated tests, and the simulator's soak.
 * Each one reads a library entry point of the workbench; one that is not in this build is shown
 * as such, never filled with made-up data.
 */
import type { Policy } from '../spec/policy.ts';
import { checkSection } from './checkSection.ts';
import type { Section } from './section.ts';

export interface SectionOptions {
  /** Stop the checker after this many states (default: explore everything). */
  readonly maxStates?: number;
}

/** A section whose producer threw: the review still renders, and says what failed. */
function failed(id: string, title: string, error: unknown): Section {
  return { id, title, status: 'unavailable', reason: `${title} failed: ${(error as Error).message}` };
}

/** Builds every section for a policy. Never rejects: a failing producer becomes an unavailable section. */
export async function reviewSections(policy: Policy, options: SectionOptions = {}): Promise<Section[]> {
  const sections: Section[] = [];
  try {
    sections.push(checkSection(policy, { maxStates: options.maxStates }));
  } catch (error) {
    sections.push(failed('check', 'Check results', error));
  }
  sections.push({ id: 'proofs', title: 'Proofs (GUILLOTINE.md §5)', status: 'unavailable', reason: 'the proofs entry point (proofs/index.ts, proveAll) is not part of this build yet' });
  sections.push({ id: 'coverage', title: 'Transition coverage of the generated tests', status: 'unavailable', reason: 'the test generator entry point (testgen/index.ts) is not part of this build yet' });
  sections.push({ id: 'soak', title: 'Simulator soak', status: 'unavailable', reason: 'the simulator entry point (simulator/index.ts, runScenario) is not part of this build yet' });
  return sections;
}
