import assert from 'node:assert/strict';
import { policyFindings } from '../../checker/findings.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { mutatedMachine, specMutant } from '../../machines/mutants.ts';
import { LEVELS } from '../../spec/levels.ts';
import type { Policy, PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { fixture } from './fixtures.ts';

/** Five admins a1..a5 (small enough to explore in well under a second), with the given keys. */
function fiveAdmins(extra: Partial<PolicyInput>): Policy {
  return parsedPolicy({ admins: Array.from({ length: 5 }, (_, i) => ({ id: `a${i + 1}` })), ...extra });
}

/**
 * A reviewer reads the findings' notes, not the numbers under them: each note must say exactly
 * what the table says, for every level of every policy — no note a number does not support, none
 * missing where one does. Checked over policies chosen so that every kind of note is said somewhere
 * and withheld somewhere (the last test counts that), except "never reachable": every level is
 * reachable under a policy, and findingsQuorumLimits.test.ts builds the machine that refuses one.
 */
describe('checker/findings: each note says what the table of fewest admins says, no more and no less', function () {
  this.timeout(60_000);
  const cases: [string, Policy, string?][] = [
    ['a five-admin policy with the default keys', fiveAdmins({})],
    ['no irreversible level, de-escalation by 2 of 5', fiveAdmins({ irreversible: [], quorum: { escalate: 3, deescalate: 2 } })],
    ['a restrictive timeout', fiveAdmins({ quorum: { escalate: 3, deescalate: 4, onTimeout: 'restrictive', timeoutSeconds: 600 } })],
    ['the unsafe fixture', fixture('unsafe-small.json')],
    ['the minimal fixture', fixture('minimal.json')],
    ['a five-admin policy, mutant deescalate-one-short', fiveAdmins({}), 'deescalate-one-short'],
  ];
  const said = new Map<string, { said: number; withheld: number }>();
  const tally = (kind: string, present: boolean) => {
    const t = said.get(kind) ?? { said: 0, withheld: 0 };
    if (present) t.said++;
    else t.withheld++;
    said.set(kind, t);
  };

  for (const [name, policy, mutant] of cases) {
    it(`${name}`, () => {
      const machine = mutant === undefined ? { policy, rules: undefined } : mutatedMachine(policy, specMutant(mutant)!);
      const findings = policyFindings(referenceEngine(machine.policy, machine.rules, { effects: false }));
      assert.ok(findings !== null);
      assert.deepEqual(findings.map((f) => f.level), [...LEVELS]);
      const p = machine.policy;
      for (const { level, fewestToReach: reach, fewestToLeave: leave, notes } of findings) {
        const expected: [string, RegExp, boolean][] = [
          ['below the escalation quorum', /can take the system to .*fewer than the escalation quorum/, reach !== null && reach > 0 && reach < p.quorum.escalate && LEVELS.indexOf(level) > LEVELS.indexOf(p.detector.maxLevel)],
          ['no admin at all', /is reached with no admin at all/, reach === 0 && level !== 'standard'],
          ['never reachable', /is never reachable/, reach === null],
          ['below the de-escalation quorum', /can lower the level from .*fewer than the de-escalation quorum/, leave !== null && leave < p.quorum.deescalate],
          ['a destructive level can be left', /can be left .*not irreversible/, leave !== null && (level === 'decapitation' || level === 'immolation')],
        ];
        for (const [kind, pattern, holds] of expected) {
          const present = notes.filter((n) => pattern.test(n)).length;
          assert.equal(present, holds ? 1 : 0, `${level} (reach ${reach}, leave ${leave}): "${kind}" ${holds ? 'once' : 'never'}; notes:\n${notes.join('\n')}`);
          tally(`${kind} ${level === 'immolation' ? '(immolation)' : ''}`.trim(), holds);
        }
        assert.equal(notes.length, expected.filter(([, , holds]) => holds).length, `no other note for ${level}: ${notes.join('\n')}`);
      }
    });
  }

  it('says and withholds every kind of note somewhere in these policies, so the checks above are not vacuous', function () {
    if (said.size === 0) this.skip(); // run alone with --grep: the cases above did not run
    for (const kind of ['below the escalation quorum', 'no admin at all', 'below the de-escalation quorum', 'a destructive level can be left', 'a destructive level can be left (immolation)']) {
      const t = said.get(kind);
      assert.ok(t !== undefined && t.said > 0 && t.withheld > 0, `"${kind}": said ${t?.said ?? 0} times, withheld ${t?.withheld ?? 0}`);
    }
  });
});
