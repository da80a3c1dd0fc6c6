/**
 * The transition coverage of the generated tests on the review page: the coverage report of
 * `generateTests` (what `guillotine gen-tests --json` prints) as its summary, a table of the
 * statechart's written transitions, and an overlay that colours each transition of the picture
 * covered, uncovered or unreachable under the policy.
 */
import { generateTests, type CoverageReport, type GenerateOptions } from '../testgen/index.ts';
import type { Policy } from '../spec/policy.ts';
import { xml } from './svg.ts';
import type { Section } from './section.ts';

/** testgen names an edge `region.state event#branch`; the picture names it `region.state:event#branch`. */
export function pictureTransitionId(testgenId: string): string {
  const space = testgenId.indexOf(' ');
  return space === -1 ? testgenId : `${testgenId.slice(0, space)}:${testgenId.slice(space + 1)}`;
}

/** Renders a coverage report; pure, so tests can feed it any report. */
export function coverageSectionOf(report: CoverageReport): Section {
  const overlay: Record<string, 'covered' | 'uncovered' | 'unreachable'> = {};
  const rows = report.statechart.map((e) => {
    const status = e.covered ? 'covered' : e.reachable === 0 ? 'unreachable' : 'uncovered';
    overlay[pictureTransitionId(e.id)] = status;
    return `<tr class="cov-${status}" data-transition="${xml(pictureTransitionId(e.id))}"><td><code>${xml(e.region)}.${xml(e.source)}</code></td><td><code>${xml(e.event)}</code>${e.guard ? ` [${xml(e.guard)}]` : ''}</td><td>${e.target === null ? '(stays)' : xml(e.target)}</td><td>${e.reachable}</td><td>${e.exercised}</td><td>${status === 'unreachable' ? 'no reachable state takes it under this policy' : status}</td></tr>`;
  });
  const edges = report.statechart.length;
  const covered = report.statechart.filter((e) => e.covered).length;
  const unreachable = report.statechart.filter((e) => !e.covered && e.reachable === 0).length;
  const missing = edges - covered - unreachable;
  const html =
    `<p class="summary ${missing === 0 ? 'ok' : 'bad'}">${report.tests.toLocaleString('en-US')} generated tests (${report.steps.toLocaleString('en-US')} steps, criterion: ${report.criterion}) exercise ${report.covered.toLocaleString('en-US')} of ${report.transitions.toLocaleString('en-US')} reachable (state, event) pairs over ${report.states.toLocaleString('en-US')} states; ` +
    `baseline (${xml(report.baseline.source)}): ${report.baseline.tests.toLocaleString('en-US')} tests, ${report.baseline.steps.toLocaleString('en-US')} steps.</p>` +
    `<p>Of the ${edges} transitions written in the statechart, ${covered} are exercised, ${missing} are reachable but not exercised, and ${unreachable} are taken by no reachable state under this policy. <button type="button" class="show-coverage">Colour them in the statechart</button> (the “coverage” box above it).</p>` +
    report.uncovered.map((g) => `<p class="warning">${g.count} uncovered: ${xml(g.reason)} (e.g. ${g.examples.map(xml).join(', ')})</p>`).join('') +
    `<details><summary>Every statechart transition</summary><table class="grid coverage"><thead><tr><th>state</th><th>event [guard]</th><th>target</th><th>reachable pairs</th><th>exercised</th><th>status</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
  return { id: 'coverage', title: 'Transition coverage of the generated tests', status: 'ready', html, traces: [], holds: null, overlay };
}

/** Generates the transition tests for a policy and renders their coverage. */
export function coverageSection(policy: Policy, options: GenerateOptions = {}): Section {
  const result = generateTests(policy, options);
  if (result.kind === 'limit') return { id: 'coverage', title: 'Transition coverage of the generated tests', status: 'unavailable', reason: result.message };
  return coverageSectionOf(result.report);
}
