/**
 * A log opened like a trace (`viz --log`): the behaviour validate finds, each event tied to the
 * record whose stimulus it was or marked supplied, the divergence with validate's reason, the
 * incomplete verdict, and a log followed as it grows. Against the committed example logs.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logFile, logHash, logPanelHtml, logView, validateLogFile, type LogView } from '../../viz/logView.ts';
import { runCli } from '../cli/runCli.ts';

const SOAK = 'test/fixtures/logs/soak-2h-votes-and-levels.jsonl';
const FORGED = 'test/fixtures/logs/forged-approval.jsonl';

function viewOf(path: string, options = {}): LogView {
  const read = validateLogFile(path, options);
  if (!read.ok) assert.fail(read.message);
  return logView(path, read.validation, read.result);
}

/** The log's records by line (the header is line 1). */
const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('viz: a log opened like a trace', function () {
  it('ties each event of the consistent soak log\'s behaviour to the record it was the stimulus of, or marks it supplied', () => {
    const view = viewOf(SOAK);
    assert.equal(view.verdict, 'consistent');
    assert.match(view.headline, /^CONSISTENT: a behaviour of the statechart explains all 26 record\(s\) over 1\.9 h: 28 events, 8 of them supplied by the search$/);
    assert.equal(view.divergence, null);
    const sources = view.sources!;
    assert.equal(sources.length, view.events);
    assert.equal(view.path!.split(',').length, view.events);
    assert.equal(sources.filter((s) => s === null).length, view.supplied);
    const records = lines(SOAK);
    const tied = sources.filter((s) => s !== null);
    // Each observed event is a record with a stimulus, at that record's time, in the log's order, once.
    for (const s of tied) {
      const record = records[s.line - 1]!;
      assert.ok('vote' in record || 'event' in record, `line ${s.line} has a stimulus`);
      assert.equal(record['t'], s.t);
    }
    assert.deepEqual(tied.map((s) => s.line), [...new Set(tied.map((s) => s.line))].sort((a, b) => a - b));
    // The vote of an outsider (mallory) counts for nothing: no event stands for it.
    const mallory = records.findIndex((r) => (r['vote'] as { admin?: string } | undefined)?.admin === 'mallory') + 1;
    assert.ok(mallory > 1 && !tied.some((s) => s.line === mallory));
    assert.equal(logHash(view), `#path=${view.path}&step=28`);
    // Every record is explained somewhere in the behaviour: its own stimulus's step, or the step whose state it shows.
    const explained = view.explained!;
    assert.deepEqual(explained.map((r) => r.line), records.slice(1).map((_, i) => i + 2));
    for (const r of explained) assert.ok(r.after >= 0 && r.after <= view.events);
    assert.deepEqual(explained.map((r) => r.after), [...explained.map((r) => r.after)].sort((a, b) => a - b), 'in the behaviour\'s order');
    for (const s of tied) assert.equal(explained.find((r) => r.line === s.line)?.after, sources.indexOf(s) + 1);
    const malloryAt = explained.find((r) => r.line === mallory)!.after;
    assert.notEqual(sources[malloryAt - 1]?.line, mallory, 'a vote that counts for nothing is shown in a state, not as an event');
  });

  it('marks where the forged approval diverges, with validate\'s reason, what the log shows, the candidates and the property it breaks', () => {
    const view = viewOf(FORGED);
    assert.equal(view.verdict, 'divergent');
    const d = view.divergence!;
    assert.deepEqual([d.line, d.record, d.kind], [7, 6, 'unexplained']);
    assert.match(view.headline, /^DIVERGES at line 7 \(record 6, t = 3135841\.042 ms\): no behaviour of the statechart explains this record: the closest one differs on level, record; breaks deescalation-needs-quorum$/);
    assert.deepEqual(d.shows, ['level severed', 'level record offline→severed (quorum)']);
    assert.match(d.candidates[0]!.lines[0]!, /the vote counts for nothing: the signature on a6's vote does not verify/);
    assert.deepEqual(d.properties.map((p) => p.property), ['deescalation-needs-quorum']);
    // The matched behaviour stops before the divergent record: its last event is line 6's approval.
    assert.deepEqual(view.sources!.map((s) => s?.line ?? null), [null, null, null, 3, 4, 5, 6]);
    // Line 2, the watchdog's change of level, shows the state after the three supplied missed heartbeats.
    assert.deepEqual(view.explained!.map((r) => [r.line, r.after]), [[2, 3], [3, 4], [4, 5], [5, 6], [6, 7]]);
    assert.equal(view.replay, `guillotine replay --path ${view.path}   (under the log's own policy)`);
    const html = logPanelHtml(view);
    assert.match(html, /<details id="log-divergence" data-line="7" data-kind="unexplained">/);
    assert.match(html, /✗ breaks deescalation-needs-quorum/);
  });

  it('shows a log the search could not decide as incomplete, naming the bound', () => {
    const view = viewOf(SOAK, { maxGap: 0 });
    assert.equal(view.verdict, 'incomplete');
    assert.equal(view.bound?.what, 'a gap needed more than 0 unobserved events (--max-gap)');
    assert.match(view.headline, /^INCOMPLETE: no divergence proven; the search reached a bound at line \d+/);
    assert.match(logPanelHtml(view), /Not explained within the bounds at line \d+/);
  });

  it('follows a growing log: whole lines only, more records as they come, and the first divergence kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-log-'));
    try {
      const file = join(dir, 'growing.jsonl');
      const text = readFileSync(FORGED, 'utf8').split('\n');
      writeFileSync(file, text.slice(0, 4).join('\n') + '\n');
      const log = logFile(file, {}, { growing: true });
      const count = () => {
        const r = log.read();
        if (!r.ok) assert.fail(r.message);
        return [r.result.kind, r.result.figures.records];
      };
      assert.deepEqual(count(), ['consistent', 3]);
      // Half a line is being written: it is not read yet.
      const half = Math.floor(text[4]!.length / 2);
      appendFileSync(file, text[4]!.slice(0, half));
      assert.deepEqual(count(), ['consistent', 3]);
      appendFileSync(file, text[4]!.slice(half) + '\n' + text[5] + '\n');
      assert.deepEqual(count(), ['consistent', 5]);
      appendFileSync(file, text.slice(6).join('\n'));
      assert.deepEqual(count(), ['divergent', 6]);
      appendFileSync(file, '\n' + text[7] + '\n');
      assert.deepEqual(count(), ['divergent', 6], 'the first divergence is final');
      // Truncated and written anew: validated again from its start.
      writeFileSync(file, text.slice(0, 3).join('\n') + '\n');
      assert.deepEqual(count(), ['consistent', 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing or malformed log with validate\'s one line, before any server starts (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guillotine-log-'));
    try {
      const missing = await runCli(['viz', '--log', join(dir, 'none.jsonl'), '--port', '0']);
      assert.equal(missing.code, 2);
      assert.equal(missing.out, '');
      assert.match(missing.err, /^guillotine: cannot read log "[^"]+none\.jsonl": no such file or directory\n$/);
      const bad = join(dir, 'bad.jsonl');
      writeFileSync(bad, readFileSync(FORGED, 'utf8').split('\n').slice(0, 3).join('\n') + '\n{"t": 5, "level": "sideways"}\n');
      const malformed = await runCli(['viz', '--log', bad, '--port', '0']);
      assert.equal(malformed.code, 2);
      assert.equal(malformed.out, '');
      // The same line `guillotine validate` prints for it.
      const validate = await runCli(['validate', bad]);
      assert.equal(validate.code, 2);
      assert.equal(malformed.err, validate.err);
      assert.match(malformed.err, /^guillotine: bad log \S+bad\.jsonl: line 4: /);
      const both = await runCli(['viz', '--log', FORGED, '--trace', 'x.json']);
      assert.deepEqual([both.code, both.err], [2, 'guillotine: --log and --trace both open a trace; give one of them\n']);
      const report = await runCli(['report', '--log', bad, '--out', join(dir, 'r.html')]);
      assert.deepEqual([report.code, report.err], [2, malformed.err]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
