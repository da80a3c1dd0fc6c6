/**
 * SPIN cross-examines the built-in checker: the Promela export of a policy, searched exhaustively
 * by SPIN (no partial-order reduction, pan -c0 so every assertion's verdict comes out of one run,
 * a separate pan -a for the ltl claim), must give the verdict `checkPolicy(policy, { symmetry:
 * false })` gives for every property, and the same reachable state space:
 *
 * - states: SPIN stores one more, its initial state before the initialising d_step;
 * - transitions: the checker counts states × alphabet (a rejected event is an enabled self-loop),
 *   SPIN counts stored + matched, which is every executed step (the checker's transitions plus
 *   the initialising one) plus one for the root: two more.
 *
 * pan is compiled with -O0 here: four times faster to compile, and these searches take well under
 * a second either way. The benchmark uses -O2.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkPolicy, type CheckReport } from '../../checker/index.ts';
import { mutatedMachine, specMutant, type MachineUnderCheck } from '../../machines/mutants.ts';
import { PROTOCOL_RULES, type ProtocolRules } from '../../machines/rules.ts';
import { LEVEL } from '../../machines/protocolOps.ts';
import { promelaModel } from '../../export/promela.ts';
import { propertyVerdicts, runSpin, type SpinResult } from '../../export/spin.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

function policyAt(relative: string): Policy {
  const loaded = loadPolicyFile(path(relative));
  if (!loaded.ok) throw new Error(`${relative}: ${JSON.stringify(loaded.problems)}`);
  return loaded.policy;
}

/** The policies whose verdicts are compared, with the properties the checker refutes for each. */
const POLICIES: readonly { name: string; policy: () => Policy; fails: readonly string[] }[] = [
  { name: 'the default policy', policy: () => DEFAULT_POLICY, fails: [] },
  { name: 'unsafe.json (de-escalate 3, nothing irreversible, detector to immolation, reboot to standard)', policy: () => policyAt('../fixtures/policies/unsafe.json'), fails: ['irreversible-levels', 'failsafe-only-raises', 'failsafe-reaches-offline', 'quorum-intersection'] },
  { name: 'unsafe-small.json', policy: () => policyAt('../fixtures/policies/unsafe-small.json'), fails: ['irreversible-levels', 'failsafe-only-raises', 'failsafe-reaches-offline', 'quorum-intersection'] },
  { name: 'detector.maxLevel immolation', policy: () => policyAt('fixtures/detector-immolation.json'), fails: ['failsafe-only-raises'] },
  { name: 'faults.rebootLevel standard', policy: () => policyAt('fixtures/reboot-standard.json'), fails: ['failsafe-reaches-offline'] },
  { name: 'irreversible []', policy: () => policyAt('fixtures/nothing-irreversible.json'), fails: ['irreversible-levels'] },
  { name: 'a lone escalator (escalate 1 of 4, de-escalate 2, miss limit 1, onTimeout unchanged)', policy: () => policyAt('fixtures/lone-escalator.json'), fails: ['quorum-intersection'] },
];

function complete(result: SpinResult): Extract<SpinResult, { kind: 'complete' }> {
  if (result.kind !== 'complete') assert.fail(`SPIN did not finish: ${JSON.stringify(result).slice(0, 2000)}`);
  return result;
}

/**
 * SPIN and the checker on one policy and one machine (SPIN compiles while the checker explores):
 * the same rules go to both, so a broken machine is broken the same way in the export.
 */
async function both(policy: Policy, options: { rules?: ProtocolRules; fairness?: boolean } = {}): Promise<{ spin: Extract<SpinResult, { kind: 'complete' }>; checker: CheckReport }> {
  const spin = runSpin(promelaModel(policy, { rules: options.rules }), { liveness: true, optimisation: 0, fairness: options.fairness });
  const checker = checkPolicy(policy, { symmetry: false, findings: false, rules: options.rules });
  return { spin: complete(await spin), checker };
}

function assertAgree(spin: Extract<SpinResult, { kind: 'complete' }>, checker: CheckReport): void {
  assert.ok(checker.complete, 'the checker explored every state');
  const verdicts = propertyVerdicts(spin);
  const disagreements = checker.properties.filter((p) => verdicts[p.id] !== p.status).map((p) => `${p.id}: checker ${p.status}, SPIN ${verdicts[p.id] ?? 'no verdict'}`);
  assert.deepEqual(disagreements, [], 'every property has the same verdict');
  assert.equal(spin.states, checker.states + 1, "SPIN's stored states are the checker's plus its state before initialisation");
  assert.equal(spin.transitions, checker.transitions + 2, "SPIN's stored + matched are the checker's transitions plus the initialising step and the root");
}

describe('export: SPIN agrees with the built-in checker', function () {
  before(function () {
    try {
      execFileSync('spin', ['-V'], { stdio: 'pipe' });
    } catch {
      // Failing, not skipping: CI installs spin, and a silent skip would hide a lost cross-check.
      assert.fail('spin is not on PATH: these tests need it (Debian/Ubuntu: apt-get install spin; .ci/run installs it)');
    }
  });

  for (const { name, policy, fails } of POLICIES) {
    it(`on every verdict and on the reachable states for ${name}`, async function () {
      const { spin, checker } = await both(policy());
      assertAgree(spin, checker);
      // The comparison means something only if the fixture breaks what it is meant to break.
      assert.deepEqual(checker.properties.filter((p) => p.status === 'fail').map((p) => p.id), fails);
    });
  }

  it('says to install spin, as data, when spin is not on PATH', async function () {
    const saved = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const result = await runSpin(promelaModel(DEFAULT_POLICY));
      assert.equal(result.kind, 'missing');
      assert.match(result.kind === 'missing' ? result.message : '', /apt-get install spin/);
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('finds the default policy safe with 9,109 stored states (the checker\'s 9,108 plus one)', async function () {
    const spin = complete(await runSpin(promelaModel(DEFAULT_POLICY), { optimisation: 0 }));
    assert.equal(spin.states, 9109);
    assert.deepEqual(spin.violatedAssertions, []);
    assert.equal(spin.deadlock, false);
  });

  it("gives the same states and verdicts with SPIN's two-core search (scratch variables stored, but zeroed)", async function () {
    const model = promelaModel(policyAt('../fixtures/policies/unsafe-small.json'));
    const one = complete(await runSpin(model, { optimisation: 0 }));
    const two = complete(await runSpin(model, { optimisation: 0, cores: 2 }));
    assert.deepEqual([two.states, two.transitions, two.deadlock, [...two.violatedAssertions].sort()], [one.states, one.transitions, one.deadlock, [...one.violatedAssertions].sort()]);
    assert.equal(two.violatedAssertions.length, 4);
  });

  // Machines broken on purpose: the same rules go to the checker and to the export, so both must
  // refute the same properties. This is what makes the passing verdicts above mean something for
  // properties no policy can break.
  const small = () => policyAt('fixtures/three-admins.json');
  const broken = (change: (rules: ProtocolRules) => Partial<ProtocolRules>): ProtocolRules => ({ ...PROTOCOL_RULES, ...change(PROTOCOL_RULES) });
  const mutant = (name: string, policy: Policy): MachineUnderCheck => {
    const m = specMutant(name)!;
    return mutatedMachine(m.shownUnder?.policy(policy) ?? policy, m);
  };

  it('refutes the quorum properties like the checker when one counted approval completes any quorum', async function () {
    // Quorums of 3, so that a proposal plus one approval falls short of them.
    const rules = broken((r) => ({ guards: { ...r.guards, approvalCompletesQuorum: (o, p, c, e, params) => o.not(r.guards['approvalRefused']!(o, p, c, e, params)) } }));
    const { spin, checker } = await both(policyAt('fixtures/four-admins.json'), { rules });
    assertAgree(spin, checker);
    assert.deepEqual(checker.properties.filter((p) => p.status === 'fail').map((p) => p.id), ['deescalation-needs-quorum', 'escalation-has-cause']);
  });

  // Every spec mutant of the catalogue, exported as it is checked: SPIN refutes what the checker does.
  for (const m of ['approvals-survive-level-change', 'kill-switches-not-commanded', 'reboot-keeps-proposal', 'reboot-forgets-higher-level', 'expired-escalation-dropped', 'escalation-applied-late', 'outsider-vote-counted']) {
    it(`refutes what the checker refutes for the spec mutant ${m}, exported from the same rules`, async function () {
      const machine = mutant(m, small());
      const { spin, checker } = await both(machine.policy, { rules: machine.rules });
      assertAgree(spin, checker);
      const caught = specMutant(m)!.caughtBy.filter((id) => id !== 'escalation-liveness');
      for (const id of caught) assert.equal(checker.properties.find((p) => p.id === id)?.status, 'fail', `${m} breaks ${id}`);
    });
  }

  // escalation-liveness: a quorum that is reached but never applied (applyProposal raises only
  // isolation.changed). With every proposal above offline refused, a fair run must take the
  // offline alarm or the heartbeat fail-safe, which reach the target: it holds under fairness and
  // fails without it, so SPIN agrees with the checker only because the claim is checked fairly.
  const unapplied = broken((r) => ({
    raises: { ...r.raises, applyProposal: r.raises['levelChanged']! },
    guards: { ...r.guards, proposalAllowed: (o, p, c, e, params) => (e.type === 'propose' ? o.and(r.guards['proposalAllowed']!(o, p, c, e, params), o.le(e.target, o.int(LEVEL.offline))) : o.bool(false)) },
  }));

  it('judges escalation-liveness under weak fairness of every event, like the checker (one SPIN process per event, pan -f)', async function () {
    const { spin, checker } = await both(small(), { rules: unapplied });
    assert.equal(spin.fairness, true);
    assertAgree(spin, checker);
    assert.equal(checker.properties.find((p) => p.id === 'escalation-liveness')?.status, 'pass');
  });

  it('refutes the same escalation-liveness without fairness, so the fair check is what agrees', async function () {
    const spin = complete(await runSpin(promelaModel(small(), { rules: unapplied }), { liveness: true, optimisation: 0, fairness: false }));
    assert.deepEqual([spin.fairness, spin.claims['escalation_liveness']], [false, 'violated']);
  });

  it('refutes escalation-liveness like the checker when no quorum is ever applied and any level may be proposed', async function () {
    const { spin, checker } = await both(small(), { rules: broken((r) => ({ raises: { ...r.raises, applyProposal: r.raises['levelChanged']! } })) });
    assertAgree(spin, checker);
    assert.equal(checker.properties.find((p) => p.id === 'escalation-liveness')?.status, 'fail');
  });
});
