/**
 * A section of the review page below the views (check results, the comparison with another
 * policy, proofs, coverage, soak plots): server-rendered HTML plus the traces it links to (the
 * page replays them itself, with the bundled model).
 */

/**
 * Every section, in the order the page shows them (`diff` only when a policy is compared, `--diff
 * FILE`; `protocol`, half a minute of proof, only when asked for by name).
 */
export const SECTION_IDS = ['check', 'diff', 'proofs', 'protocol', 'coverage', 'experiments'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** The sections built when none are named: all but `protocol`. */
export const DEFAULT_SECTION_IDS: readonly SectionId[] = SECTION_IDS.filter((id) => id !== 'protocol');

export const SECTION_TITLES: Readonly<Record<SectionId, string>> = {
  check: 'Check results (docs/protocol.md §4)',
  diff: 'Compared with another policy',
  proofs: 'Proofs (docs/protocol.md §5)',
  protocol: 'The protocol for every number of admins (docs/proofs.md)',
  coverage: 'Transition coverage of the generated tests',
  experiments: 'Simulator experiments',
};

export function isSectionId(value: string): value is SectionId {
  return (SECTION_IDS as readonly string[]).includes(value);
}

/** A link to a replay: the URL hash `#path=…&cycle=…&step=…` the page routes on. */
export interface TraceLink {
  readonly path: string;
  readonly cycle: string | null;
  /** The frame to open at (a counterexample opens at its violating step). */
  readonly step: number | null;
}

export type Section =
  | {
      readonly id: string;
      readonly title: string;
      readonly status: 'ready';
      readonly html: string;
      readonly traces: readonly TraceLink[];
      /** For a section that judges the design (check, proofs): whether everything holds; null otherwise. */
      readonly holds: boolean | null;
      /** Classes to put on the picture's transitions (by `data-transition` id) when the reader asks. */
      readonly overlay?: Readonly<Record<string, 'covered' | 'uncovered' | 'unreachable'>>;
    }
  /** The library entry point this section reads is not in this build, or it failed: said plainly, never faked. */
  | { readonly id: string; readonly title: string; readonly status: 'unavailable'; readonly reason: string };

/** The URL hash of a trace link. Components are URI-encoded; `decodeURIComponent` reverses them. */
export function traceHash(link: TraceLink): string {
  const parts = [`path=${encodeURIComponent(link.path)}`];
  if (link.cycle !== null) parts.push(`cycle=${encodeURIComponent(link.cycle)}`);
  if (link.step !== null) parts.push(`step=${link.step}`);
  return '#' + parts.join('&');
}

/** The key under which a report embeds the replay of a path (and cycle). */
export function traceKey(path: string, cycle: string | null): string {
  return cycle === null || cycle === '' ? path : `${path}|${cycle}`;
}
