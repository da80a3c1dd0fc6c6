/**
 * `guillotine report`: the whole review as one self-contained HTML file — the statechart, the
 * check results with their counterexamples (each replay embedded, so stepping works offline),
 * and the other sections. The file makes no network request: CSS, script, SVG and data are
 * inline, and its Content-Security-Policy forbids fetching anything.
 */
import type { GuillotineEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import { reviewPage } from './page.ts';
import { statechartModel, traceView, traceViewOfPath, type TraceView } from './reviewModel.ts';
import { traceHash, traceKey, type Section } from './section.ts';
import { reviewSections, type SectionOptions } from './sections.ts';

export interface ReportOptions extends SectionOptions {
  readonly policySource: string;
  /** A trace to open the report at (e.g. from `--trace`). */
  readonly trace?: { readonly events: readonly GuillotineEvent[]; readonly cycle?: readonly GuillotineEvent[] } | null;
  /** Build time to print in the footer; leave out for byte-reproducible layout and SVG. */
  readonly generated?: string | null;
  /** Sections to embed; by default {@link reviewSections} builds them. */
  readonly sections?: readonly Section[];
}

/** Builds the report HTML for a policy. */
export async function buildReport(policy: Policy, options: ReportOptions): Promise<string> {
  const [model, sections] = await Promise.all([statechartModel(policy), options.sections ?? reviewSections(policy, options)]);
  const traces: Record<string, TraceView> = {};
  for (const s of sections) {
    if (s.status !== 'ready') continue;
    for (const link of s.traces) traces[traceKey(link.path, link.cycle)] ??= traceViewOfPath(policy, link.path, link.cycle ?? '');
  }
  let initialHash: string | null = null;
  if (options.trace) {
    const view = traceView(policy, options.trace.events, options.trace.cycle ?? []);
    if (view.ok) {
      traces[traceKey(view.path, view.cycle)] = view;
      initialHash = traceHash({ path: view.path, cycle: view.cycle, step: view.firstViolation });
    }
  }
  return reviewPage({ mode: 'report', policySource: options.policySource, model, traces, sections, initialHash, generated: options.generated ?? null });
}
