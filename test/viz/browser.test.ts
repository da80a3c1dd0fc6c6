import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { allSections, feedOf, type SectionFeed } from '../../viz/sectionFeed.ts';
import { checkSection } from '../../viz/checkSection.ts';
import { diffSection } from '../../viz/diffSection.ts';
import { buildReport } from '../../viz/report.ts';
import { launchChromium, SHOTS, type Browser } from './chromium.ts';
import { startVizProcess } from './vizProcess.ts';

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

/** A page that records every Content-Security-Policy violation and script error. */
async function watchedPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

async function ready(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
}

describe('viz in Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: VizServer;
  let unsafeServer: VizServer;
  // Every section of the default policy, built once on a worker thread (the checker, Z3 and the
  // simulator run there) and shared by the live page and the report tests.
  let feed: SectionFeed;
  before(async function () {
    browser = await launchChromium(this, { width: 1280, height: 800 });
    mkdirSync(SHOTS, { recursive: true });
    feed = sectionsInWorker(DEFAULT_POLICY);
    server = await startVizServer({ policy: DEFAULT_POLICY, policySource: '(embedded default)', port: 0, sections: () => feed });
    const unsafe = unsafePolicy();
    unsafeServer = await startVizServer({ policy: unsafe, policySource: 'test/fixtures/policies/unsafe.json', port: 0, sections: () => feedOf([checkSection(unsafe), diffSection(unsafe, { source: 'the default policy', policy: DEFAULT_POLICY })]) });
  });
  after(async () => {
    await server?.close();
    await unsafeServer?.close();
    await browser?.close();
  });

  it('opens_on_the_levels_view_with_all_six_levels_and_the_events_that_move_between_them_in_a_header_that_does_not_wrap', async () => {
    const { page, problems } = await watchedPage(browser);
    await ready(page, server.url);
    console.log(`      page interactive ${await page.locator('body').getAttribute('data-ready-ms')} ms after navigation start (bench/viz.ts holds the target)`);
    const rows = page.locator('#ladder table.ladder tbody tr');
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-level'))), [...LEVELS]);
    const cell = (from: string, to: string) => page.locator(`#ladder td[data-from="${from}"][data-to="${to}"] .chip`).allTextContents();
    assert.deepEqual(await cell('standard', 'severed'), ['3 approvals', '600 s timeout', 'alarm severed']);
    assert.deepEqual(await cell('standard', 'offline'), ['3 approvals', '600 s timeout', 'alarm ≥ offline', '3rd missed heartbeat', 'mce / assertion-failure → reboot']);
    assert.deepEqual(await cell('probation', 'standard'), ['5 approvals']);
    assert.deepEqual(await cell('decapitation', 'offline'), []);
    assert.match((await page.locator('#ladder tr[data-level="decapitation"]').getAttribute('class')) ?? '', /irreversible/);
    assert.match((await page.locator('#ladder tr[data-level="standard"]').getAttribute('class')) ?? '', /current/, 'the initial level is marked');
    // Legible at 1280×800: every level row and the whole matrix are on screen, the header is one line.
    const table = await page.locator('#ladder table.ladder').boundingBox();
    assert.ok(table && table.x >= 0 && table.x + table.width <= 880 && table.y + table.height <= 800, `the matrix fits: ${JSON.stringify(table)}`);
    const header = await page.locator('header').boundingBox();
    assert.equal(header?.height, 42, 'the header is one line high');
    const title = (await page.locator('header h1').boundingBox())!;
    assert.ok(title.y >= 0 && title.y + title.height <= 42, 'the title sits in that line');
    // Stepping never scrolls the page: the header stays where it is.
    await page.click('#explore button[data-event="heartbeat"]');
    assert.equal(await page.evaluate('window.scrollY'), 0);
    await page.screenshot({ path: join(SHOTS, 'levels-1280x800.png') });
    assert.deepEqual(problems, [], 'no script error and no Content-Security-Policy violation');
    await page.close();
  });

  it('keeps_the_full_statechart_one_click_away_fits_its_height_and_keeps_the_current_state_in_view', async () => {
    const { page, problems } = await watchedPage(browser);
    await ready(page, `${server.url}#path=propose:a1:severed&step=0`);
    await page.click('#view-tabs [data-view="statechart"]');
    await page.click('#zoom-fit');
    const canvas = (await page.locator('#canvas').boundingBox())!;
    const picture = (await page.locator('svg.statechart').boundingBox())!;
    assert.ok(picture.height <= canvas.height + 1 && picture.height >= canvas.height - 20, `fit fits the height: picture ${picture.height} in ${canvas.height}`);
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
    }
    // Stepping to a proposal changes a region far from the levels: the canvas scrolls to it.
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#frame[data-step="1"]');
    const open = (await page.locator('svg [data-state="proposal.open"] rect.state-box').boundingBox())!;
    const view = (await page.locator('#canvas').boundingBox())!;
    assert.ok(open.x >= view.x && open.x + open.width <= view.x + view.width && open.y >= view.y && open.y + open.height <= view.y + view.height, `proposal.open is in view: ${JSON.stringify(open)} in ${JSON.stringify(view)}`);
    await page.screenshot({ path: join(SHOTS, 'statechart-1280x800.png') });
    assert.deepEqual(problems, []);
    await page.close();
    const whole = await browser.context.newPage();
    await whole.setContent(`<!doctype html><body style="margin:0">${server.model.svg}</body>`);
    await whole.screenshot({ path: join(SHOTS, 'statechart-full.png'), fullPage: true });
    await whole.close();
  });

  it('shows_the_capabilities_of_the_traces_current_level_and_of_a_level_clicked', async () => {
    const page = await browser.context.newPage();
    await ready(page, `${server.url}#path=alarm:severed,alarm:offline&step=0`);
    const capability = (key: string) => page.locator(`#capabilities [data-capability="${key}"] td`).textContent();
    assert.equal(await page.locator('#capabilities').getAttribute('data-level'), 'standard');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#capabilities[data-level="severed"]');
    assert.equal(await capability('ports'), 'local: local ports only (storage, console), no network port');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#capabilities[data-level="offline"]');
    assert.equal(await capability('modelCores'), 'halted');
    // A level clicked in the levels view is shown until the next step.
    await page.click('#ladder th[data-level="immolation"]');
    assert.match((await page.locator('#level-panel h3').textContent()) ?? '', /Level 5: immolation\s*irreversible/);
    assert.equal(await capability('facility'), 'destroyed');
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('#capabilities[data-level="severed"]');
    // And from the statechart, by mouse or keyboard.
    await page.click('#view-tabs [data-view="statechart"]');
    await page.focus('svg [data-level="probation"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#capabilities[data-level="probation"]');
    assert.equal(await page.locator('svg .state.selected').getAttribute('data-level'), 'probation');
    await page.screenshot({ path: join(SHOTS, 'level-capabilities.png') });
    await page.close();
  });

  it('steps_a_trace_forwards_and_backwards_with_buttons_and_keys', async () => {
    const page = await browser.context.newPage();
    await ready(page, `${server.url}#path=propose:a1:severed,approve:a2,approve:a2,approve:a3,heartbeat-missed&step=0`);
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
    assert.equal(await page.locator('svg path.edge.taken[data-source="isolation.standard"][data-target="isolation.severed"]').count(), 1, 'the edge taken is highlighted');
    // The levels view marks the cell and the label of the way just taken.
    assert.equal(await page.locator('#ladder td.taken').getAttribute('data-from'), 'standard');
    assert.equal(await page.locator('#ladder td.taken .chip.taken').textContent(), '3 approvals');
    assert.match(page.url(), /#path=propose:a1:severed,approve:a2,approve:a2,approve:a3,heartbeat-missed&step=4$/);
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

  it('fires_events_by_clicking_until_a_property_is_violated_and_the_url_replays_it', async () => {
    const { page, problems } = await watchedPage(browser);
    await ready(page, unsafeServer.url);
    assert.equal(await stepCounter(page), 'step 0 of 0');
    // Rejected events are greyed with the machine's reason on hover.
    const approve = page.locator('#explore button[data-event="approve:a2"]');
    assert.equal(await approve.getAttribute('data-accepted'), 'false');
    assert.match((await approve.getAttribute('title')) ?? '', /rejected here — no proposal is open/);
    // The unsafe policy lets three admins bring immolation down: propose it, approve it, lower it.
    for (const e of ['propose:a1:immolation', 'approve:a2', 'approve:a3', 'propose:a1:decapitation', 'approve:a2']) {
      const button = page.locator(`#explore button[data-event="${e}"]`);
      assert.equal(await button.getAttribute('data-accepted'), 'true', `${e} is accepted`);
      await button.click();
    }
    assert.equal(await page.locator('#frame .violations').count(), 0);
    await page.click('#explore button[data-event="approve:a3"]');
    await page.waitForSelector('#frame[data-step="6"] .violations');
    assert.match((await page.locator('#frame .violations').textContent()) ?? '', /✗ irreversible-levels/);
    const url = page.url();
    assert.match(url, /#path=propose:a1:immolation,approve:a2,approve:a3,propose:a1:decapitation,approve:a2,approve:a3&step=6$/);
    assert.ok(Number(await page.locator('body').getAttribute('data-last-click-ms')) >= 0);
    await page.screenshot({ path: join(SHOTS, 'explore-violation-1280x800.png') });
    // The URL is the replay handle: a fresh page opens at the same violation.
    const other = await browser.context.newPage();
    await ready(other, url);
    await other.waitForSelector('#frame[data-step="6"] .violations');
    assert.match((await other.locator('#frame .violations').textContent()) ?? '', /✗ irreversible-levels/);
    await other.close();
    // Undo takes the last event back; the browser's back and forward go through every change.
    await page.click('#undo');
    await page.waitForSelector('#frame[data-step="5"]');
    assert.equal(await stepCounter(page), 'step 5 of 5');
    await page.goBack();
    await page.waitForSelector('#frame[data-step="6"] .violations');
    await page.goBack();
    await page.waitForSelector('#frame[data-step="5"]');
    assert.match(page.url(), /approve:a2&step=5$/);
    await page.goForward();
    await page.waitForSelector('#frame[data-step="6"] .violations');
    // A click at an earlier step cuts the path there.
    await page.keyboard.press('Home');
    await page.click('#explore button[data-event="heartbeat"]');
    await page.waitForSelector('#frame[data-step="1"]');
    assert.match(page.url(), /#path=heartbeat&step=1$/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('takes_a_seeded_random_walk_that_stops_at_the_first_violation', async () => {
    const page = await browser.context.newPage();
    await ready(page, unsafeServer.url);
    await page.fill('#walk-steps', '1000');
    await page.fill('#walk-seed', '4');
    await page.click('#walk');
    await page.waitForSelector('#walk-result.error');
    const said = (await page.locator('#walk-result').textContent()) ?? '';
    assert.match(said, /^random walk \(seed 4\): \d+ steps?, stopped at step \d+: ✗ [a-z-]+/);
    const steps = Number(/: (\d+) step/.exec(said)![1]);
    assert.equal(await stepCounter(page), `step ${steps} of ${steps}`);
    assert.ok((await page.locator('#frame .violations').count()) === 1);
    const first = page.url();
    console.log(`      random walk in the page: ${await page.locator('body').getAttribute('data-walk-ms')} ms for ${steps} steps`);
    // The same seed from the same state takes the same walk.
    await page.keyboard.press('Home');
    await page.click('#walk');
    await page.waitForFunction(`location.href === ${JSON.stringify(first)}`);
    // A thousand steps of the default policy, none of which violates anything.
    await ready(page, server.url);
    await page.fill('#walk-steps', '1000');
    await page.click('#walk');
    await page.waitForSelector('#walk-result.muted:has-text("1000 steps")');
    assert.match((await page.locator('#walk-result').textContent()) ?? '', /^random walk \(seed 1\): 1000 steps, no property violated/);
    assert.equal(await stepCounter(page), 'step 1000 of 1000');
    await page.close();
  });

  it('draws_the_sequence_chart_of_the_trace_with_a_lane_per_admin_and_steps_from_it', async () => {
    const { page, problems } = await watchedPage(browser);
    await ready(page, `${server.url}#path=propose:a1:severed,approve:a2,approve:a2,approve:outsider,approve:a3,heartbeat,heartbeat-missed,alarm:probation,actuator-confirm:network-relay&step=5`);
    await page.click('#view-tabs [data-view="sequence"]');
    const lanes = await page.locator('svg.sequence g.lane').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-lane')));
    assert.deepEqual(lanes, ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'outsider', 'hypervisor', 'detector', 'watchdog', 'actuators']);
    assert.equal(await page.locator('svg.sequence g.step').count(), 10);
    assert.equal(await page.locator('svg.sequence g.step.current').getAttribute('data-step'), '5');
    assert.match((await page.locator('svg.sequence g.step[data-step="3"]').textContent()) ?? '', /refused: a2 already approved this proposal/);
    assert.match((await page.locator('svg.sequence g.step[data-step="5"]').textContent()) ?? '', /level standard → severed \(quorum\)/);
    await page.screenshot({ path: join(SHOTS, 'sequence-1280x800.png') });
    await page.click('svg.sequence g.step[data-step="2"] .row-bg');
    await page.waitForSelector('#frame[data-step="2"]');
    assert.equal(await page.locator('svg.sequence g.step.current').getAttribute('data-step'), '2');
    // Firing an event adds a row at once.
    await page.keyboard.press('End');
    await page.click('#explore button[data-event="heartbeat"]');
    await page.waitForSelector('svg.sequence g.step.current[data-step="10"]');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('loads_a_counterexample_from_the_check_results_and_steps_to_its_violating_state', async () => {
    const page = await browser.context.newPage();
    await page.goto(unsafeServer.url);
    const link = page.locator('#section-check a.trace-link[data-property="irreversible-levels"]');
    await link.waitFor({ timeout: 60_000 });
    await link.click();
    await page.waitForSelector('#frame .violations');
    assert.match((await page.locator('#frame .violations').textContent()) ?? '', /✗ irreversible-levels/);
    const step = Number(await page.locator('#frame').getAttribute('data-step'));
    assert.ok(step >= 1);
    // One step back, the property still holds: the violating step is the one the link opened.
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector(`#frame[data-step="${step - 1}"]`);
    assert.equal(await page.locator('#frame .violations').count(), 0);
    await page.click('#to-violation');
    await page.waitForSelector(`#frame[data-step="${step}"] .violations`);
    await page.close();
  });

  it('compares_with_another_policy_and_replays_the_trace_that_tells_them_apart', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(unsafeServer.url);
    await sectionReady(page, 'diff');
    const section = page.locator('#section-diff');
    assert.equal(await section.locator('tr.changed[data-property="irreversible-levels"] td.verdict').allTextContents().then((t) => t.join(' ')), 'FAIL PASS');
    assert.equal(await page.locator('#section-nav [data-section="diff"]').textContent(), 'diff ✘');
    await section.locator('a.trace-link[data-diff="distinguishing"]').click();
    await page.waitForSelector('#frame[data-step="2"]');
    assert.equal(await page.locator('#frame').getAttribute('data-accepted'), 'false', 'the unsafe policy rejects what the default accepts');
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: join(SHOTS, 'diff.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('follows_the_policy_file_under_watch_keeping_the_path_where_it_still_replays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-watch-'));
    const file = join(dir, 'policy.json');
    const admins = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `a${i + 1}` }));
    writeFileSync(file, JSON.stringify({ admins: admins(7) }));
    const viz = await startVizProcess(['--policy', file, '--watch']);
    const url = viz.url;
    try {
      const { page, problems } = await watchedPage(browser);
      // The sections (tens of seconds of checker, Z3 and simulator, restarted at each save) are not
      // what this test is about: the page is kept from asking for them.
      await page.route('**/api/section*', (route) => route.abort());
      await ready(page, `${url}#path=propose:a3:severed,approve:a2`);
      assert.match((await page.locator('#watch-status').textContent()) ?? '', /^watching /);
      assert.equal(await page.locator('#frame').getAttribute('data-level'), 'standard');
      // Saved with a quorum of 2: the same path now escalates at its second step.
      writeFileSync(file, JSON.stringify({ admins: admins(7), quorum: { escalate: 2 } }));
      await page.waitForSelector('body[data-version="1"]', { timeout: 60_000 });
      assert.match((await page.locator('#policy-line').textContent()) ?? '', /escalate 2 of 7/);
      assert.match(page.url(), /#path=propose:a3:severed,approve:a2&step=2$/);
      assert.equal(await page.locator('#frame').getAttribute('data-level'), 'severed');
      assert.deepEqual(await page.locator('#ladder td[data-from="standard"][data-to="severed"] .chip').first().textContent(), '2 approvals');
      await page.screenshot({ path: join(SHOTS, 'watch-1280x800.png') });
      // A save that is not a policy: the page says so and keeps the last good one.
      writeFileSync(file, '{"admins": [');
      await page.waitForSelector('#watch-status.error');
      assert.match((await page.locator('#watch-status').textContent()) ?? '', /was saved but is not a policy: bad policy: .*not valid JSON.*still showing the last good one/);
      assert.equal(await page.locator('body').getAttribute('data-version'), '1');
      // Without a3 the first step is refused: the path is cut before it.
      writeFileSync(file, JSON.stringify({ admins: admins(2), quorum: { escalate: 2, deescalate: 2 } }));
      await page.waitForSelector('body[data-version="2"]', { timeout: 60_000 });
      assert.match(page.url(), /#path=&step=0$/);
      assert.match((await page.locator('#watch-status').textContent()) ?? '', /the path is kept up to step 0: step 1 \(propose:a3:severed\) was accepted and now is rejected/);
      assert.deepEqual(await page.locator('#explore table.votes tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-admin'))), ['a1', 'a2', 'outsider']);
      assert.deepEqual(problems.filter((p) => !/api\/section/.test(p) && !/Failed to load resource/.test(p)), []);
      await page.close();
    } finally {
      await viz.stop();
    }
    assert.match(viz.stderr(), /was saved; re-checking…\n/);
    assert.match(viz.stderr(), /viz: stopped \(SIGINT\)/);
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
    await page.click('#view-tabs [data-view="statechart"]');
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
    // The coverage section's own button ticks the box too, and opens the statechart.
    await page.click('#view-tabs [data-view="levels"]');
    await page.click('#section-coverage button.show-coverage');
    assert.ok(await page.locator('#coverage').isChecked());
    assert.equal(await page.locator('#view-tabs [aria-selected="true"]').getAttribute('data-view'), 'statechart');
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
    assert.ok(box && box.width >= 800 && box.height >= 250, `the plot is drawn at a legible size: ${JSON.stringify(box)}`);
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

  it('opens_the_report_file_with_every_network_request_refused_and_explores_it_offline', async () => {
    const unsafe = unsafePolicy();
    const file = resolve(SHOTS, 'report-unsafe.html');
    writeFileSync(file, await buildReport(unsafe, { policySource: 'unsafe.json', sections: [checkSection(unsafe)] }));
    const { page, problems } = await watchedPage(browser);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const url = pathToFileURL(file).href;
    await ready(page, url);
    await page.click('#section-check a.trace-link[data-property="irreversible-levels"]');
    await page.waitForSelector('#frame .violations');
    await page.keyboard.press('Home');
    await page.waitForSelector('#frame[data-step="0"]');
    // The report runs the machine itself: any event fires, any path replays, with no server.
    await page.click('#explore button[data-event="alarm:decapitation"]');
    await page.waitForSelector('#frame[data-step="1"] .violations');
    assert.match((await page.locator('#frame .violations').textContent()) ?? '', /✗ failsafe-only-raises/);
    await page.fill('#path-input', 'propose:a1:severed,approve:a2,approve:a3');
    await page.press('#path-input', 'Enter');
    await page.waitForSelector('#frame[data-step="3"][data-level="severed"]');
    await page.click('#walk');
    await page.waitForSelector('#walk-result:has-text("random walk")');
    await page.click('#view-tabs [data-view="sequence"]');
    assert.ok((await page.locator('svg.sequence g.lane.admin').count()) === 7);
    await page.screenshot({ path: join(SHOTS, 'report-offline-1280x800.png') });
    assert.deepEqual(requests, [url], `the report requested ${requests.join(', ')}`);
    assert.deepEqual(problems, [], 'no script error and no Content-Security-Policy violation from file://');
    await page.close();
  });

  it('opens_the_full_report_with_proofs_coverage_and_plots_and_still_makes_no_network_request', async () => {
    const file = resolve(SHOTS, 'report-default.html');
    writeFileSync(file, await buildReport(DEFAULT_POLICY, { policySource: '(embedded default)', sections: await allSections(feed) }));
    const { page, problems } = await watchedPage(browser);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const url = pathToFileURL(file).href;
    await ready(page, url);
    for (const id of ['check', 'proofs', 'coverage', 'experiments']) assert.equal(await page.locator(`#section-${id}`).getAttribute('data-status'), 'ready', `section ${id}`);
    // The header sums the verdicts up: every judged section holds; coverage judges nothing.
    assert.deepEqual(await page.locator('#section-nav button').allTextContents(), ['check ✔', 'proofs ✔', 'coverage', 'experiments ✔']);
    assert.equal(await page.locator('#section-proofs td.verdict', { hasText: 'PROVED' }).count(), THEOREM_IDS.length);
    assert.equal(await page.locator('#section-experiments svg.plot.level-plot .x-axis').count(), 1);
    assert.equal(await page.locator('#section-experiments svg.plot.histogram').count(), SOAK_TRIGGERS.length);
    await page.click('#view-tabs [data-view="statechart"]');
    await page.check('#coverage');
    assert.ok((await page.locator('svg.statechart path.edge.cov-covered').count()) > 0, 'the coverage toggle works offline');
    await page.screenshot({ path: join(SHOTS, 'report-default.png'), fullPage: true });
    assert.deepEqual(requests, [url], `the report requested ${requests.join(', ')}`);
    assert.deepEqual(problems, [], 'the plots\' style sheets are allowed by the report\'s CSP');
    await page.close();
  });
});
