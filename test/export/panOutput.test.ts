/** Reading pan's report: counts, every distinct error message, and the ways a search falls short. */
import assert from 'node:assert/strict';
import { parsePan } from '../../export/spin.ts';

const REPORT = `pan:1: assertion violated irreversible_levels (at depth 12)
pan:2: assertion violated failsafe_only_raises (at depth 14)
pan:4: assertion violated irreversible_levels (at depth 30)
pan:9: invalid end state (at depth 40)

(Spin Version 6.5.2 -- 6 December 2019)

Full statespace search for:
	assertion violations	+
	invalid end states	+

State-vector 52 byte, depth reached 394, errors: 9
     9109 states, stored
   683101 states, matched
   692210 transitions (= stored+matched)
   692208 atomic steps

   42.718	total actual memory usage

pan: elapsed time 0.18 seconds
`;

describe("export: reading pan's report", () => {
  it('reads the counts and each distinct error message once, in first-seen order', () => {
    const run = parsePan(REPORT);
    assert.ok(!('incomplete' in run));
    assert.deepEqual(
      [run.states, run.transitions, run.depth, run.stateVectorBytes, run.seconds, run.memoryMegabytes, run.errors],
      [9109, 692210, 394, 52, 0.18, 42.718, 9],
    );
    assert.deepEqual(run.messages, ['assertion violated irreversible_levels', 'assertion violated failsafe_only_raises', 'invalid end state']);
  });

  it('reads a multi-core report, whose lines carry the core', () => {
    const run = parsePan(REPORT.replace('pan:1: assertion', 'cpu1: pan:1: assertion').replace('pan: elapsed time 0.18', 'cpu0: elapsed time 0.5'));
    assert.ok(!('incomplete' in run));
    assert.equal(run.seconds, 0.5);
    assert.equal(run.messages[0], 'assertion violated irreversible_levels');
  });

  it('calls a search cut short by the depth limit or by an error incomplete, not complete', () => {
    assert.deepEqual(parsePan(`error: max search depth too small\n${REPORT}`), { incomplete: 'max search depth too small' });
    assert.deepEqual(parsePan(`Warning: Search not completed\n${REPORT}`), { incomplete: 'search not completed' });
    assert.deepEqual(parsePan('pan: out of memory\n'), { incomplete: 'pan printed no state counts' });
  });
});
