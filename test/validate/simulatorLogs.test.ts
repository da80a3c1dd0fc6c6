/**
 * Real logs, written by the simulator as a deployment would: the 72-hour soak's log validates
 * (recorded in full, and with only votes and level changes recorded); each deliberately broken
 * simulator's log is rejected at the record where its bug first shows; and a log whose records are
 * reordered, whose vote signature is altered, whose level change is deleted or whose level-record
 * entry is edited is rejected at the right line.
 *
 * Where a bug first shows is decided independently of the validator: by the statechart monitor
 * that runs beside the soak (`simulator/statechartMonitor.ts`: it compares the machine with the
 * statechart before every stimulus, so its first disagreement follows the stimulus that caused
 * it), or, for the one bug it cannot see (a port gate that still services the network), by the
 * first record at the level the bug concerns.
 */
import assert from 'node:assert/strict';
import { decodePath, encodeEvent } from '../../spec/events.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import type { LogRecord } from '../../spec/log.ts';
import { validateLogText, type Divergence, type ValidationResult } from '../../validate/index.ts';
import { SIMULATOR_MUTANTS, SIMULATOR_MUTANT_NAMES, type SimulatorMutantName } from '../simulator/mutants.ts';
import { record, soakLog, text } from './logs.ts';

const divergence = (result: ValidationResult): Divergence => {
  assert.ok(result.kind === 'divergent', `expected a divergence, got ${result.kind}: ${JSON.stringify(result).slice(0, 600)}`);
  return result.divergence;
};

/** The record's stimulus in the compact encoding, as the statechart monitor lists stimuli. */
function stimulusOf(r: LogRecord): string | null {
  if (r.event !== undefined) return encodeEvent(r.event);
  if (r.vote !== undefined) return encodeEvent(r.vote.kind === 'propose' ? { type: 'propose', admin: r.vote.admin, target: r.vote.to } : { type: 'approve', admin: r.vote.admin });
  return null;
}

describe('validate: logs the simulator writes', function () {
  describe('the 72-hour soak, recorded in full', function () {
    let lines: string[];
    let levelChanges: number;
    before(function () {
      this.timeout(120_000);
      const soak = soakLog({ hours: 72 });
      lines = soak.lines;
      levelChanges = soak.report.levelChanges.total;
      assert.ok(soak.report.holds);
    });

    it('validates: every record explained step by step, nothing supplied, the level record hash-chained end to end', function () {
      this.timeout(120_000);
      const result = validateLogText(text(lines));
      assert.ok(result.kind === 'consistent', JSON.stringify(result).slice(0, 1000));
      assert.equal(result.figures.records, lines.length - 1);
      assert.equal(result.behaviour.supplied, 0);
      assert.equal(result.candidates, 1);
      assert.deepEqual(result.figures.chain, { entries: levelChanges, verified: levelChanges });
      assert.ok(result.figures.votes.verified > 500 && result.figures.votes.refused > 0, JSON.stringify(result.figures.votes));
    });

    it('rejects records put out of order at the first one whose time goes back', () => {
      const at = lines.findIndex((l, i) => i > 1000 && record(l).t > record(lines[i - 1]!).t);
      const swapped = [...lines];
      [swapped[at - 1], swapped[at]] = [swapped[at]!, swapped[at - 1]!];
      const d = divergence(validateLogText(text(swapped)));
      assert.equal(d.line, at + 1, 'line numbers are 1-based');
      assert.equal(d.kind, 'time');
    });

    it('rejects a vote whose signature was altered, at that vote, since its approval then counts for nothing', () => {
      const at = lines.findIndex((l) => l.includes('"kind":"approve"') && !record(l).record && (record(l).proposal?.approvals.length ?? 0) >= 2);
      const r = record(lines[at]!);
      const sig = r.vote!.signature!;
      const altered = [...lines];
      altered[at] = JSON.stringify({ ...r, vote: { ...r.vote!, signature: `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}` } });
      const d = divergence(validateLogText(text(altered)));
      assert.equal(d.line, at + 1);
      assert.match(d.candidates[0]!.note ?? '', /does not verify under/);
      assert.deepEqual(d.candidates[0]!.diffs.map((x) => x.field), ['proposal']);
    });

    it('rejects a deleted level change at the record after it: that record shows a level the statechart never reached', () => {
      const at = lines.findIndex((l, i) => i > 2000 && l.includes('"record"'));
      const deleted = lines.filter((_, i) => i !== at);
      const d = divergence(validateLogText(text(deleted)));
      assert.equal(d.line, at + 1, 'the record that followed the deleted one now sits on its line');
    });

    it('rejects an edited level-record entry by its hash chain, naming the entry', () => {
      const changes = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('"record"'));
      const [line, at] = changes[9]!;
      const r = record(line);
      const edited = [...lines];
      // Only the entry's timestamp moves: the state shown is still right, the chain is not.
      edited[at] = JSON.stringify({ ...r, record: { ...r.record!, at: r.record!.at! + 1 } });
      const d = divergence(validateLogText(text(edited)));
      assert.equal(d.kind, 'chain');
      assert.equal(d.line, at + 1);
      assert.match(d.summary, /^level-record entry 10 /);
    });
  });

  it('validates the soak with only its votes and level changes recorded, supplying every other event', function () {
    this.timeout(120_000);
    const { lines, report } = soakLog({ hours: 24, log: { kinds: ['propose', 'approve', 'level'], observations: false } });
    const result = validateLogText(text(lines));
    assert.ok(result.kind === 'consistent', JSON.stringify(result).slice(0, 1000));
    assert.ok(result.behaviour.supplied > 0, 'the fail-safes behind the level changes are supplied');
    assert.equal(result.figures.chain.entries, report.levelChanges.total);
  });

  describe("rejects each deliberately broken simulator's log at the record where its bug first shows", function () {
    /** The property each bug breaks, as the report must name it (null: the bug breaks the books, not a §4 property, at its first record). */
    const breaks: Record<SimulatorMutantName, string | null> = {
      'count-stale-approval': 'approvals-bound-to-proposal',
      'deescalate-one-short': 'deescalation-needs-quorum',
      'duplicate-approval-counts': null,
      'timeout-applies-deescalation': 'deescalation-needs-quorum',
      'reboot-forgets-level': 'deescalation-needs-quorum',
      'severed-services-network': 'level-capabilities',
      'watchdog-off-by-one': 'failsafe-reaches-offline',
      'alarm-uncapped': 'failsafe-only-raises',
    };
    // The soak never holds the level above offline, the default reboot level: for a reboot to
    // forget the level, the policy reboots into probation.
    const policyFor = (name: SimulatorMutantName) => (name === 'reboot-forgets-level' ? parsedPolicy({ admins: DEFAULT_POLICY.admins, faults: { rebootLevel: 'probation' } }) : DEFAULT_POLICY);

    for (const name of SIMULATOR_MUTANT_NAMES) {
      it(`${name}: ${SIMULATOR_MUTANTS[name].description}`, function () {
        this.timeout(120_000);
        const { lines, report } = soakLog({ hours: 24, policy: policyFor(name), rules: SIMULATOR_MUTANTS[name].rules() });
        const d = divergence(validateLogText(text(lines)));
        const r = record(lines[d.line - 1]!);
        const first = report.statechart.first;
        if (name === 'severed-services-network') {
          assert.equal(first, null, 'the statechart monitor does not compare port gates');
          assert.equal(d.line - 1, lines.findIndex((l, i) => i > 0 && record(l).level === 'severed'), 'the first record at severed');
        } else if (name === 'duplicate-approval-counts') {
          // The monitor compares approvals as sets, so it sees this bug only when the extra count completes a quorum
          // early; the log shows it sooner, the first time the console lists an admin's approval twice.
          const twice = (l: string) => { const a = record(l).proposal?.approvals ?? []; return new Set(a).size < a.length; };
          assert.equal(d.line - 1, lines.findIndex((l, i) => i > 0 && twice(l)), 'the first record listing an approval twice');
          assert.ok(first !== null && r.t * 1000 <= first.atMicros, 'no later than the monitor');
        } else {
          assert.ok(first !== null, 'the statechart monitor saw the bug');
          assert.equal(stimulusOf(r), first.recent.at(-1), 'the record of the stimulus after which the monitor first disagreed');
          assert.ok(r.t * 1000 <= first.atMicros + 1e-6, `record at ${r.t} ms, monitor at ${first.atMicros} µs`);
        }
        const expected = breaks[name];
        if (expected === null) assert.deepEqual(d.properties, []);
        else assert.ok(d.properties.some((p) => p.property === expected), `names ${expected}: ${JSON.stringify(d.properties)}`);
        assert.ok(d.candidates.length > 0 && d.candidates[0]!.diffs.length + (d.candidates[0]!.note === null ? 0 : 1) > 0, 'says how the statechart differs');
        const matched = decodePath(d.matched.path ?? '');
        assert.ok(matched.ok && matched.events.length === d.matched.events && d.matched.events > 0, 'the events matched so far, as a replay handle');
      });
    }
  });
});
