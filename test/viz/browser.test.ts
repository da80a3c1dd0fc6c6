import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { LEVELS } from '../../spec/levels.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { startVizServer, type VizServer } from '../../viz/server.ts';
import { sectionsInChildProcess } from '../../viz/sectionsProcess.ts';
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

describe('viz in Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: VizServer;
  before(async function () {
    browser = await launchChromium(this);
    mkdirSync(SHOTS, { recursive: true });
    server = await startVizServer({ policy: DEFAULT_POLICY, policySource: '(embedded default)', port: 0, sections: () => sectionsInChildProcess(DEFAULT_POLICY) });
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
    const bad = await startVizServer({ policy: unsafe, policySource: 'unsafe.json', port: 0, sections: () => sectionsInChildProcess(unsafe) });
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

  it('opens_the_report_file_with_no_network_request_and_replays_its_counterexamples_offline', async () => {
    const unsafe = unsafePolicy();
    const file = resolve(SHOTS, 'report-unsafe.html');
    writeFileSync(file, await buildReport(unsafe, { policySource: 'unsafe.json' }));
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
    assert.equal(await page.locator('#section-proofs').getAttribute('data-status'), 'unavailable');
    await page.close();
  });
});
