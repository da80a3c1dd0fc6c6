/**
 * `guillotine report`: the whole review as one self-contained HTML file — the levels view, the
 * statechart, the policy's machine itself (bundled, so any path replays and any event can be fired
 * offline, not only the report's own counterexamples), the check results with their
 * counterexamples, and the other sections. The file makes no network request: CSS, scripts, SVG
 * and data are inline, and its Content-Security-Policy (a `<meta>` with the hashes of its inline
 * scripts and style sheets) forbids fetching anything.
 */
import type { GuillotineEvent } from '../spec/events.ts';
import { encodePath } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import { explorerBundle } from './bundle.ts';
import { reviewPage } from './page.ts';
import { statechartModel } from './reviewModel.ts';
import { traceHash, type Section } from './section.ts';
import { reviewSections, type SectionOptions } from './sections.ts';
import { replay } from './trace.ts';
import { logHash, type LogView } from './logView.ts';

export interface ReportOptions extends SectionOptions {
  readonly policySource: string;
  /** A trace to open the report at (e.g. from `--trace`). */
  readonly trace?: { readonly events: readonly GuillotineEvent[]; readonly cycle?: readonly GuillotineEvent[] } | null;
  /** Build time to print in the footer; leave out for byte-reproducible layout and SVG. */
  readonly generated?: string | null;
  /** A log to open the report at (`--log`): its matched behaviour, each step tied to its record, the divergence marked. */
  readonly log?: LogView | null;
  /** Sections to embed; by default {@link reviewSections} builds them. */
  readonly sections?: readonly Section[];
}

/** Builds the report HTML for a policy. */
export async function buildReport(policy: Policy, options: ReportOptions): Promise<string> {
  const [model, bundle, sections] = await Promise.all([statechartModel(policy), explorerBundle(), options.sections ?? reviewSections(policy, options)]);
  let initialHash: string | null = null;
  if (options.trace) {
    const cycle = options.trace.cycle ?? [];
    initialHash = traceHash({ path: encodePath(options.trace.events), cycle: cycle.length === 0 ? null : encodePath(cycle), step: replay(policy, options.trace.events, cycle).firstViolation });
  }
  if (options.log) initialHash = logHash(options.log);
  return reviewPage({ mode: 'report', policySource: options.policySource, model, bundle, sections, initialHash, generated: options.generated ?? null, log: options.log ?? null }).html;
}
