import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { LEVELS } from '../../spec/levels.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { THEOREM_IDS } from '../../proofs/index.ts';
import { SOAK_TRIGGERS } from '../../simulator/index.ts';
import { startVizServer, type VizServer } from '../../viz/server.ts';
import { sectionsInWorker } from '../../viz/sectionsThread.ts';
import { allSections, type SectionFeed } from '../../viz/sectionFeed.ts';
import { checkSection } from '../../viz/checkSection.ts';
import { buildReport } from '../../viz/report.ts';
import { launchChromium, SHOTS, type Browser } from './chromium.ts';

function unsafePolicy(): Policy {
  const loaded = loadPolicyFile('test/fixtures/policies/unsafe.json');
  if (!loaded.ok) throw new Error('fixture unsafe.json does not load');
  return loaded.policy;
}

async function stepCounter(page: Page): Promise<string> {
  return (await page.locator('#step-counter').textContent()) ?? '';
}

/** Waits for a section of the live page to arrive (Z3 and the simulator take tens of seconds). */
async function sectionReady(page: Page, id: string): Promise<void> {
  await page.waitForSelector(`#section-${id}[data-status="ready"], #section-${id}[data-status="unavailable"]`, { timeout: 110_000 });
  const status = await page.locator(`#section-${id}`).getAttribute('data-status');
  assert.equal(status, 'ready', `section ${id}: ${await page.locator(`#section-${id}`).textContent()}`);
}

describe('viz in Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: VizServer;
  // Every section of the default policy, built once in a child process (the checker, Z3 and the
  // simulator run there) and shared by the live page and the report tests.
  let feed: SectionFeed;
  before(async function () {
    browser = await launchChromium(this);
    mkdirSync(SHOTS, { recursive: true });
    feed = sectionsInWorker(DEFAULT_POLICY);
    server = await startVizServer({ policy: DEFAULT_POLICY, policySource: '(embedded default)', port: 0, sections: () => feed });
  });
  after(async () => {
    await server?.close();
    await browser?.close();
  });

  it('draws_all_six_levels_visibly_and_renders_in_under_two_seconds', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    // Measured by the browser itself: navigation start to the statechart drawn and the page routed.
    const ms = Number(await page.locator('body').getAttribute('data-ready-ms'));
    console.log(`      page ready ${ms} ms after navigation start (statechart laid out server-side in ${server.model.layoutMs} ms)`);
    assert.ok(ms < 2000, `the page took ${ms} ms to render`);
    await page.click('#zoom-one');
    for (const level of LEVELS) {
      const box = page.locator(`svg [data-level="${level}"] rect.state-box`);
      const b = await box.boundingBox();
      assert.ok(b && b.width > 80 && b.height > 20, `level ${level} has a box`);
      await box.scrollIntoViewIfNeeded();
      // Nothing is drawn over the level's name: the topmost element there belongs to its group.
      const onTop = await page.locator(`svg [data-level="${level}"] text.t-title`).evaluate((text) => {
        const r = text.getBoundingClientRect();
        return text.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest('[data-level]')?.getAttribute('data-level') ?? null;
      });
      assert.equal(onTop, level, `the name of level ${level} is covered`);
      assert.equal(await page.locator(`svg [data-level="${level}"] text.t-title`).textContent(), level);
    }
    await page.screenshot({ path: join(SHOTS, 'statechart-page.png') });
    await page.setContent(`<!doctype html><body style="margin:0">${server.model.svg}</body>`);
    await page.screenshot({ path: join(SHOTS, 'statechart-full.png'), fullPage: true });
    await page.close();
  });

  it('shows_a_levels_capability_row_when_it_is_clicked', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('svg [data-level="offline"] text.t-title');
    const row = page.locator('#capabilities[data-level="offline"]');
    await row.waitFor();
    assert.equal(await row.locator('[data-capability="modelCores"] td').textContent(), 'halted');
    assert.equal(await row.locator('[data-capability="networkRelay"] td').textContent(), 'open');
    assert.equal(await row.locator('[data-capability="ports"] td').textContent(), 'none: no port is serviced');
    assert.equal(await page.locator('svg .state.selected').getAttribute('data-level'), 'offline');
    // The same row is one click away from the level strip, and the keyboard reaches the levels too.
    await page.click('#level-strip button[data-level="severed"]');
    assert.equal(await page.locator('#capabilities [data-capability="ports"] td').textContent(), 'local: local ports only (storage, console), no network port');
    await page.focus('svg [data-level="immolation"]');
    await page.keyboard.press('Enter');
    assert.match((await page.locator('#level-panel h3').textContent()) ?? '', /Level 5: immolation\s*irreversible/);
    assert.equal(await page.locator('#capabilities [data-capability="facility"] td').textContent(), 'destroyed');
    await page.screenshot({ path: join(SHOTS, 'level-capabilities.png') });
    await page.close();
  });

  it('steps_a_trace_forwards_and_backwards_with_buttons_and_keys', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}#path=propose:a1:severed,approve:a2,approve:a2,approve:a3,heartbeat-missed&step=0`);
    await page.waitForSelector('#frame[data-step="0"]');
    assert.equal(await stepCounter(page), 'step 0 of 5');
    await page.click('#next');
    await page.waitForSelector('#frame[data-step="1"]');
    assert.match((await page.locator('#state-after [data-field="proposal"] td').textContent()) ?? '', /standard → severed: 1 of 3 approvals \(a1\)/);
    assert.equal(await page.locator('svg [data-state="proposal.open"]').getAttribute('class'), 'state active');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#frame[data-step="3"][data-accepted="false"]');
    assert.match((await page.locator('#frame .effects').textContent()) ?? '', /rejected: a2 already approved this proposal/);
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#frame[data-step="4"][data-level="severed"]');
    assert.match((await page.locator('#frame .effects').textContent()) ?? '', /level standard → severed \(cause: quorum\)/);
    assert.match(await page.locator('svg [data-state="isolation.severed"]').getAttribute('class') ?? '', /\bactive\b/);
    assert.ok((await page.locator('svg path.edge.taken[data-source="isolation.standard"][data-target="isolation.severed"]').count()) === 1, 'the edge taken is highlighted');
    assert.match(page.url(), /#path=propose:a1:severed,approve:a2,approve:a2,approve:a3,heartbeat-missed&step=4$/);
    await page.screenshot({ path: join(SHOTS, 'trace-step.png') });
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('#frame[data-step="3"][data-level="standard"]');
    await page.keyboard.press('End');
    await page.waitForSelector('#frame[data-step="5"]');
    assert.ok(await page.locator('#next').isDisabled());
    await page.keyboard.press('Home');
    await page.waitForSelector('#frame[data-step="0"]');
    assert.ok(await page.locator('#prev').isDisabled());
    await page.close();
  });

  it('loads_a_counterexample_from_the_check_results_and_steps_to_its_violating_state', async () => {
    const unsafe = unsafePolicy();
    const bad = await startVizServer({ policy: unsafe, policySource: 'unsafe.json', port: 0, sections: () => sectionsInWorker(unsafe, { only: ['check'] }) });
    try {
      const page = await browser.context.newPage();
      await page.goto(bad.url);
      const link = page.locator('#section-check a.trace-link[data-property="irreversible-levels"]');
      await link.waitFor({ timeout: 60_000 });
      await link.click();
      const frame = page.locator('#frame');
      await page.waitForSelector('#frame .violations');
      assert.match((await page.locator('#frame .violations').textContent()) ?? '', /✗ irreversible-levels/);
      const step = Number(await frame.getAttribute('data-step'));
      assert.ok(step >= 1);
      // One step back, the property still holds: the violating step is the one the link opened.
      await page.keyboard.press('ArrowLeft');
      await page.waitForSelector(`#frame[data-step="${step - 1}"]`);
      assert.equal(await page.locator('#frame .violations').count(), 0);
      await page.click('#to-violation');
      await page.waitForSelector(`#frame[data-step="${step}"] .violations`);
      await page.locator('#section-check').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, 'counterexample.png'), fullPage: true });
      await page.close();
    } finally {
      await bad.close();
    }
  });

  it('shows_the_proofs_table_with_every_theorem_proved_and_every_negative_control_caught', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await sectionReady(page, 'proofs');
    const rows = page.locator('#section-proofs table.proofs tbody tr');
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-theorem'))), [...THEOREM_IDS]);
    assert.deepEqual(await rows.locator('td.verdict').allTextContents(), THEOREM_IDS.map(() => 'PROVED'));
    const controls = await page.locator('#section-proofs table.controls td.verdict').allTextContents();
    assert.ok(controls.length >= THEOREM_IDS.length && controls.every((c) => c === 'caught'), `controls: ${controls.join(', ')}`);
    assert.match((await page.locator('#section-proofs p.summary.ok').textContent()) ?? '', new RegExp(`^${THEOREM_IDS.length} of ${THEOREM_IDS.length} theorems proved`));
    await page.locator('#section-proofs').screenshot({ path: join(SHOTS, 'proofs.png') });
    await page.close();
  });

  it('colours_the_statechart_transitions_by_coverage_when_the_toggle_is_on_with_a_legend', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await sectionReady(page, 'coverage');
    const coverage = (await feed.section('coverage')) as { overlay?: Record<string, string> };
    const overlay = coverage.overlay ?? {};
    assert.ok(Object.keys(overlay).length > 0);
    await page.waitForSelector('#coverage:not([disabled])');
    assert.equal(await page.locator('svg.statechart [data-transition][class*="cov-"]').count(), 0, 'no colours before the toggle');
    assert.ok(await page.locator('#coverage-legend').isHidden());
    await page.check('#coverage');
    // Every transition of the picture carries the status the coverage section gives it.
    const painted = await page.locator('svg.statechart [data-transition]').evaluateAll((nodes) =>
      nodes.map((n) => [n.getAttribute('data-transition'), ['covered', 'uncovered', 'unreachable'].find((c) => n.classList.contains(`cov-${c}`)) ?? null]),
    );
    for (const [id, status] of painted) assert.equal(status, overlay[id!] ?? null, `transition ${id}`);
    // Drawn in the legend's colours: exercised edges blue, unreachable ones dotted grey.
    const edge = page.locator('svg.statechart path.edge.cov-covered').first();
    assert.equal(await edge.count(), 1, 'some edge is exercised');
    assert.equal(await edge.evaluate((p) => p.ownerDocument.defaultView!.getComputedStyle(p).stroke), 'rgb(0, 114, 178)');
    const dead = page.locator('svg.statechart path.edge.cov-unreachable').first();
    if ((await dead.count()) > 0) assert.equal(await dead.evaluate((p) => p.ownerDocument.defaultView!.getComputedStyle(p).strokeDasharray), '2px, 3px');
    assert.ok(await page.locator('#coverage-legend').isVisible());
    const counts = Object.values(overlay);
    assert.equal(await page.locator('#coverage-legend .count[data-status="covered"]').textContent(), `(${counts.filter((c) => c === 'covered').length})`);
    assert.equal(await page.locator('#coverage-legend .count[data-status="unreachable"]').textContent(), `(${counts.filter((c) => c === 'unreachable').length})`);
    await page.screenshot({ path: join(SHOTS, 'coverage-overlay.png') });
    await page.uncheck('#coverage');
    assert.equal(await page.locator('svg.statechart [data-transition][class*="cov-"]').count(), 0, 'the toggle takes the colours off again');
    // The coverage section's own button ticks the box too.
    await page.click('#section-coverage button.show-coverage');
    assert.ok(await page.locator('#coverage').isChecked());
    assert.ok((await page.locator('svg.statechart path.edge.cov-covered').count()) > 0);
    await page.close();
  });

  it('draws_the_soak_plots_as_svg_with_axes_labels_trigger_lanes_and_deadlines_and_the_side_channel_and_port_tables', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await sectionReady(page, 'experiments');
    const section = page.locator('#section-experiments');
    const levelPlot = section.locator('svg.plot.level-plot');
    assert.equal(await levelPlot.count(), 1, 'the level-over-time plot is drawn');
    assert.equal(await levelPlot.locator('.x-axis').count(), 1);
    assert.equal(await levelPlot.locator('.y-axis').count(), 1);
    assert.equal(await levelPlot.locator('text.x-title').textContent(), 'virtual time (hours)');
    const levelLabels = await levelPlot.locator('text.tick-label').allTextContents();
    for (const [i, level] of LEVELS.entries()) assert.ok(levelLabels.includes(`${i} ${level}`), `the y axis names ${level}`);
    assert.ok(levelLabels.includes('72'), 'the time axis runs to the 72 hours of the soak');
    const lanes = await levelPlot.locator('g.lane').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-trigger')));
    assert.deepEqual(lanes, [...SOAK_TRIGGERS], 'a lane of markers per trigger');
    assert.ok((await levelPlot.locator('path.level-line').getAttribute('d'))!.split('V').length > 10, 'the level changes many times');
    const box = await levelPlot.boundingBox();
    assert.ok(box && box.width >= 900 && box.height >= 250, `the plot is drawn at a legible size: ${JSON.stringify(box)}`);
    const histograms = section.locator('svg.plot.histogram');
    assert.equal(await histograms.count(), SOAK_TRIGGERS.length, 'a time-to-isolation histogram per trigger');
    for (const h of await histograms.all()) {
      assert.match((await h.locator('text.x-title').textContent()) ?? '', /^time to isolation \((ms|s)\)$/);
      assert.equal(await h.locator('text.y-title').textContent(), 'runs');
      assert.equal(await h.locator('line.deadline').count(), 1, 'the policy deadline is drawn');
      assert.match((await h.locator('text.deadline-label').textContent()) ?? '', /^deadline [\d,.]+ m?s/);
    }
    // Every bar of the heartbeat-loss histogram sits left of its deadline line (all met in time).
    const heartbeat = histograms.first();
    const deadlineX = Number(await heartbeat.locator('line.deadline').getAttribute('x1'));
    for (const bar of await heartbeat.locator('rect.bar').all()) assert.ok(Number(await bar.getAttribute('x')) + Number(await bar.getAttribute('width')) <= deadlineX + 0.5);
    assert.equal(await section.locator('table.side-channel tr[data-layout]').count(), 3);
    assert.match((await section.locator('table.side-channel tr[data-layout="chance"]').textContent()) ?? '', /0\.5000/);
    assert.ok((await section.locator('table.port-resilience tbody tr').count()) >= 5);
    await section.screenshot({ path: join(SHOTS, 'experiments.png') });
    await levelPlot.screenshot({ path: join(SHOTS, 'level-plot.png') });
    await section.locator('.plots').nth(1).screenshot({ path: join(SHOTS, 'histograms.png') });
    await page.close();
  });

  it('opens_the_report_file_with_no_network_request_and_replays_its_counterexamples_offline', async () => {
    const unsafe = unsafePolicy();
    const file = resolve(SHOTS, 'report-unsafe.html');
    writeFileSync(file, await buildReport(unsafe, { policySource: 'unsafe.json', sections: [checkSection(unsafe)] }));
    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const url = pathToFileURL(file).href;
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#section-check a.trace-link[data-property="irreversible-levels"]');
    await page.waitForSelector('#frame .violations');
    await page.keyboard.press('Home');
    await page.waitForSelector('#frame[data-step="0"]');
    await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
    assert.deepEqual(requests, [url], `the report requested ${requests.join(', ')}`);
    await page.close();
  });

  it('opens_the_full_report_with_proofs_coverage_and_plots_and_still_makes_no_network_request', async () => {
    const file = resolve(SHOTS, 'report-default.html');
    writeFileSync(file, await buildReport(DEFAULT_POLICY, { policySource: '(embedded default)', sections: await allSections(feed) }));
    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const url = pathToFileURL(file).href;
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    for (const id of ['check', 'proofs', 'coverage', 'experiments']) assert.equal(await page.locator(`#section-${id}`).getAttribute('data-status'), 'ready', `section ${id}`);
    // The header sums the verdicts up: every judged section holds; coverage judges nothing.
    assert.deepEqual(await page.locator('#section-nav button').allTextContents(), ['check ✔', 'proofs ✔', 'coverage', 'experiments ✔']);
    assert.equal(await page.locator('#section-proofs td.verdict', { hasText: 'PROVED' }).count(), THEOREM_IDS.length);
    assert.equal(await page.locator('#section-experiments svg.plot.level-plot .x-axis').count(), 1);
    assert.equal(await page.locator('#section-experiments svg.plot.histogram').count(), SOAK_TRIGGERS.length);
    await page.check('#coverage');
    assert.ok((await page.locator('svg.statechart path.edge.cov-covered').count()) > 0, 'the coverage toggle works offline');
    await page.screenshot({ path: join(SHOTS, 'report-default.png'), fullPage: true });
    assert.deepEqual(requests, [url], `the report requested ${requests.join(', ')}`);
    await page.close();
  });
});
