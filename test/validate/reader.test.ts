/**
 * The log reader and the log format: what a malformed line is told (its number and what is wrong,
 * in the format's words), that chunks may split a log anywhere, that the cache of repeated records
 * changes nothing it returns, and that `spec/log.schema.json` is what `npm run schema` generates.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { LOG_FORMAT, LOG_KINDS, LogRecordSchema, MAX_LOG_LINE_BYTES, OBSERVATION_FIELDS, logSchemaText, parseLogRecord } from '../../spec/log.ts';
import { LOG_SCHEMA_PATH } from '../../spec/writeSchema.ts';
import { LogReader, type LogLine } from '../../validate/index.ts';
import { SEED } from '../seed.ts';
import { soakLog, text } from './logs.ts';

const HEADER = JSON.stringify({ format: LOG_FORMAT, complete: ['heartbeat'] });

function readAll(chunks: readonly string[]): LogLine[] {
  const reader = new LogReader();
  return [...chunks.flatMap((c) => reader.push(c)), ...reader.end()];
}

function malformed(lines: readonly string[]): { line: number; message: string } {
  const out = readAll([lines.join('\n')]);
  const bad = out.find((l) => l.kind === 'malformed');
  assert.ok(bad !== undefined && bad.kind === 'malformed', `expected a malformed line in ${JSON.stringify(out).slice(0, 300)}`);
  return bad;
}

describe('validate: reading a log', () => {
  let soak: string[];
  before(function () {
    this.timeout(60_000);
    soak = soakLog({ hours: 2 }).lines;
  });

  it('names the line and the key of a bad record, with what is allowed', () => {
    const bad = malformed([HEADER, '{"t": 1, "event": {"type": "heartbeat"}}', '{"t": 2, "level": "sevred"}']);
    assert.equal(bad.line, 3);
    assert.match(bad.message, /^level: the string "sevred" is not an isolation level; allowed: standard, probation, severed/);
    assert.match(malformed([HEADER, '{"t": -1}']).message, /^t: /);
    assert.match(malformed([HEADER, '{"t": 1, "colour": "red"}']).message, /unknown key "colour"; allowed keys: t, event, vote, level/);
    assert.match(malformed([HEADER, '{"t": 1, "event": {"type": "heartbeat"}, "vote": {"kind": "approve", "admin": "a1", "nonce": 1, "from": "standard", "to": "severed"}}']).message, /at most one stimulus/);
  });

  it('refuses a line that is not JSON, a key given twice, and a line too long to be a record', () => {
    assert.match(malformed([HEADER, '{"t": 1,']).message, /^line 2 is not valid JSON/);
    const twice = malformed([HEADER, '{"t": 1, "level": "offline", "level": "standard"}']);
    assert.equal(twice.line, 2);
    assert.match(twice.message, /gives the key "level" twice/);
    const long = malformed([HEADER, `{"t": 1, "event": {"type": "alarm", "level": "${'x'.repeat(MAX_LOG_LINE_BYTES)}"}}`]);
    assert.match(long.message, /longer than 65536 bytes/);
  });

  it('needs the header first, and says so for an empty log or one that starts with a record', () => {
    assert.match(malformed(['']).message, /the log is empty; its first line is the header/);
    assert.match(malformed(['{"t": 0, "event": {"type": "heartbeat"}}']).message, /the first line is a record; a log starts with its header/);
    const header = malformed([JSON.stringify({ format: 'guillotine-log/2' })]);
    assert.match(header.message, /^header: format: expected "format": "guillotine-log\/1"/);
    assert.match(malformed([JSON.stringify({ format: LOG_FORMAT, complete: ['votes'] })]).message, /"votes" is not a kind of record; allowed: propose, approve/);
    assert.match(malformed([JSON.stringify({ format: LOG_FORMAT, policy: { admins: [] } })]).message, /^header: policy\.admins: a policy needs at least one admin/);
  });

  it('skips blank lines and ignores CRLF line ends and a byte-order mark, counting lines as an editor does', () => {
    const out = readAll([`\uFEFF${HEADER}\r\n\r\n{"t": 5, "event": {"type": "heartbeat"}}\r\n`]);
    assert.deepEqual(out.map((l) => [l.kind, l.line]), [['header', 1], ['record', 3]]);
  });

  it(`reads the same lines whatever chunks the text arrives in (seed ${SEED})`, () => {
    const log = text(soak.slice(0, 400));
    const whole = readAll([log]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: log.length - 1 }), { maxLength: 30 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), log.length];
        const chunks = points.slice(1).map((end, i) => log.slice(points[i], end));
        assert.deepEqual(readAll(chunks), whole);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('returns from its cache of repeated records exactly what a full parse returns', () => {
    const records = readAll([text(soak)]).filter((l) => l.kind === 'record');
    assert.equal(records.length, soak.length - 1);
    records.forEach((l, i) => {
      const parsed = parseLogRecord(JSON.parse(soak[i + 1]!));
      assert.ok(parsed.ok);
      assert.deepEqual(l.kind === 'record' && l.record, parsed.value, `line ${l.line}`);
    });
    // A cached record with a bad time is still checked: the time is not part of the cached text.
    assert.match(malformed([soak[0]!, soak[1]!, soak[2]!.replace(/^\{"t":[^,]+,/, '{"t":1e99,')]).message, /^t: /);
    assert.match(malformed([soak[0]!, soak[1]!, soak[2]!.replace(/^\{"t":[^,]+,/, '{"t":0123,')]).message, /is not valid JSON/, 'a number JSON does not allow is parsed, and refused');
  });
});

describe('spec/log.schema.json: the log format for editors and other tools', () => {
  const committed = readFileSync(LOG_SCHEMA_PATH, 'utf8');
  const schema = JSON.parse(committed) as { anyOf: { properties: Record<string, unknown>; additionalProperties: boolean; required?: string[] }[] };

  it('is byte-identical to what `npm run schema` generates now, so it cannot drift from spec/log.ts', () => {
    assert.ok(committed === logSchemaText(), 'spec/log.schema.json is stale: run `npm run schema` and commit the result');
  });

  it('describes the header and the record, closed, with every observation a record may carry', () => {
    const [header, record] = schema.anyOf;
    assert.deepEqual(header!.required, ['format']);
    assert.deepEqual(Object.keys(record!.properties).sort(), ['t', 'event', 'vote', ...OBSERVATION_FIELDS].sort());
    assert.deepEqual(record!.required, ['t']);
    assert.ok(header!.additionalProperties === false && record!.additionalProperties === false);
    assert.deepEqual(Object.keys(LogRecordSchema.shape).sort(), Object.keys(record!.properties).sort());
    assert.deepEqual((header!.properties.complete as { items: { enum: string[] } }).items.enum, [...LOG_KINDS]);
  });
});
