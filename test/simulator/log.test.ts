/**
 * The simulator's log (simulator/log.ts): writing it changes nothing in the run; a record per
 * stimulus shows what the machine shows; a thinner log records only the kinds it names, with a
 * record of its own for each change of level; the header pins the keys the console trusts.
 */
import assert from 'node:assert/strict';
import { LOG_FORMAT, parseLogHeader, parseLogRecord, type LogRecord } from '../../spec/log.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { runSoak } from '../../simulator/scenarios/soak.ts';
import { deriveKey } from '../../simulator/keys.ts';
import { parseLogKinds, type LogRecorderOptions } from '../../simulator/log.ts';

function soak(hours: number, options?: LogRecorderOptions) {
  const lines: string[] = [];
  const report = runSoak({ seed: 5, hours, log: { write: (l) => lines.push(l), ...(options ? { options } : {}) } });
  const records = lines.slice(1).map((l) => {
    const parsed = parseLogRecord(JSON.parse(l));
    assert.ok(parsed.ok, `${l}: ${parsed.ok ? '' : parsed.message}`);
    return parsed.value;
  });
  return { lines, records, report };
}

describe('simulator: the log it writes', () => {
  it('changes nothing in the run: the report is the same with and without a log', () => {
    const withLog = soak(6).report;
    assert.deepEqual(withLog, runSoak({ seed: 5, hours: 6 }));
  });

  it('records every stimulus with what the machine shows after it, and each level change with its chained entry', () => {
    const { lines, records, report } = soak(6);
    const header = parseLogHeader(JSON.parse(lines[0]!));
    assert.ok(header.ok);
    assert.equal(header.value.format, LOG_FORMAT);
    assert.equal(header.value.timed, true);
    assert.deepEqual(header.value.policy!.admins.map((a) => a.publicKey), DEFAULT_POLICY.admins.map((a) => deriveKey(5, a.id).publicKeyBase64), 'the keys the console trusts');
    assert.ok(records.every((r) => (r.event === undefined) !== (r.vote === undefined)), 'one stimulus per record');
    assert.ok(records.every((r) => r.level !== undefined && r.proposal !== undefined && r.hypervisor !== undefined && r.actuators !== undefined && r.missed !== undefined));
    const changes = records.filter((r): r is LogRecord & { record: NonNullable<LogRecord['record']> } => r.record !== undefined);
    assert.equal(changes.length, report.levelChanges.total);
    assert.ok(changes.every((r) => r.level === r.record.to && r.capabilities !== undefined && r.record.hash !== undefined));
    for (let i = 1; i < records.length; i++) assert.ok(records[i]!.t >= records[i - 1]!.t, 'time never goes back');
  });

  it('records only the kinds it is given, completely, and every change of level in a record of its own when its cause is not recorded', () => {
    const { lines, records, report } = soak(6, { kinds: ['propose', 'approve', 'level'], observations: false });
    assert.deepEqual(JSON.parse(lines[0]!).complete, ['propose', 'approve', 'level']);
    assert.ok(records.every((r) => r.event === undefined), 'no event but votes');
    assert.ok(records.every((r) => r.proposal === undefined && r.hypervisor === undefined), 'no observations');
    assert.equal(records.filter((r) => r.record !== undefined).length, report.levelChanges.total);
    assert.ok(records.filter((r) => r.vote === undefined).every((r) => r.record !== undefined && r.level === r.record.to), 'a record without a vote is a change of level');
  });

  it('reads a list of kinds as the CLI takes it: votes for both vote kinds, all for every kind, anything else refused', () => {
    assert.deepEqual(parseLogKinds('votes,level'), { ok: true, kinds: ['propose', 'approve', 'level'] });
    const all = parseLogKinds('all');
    assert.ok(all.ok && all.kinds.length === 12);
    assert.deepEqual(parseLogKinds(' heartbeat , mce '), { ok: true, kinds: ['heartbeat', 'mce'] });
    assert.ok(!parseLogKinds('').ok);
    const bad = parseLogKinds('votes,gossip');
    assert.ok(!bad.ok && /"gossip" is not a kind of record/.test(bad.message));
  });
});
