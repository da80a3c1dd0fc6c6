/**
 * `guillotine viz --log FILE` in Chromium: the committed example logs (a consistent soak, a forged
 * approval) open as the page's trace, each step saying whether it was observed (its log line and
 * time) or supplied by the search, the divergence marked after the last matched step; the report
 * does the same from file://; `--watch` follows a log as it grows.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { logInput } from '../../cli/commands/viz.ts';
import { startVizServer, type VizServer } from '../../viz/server.ts';
import { feedOf } from '../../viz/sectionFeed.ts';
import { buildReport } from '../../viz/report.ts';
import { launchChromium, SHOTS, type Browser } from './chromium.ts';
import { startVizProcess } from './vizProcess.ts';

const SOAK = 'test/fixtures/logs/soak-2h-votes-and-levels.jsonl';
const FORGED = 'test/fixtures/logs/forged-approval.jsonl';

/** A server of the log's review, without the sections below (they are not what these tests are about). */
async function serveLog(file: string): Promise<VizServer> {
  const { input, log } = logInput(file, {});
  return startVizServer({ policy: input.policy, policySource: input.policySource, port: 0, sections: () => feedOf([]), log });
}

async function open(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, problems };
}

const sourcesOfSteps = (page: Page) => page.locator('#steps li[data-source]').evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-step')}:${li.getAttribute('data-source')}`));

describe('viz --log in Chromium', function () {
  this.timeout(90_000);
  let browser: Browser;
  let soak: VizServer;
  let forged: VizServer;
  before(async function () {
    browser = await launchChromium(this, { width: 1280, height: 800 });
    mkdirSync(SHOTS, { recursive: true });
    [soak, forged] = await Promise.all([serveLog(SOAK), serveLog(FORGED)]);
  });
  after(async () => {
    await soak?.close();
    await forged?.close();
    await browser?.close();
  });

  it('opens_a_consistent_log_at_the_end_of_its_behaviour_with_each_step_observed_or_supplied', async () => {
    const { page, problems } = await open(browser, soak.url);
    assert.match(page.url(), /#path=heartbeat-missed,.*&step=28$/, 'the page opens at the matched behaviour\'s last step');
    assert.match((await page.locator('#log-verdict').textContent()) ?? '', /^CONSISTENT: a behaviour of the statechart explains all 26 record\(s\)/);
    const sources = await sourcesOfSteps(page);
    assert.equal(sources.length, 28);
    assert.equal(sources.filter((s) => s.endsWith(':supplied')).length, 8);
    assert.equal(await page.locator('#steps li.divergence').count(), 0);
    // Step 6 is the first vote (line 3 of the log); step 1 the search supplied.
    await page.click('#steps li[data-step="6"] button');
    assert.equal(await page.locator('#frame .log-source').getAttribute('data-source'), 'observed');
    assert.match((await page.locator('#frame .log-source').textContent()) ?? '', /^observed observed: log line 3, t = 2940493\.312 ms$/);
    await page.click('#steps li[data-step="1"] button');
    assert.match((await page.locator('#frame .log-source').textContent()) ?? '', /supplied by the search: the log does not show it/);
    await page.click('#steps li[data-step="3"] button');
    assert.equal(await page.locator('#frame .log-shown').getAttribute('data-lines'), '2');
    assert.match((await page.locator('#frame .log-shown').textContent()) ?? '', /^the log's record at line 2 \(t = 621000 ms\) shows this state, with no event of its own$/);
    await page.screenshot({ path: join(SHOTS, 'log-consistent-1280x800.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('marks_the_divergence_of_the_forged_approval_after_the_last_matched_step_with_its_reason_and_property', async () => {
    const { page, problems } = await open(browser, forged.url);
    assert.match(page.url(), /&step=7$/);
    assert.equal(await page.locator('#log-section').getAttribute('data-verdict'), 'divergent');
    assert.deepEqual(await sourcesOfSteps(page), ['1:supplied', '2:supplied', '3:supplied', '4:observed', '5:observed', '6:observed', '7:observed']);
    const marker = page.locator('#frame .diverges');
    assert.equal(await marker.getAttribute('data-line'), '7');
    assert.match((await marker.textContent()) ?? '', /✗ the log diverges after this step at line 7 \(t = 3135841\.042 ms\): no behaviour of the statechart explains this record/);
    assert.equal(await page.locator('#log-divergence').getAttribute('open'), null, 'the details start folded');
    // Line 2 (the watchdog's change of level) has no event of its own: it shows the state after step 3.
    assert.match((await page.locator('#steps li[data-step="3"]').textContent()) ?? '', /supplied\+ line 2$/);
    await page.click('#steps li.divergence button');
    assert.equal(await page.locator('#log-divergence').getAttribute('open'), '', 'the divergence marker opens them');
    assert.match((await page.locator('#log-divergence').textContent()) ?? '', /The log shows: level severed; level record offline→severed \(quorum\)[^]*✗ breaks deescalation-needs-quorum/);
    assert.equal(await page.evaluate('window.scrollY'), 0, 'the page itself does not scroll');
    await page.screenshot({ path: join(SHOTS, 'log-divergent-1280x800.png') });
    // Firing an event past the divergence: that step is the reader's own, and the marker goes.
    await page.click('#explore button[data-event="heartbeat"]');
    assert.match(page.url(), /,heartbeat&step=8$/);
    assert.equal(await page.locator('#frame .log-source').getAttribute('data-source'), 'none');
    assert.equal(await page.locator('#steps li.divergence').count(), 0);
    // Back to the log's behaviour: the marker is there again.
    await page.goBack();
    await page.waitForSelector('#steps li.divergence');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('opens_a_report_with_the_log_from_file_with_every_network_request_refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-log-report-'));
    try {
      const { input, log } = logInput(FORGED, {});
      const file = join(dir, 'review.html');
      writeFileSync(file, await buildReport(input.policy, { policySource: input.policySource, log, sections: [] }));
      const page = await browser.context.newPage();
      const requests: string[] = [];
      await page.route('**/*', (route) => {
        if (route.request().url().startsWith('file:')) return route.continue();
        requests.push(route.request().url());
        return route.abort();
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-ready="true"]');
      assert.match(page.url(), /&step=7$/);
      assert.equal(await page.locator('#steps li.divergence').getAttribute('data-line'), '7');
      assert.deepEqual(requests, []);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows_a_growing_log_under_watch_and_marks_the_divergence_when_it_comes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-log-watch-'));
    const file = join(dir, 'run.jsonl');
    const text = readFileSync(FORGED, 'utf8').split('\n');
    writeFileSync(file, text.slice(0, 5).join('\n') + '\n');
    const viz = await startVizProcess(['--log', file, '--watch']);
    const url = viz.url;
    try {
      const { page, problems } = await open(browser, url);
      await page.route('**/api/section*', (route) => route.abort());
      assert.match((await page.locator('#watch-status').textContent()) ?? '', /^following /);
      assert.match(page.url(), /&step=6$/);
      // One more approval, then the forged one.
      appendFileSync(file, text[5] + '\n');
      await page.waitForSelector('body[data-log-version="1"]', { timeout: 30_000 });
      assert.match(page.url(), /&step=7$/, 'the reader was at the end: the page follows the behaviour');
      assert.equal(await page.locator('#log-section').getAttribute('data-verdict'), 'consistent');
      assert.match((await page.locator('#watch-status').textContent()) ?? '', /: 5 record\(s\), consistent/);
      appendFileSync(file, text[6] + '\n');
      await page.waitForSelector('body[data-log-version="2"]', { timeout: 30_000 });
      assert.equal(await page.locator('#log-section').getAttribute('data-verdict'), 'divergent');
      assert.equal(await page.locator('#steps li.divergence').getAttribute('data-line'), '7');
      assert.match((await page.locator('#watch-status').textContent()) ?? '', /divergent/);
      assert.deepEqual(problems.filter((p) => !/api\/section/.test(p) && !/Failed to load resource/.test(p)), []);
      await page.close();
    } finally {
      await viz.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    assert.match(viz.stderr(), /viz: log \S+ validated again: DIVERGES at line 7/);
  });
});
