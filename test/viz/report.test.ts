import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import type { Policy } from '../../spec/policy.ts';
import { buildReport } from '../../viz/report.ts';
import { checkSection } from '../../viz/checkSection.ts';
import type { Section } from '../../viz/section.ts';
import { runCli } from '../cli/runCli.ts';

function embedded(html: string): { sections: Section[]; initialHash: string | null; policy: Policy } {
  const json = /<script type="application\/json" id="review-data">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json, 'the report embeds its data');
  return JSON.parse(json);
}

/** The SHA-256 CSP source of a text, as a browser computes it for an inline element. */
const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

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

  it('embeds_the_policy_and_the_model_bundle_so_any_path_replays_without_a_server', async () => {
    const html = await buildReport(unsafe, { policySource: 'unsafe.json', sections: [check] });
    const data = embedded(html);
    assert.deepEqual(data.policy, unsafe);
    assert.match(html, /var GuillotineExplorer=/, 'the bundled model defines the page\'s explorer');
  });

  it('references_nothing_outside_the_file_and_allows_only_its_own_inline_scripts_and_styles_by_hash', async () => {
    const html = await buildReport(unsafe, { policySource: 'unsafe.json', sections: [check] });
    assert.doesNotMatch(html, /<(script|link|img|iframe)[^>]+(src|href)=/i);
    for (const m of html.matchAll(/<style>([\s\S]*?)<\/style>/g)) assert.doesNotMatch(m[1]!, /url\((?!#)|@import/, 'no style sheet loads anything');
    assert.doesNotMatch(html, /unsafe-inline|connect-src/);
    assert.doesNotMatch(html, / style="/, 'no inline style attribute (the CSP would block it)');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    assert.ok(csp, 'the report carries its CSP in a meta element');
    assert.match(csp, /^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src /);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    assert.equal(scripts.length, 2, 'the model bundle and the page glue');
    for (const s of scripts) assert.ok(csp.includes(hashOf(s)), 'every inline script is allowed by its hash');
    for (const m of html.matchAll(/<style>([\s\S]*?)<\/style>/g)) assert.ok(csp.includes(hashOf(m[1]!)), 'every inline style sheet is allowed by its hash');
  });

  it('opens_at_the_trace_it_was_given', async () => {
    const html = await buildReport(unsafe, { policySource: 'unsafe.json', sections: [], trace: { events: [{ type: 'propose', admin: 'a1', target: 'probation' }] } });
    assert.equal(embedded(html).initialHash, '#path=propose%3Aa1%3Aprobation');
  });

  it('opens_at_an_itf_trace_as_at_a_trace_file_with_the_policy_it_carries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-report-itf-'));
    const itf = join(dir, 'walk.itf.json');
    assert.equal((await runCli(['replay', '--policy', 'test/fixtures/policies/unsafe.json', '--path', 'alarm:decapitation', '--out', itf, '--format', 'itf'])).code, 1);
    const out = join(dir, 'r.html');
    const run = await runCli(['report', '--trace', itf, '--sections', 'check', '--out', out]);
    assert.equal(run.code, 1, run.err);
    const data = embedded(readFileSync(out, 'utf8'));
    assert.equal(data.initialHash, '#path=alarm%3Adecapitation&step=1');
    assert.deepEqual(data.policy, unsafe, 'the policy travels inside the ITF trace');
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
    assert.equal(run.err, 'guillotine: --sections takes a comma-separated list of check, diff, proofs, protocol, coverage, experiments (diff with --diff FILE); got "check,plots"\n');
    const diff = await runCli(['report', '--sections', 'diff', '--out', join(tmpdir(), 'never.html')]);
    assert.equal(diff.code, 2);
    assert.equal(diff.err, 'guillotine: --sections diff needs --diff FILE: the policy to compare with\n');
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
