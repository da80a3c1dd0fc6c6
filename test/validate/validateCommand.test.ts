/**
 * `guillotine validate` as a user runs it: a log the simulator wrote (`simulate --log`) validates
 * with exit 0; a divergent one exits 1 with the record, what the log shows, what the statechart
 * allowed, the property broken and a replay handle that `guillotine replay` takes; a malformed
 * one exits 2 with its line; a search cut short exits 3; `--follow` reports a divergence as it is
 * appended, and `-` reads standard input (both in a child process, as a shell runs them).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { looksLikeCrash, runCli } from '../cli/runCli.ts';
import { record } from './logs.ts';

const BIN = fileURLToPath(new URL('../../bin/guillotine.js', import.meta.url));

/** Runs the CLI in a child process; `feed` may write to its stdin or to files while it runs. */
function child(argv: readonly string[], feed: (stdin: NodeJS.WritableStream) => Promise<void> | void): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, out, err }));
    Promise.resolve(feed(proc.stdin)).catch(reject);
  });
}

describe('guillotine validate', function () {
  let dir: string;
  let log: string;
  let lines: string[];
  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(join(tmpdir(), 'validate-'));
    log = join(dir, 'soak.jsonl');
    const run = await runCli(['simulate', '--scenario', 'soak', '--hours', '3', '--log', log]);
    assert.match(run.out, /Log: [\d,]+ records written to .*soak\.jsonl; check it with guillotine validate/);
    lines = readFileSync(log, 'utf8').trimEnd().split('\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: readonly string[]) => {
    const file = join(dir, name);
    writeFileSync(file, content.join('\n') + '\n');
    return file;
  };
  /** The log with one record's level changed, at the first record after `from` that shows a level. */
  const tampered = () => {
    const at = lines.findIndex((l, i) => i > 100 && record(l).event?.type === 'heartbeat');
    const r = record(lines[at]!);
    const copy = [...lines];
    copy[at] = JSON.stringify({ ...r, level: r.level === 'offline' ? 'severed' : 'offline' });
    return { file: write('tampered.jsonl', copy), line: at + 1 };
  };

  it("validates the simulator's own log: exit 0, what was checked, and the behaviour found", async function () {
    this.timeout(60_000);
    const run = await runCli(['validate', log]);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^Log .*soak\.jsonl: [\d,]+ record\(s\) over 3\.0 h; recorded completely: propose, approve, timeout, heartbeat/);
    assert.match(run.out, /Policy: the log's own \(7 admins, escalate 3, de-escalate 5, timeout 600s restrictive\)/);
    assert.match(run.out, /Level record: \d+ entries, hash chain verified\. Signed votes: \d+ verified/);
    assert.match(run.out, /CONSISTENT: a behaviour of the statechart explains every record: [\d,]+ events, 0 of them supplied by the search/);
  });

  it('prints the result as one JSON object with --json, whose behaviour is the path of every recorded event', async function () {
    this.timeout(60_000);
    const run = await runCli(['validate', log, '--json']);
    assert.equal(run.code, 0);
    const json = JSON.parse(run.out) as { log: string; policy: { source: string }; complete: string[]; kind: string; figures: { records: number }; behaviour: { path: string; events: number } };
    assert.deepEqual(Object.keys(json).slice(0, 5), ['log', 'policy', 'complete', 'kind', 'figures']);
    assert.equal(json.kind, 'consistent');
    assert.equal(json.policy.source, 'log');
    assert.equal(json.figures.records, lines.length - 1);
    assert.equal(json.behaviour.path.split(',').length, json.behaviour.events);
  });

  it('exits 1 at the first record no behaviour explains, with a replay handle guillotine replay takes', async function () {
    this.timeout(60_000);
    const { file, line } = tampered();
    const run = await runCli(['validate', file]);
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, new RegExp(`DIVERGES at line ${line.toLocaleString('en-US')} \\(record [\\d,]+, t = [\\d.]+ ms\\): heartbeat`));
    assert.match(run.out, /The log shows: level offline; proposal none; hypervisor running; actuators none; missed 0\n/);
    assert.match(run.out, /What the statechart allows instead, closest first \(\d+ of \d+ tried; each continues the matched behaviour\):\n {4}1\. heartbeat\n(?: {9}.*\n)* {9}level: log \w+, statechart \w+/);
    assert.match(run.out, /Breaks escalation-has-cause: the level rose from standard to offline on "heartbeat"/);
    const handle = /replay: guillotine replay --path '([^']+)'/.exec(run.out);
    assert.ok(handle, run.out);
    const replayed = await runCli(['replay', '--path', `${handle[1]},heartbeat`, '--json']);
    assert.equal(replayed.code, 0, replayed.err);
    assert.equal((JSON.parse(replayed.out) as { final: { level: string } }).final.level, record(lines[line - 2]!).level, 'the statechart stays where the record before left it');
  });

  it('exits 2 for a malformed log, naming the line and what is wrong; with --json as a JSON object', async () => {
    const file = write('bad.jsonl', [lines[0]!, lines[1]!, '{"t": 3, "level": "sevred"}']);
    const run = await runCli(['validate', file]);
    assert.equal(run.code, 2);
    assert.equal(run.out, '');
    assert.ok(!looksLikeCrash(run.err), run.err);
    assert.match(run.err, /^guillotine: bad log .*bad\.jsonl: line 3: level: the string "sevred" is not an isolation level; allowed: standard/);
    const json = await runCli(['validate', file, '--json']);
    assert.equal(json.code, 2);
    assert.deepEqual((JSON.parse(json.out) as { kind: string; line: number }).line, 3);
    for (const args of [[join(dir, 'missing.jsonl')], [dir], [log, '--max-gap', '-1'], [log, '--policy', join(dir, 'nope.json')]]) {
      const refused = await runCli(['validate', ...args]);
      assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.err}`);
      assert.ok(!looksLikeCrash(refused.err) && refused.err.startsWith('guillotine: '), refused.err);
    }
  });

  it('exits 3 when a search bound is reached before a divergence is proven', async function () {
    this.timeout(60_000);
    // Only the level changes recorded: the first one (a watchdog trip, a fault or an alarm) needs events the search must supply.
    const sparse = join(dir, 'sparse.jsonl');
    await runCli(['simulate', '--scenario', 'soak', '--hours', '3', '--log', sparse, '--log-kinds', 'level']);
    const changed = readFileSync(sparse, 'utf8').trimEnd().split('\n');
    const first = record(changed[1]!);
    // The first change moved to a cause no unobserved event gives at this level: nothing explains it, but the bound of 0 cannot prove it.
    changed[1] = JSON.stringify({ ...first, record: { ...first.record!, cause: 'timeout', hash: undefined, at: undefined } });
    const cut = await runCli(['validate', write('cut.jsonl', changed), '--max-gap', '0']);
    assert.equal(cut.code, 3, cut.out + cut.err);
    assert.match(cut.out, /INCOMPLETE: no divergence is proven, because the search reached a bound at line 2: a gap needed more than 0 unobserved events \(--max-gap\)/);
  });

  it('follows a growing log and reports the first divergence as it is appended', async function () {
    this.timeout(120_000);
    const growing = write('growing.jsonl', lines.slice(0, 50));
    const { file } = tampered();
    const bad = readFileSync(file, 'utf8').trimEnd().split('\n');
    const run = await child(['validate', '--follow', growing], async () => {
      await new Promise((r) => setTimeout(r, 1500));
      appendFileSync(growing, bad.slice(50).join('\n') + '\n');
    });
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, /DIVERGES at line/);
  });

  it('reads the log from standard input with -', async function () {
    this.timeout(120_000);
    const run = await child(['validate', '-', '--json'], (stdin) => {
      stdin.end(lines.join('\n') + '\n');
    });
    assert.equal(run.code, 0, run.err);
    assert.equal((JSON.parse(run.out) as { log: string; kind: string }).kind, 'consistent');
  });

  it('validates the committed example logs: a soak recording votes and level changes, and the same with one approval forged', async () => {
    const good = await runCli(['validate', 'test/fixtures/logs/soak-2h-votes-and-levels.jsonl']);
    assert.equal(good.code, 0, good.out);
    const forged = await runCli(['validate', 'test/fixtures/logs/forged-approval.jsonl']);
    assert.equal(forged.code, 1);
    assert.match(forged.out, /DIVERGES at line 7 \(record 6, t = 3135841\.042 ms\): approve a6/);
    assert.match(forged.out, /the signature on a6's vote does not verify under a6's key/);
    assert.match(forged.out, /Breaks deescalation-needs-quorum: the level dropped from offline to severed with 4 distinct admin approval\(s\)/);
  });

  it('says in --help what the exit codes mean and where the format is', async () => {
    const help = await runCli(['validate', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Exit status: 0 consistent; 1 divergent/);
    assert.match(help.out, /3 a search bound was reached/);
    assert.match(help.out, /docs\/log-format\.md/);
  });

  it('lets simulate write a log only for the soak, and only with kinds it knows', async () => {
    const side = await runCli(['simulate', '--scenario', 'side-channel', '--log', join(dir, 'x.jsonl')]);
    assert.equal(side.code, 2);
    assert.match(side.err, /--log applies only to --scenario soak/);
    const kinds = await runCli(['simulate', '--scenario', 'soak', '--hours', '1', '--log', join(dir, 'y.jsonl'), '--log-kinds', 'votes,gossip']);
    assert.equal(kinds.code, 2);
    assert.match(kinds.err, /--log-kinds: "gossip" is not a kind of record; allowed: all, votes, level, propose/);
  });
});
