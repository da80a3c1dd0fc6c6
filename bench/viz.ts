/**
 * Visualizer benchmark (issues 6 and 22): ELK layout time of the composed machine (cold, the first
 * layout in a fresh process, and warm, the median of the next runs) for the default policy and for
 * 15 admins without irreversible levels (the most edges), the SVG size; the levels view's
 * exploration and the browser bundle's build; the compute time of each section below the
 * statechart (check, proofs, coverage, experiments — what `guillotine report` spends its time on);
 * the time to assemble the report from built sections and its size; and in Chromium, for the live
 * page and the report file: navigation start to an interactive page, the first interactive paint
 * after the server answers (the response's first byte to the page ready), a click on an event to
 * the next state painted, and a 1,000-step random walk in the page.
 * Targets: first interactive paint < 1 s after the server answers; a click < 50 ms; a 1,000-step
 * walk < 1 s.
 * Usage: node --import tsx bench/viz.ts [--json]
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { table } from '../cli/table.ts';
import { DEFAULT_POLICY, scaledPolicy, type Policy } from '../spec/policy.ts';
import { statechartView } from '../viz/statechart.ts';
import { layoutStatechart } from '../viz/layout.ts';
import { statechartSvg } from '../viz/svg.ts';
import { startVizServer } from '../viz/server.ts';
import { buildReport } from '../viz/report.ts';
import { feedOf } from '../viz/sectionFeed.ts';
import { SECTION_IDS, type Section } from '../viz/section.ts';
import { buildSection } from '../viz/sections.ts';
import { levelLadder } from '../viz/levelLadder.ts';
import { explorerBundle } from '../viz/bundle.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface LayoutRow { policy: string; states: number; edges: number; coldMs: number; warmMedianMs: number; svgKiB: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;

async function layoutRow(name: string, policy: Policy, warmRuns: number): Promise<LayoutRow> {
  const view = statechartView(policy);
  let t0 = performance.now();
  const layout = await layoutStatechart(view);
  const coldMs = ms(t0);
  const warm: number[] = [];
  for (let i = 0; i < warmRuns; i++) {
    t0 = performance.now();
    await layoutStatechart(view);
    warm.push(ms(t0));
  }
  const states = view.regions.reduce((n, r) => n + r.states.length, 0);
  return { policy: name, states, edges: view.edges.length, coldMs, warmMedianMs: median(warm), svgKiB: Math.round(statechartSvg(layout, name).length / 102.4) / 10 };
}

/** What one load of the page measures in Chromium (milliseconds). */
interface PageRun {
  /** Navigation start to an interactive, routed page. */
  readyMs: number;
  /** The response's first byte to an interactive page: the first interactive paint after the server answers. */
  afterResponseMs: number;
  /** Median of 20 clicks on an event button to the next frame painted. */
  clickMs: number;
  /** A 1,000-step random walk in the page, computed and drawn. */
  walkMs: number;
}

/** Loads the page `runs` times and measures each time; null without Chromium. */
async function pageRuns(url: () => Promise<{ url: string; close: () => Promise<void> }>, runs: number): Promise<PageRun[] | null> {
  if (!existsSync(CHROMIUM)) return null;
  const target = await url();
  const profile = mkdtempSync(join(tmpdir(), 'guillotine-bench-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'], viewport: { width: 1280, height: 800 } });
  try {
    const out: PageRun[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await context.newPage();
      await page.goto(target.url);
      await page.waitForSelector('body[data-ready="true"]');
      const readyMs = Number(await page.locator('body').getAttribute('data-ready-ms'));
      const responseStart = Number(await page.evaluate('performance.getEntriesByType("navigation")[0].responseStart'));
      // A click to the next state painted: the event fires, the views update, and a frame is drawn.
      const clicks: number[] = [];
      for (let c = 0; c < 20; c++) {
        const event = c % 2 === 0 ? 'heartbeat-missed' : 'heartbeat';
        clicks.push(Number(await page.evaluate(`new Promise((done) => { const t = performance.now(); document.querySelector('#explore button[data-event="${event}"]').click(); requestAnimationFrame(() => setTimeout(() => done(performance.now() - t))); })`)));
      }
      await page.fill('#walk-steps', '1000');
      await page.fill('#walk-seed', String(i + 1));
      await page.click('#walk');
      await page.waitForSelector('#walk-result:has-text("random walk")');
      const walkMs = Number(await page.locator('body').getAttribute('data-walk-ms'));
      out.push({ readyMs, afterResponseMs: Math.round(readyMs - responseStart), clickMs: Math.round(median(clicks) * 10) / 10, walkMs });
      await page.close();
    }
    return out;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await target.close();
  }
}

interface SectionRow { section: string; ms: number; status: string }

export async function benchViz(log: (line: string) => void) {
  // The cold figure is the first layout in this process: ELK's compiled Java code is not yet JIT-warm.
  log('bench viz: layout of the default policy…');
  const layouts = [await layoutRow('default (7 admins)', DEFAULT_POLICY, 5)];
  log('bench viz: layout of 15 admins, no irreversible level…');
  layouts.push(await layoutRow('15 admins, irreversible: []', scaledPolicy(15, { irreversible: [] }), 5));
  log('bench viz: levels view (explores the machine) and the browser bundle…');
  let t0 = performance.now();
  const ladder = levelLadder(DEFAULT_POLICY);
  const ladderMs = ms(t0);
  t0 = performance.now();
  const bundleKiB = Math.round((await explorerBundle()).length / 102.4) / 10;
  const bundleMs = ms(t0);
  // Each section once, in this process, as `guillotine report` builds them (Z3 starts cold in the proofs).
  const sections: Section[] = [];
  const sectionRows: SectionRow[] = [];
  for (const id of SECTION_IDS.filter((s) => s !== 'diff')) {
    log(`bench viz: section ${id}…`);
    const t0 = performance.now();
    const section = await buildSection(id, DEFAULT_POLICY);
    sectionRows.push({ section: id, ms: ms(t0), status: section.status === 'ready' ? (section.holds === false ? 'ready, does not hold' : 'ready') : `unavailable: ${section.reason}` });
    sections.push(section);
  }
  log('bench viz: report assembly from the built sections…');
  const assembly: number[] = [];
  let html = '';
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    html = await buildReport(DEFAULT_POLICY, { policySource: '(embedded default)', sections });
    assembly.push(ms(t0));
  }
  const report = { assemblyMedianMs: median(assembly), sectionsMs: Math.round(sectionRows.reduce((sum, r) => sum + r.ms, 0)), kiB: Math.round(html.length / 102.4) / 10 };
  log('bench viz: the page in Chromium at 1280×800 (live page, then the report file)…');
  const live = await pageRuns(async () => {
    const server = await startVizServer({ policy: DEFAULT_POLICY, policySource: '(embedded default)', port: 0, sections: () => feedOf(sections) });
    return { url: server.url, close: () => server.close() };
  }, 5);
  const dir = mkdtempSync(join(tmpdir(), 'guillotine-bench-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const offline = await pageRuns(async () => ({ url: pathToFileURL(file).href, close: async () => rmSync(dir, { recursive: true, force: true }) }), 5);
  const summary = (runs: PageRun[] | null) =>
    runs === null ? null : { runs, readyMedianMs: median(runs.map((r) => r.readyMs)), afterResponseMedianMs: median(runs.map((r) => r.afterResponseMs)), clickMedianMs: median(runs.map((r) => r.clickMs)), walkMedianMs: median(runs.map((r) => r.walkMs)) };
  return {
    layouts,
    levelsView: { ms: ladderMs, states: ladder.explored.states, admins: ladder.explored.admins },
    bundle: { ms: bundleMs, kiB: bundleKiB },
    sections: sectionRows,
    report,
    page: summary(live),
    reportPage: summary(offline),
    targets: { afterResponseMs: 1000, clickMs: 50, walkMs: 1000 },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchViz((l) => process.stderr.write(l + '\n'));
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else {
    process.stdout.write(table(['policy', 'states', 'edges', 'layout cold ms', 'layout warm median ms', 'SVG KiB'], r.layouts.map((l) => [l.policy, l.states, l.edges, l.coldMs, l.warmMedianMs, l.svgKiB])));
    process.stdout.write(table(['section (default policy)', 'compute ms', 'status'], r.sections.map((s) => [s.section, s.ms, s.status])));
    process.stdout.write(`levels view: ${r.levelsView.states} states explored with ${r.levelsView.admins} acting admins in ${r.levelsView.ms} ms; browser bundle ${r.bundle.kiB} KiB, built in ${r.bundle.ms} ms\n`);
    process.stdout.write(`report (default policy): sections ${r.report.sectionsMs} ms in all, then assembled in ${r.report.assemblyMedianMs} ms (median of 3), ${r.report.kiB} KiB\n`);
    const met = (v: number, target: number) => `${v} ms (target < ${target} ms: ${v < target ? 'met' : 'MISSED'})`;
    const render = (what: string, p: Awaited<ReturnType<typeof benchViz>>['page']) =>
      p === null
        ? `${what}: Chromium not found at ${CHROMIUM}\n`
        : `${what}, medians of ${p.runs.length} loads: interactive ${p.readyMedianMs} ms after navigation start; first interactive paint ${met(p.afterResponseMedianMs, r.targets.afterResponseMs)} after the response; click to next state ${met(p.clickMedianMs, r.targets.clickMs)}; 1,000-step random walk ${met(p.walkMedianMs, r.targets.walkMs)}\n`;
    process.stdout.write(render('live page in Chromium', r.page));
    process.stdout.write(render('report file in Chromium', r.reportPage));
  }
}
