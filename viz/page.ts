/**
 * The review page as one HTML document: the levels view (what moves the system between levels),
 * the full statechart and the sequence chart of the trace, the side panel to fire events and step
 * through the trace, the sections, and the page's own CSS and scripts inlined — the model bundle
 * (`bundle.ts`: the policy's machine, run by the page itself) and the page's glue
 * (`client/review.js`). `guillotine viz` serves it (the page then asks `/api/sections` and, with
 * `--watch`, listens on `/api/events`); `guillotine report` writes it with the sections embedded,
 * so the file needs nothing but itself.
 *
 * The Content-Security-Policy allows exactly the page's own inline scripts and style sheets, by
 * their SHA-256 hashes (no `unsafe-inline`): the server sends it as a header, the report file
 * carries it in a `<meta>` element.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Policy } from '../spec/policy.ts';
import { ladderHtml } from './levelLadder.ts';
import { logPanelHtml, type LogView } from './logView.ts';
import { PLOT_STYLE } from './plot.ts';
import type { Section } from './section.ts';
import type { StatechartModel } from './reviewModel.ts';
import { SVG_STYLE, xml } from './svg.ts';

const asset = (name: string) => readFileSync(fileURLToPath(new URL(`./client/${name}`, import.meta.url)), 'utf8');

/** What the page embeds: in `server` mode sections are fetched; in `report` mode they are here. */
export interface PageData {
  readonly mode: 'server' | 'report';
  /** Where the policy came from, as shown in the header (`(embedded default)` or a file name). */
  readonly policySource: string;
  readonly model: StatechartModel;
  /** The browser bundle of the page's model (`explorerBundle()`). */
  readonly bundle: string;
  readonly sections: readonly Section[];
  /** The hash the page opens at when its URL has none (the `--trace` file's path). */
  readonly initialHash: string | null;
  /** When the report was built, as an ISO string; null for the live page (keeps reports reproducible when omitted). */
  readonly generated: string | null;
  /** `viz --watch`: the page listens for policy updates. */
  readonly watch?: boolean;
  /** The policy version the live page starts at (it counts updates under `--watch`). */
  readonly version?: number;
  /** `viz --log FILE --watch`: the page listens for the log validated again. */
  readonly watchLog?: boolean;
  /** A log opened as the trace (`--log FILE`): validate's verdict, the matched behaviour and where each of its events came from. */
  readonly log?: LogView | null;
}

export interface Page {
  readonly html: string;
  /** The Content-Security-Policy of the page, for the server's header. */
  readonly csp: string;
}

/** JSON safe to put inside a `<script>` element (no `</script>` or `<!--` can appear). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The policy allowing exactly these inline scripts and style sheets. The page also receives style
 * sheets later (a section's plots, a new statechart under `--watch`), so the plots' and the
 * statechart's fixed style sheets are always allowed.
 */
export function contentSecurityPolicy(mode: PageData['mode'], scripts: readonly string[], styles: readonly string[]): string {
  const styleHashes = [...new Set([...styles, SVG_STYLE, PLOT_STYLE].map(sha256))];
  return [
    `default-src 'none'`,
    `script-src ${scripts.map(sha256).join(' ')}`,
    `style-src ${styleHashes.join(' ')}`,
    `img-src data:`,
    ...(mode === 'server' ? [`connect-src 'self'`, `frame-ancestors 'none'`] : []),
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
}

/** The header's one-line summary of a policy. */
export function policyLine(policy: Policy): string {
  const q = policy.quorum;
  const n = policy.admins.length;
  return `${n} admins · escalate ${q.escalate} of ${n} · de-escalate ${q.deescalate} of ${n} · timeout ${q.timeoutSeconds}s (${q.onTimeout}) · irreversible: ${policy.irreversible.join(', ') || 'none'}`;
}

/** The JSON `/api/model` answers and the page swaps in under `--watch`. */
export function clientModel(policySource: string, model: StatechartModel, version: number) {
  return {
    version,
    policySource,
    policy: model.policy,
    summary: policyLine(model.policy),
    width: model.width,
    height: model.height,
    levels: model.levels,
    svg: model.svg,
    ladderHtml: ladderHtml(model.ladder),
    counts: model.counts,
    layoutMs: model.layoutMs,
  };
}

/** Renders the whole page and its Content-Security-Policy. Deterministic: the same data gives the same bytes. */
export function reviewPage(data: PageData): Page {
  const policy = data.model.policy;
  const css = asset('review.css');
  const glue = asset('review.js');
  const client = {
    mode: data.mode,
    version: data.version ?? 0,
    watch: data.watch === true,
    watchLog: data.watchLog === true,
    policySource: data.policySource,
    policy,
    width: data.model.width,
    height: data.model.height,
    levels: data.model.levels,
    sections: data.sections,
    initialHash: data.initialHash,
    log: data.log ?? null,
  };
  const csp = contentSecurityPolicy(data.mode, [data.bundle, glue], [css]);
  const c = data.model.counts;
  const summary = policyLine(policy);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${data.mode === 'report' ? `<meta http-equiv="Content-Security-Policy" content="${xml(csp)}">\n` : ''}<title>Guillotine review — ${xml(data.policySource)}</title>
<style>${css}</style>
</head>
<body data-mode="${data.mode}">
<header><h1>Guillotine review</h1><span class="policy" id="policy-summary" title="${xml(`policy ${data.policySource}: ${summary}`)}">policy <strong id="policy-source">${xml(data.policySource)}</strong>: <span id="policy-line">${xml(summary)}</span></span><span id="watch-status" hidden></span><nav id="section-nav" aria-label="sections below"></nav></header>
<main>
<div id="canvas-wrap">
<div class="toolbar">
<span id="view-tabs" role="tablist" aria-label="views"><button type="button" role="tab" data-view="levels" aria-selected="true">levels</button><button type="button" role="tab" data-view="statechart" aria-selected="false">full statechart</button><button type="button" role="tab" data-view="sequence" aria-selected="false">sequence chart</button></span>
<span class="spacer"></span>
<span id="statechart-tools" hidden>
<label id="coverage-toggle" title="colour each transition by whether the generated tests exercise it (the coverage section below)"><input type="checkbox" id="coverage" disabled> coverage <span id="coverage-status" class="muted">(not computed yet)</span></label>
<button type="button" id="zoom-out" aria-label="zoom out">−</button><span id="zoom-level">100%</span><button type="button" id="zoom-in" aria-label="zoom in">+</button>
<button type="button" id="zoom-fit" title="fit the height of the statechart">fit</button><button type="button" id="zoom-one">100%</button>
</span>
</div>
<div id="coverage-legend" hidden><span class="swatch cov-covered"></span>exercised by a generated test <span class="count" data-status="covered"></span><span class="swatch cov-uncovered"></span>reachable, not exercised <span class="count" data-status="uncovered"></span><span class="swatch cov-unreachable"></span>taken by no reachable state under this policy <span class="count" data-status="unreachable"></span></div>
<div id="view-levels" class="view" role="tabpanel" aria-label="levels">
<div id="ladder">${ladderHtml(data.model.ladder)}</div>
<div id="now" aria-live="polite"></div>
</div>
<div id="view-statechart" class="view" role="tabpanel" aria-label="full statechart" hidden><div id="canvas">${data.model.svg}</div></div>
<div id="view-sequence" class="view" role="tabpanel" aria-label="sequence chart" hidden><div id="sequence"></div></div>
</div>
<aside id="panel">
${data.log ? `<section id="log-section" data-verdict="${data.log.verdict}"><h2>Log <span class="muted">opened as the trace</span></h2><div id="log-panel">${logPanelHtml(data.log)}</div></section>\n` : ''}<section id="trace-section"><h2>Trace</h2>
<form id="path-form"><input id="path-input" aria-label="path of events" placeholder="propose:a1:severed,approve:a2,approve:a3" spellcheck="false" autocomplete="off"><button type="submit">replay</button></form>
<div id="trace-controls">
<button type="button" id="first" aria-label="first step" title="first step (Home)">|◀</button><button type="button" id="prev" aria-label="previous step" title="previous step (←)">◀</button><button type="button" id="next" aria-label="next step" title="next step (→)">▶</button><button type="button" id="last" aria-label="last step" title="last step (End)">▶|</button>
<button type="button" id="undo" title="take back the last event of the path (the browser's back button goes back through every change)">undo</button>
<span id="step-counter"></span><button type="button" id="to-violation" hidden title="next step that violates a property">next violation</button>
</div>
<div id="trace" aria-live="polite"></div>
</section>
<section id="explore-section"><h2>Fire an event <span class="muted">in the state of this step</span></h2>
<div id="explore"></div>
<form id="walk-form"><button type="submit" id="walk">random walk</button> of <input id="walk-steps" type="number" min="1" max="100000" value="100" aria-label="steps of the random walk"> steps, seed <input id="walk-seed" type="number" min="0" max="4294967295" value="1" aria-label="seed of the random walk"><span class="muted"> (stops at the first violation)</span></form>
<p id="walk-result" class="muted"></p>
</section>
<section id="level-section"><h2>Level capabilities</h2><div id="level-panel"></div></section>
<section id="steps-section"><h2>All steps</h2><ol id="steps" class="steps" start="0"></ol></section>
</aside>
</main>
<div id="sections"></div>
<footer>Levels view found by exploring the machine (${data.model.ladder.explored.states.toLocaleString('en-US')} states); statechart generated from the policy by <code>machineConfig</code>: ${c.regions} parallel regions, ${c.states} states, ${c.edges} transitions between states and ${c.internal} inside states; laid out by ELK in ${data.model.layoutMs} ms. The page runs the machine itself (the compiled engine, bundled): every click is a step of the same machine the checker explores.${data.generated ? ` Report built ${xml(data.generated)}.` : ''} Keys: ← → step, Home/End first/last.</footer>
<script type="application/json" id="review-data">${scriptJson(client)}</script>
<script>${data.bundle}</script>
<script>${glue}</script>
</body>
</html>
`;
  return { html, csp };
}
