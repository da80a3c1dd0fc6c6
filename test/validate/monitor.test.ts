/**
 * The monitor against logs whose truth is known: behaviours of the statechart itself written as a
 * perfect implementation would log them (consistent, whole or thinned), the scripted simulator's
 * logs (an independent implementation), and small hand-made logs that break one rule each — a
 * timer that fires too early, a forged or replayed vote, a tampered level record, time going back.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { encodePath, type GuillotineEvent } from '../../spec/events.ts';
import { LOG_FORMAT, LOG_KINDS, levelRecordHash, type LogKind, type LogRecord } from '../../spec/log.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { createMonitor, validateLogText, type ValidationResult } from '../../validate/index.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { SEED } from '../seed.ts';
import { record, scriptedLog, statechartLog, text } from './logs.ts';

const admins = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `a${i + 1}` }));
const POLICIES: readonly Policy[] = [
  DEFAULT_POLICY,
  parsedPolicy({ admins: admins(3), quorum: { escalate: 2, deescalate: 2, onTimeout: 'unchanged' }, deescalation: { maxStep: 2 } }),
  parsedPolicy({ admins: admins(4), quorum: { escalate: 1, deescalate: 3 }, heartbeat: { missLimit: 2 }, faults: { rebootLevel: 'severed' } }),
];

const behaviour = (policy: Policy) => fc.array(fc.constantFrom(...eventAlphabet(policy)), { maxLength: 40 });

/** A log that keeps only the records of `kinds` (and, with `level`, a bare record of each change of level). */
function thinned(lines: readonly string[], kinds: readonly LogKind[]): string[] {
  const header = { ...JSON.parse(lines[0]!), complete: kinds };
  const out = [JSON.stringify(header)];
  for (const line of lines.slice(1)) {
    const r = record(line);
    const kind = r.event?.type ?? r.vote?.kind;
    if (kind !== undefined && kinds.includes(kind)) out.push(line);
    else if (r.record !== undefined && kinds.includes('level')) out.push(JSON.stringify({ t: r.t, level: r.level, record: r.record }));
  }
  return out;
}

const divergence = (result: ValidationResult) => {
  assert.ok(result.kind === 'divergent', `expected a divergence, got ${result.kind}: ${JSON.stringify(result).slice(0, 600)}`);
  return result.divergence;
};

const header = (complete: readonly LogKind[], extra: Record<string, unknown> = {}) => JSON.stringify({ format: LOG_FORMAT, complete, ...extra });
const rec = (r: LogRecord) => JSON.stringify(r);

describe(`validate: the monitor (fast-check seed ${SEED})`, () => {
  it(`explains every behaviour of the statechart logged in full, and gives back exactly its events (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...POLICIES).chain((p) => fc.tuple(fc.constant(p), behaviour(p))), ([policy, events]) => {
        const result = validateLogText(text(statechartLog(policy, events)));
        assert.equal(result.kind, 'consistent', JSON.stringify(result).slice(0, 800));
        assert.ok(result.kind === 'consistent');
        assert.equal(result.behaviour.path, encodePath(events));
        assert.equal(result.behaviour.supplied, 0);
        assert.equal(result.candidates, 1, 'a log that records everything leaves one state');
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it(`keeps such a log consistent when it records only the votes and some other kinds, supplying the rest (seed ${SEED})`, () => {
    const others = fc.subarray(LOG_KINDS.filter((k) => k !== 'propose' && k !== 'approve'));
    fc.assert(
      fc.property(fc.constantFrom(...POLICIES).chain((p) => fc.tuple(fc.constant(p), behaviour(p), others)), ([policy, events, some]) => {
        const keep: LogKind[] = ['propose', 'approve', ...some];
        const result = validateLogText(text(thinned(statechartLog(policy, events), keep)), { maxGap: 12 });
        assert.equal(result.kind, 'consistent', `recording ${keep.join(',')}: ${JSON.stringify(result).slice(0, 800)}`);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it(`keeps a short one consistent whatever it records, votes too supplied (seed ${SEED})`, () => {
    // Unrecorded votes make the search wide (any admin may have proposed any level, a few thousand
    // states with seven admins): the small policies and short behaviours keep this quick.
    fc.assert(
      fc.property(fc.constantFrom(...POLICIES.slice(1)).chain((p) => fc.tuple(fc.constant(p), fc.array(fc.constantFrom(...eventAlphabet(p)), { maxLength: 8 }), fc.subarray([...LOG_KINDS]))), ([policy, events, keep]) => {
        const result = validateLogText(text(thinned(statechartLog(policy, events), keep)), { maxGap: 12 });
        assert.equal(result.kind, 'consistent', `recording ${keep.join(',') || 'nothing'}: ${JSON.stringify(result).slice(0, 800)}`);
      }),
      { seed: SEED, numRuns: 20 },
    );
  });

  it(`explains the scripted simulator's own logs of random event sequences: another implementation, consistent (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...POLICIES).chain((p) => fc.tuple(fc.constant(p), behaviour(p))), ([policy, events]) => {
        const result = validateLogText(text(scriptedLog(policy, events)));
        assert.equal(result.kind, 'consistent', `${encodePath(events)}\n${JSON.stringify(result).slice(0, 800)}`);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('holds time-driven events to the timestamps: no missed heartbeat within a period of the last one, no timeout before the quorum timeout', () => {
    const early = [header([...LOG_KINDS]), rec({ t: 1000, event: { type: 'heartbeat' } }), rec({ t: 1500, event: { type: 'heartbeat-missed' } })];
    const d = divergence(validateLogText(text(early)));
    assert.equal(d.line, 3);
    assert.match(d.candidates[0]!.note ?? '', /too early: the last heartbeat or missed period was at 1000 ms and a period is 1000 ms/);
    assert.equal(validateLogText(text([...early.slice(0, 2), rec({ t: 2000, event: { type: 'heartbeat-missed' } })])).kind, 'consistent', 'one period later it is allowed');

    const vote = (t: number, type: 'propose' | 'timeout'): string => rec(type === 'propose' ? { t, event: { type: 'propose', admin: 'a1', target: 'severed' } } : { t, event: { type: 'timeout' }, level: 'severed' });
    // Under onTimeout "restrictive" the expired escalation applies: the record shows the level it raised.
    const timeout = divergence(validateLogText(text([header([...LOG_KINDS]), vote(5_000, 'propose'), vote(604_999, 'timeout')])));
    assert.match(timeout.candidates[0]!.note ?? '', /the proposal opened at 5000 ms and the quorum timeout is 600 s/);
    assert.equal(validateLogText(text([header([...LOG_KINDS]), vote(5_000, 'propose'), vote(605_000, 'timeout')])).kind, 'consistent');
  });

  it('supplies an unobserved fail-safe only when the timestamps leave room for it: three missed periods take three seconds', () => {
    const trip = (t: number) => text([header(['propose', 'approve', 'level']), rec({ t, level: 'offline', record: { from: 'standard', to: 'offline', cause: 'heartbeat' } })]);
    const d = divergence(validateLogText(trip(2_999)));
    assert.equal(d.line, 2);
    const ok = validateLogText(trip(3_000));
    assert.ok(ok.kind === 'consistent');
    assert.equal(ok.behaviour.path, 'heartbeat-missed,heartbeat-missed,heartbeat-missed');
    assert.equal(ok.behaviour.supplied, 3);
  });

  it('says a level change the log does not record is no explanation when the log records every change of level', () => {
    // Recording level changes completely, a record that shows none rules out a hidden one; without that promise, a hidden fail-safe explains the proposal's cancellation.
    const lines = (complete: readonly LogKind[]) => [
      header(complete),
      rec({ t: 1_000, event: { type: 'propose', admin: 'a1', target: 'probation' }, proposal: { from: 'standard', to: 'probation', approvals: ['a1'] } }),
      rec({ t: 9_000, event: { type: 'approve', admin: 'a2' }, proposal: null }),
    ];
    assert.equal(validateLogText(text(lines(['propose', 'approve']))).kind, 'consistent');
    const d = divergence(validateLogText(text(lines(['propose', 'approve', 'level']))));
    assert.equal(d.line, 3);
  });

  it('reports a search bound reached before anything was proven as incomplete, not divergent', () => {
    // A watchdog trip needs three unobserved missed periods; a bound of two cannot tell whether one explains the record.
    const trip = text([header(['propose', 'approve', 'level']), rec({ t: 60_000, level: 'offline', record: { from: 'standard', to: 'offline', cause: 'heartbeat' } })]);
    const cut = validateLogText(trip, { maxGap: 2 });
    assert.equal(cut.kind, 'incomplete');
    assert.ok(cut.kind === 'incomplete');
    assert.match(cut.bound.what, /more than 2 unobserved events/);
    assert.equal(validateLogText(trip).kind, 'consistent', 'with the default bound it is explained');
  });

  it('names the record that goes back in time', () => {
    const d = divergence(validateLogText(text([header([...LOG_KINDS]), rec({ t: 2_000, event: { type: 'heartbeat' } }), rec({ t: 1_000, event: { type: 'heartbeat' } })])));
    assert.equal(d.kind, 'time');
    assert.equal(d.line, 3);
    assert.equal(d.record, 2);
  });

  it('verifies the hash chain of the level record, and names the entry that does not hash its predecessor', () => {
    const first = { at: 3_000_000, from: 'standard', to: 'severed', cause: 'alarm', nonce: null } as const;
    const h1 = levelRecordHash('', first);
    const second = { at: 9_000_000, from: 'severed', to: 'offline', cause: 'heartbeat', nonce: null } as const;
    const lines = (h2: string) => [
      header(['propose', 'approve', 'level']),
      rec({ t: 3_000, level: 'severed', record: { ...first, hash: h1 } }),
      rec({ t: 9_000, level: 'offline', record: { ...second, hash: h2 } }),
    ];
    const good = validateLogText(text(lines(levelRecordHash(h1, second))));
    assert.ok(good.kind === 'consistent', JSON.stringify(good));
    assert.deepEqual(good.figures.chain, { entries: 2, verified: 2 });
    const d = divergence(validateLogText(text(lines(levelRecordHash('', second)))));
    assert.equal(d.kind, 'chain');
    assert.equal(d.line, 3);
    assert.match(d.summary, /level-record entry 2 \(severed→offline, heartbeat\) does not hash its predecessor/);
  });

  it("counts a forged vote for nothing and a replayed proposal for nothing, as §3 says, so the implementation's books must agree", () => {
    const propose = { type: 'propose', admin: 'a1', target: 'severed' } as const;
    const lines = scriptedLog(DEFAULT_POLICY, [propose, { type: 'approve', admin: 'a2' }, { type: 'approve', admin: 'a3' }]);
    assert.equal(validateLogText(text(lines)).kind, 'consistent');
    const votes = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('"vote"'));
    assert.equal(votes.length, 3);
    // Altering one character of a2's signature: the statechart counts no a2, the log still shows a2's approval.
    const [line, at] = votes[1]!;
    const r = record(line);
    const sig = r.vote!.signature!;
    const forged = [...lines];
    forged[at] = rec({ ...r, vote: { ...r.vote!, signature: (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) } });
    const d = divergence(validateLogText(text(forged)));
    assert.equal(d.line, at + 1);
    assert.match(d.candidates[0]!.note ?? '', /does not verify under a2's key/);
    assert.equal(d.candidates[0]!.diffs[0]!.field, 'proposal');
  });

  it('takes a vote from an admin without a pinned key as signed, and says how many such votes it could not verify', () => {
    const lines = [
      header(['propose', 'approve'], { policy: { admins: admins(3), quorum: { escalate: 2, deescalate: 2 } } }),
      rec({ t: 10, vote: { kind: 'propose', admin: 'a1', nonce: 1, from: 'standard', to: 'severed' }, proposal: { from: 'standard', to: 'severed', approvals: ['a1'] } }),
      rec({ t: 20, vote: { kind: 'propose', admin: 'a2', nonce: 1, from: 'standard', to: 'offline' }, proposal: { from: 'standard', to: 'severed', approvals: ['a1'] } }),
      rec({ t: 30, vote: { kind: 'approve', admin: 'a3', nonce: 7, from: 'standard', to: 'severed' }, proposal: { from: 'standard', to: 'severed', approvals: ['a1'] } }),
      rec({ t: 40, vote: { kind: 'approve', admin: 'a3', nonce: 1, from: 'standard', to: 'severed' }, level: 'severed', proposal: null }),
    ];
    const result = validateLogText(text(lines));
    assert.ok(result.kind === 'consistent', JSON.stringify(result));
    assert.deepEqual(result.figures.votes, { verified: 0, unverified: 4, refused: 0 });
    // The replayed nonce and the stale approval opened and counted nothing: the behaviour has only the proposal and the last approval.
    assert.equal(result.behaviour.path, 'propose:a1:severed,approve:a3');
  });

  it('is an online monitor: each record is judged as it comes, and after a divergence the verdict stays', () => {
    const monitor = createMonitor(DEFAULT_POLICY, { complete: [...LOG_KINDS] });
    assert.deepEqual(monitor.observe({ t: 500, event: { type: 'heartbeat' }, level: 'standard' }), { kind: 'consistent' });
    const wrong = monitor.observe({ t: 900, event: { type: 'alarm', level: 'severed' }, level: 'probation' });
    assert.equal(wrong.kind, 'divergent');
    assert.equal(monitor.observe({ t: 1_000, event: { type: 'heartbeat' } }), wrong, 'the first divergence is kept');
    const result = monitor.result();
    assert.ok(result.kind === 'divergent');
    assert.equal(result.divergence.record, 2);
    assert.deepEqual(result.divergence.candidates[0]!.diffs.map((x) => [x.field, x.log, x.spec]), [['level', 'probation', 'severed']]);
    assert.equal(result.divergence.matched.path, 'heartbeat');
  });

  it('names the §4 property the logged step breaks, judged on what the log shows', () => {
    const events: GuillotineEvent[] = [{ type: 'propose', admin: 'a1', target: 'severed' }, { type: 'approve', admin: 'a2' }, { type: 'approve', admin: 'a3' }, { type: 'propose', admin: 'a1', target: 'probation' }];
    const lines = statechartLog(DEFAULT_POLICY, events);
    // The implementation drops to probation on the proposal alone.
    const last = record(lines.at(-1)!);
    const { capabilities: _row, actuators: _pending, ...shown } = last;
    lines[lines.length - 1] = rec({ ...shown, level: 'probation', proposal: null, record: { from: 'severed', to: 'probation', cause: 'quorum' } });
    const d = divergence(validateLogText(text(lines)));
    assert.equal(d.line, 5);
    assert.deepEqual(d.properties.map((p) => p.property), ['deescalation-needs-quorum']);
    assert.match(d.properties[0]!.reason, /1 distinct admin approval\(s\)/);
  });
});
