import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import type { Policy } from '../../spec/policy.ts';
import { buildReport } from '../../viz/report.ts';
import { checkSection } from '../../viz/checkSection.ts';
import type { Section } from '../../viz/section.ts';
import { runCli } from '../cli/runCli.ts';

function embedded(html: string): { traces: Record<string, { ok: boolean; firstViolation: number | null; frames: { violations: unknown[] }[] }>; sections: Section[]; initialHash: string | null } {
  const json = /<script type="application\/json" id="review-data">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json, 'the report embeds its data');
  return JSON.parse(json);
}

describe('viz/report', () => {
  let unsafe: Policy;
  let check: Section;
  before(() => {
    const loaded = loadPolicyFile('test/fixtures/policies/unsafe.json');
    assert.ok(loaded.ok);
    unsafe = loaded.policy;
    check = checkSection(unsafe);
  });

  it('links_each_counterexample_to_its_replay_at_the_violating_step', () => {
    assert.equal(check.status, 'ready');
    if (check.status !== 'ready') return;
    assert.equal(check.holds, false);
    assert.ok(check.traces.length >= 1);
    for (const t of check.traces) assert.ok(t.step !== null && t.step >= 1, `counterexample ${t.path} has a violating step`);
    assert.match(check.html, /<a class="trace-link" href="#path=[^"]+&amp;step=\d+" data-property="irreversible-levels">/);
  });

  it('embeds_the_replay_of_every_linked_counterexample_so_the_file_needs_no_server', async () => {
    const html = await buildReport(unsafe, { policySource: 'unsafe.json', sections: [check] });
    const data = embedded(html);
    assert.equal(check.status, 'ready');
    if (check.status !== 'ready') return;
    for (const t of check.traces) {
      const key = t.cycle === null ? t.path : `${t.path}|${t.cycle}`;
      const embeddedTrace = data.traces[key];
      assert.equal(embeddedTrace?.ok, true, `replay of ${key} is embedded`);
      // The link opens at the step violating its own property; another may be violated earlier.
      assert.ok(t.step !== null && embeddedTrace.firstViolation !== null && embeddedTrace.firstViolation <= t.step);
      assert.ok(embeddedTrace.frames[t.step]!.violations.length > 0, `step ${t.step} of ${key} violates a property`);
    }
  });

  it('references_nothing_outside_the_file', async () => {
    const html = await buildReport(unsafe, { policySource: 'unsafe.json', sections: [check] });
    assert.doesNotMatch(html, /<(script|link|img|iframe)[^>]+(src|href)=/i);
    assert.doesNotMatch(html, /url\((?!#)/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src data:/);
    assert.doesNotMatch(html, /connect-src/);
  });

  it('opens_at_the_trace_it_was_given', async () => {
    const html = await buildReport(unsafe, { policySource: 'unsafe.json', sections: [], trace: { events: [{ type: 'propose', admin: 'a1', target: 'probation' }] } });
    assert.equal(embedded(html).initialHash, '#path=propose%3Aa1%3Aprobation');
  });

  it('is_written_by_guillotine_report_which_exits_1_when_a_property_fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-report-'));
    const out = join(dir, 'unsafe.html');
    const run = await runCli(['report', '--policy', 'test/fixtures/policies/unsafe.json', '--sections', 'check', '--out', out]);
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, /^wrote .*unsafe\.html \(\d+ KB, [\d.]+ s\): statechart, check DOES NOT HOLD\n$/);
    // Progress on stderr: the sections take seconds to tens of seconds each.
    assert.match(run.err, /^report: check…\nreport: check DOES NOT HOLD \([\d.]+ s\)\n$/);
    const data = embedded(readFileSync(out, 'utf8'));
    assert.deepEqual(data.sections.map((s) => s.id), ['check']);
    assert.match(readFileSync(out, 'utf8'), /irreversible-levels/);
  });

  it('exits_0_when_every_section_it_builds_holds', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'guillotine-report-')), 'default.html');
    const run = await runCli(['report', '--sections', 'check', '--out', out]);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /: statechart, check holds\n$/);
  });

  it('rejects_an_unknown_section_naming_the_sections_there_are', async () => {
    const run = await runCli(['report', '--sections', 'check,plots', '--out', join(tmpdir(), 'never.html')]);
    assert.equal(run.code, 2);
    assert.equal(run.err, 'guillotine: --sections takes a comma-separated list of check, proofs, coverage, experiments; got "check,plots"\n');
    const seed = await runCli(['report', '--seed', 'x', '--out', join(tmpdir(), 'never.html')]);
    assert.equal(seed.code, 2);
    assert.match(seed.err, /--seed takes a whole number/);
  });

  it('rejects_an_out_path_it_cannot_write_before_doing_any_work', async () => {
    const missing = await runCli(['report', '--out', join(tmpdir(), 'no-such-dir-guillotine', 'x.html')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^guillotine: --out: the directory .*no-such-dir-guillotine" does not exist; create it first\n$/);
    const directory = await runCli(['report', '--out', tmpdir()]);
    assert.equal(directory.code, 2);
    assert.match(directory.err, /is a directory; give a file name such as review\.html/);
    assert.doesNotMatch(missing.err + directory.err, /report: check/, 'no section was built');
  });

  it('rejects_a_missing_out_option_and_a_bad_trace_with_exit_2', async () => {
    const missing = await runCli(['report']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--out <file>/);
    const bad = await runCli(['report', '--out', join(tmpdir(), 'never.html'), '--trace', 'test/fixtures/traces/bad/bad-event.trace.json']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^guillotine: bad trace: events\[\d+\]/);
  });
});
