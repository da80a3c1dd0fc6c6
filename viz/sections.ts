/**
 * The sections of the review below the statechart, in reading order: the check results, the
 * proofs' verdicts, the transition coverage of the generated tests, and the simulator's
 * experiments. Each one reads a library entry point of the workbench (checkPolicy, proveAll,
 * generateTests, runScenario); one that fails is shown as such, never filled with made-up data.
 */
import { shutdownProver } from '../proofs/index.ts';
import { DEFAULT_SEED } from '../simulator/index.ts';
import type { Policy } from '../spec/policy.ts';
import { checkSection } from './checkSection.ts';
import { diffSection } from './diffSection.ts';
import { coverageSection } from './coverageSection.ts';
import { experimentsSection } from './experimentsSection.ts';
import { proofSection } from './proofSection.ts';
import { protocolSection } from './protocolSection.ts';
import { DEFAULT_SECTION_IDS, SECTION_IDS, SECTION_TITLES, type Section, type SectionId } from './section.ts';

/** The seed of the simulator experiments when none is given: `guillotine simulate`'s, so the figures match it. */
export { DEFAULT_SEED };

/** Plain data only: the options cross to the sections' child process over IPC. */
export interface SectionOptions {
  /** Stop the checker after this many states (default: explore everything). */
  readonly maxStates?: number;
  /** Which sections to build, in page order (default: all of {@link SECTION_IDS}). */
  readonly only?: readonly SectionId[];
  /** Seed of the simulator experiments (default {@link DEFAULT_SEED}). */
  readonly seed?: number;
  /** Virtual hours of the simulator's soak (default: the simulator's own). */
  readonly hours?: number;
  /** A policy to compare the reviewed one with (`--diff FILE`): adds the `diff` section. */
  readonly compare?: { readonly source: string; readonly policy: Policy };
}

/** The sections a review builds, in page order: those asked for (default all but `protocol`), `diff` only when comparing. */
export function selectedSections(options: SectionOptions = {}): SectionId[] {
  return SECTION_IDS.filter((id) => (options.only ?? DEFAULT_SECTION_IDS).includes(id) && (id !== 'diff' || options.compare !== undefined));
}

/** A section whose producer threw: the review still renders, and says what failed. */
function failed(id: SectionId, error: unknown): Section {
  return { id, title: SECTION_TITLES[id], status: 'unavailable', reason: `${SECTION_TITLES[id]} failed: ${(error as Error).message}` };
}

/**
 * Builds one section. Never rejects: a failing producer becomes an unavailable section. The
 * proofs stop Z3's worker threads when done, so a command that builds them can still exit.
 */
export async function buildSection(id: SectionId, policy: Policy, options: SectionOptions = {}): Promise<Section> {
  try {
    switch (id) {
      case 'check':
        return checkSection(policy, options.maxStates === undefined ? {} : { maxStates: options.maxStates });
      case 'diff':
        if (options.compare === undefined) return { id, title: SECTION_TITLES.diff, status: 'unavailable', reason: 'no policy to compare with (give one with --diff FILE)' };
        return diffSection(policy, options.compare);
      case 'proofs':
        try {
          return await proofSection(policy);
        } finally {
          await shutdownProver();
        }
      case 'protocol':
        try {
          return await protocolSection(policy);
        } finally {
          await shutdownProver();
        }
      case 'coverage':
        return coverageSection(policy);
      case 'experiments':
        return experimentsSection(policy, { seed: options.seed ?? DEFAULT_SEED, ...(options.hours === undefined ? {} : { hours: options.hours }) });
    }
  } catch (error) {
    return failed(id, error);
  }
}

/** Builds the selected sections one after the other, in page order. Never rejects. */
export async function reviewSections(policy: Policy, options: SectionOptions = {}): Promise<Section[]> {
  const sections: Section[] = [];
  for (const id of selectedSections(options)) sections.push(await buildSection(id, policy, options));
  return sections;
}
