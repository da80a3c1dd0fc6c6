/**
 * The review page as one HTML document: the statechart SVG, the side panel for levels and
 * traces, the sections, and the page's own CSS and script inlined. `guillotine viz` serves it
 * (the page then asks `/api/trace` and `/api/sections` on its own origin); `guillotine report`
 * writes it with every replay and section embedded, so the file needs nothing but itself.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LEVELS } from '../spec/levels.ts';
import type { Section } from './section.ts';
import type { StatechartModel, TraceView } from './reviewModel.ts';
import { xml } from './svg.ts';

const asset = (name: string) => readFileSync(fileURLToPath(new URL(`./client/${name}`, import.meta.url)), 'utf8');

/** What the page embeds: in `server` mode traces and sections are fetched; in `report` mode they are here. */
export interface PageData {
  readonly mode: 'server' | 'report';
  /** Where the policy came from, as shown in the header (`(embedded default)` or a file name). */
  readonly policySource: string;
  readonly model: StatechartModel;
  /** Replays by `traceKey(path, cycle)`; report mode only. */
  readonly traces: Readonly<Record<string, TraceView>>;
  readonly sections: readonly Section[];
  /** The hash the page opens at when its URL has none (the `--trace` file's path). */
  readonly initialHash: string | null;
  /** When the report was built, as an ISO string; null for the live page (keeps reports reproducible when omitted). */
  readonly generated: string | null;
}

/** JSON safe to put inside a `<script>` element (no `</script>` or `<!--` can appear). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Renders the whole page. Deterministic: the same data gives the same bytes. */
export function reviewPage(data: PageData): string {
  const policy = data.model.policy;
  const q = policy.quorum;
  const summary = `${policy.admins.length} admins · escalate ${q.escalate} of ${policy.admins.length} · de-escalate ${q.deescalate} of ${policy.admins.length} · timeout ${q.timeoutSeconds}s (${q.onTimeout}) · irreversible: ${policy.irreversible.join(', ') || 'none'}`;
  const client = {
    mode: data.mode,
    width: data.model.width,
    height: data.model.height,
    levels: data.model.levels,
    traces: data.traces,
    sections: data.sections,
    initialHash: data.initialHash,
    policyArg: data.policySource === '(embedded default)' ? '' : ` --policy ${data.policySource}`,
  };
  const c = data.model.counts;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; ${data.mode === 'server' ? "connect-src 'self'; " : ''}img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Guillotine review — ${xml(data.policySource)}</title>
<style>${asset('review.css')}</style>
</head>
<body data-mode="${data.mode}">
<header><h1>Guillotine review</h1><span class="policy">policy ${xml(data.policySource)}: ${xml(summary)}</span><nav id="section-nav" aria-label="sections below the statechart"></nav></header>
<main>
<div id="canvas-wrap">
<div class="toolbar">
<span id="level-strip" aria-label="levels">${LEVELS.map((l, i) => `<button type="button" data-level="${l}"${policy.irreversible.includes(l) ? ' class="irreversible"' : ''}>${i} ${l}</button>`).join('')}</span>
<span style="flex:1"></span>
<label id="coverage-toggle" title="colour each transition by whether the generated tests exercise it (the coverage section below)"><input type="checkbox" id="coverage" disabled> coverage <span id="coverage-status" class="muted">(not computed yet)</span></label>
<button type="button" id="zoom-out" aria-label="zoom out">−</button><span id="zoom-level">100%</span><button type="button" id="zoom-in" aria-label="zoom in">+</button>
<button type="button" id="zoom-fit">fit</button><button type="button" id="zoom-one">100%</button>
</div>
<div id="coverage-legend" hidden><span class="swatch cov-covered"></span>exercised by a generated test <span class="count" data-status="covered"></span><span class="swatch cov-uncovered"></span>reachable, not exercised <span class="count" data-status="uncovered"></span><span class="swatch cov-unreachable"></span>taken by no reachable state under this policy <span class="count" data-status="unreachable"></span></div>
<div id="canvas">${data.model.svg}</div>
</div>
<aside>
<section id="level-section"><h2>Level capabilities</h2><div id="level-panel"><p class="muted">Click a level in the statechart (or above) to read its capability row.</p></div></section>
<section id="trace-section"><h2>Trace</h2>
<form id="path-form"><input id="path-input" aria-label="path of events" placeholder="propose:a1:severed,approve:a2,approve:a3" spellcheck="false" autocomplete="off"><button type="submit">replay</button></form>
<div id="trace-controls" hidden>
<button type="button" id="first" aria-label="first step" title="first step (Home)">|◀</button><button type="button" id="prev" aria-label="previous step" title="previous step (←)">◀</button><button type="button" id="next" aria-label="next step" title="next step (→)">▶</button><button type="button" id="last" aria-label="last step" title="last step (End)">▶|</button>
<button type="button" id="to-violation" hidden title="next step that violates a property">next violation</button><span id="step-counter"></span>
</div>
<div id="trace" aria-live="polite"></div>
</section>
</aside>
</main>
<div id="sections"></div>
<footer>Statechart generated from the policy by <code>machineConfig</code>: ${c.regions} parallel regions, ${c.states} states, ${c.edges} transitions between states and ${c.internal} inside states; laid out by ELK in ${data.model.layoutMs} ms.${data.generated ? ` Report built ${xml(data.generated)}.` : ''} Keys: ← → step, Home/End first/last.</footer>
<script type="application/json" id="review-data">${scriptJson(client)}</script>
<script>${asset('review.js')}</script>
</body>
</html>
`;
}
