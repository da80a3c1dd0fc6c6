/**
 * The proofs' verdicts on the review page: the report `proveAll` returns (what
 * `guillotine prove --json` prints) as a table of theorems, with each refuted theorem's decoded
 * counterexample, and the negative controls that show the proofs are not vacuous.
 */
import { proveAll, reportHolds, type ProveOptions, type ProveReport } from '../proofs/index.ts';
import type { Policy } from '../spec/policy.ts';
import { xml } from './svg.ts';
import type { Section } from './section.ts';

function details(summary: string, value: Record<string, unknown> | undefined): string {
  if (value === undefined) return '';
  return `<details><summary>${xml(summary)}</summary><pre class="mono">${xml(JSON.stringify(value, null, 2))}</pre></details>`;
}

/** Renders a prove report; pure, so tests can feed it any report. */
export function proofSectionOf(report: ProveReport): Section {
  const theorems = report.theorems.map(
    (t) =>
      `<tr class="status-${t.status === 'proved' ? 'pass' : t.status === 'refuted' ? 'fail' : 'unknown'}" data-theorem="${xml(t.id)}"><td><code>${xml(t.id)}</code></td><td class="verdict">${t.status.toUpperCase()}</td><td>${t.seconds.toFixed(2)} s</td>` +
      `<td>${xml(t.statement)}${t.reason ? `<br><span class="warning">${xml(t.reason)}</span>` : ''}${details('counterexample', t.counterexample)}</td><td>${t.obligations.length}</td></tr>`,
  );
  const controls = report.controls.map(
    (c) =>
      `<tr class="status-${c.status === 'refuted' ? 'pass' : 'fail'}" data-control="${xml(c.id)}"><td><code>${xml(c.id)}</code></td><td><code>${xml(c.theorem)}</code></td><td>${xml(c.description)}</td>` +
      `<td class="verdict">${c.status === 'refuted' ? 'caught' : c.status === 'proved' ? 'NOT CAUGHT' : 'UNKNOWN'}</td><td>${details('counterexample', c.counterexample)}${c.reason ? xml(c.reason) : ''}</td></tr>`,
  );
  const proved = report.theorems.filter((t) => t.status === 'proved').length;
  const caught = report.controls.filter((c) => c.status === 'refuted').length;
  const holds = reportHolds(report);
  const html =
    `<p class="summary ${holds ? 'ok' : 'bad'}">${proved} of ${report.theorems.length} theorems proved by Z3 for all values${report.controls.length ? `; ${caught} of ${report.controls.length} negative controls (deliberately weakened checks) caught` : ''}.</p>` +
    `<table class="grid proofs"><thead><tr><th>theorem</th><th>verdict</th><th>time</th><th>statement</th><th>obligations</th></tr></thead><tbody>${theorems.join('')}</tbody></table>` +
    (controls.length ? `<h3>Negative controls</h3><table class="grid controls"><thead><tr><th>control</th><th>theorem</th><th>what is weakened</th><th>result</th><th>counterexample</th></tr></thead><tbody>${controls.join('')}</tbody></table>` : '');
  return { id: 'proofs', title: 'Proofs (docs/protocol.md §5)', status: 'ready', html, traces: [], holds };
}

/** Runs every proof (with the negative controls) for a policy and renders the verdicts. */
export async function proofSection(policy: Policy, options: ProveOptions = { controls: true }): Promise<Section> {
  return proofSectionOf(await proveAll(policy, options));
}
