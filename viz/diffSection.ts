/**
 * The comparison with another policy on the review page (`guillotine viz --diff FILE`, `report
 * --diff FILE`): what `guillotine diff` prints, as tables — each property's verdict under both
 * policies, the findings, the reachable states — and the shortest trace one machine accepts and
 * the other rejects, as a link that replays it in the page (under the reviewed policy, A).
 */
import { diffPolicies, type PolicyDiff } from '../review/diff.ts';
import { describeEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import { xml } from './escape.ts';
import { SECTION_TITLES, traceHash, type Section, type TraceLink } from './section.ts';

const never = (n: number | null) => (n === null ? 'never' : String(n));
const num = (n: number) => n.toLocaleString('en-US');

/** Renders a comparison; pure, so tests can feed it any diff. */
export function diffSectionOf(d: PolicyDiff): Section {
  const changed = d.verdicts.filter((v) => v.changed);
  const verdictRows = d.verdicts
    .map((v) => `<tr class="${v.changed ? 'changed' : ''}" data-property="${xml(v.id)}"><td><code>${xml(v.id)}</code></td><td>${v.kind}</td><td class="verdict v-${v.a}">${v.a.toUpperCase()}</td><td class="verdict v-${v.b}">${v.b.toUpperCase()}</td><td>${v.changed ? 'changed' : ''}</td></tr>`)
    .join('');
  const findings = d.findings
    ? `<h3>Findings: fewest admins, with timeouts and fail-safes allowed</h3><table class="grid diff-findings"><thead><tr><th>level</th><th>A: to reach</th><th>A: to leave</th><th>B: to reach</th><th>B: to leave</th><th></th></tr></thead><tbody>${d.findings
        .map((f) => `<tr class="${f.changed ? 'changed' : ''}" data-level="${f.level}"><td>${f.level}</td><td>${never(f.a.reach)}</td><td>${never(f.a.leave)}</td><td>${never(f.b.reach)}</td><td>${never(f.b.leave)}</td><td>${f.changed ? 'changed' : ''}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p class="muted">Findings unknown: a check stopped early.</p>';
  const t = d.distinguishing;
  const traces: TraceLink[] = [];
  let trace: string;
  if (t.kind === 'found') {
    const link: TraceLink = { path: t.path ?? '', cycle: null, step: t.events.length };
    traces.push(link);
    const side = (o: typeof t.a) => (o.accepted ? `accepts it (level ${xml(o.level)})` : `rejects it: ${xml(o.reason ?? '')}`);
    const last = t.events[t.events.length - 1]!;
    trace =
      `<h3>Shortest trace accepted by ${t.a.accepted ? 'A' : 'B'} and rejected by ${t.a.accepted ? 'B' : 'A'} (${t.events.length} step${t.events.length === 1 ? '' : 's'})</h3>` +
      `<p class="distinguishing"><a class="trace-link" href="${xml(traceHash(link))}" data-diff="distinguishing">replay under A</a> <code>${xml(t.events.map(describeEvent).join(' → '))}</code></p>` +
      `<p>At step ${t.events.length}, <code>${xml(describeEvent(last))}</code>: A ${side(t.a)}; B ${side(t.b)}. Under B: <code>guillotine replay --policy ${xml(d.b.source)} --path '${xml(t.path ?? '')}'</code></p>`;
  } else {
    trace = t.complete
      ? `<p class="summary ok">No trace tells the machines apart: they accept exactly the same traces (${num(t.explored)} pairs of states explored).</p>`
      : `<p class="warning">No trace told the machines apart within ${num(t.explored)} pairs of states (the search's bound).</p>`;
  }
  const html =
    `<p class="summary ${changed.length === 0 ? 'ok' : 'bad'}">A is this page's policy (${xml(d.a.source)}); B is ${xml(d.b.source)}. ` +
    `${changed.length === 0 ? 'Every verdict is the same under both.' : `${changed.length} verdict${changed.length === 1 ? '' : 's'} changed: ${changed.map((v) => `${xml(v.id)} ${v.a.toUpperCase()} → ${v.b.toUpperCase()}`).join(', ')}.`}</p>` +
    `<table class="grid diff-verdicts"><thead><tr><th>property</th><th>kind</th><th>A</th><th>B</th><th></th></tr></thead><tbody>${verdictRows}</tbody></table>` +
    `<p>Reachable states${d.states.symmetry ? ' (one per renaming of admins)' : ''}: A ${num(d.states.a)}, B ${num(d.states.b)}.</p>` +
    findings +
    trace;
  return { id: 'diff', title: SECTION_TITLES.diff, status: 'ready', html, traces, holds: changed.length === 0 };
}

/** Compares the reviewed policy with another and renders the comparison. */
export function diffSection(policy: Policy, compare: { readonly source: string; readonly policy: Policy }): Section {
  return diffSectionOf(diffPolicies({ source: 'this policy', policy }, compare));
}
