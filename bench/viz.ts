/**
 * Visualizer benchmark (issue 6): ELK layout time of the composed machine (cold, the first layout
 * in a fresh process, and warm, the median of the next runs) for the default policy and for
 * 15 admins without irreversible levels (the most edges), the SVG size; the compute time of each
 * section below the statechart (check, proofs, coverage, experiments — what `guillotine report`
 * spends its time on); the time to assemble the report from built sections and its size; and the
 * page's render time in Chromium (navigation start to a drawn, routed statechart), for the live
 * page and for the full report file.
 * Target: the page for the default policy renders in under two seconds.
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

/** Milliseconds from navigation start to a drawn, routed statechart, as the page itself measures it, for each of `runs` loads of `url`. */
async function pageRenderMs(url: () => Promise<{ url: string; close: () => Promise<void> }>, runs: number): Promise<number[] | null> {
  if (!existsSync(CHROMIUM)) return null;
  const target = await url();
  const profile = mkdtempSync(join(tmpdir(), 'guillotine-bench-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'], viewport: { width: 1600, height: 1000 } });
  try {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await context.newPage();
      await page.goto(target.url);
      await page.waitForSelector('body[data-ready="true"]');
      out.push(Number(await page.locator('body').getAttribute('data-ready-ms')));
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
  // Each section once, in this process, as `guillotine report` builds them (Z3 starts cold in the proofs).
  const sections: Section[] = [];
  const sectionRows: SectionRow[] = [];
  for (const id of SECTION_IDS) {
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
  log('bench viz: page render in Chromium (live page, then the report file)…');
  const live = await pageRenderMs(async () => {
    const server = await startVizServer({ policy: DEFAULT_POLICY, policySource: '(embedded default)', port: 0, sections: () => feedOf(sections) });
    return { url: server.url, close: () => server.close() };
  }, 5);
  const dir = mkdtempSync(join(tmpdir(), 'guillotine-bench-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const offline = await pageRenderMs(async () => ({ url: pathToFileURL(file).href, close: async () => rmSync(dir, { recursive: true, force: true }) }), 5);
  return {
    layouts,
    sections: sectionRows,
    report,
    pageRenderMs: live,
    pageRenderMedianMs: live ? median(live) : null,
    reportRenderMs: offline,
    reportRenderMedianMs: offline ? median(offline) : null,
    targetMs: 2000,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchViz((l) => process.stderr.write(l + '\n'));
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else {
    process.stdout.write(table(['policy', 'states', 'edges', 'layout cold ms', 'layout warm median ms', 'SVG KiB'], r.layouts.map((l) => [l.policy, l.states, l.edges, l.coldMs, l.warmMedianMs, l.svgKiB])));
    process.stdout.write(table(['section (default policy)', 'compute ms', 'status'], r.sections.map((s) => [s.section, s.ms, s.status])));
    process.stdout.write(`report (default policy): sections ${r.report.sectionsMs} ms in all, then assembled in ${r.report.assemblyMedianMs} ms (median of 3), ${r.report.kiB} KiB\n`);
    const render = (what: string, all: number[] | null, med: number | null) =>
      all === null ? `${what}: Chromium not found at ${CHROMIUM}\n` : `${what} (navigation start → statechart drawn): median ${med} ms of ${all.join(', ')} ms; target < ${r.targetMs} ms: ${med! < r.targetMs ? 'met' : 'MISSED'}\n`;
    process.stdout.write(render('page render in Chromium', r.pageRenderMs, r.pageRenderMedianMs));
    process.stdout.write(render('report file render in Chromium', r.reportRenderMs, r.reportRenderMedianMs));
  }
}
