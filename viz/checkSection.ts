/**
 * The check results on the review page: the report `checkPolicy` returns (what
 * `guillotine check --json` prints) as a table, each counterexample a link that replays it in the
 * statechart and opens at its violating step.
 */
import { checkPolicy, type CheckOptions, type CheckReport } from '../checker/index.ts';
import { findingNotes } from '../checker/findings.ts';
import { replay } from '../checker/replay.ts';
import { describeEvent, encodePath } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import { xml } from './svg.ts';
import { traceHash, type Section, type TraceLink } from './section.ts';

/** Renders a check report; pure, so tests can feed it any report. */
export function checkSectionOf(report: CheckReport): Section {
  const traces: TraceLink[] = [];
  const rows = report.properties.map((p) => {
    let example = '';
    if (p.trace) {
      const path = encodePath(p.trace.events);
      const cycle = p.trace.cycle ? encodePath(p.trace.cycle) : null;
      const judged = replay(report.policy, p.trace.events, { engine: 'reference', cycle: p.trace.cycle });
      // Open at the first step that violates this property (another may be violated earlier).
      const own = judged.steps.findIndex((s) => s.violations.some((v) => v.property === p.id));
      const link: TraceLink = { path, cycle, step: own === -1 ? judged.firstViolation : own + 1 };
      traces.push(link);
      const steps = p.trace.events.map(describeEvent).join(' → ') + (p.trace.cycle ? ` ↻ ${p.trace.cycle.map(describeEvent).join(' → ')}` : '');
      example = `<a class="trace-link" href="${xml(traceHash(link))}" data-property="${xml(p.id)}">replay ${p.trace.events.length + (p.trace.cycle?.length ?? 0)} steps</a> <code>${xml(steps)}</code>`;
    } else if (p.witness) {
      example = `<code>${xml(JSON.stringify(p.witness))}</code>`;
    }
    return `<tr class="status-${p.status}" data-property="${xml(p.id)}"><td><code>${xml(p.id)}</code></td><td>${p.kind}</td><td class="verdict">${p.status.toUpperCase()}</td><td>${xml(p.reason ?? p.statement)}</td><td>${example}</td></tr>`;
  });
  const failed = report.properties.filter((p) => p.status !== 'pass').length;
  const unwitnessed = report.vacuity.filter((v) => v.status === 'unwitnessed');
  const findings = report.findings
    ? `<h3>Findings</h3><table class="grid"><thead><tr><th>level</th><th>fewest admins to reach it</th><th>fewest admins to leave it</th></tr></thead><tbody>${report.findings
        .map((f) => `<tr><td>${f.level}</td><td>${f.fewestToReach ?? 'never'}</td><td>${f.fewestToLeave ?? 'never'}</td></tr>`)
        .join('')}</tbody></table>${findingNotes(report.findings).map((n) => `<p class="finding">! ${xml(n)}</p>`).join('')}`
    : '';
  const html =
    `<p class="summary ${failed === 0 ? 'ok' : 'bad'}">${failed === 0 ? 'Every property holds' : `${failed} of ${report.properties.length} properties do not hold`}: ` +
    `${report.complete ? 'explored every reachable state' : 'stopped early'} — ${report.states.toLocaleString('en-US')} states${report.symmetry ? ' (one per renaming of admins)' : ''}, ${report.transitions.toLocaleString('en-US')} transitions, depth ${report.depth}, ${report.seconds.toFixed(2)} s.</p>` +
    `<table class="grid check"><thead><tr><th>property</th><th>kind</th><th>result</th><th>statement or reason</th><th>counterexample</th></tr></thead><tbody>${rows.join('')}</tbody></table>` +
    `<p>Vacuity guards: ${report.vacuity.length - unwitnessed.length} of ${report.vacuity.length} witnessed.${unwitnessed.map((v) => ` <span class="warning">${xml(v.property)} may hold vacuously: never "${xml(v.guard)}".</span>`).join('')}</p>` +
    findings;
  return { id: 'check', title: 'Check results (docs/protocol.md §4)', status: 'ready', html, traces, holds: failed === 0 };
}

/** Runs the checker on a policy and renders its report. */
export function checkSection(policy: Policy, options: CheckOptions = {}): Section {
  return checkSectionOf(checkPolicy(policy, options));
}
