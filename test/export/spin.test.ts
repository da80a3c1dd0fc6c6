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
import { machineImplementations, type MachineImplementations } from '../../machines/guillotine.ts';
import { mutatedMachine, specMutant } from '../../machines/mutants.ts';
import { approvalRefusal } from '../../machines/protocol.ts';
import { ACTIONS, GUARDS, promelaModel, type PromelaOptions } from '../../export/promela.ts';
import { propertyVerdicts, runSpin, type SpinResult } from '../../export/spin.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import { DEFAULT_POLICY, type Policy } from '../../spec/policy.ts';
import { levelIndex, type Level } from '../../spec/levels.ts';

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

/** SPIN and the checker on one policy (SPIN compiles while the checker explores). */
async function both(policy: Policy, options: { promela?: PromelaOptions; implementations?: MachineImplementations; fairness?: boolean } = {}): Promise<{ spin: Extract<SpinResult, { kind: 'complete' }>; checker: CheckReport }> {
  const spin = runSpin(promelaModel(policy, options.promela), { liveness: true, optimisation: 0, fairness: options.fairness });
  const checker = checkPolicy(policy, { symmetry: false, findings: false, implementations: options.implementations });
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

  // A machine broken on purpose, in the checker (its `implementations` option) and in the export
  // (the same breakage in the Promela rendering): both must refute the same properties. This is
  // what makes the passing verdicts above mean something for properties no policy can break.
  const small = () => policyAt('fixtures/three-admins.json');
  const broken = (policy: Policy, change: (impl: MachineImplementations) => Partial<MachineImplementations>): MachineImplementations => {
    const impl = machineImplementations(policy);
    return { ...impl, ...change(impl) };
  };

  it('refutes the quorum properties like the checker when one counted approval completes any quorum', async function () {
    // Quorums of 3, so that a proposal plus one approval falls short of them.
    const policy = policyAt('fixtures/four-admins.json');
    const implementations = broken(policy, (impl) => ({ guards: { ...impl.guards, approvalCompletesQuorum: (ctx, e) => approvalRefusal(policy, ctx, e as never) === null } }));
    const { spin, checker } = await both(policy, {
      implementations,
      promela: { overrides: { guards: { approvalCompletesQuorum: (s, v, p) => `!(${GUARDS.approvalRefused!(s, v, p)})` } } },
    });
    assertAgree(spin, checker);
    assert.deepEqual(checker.properties.filter((p) => p.status === 'fail').map((p) => p.id), ['deescalation-needs-quorum', 'escalation-has-cause']);
  });

  it('refutes approvals-bound-to-proposal like the checker when a closed proposal is never cleared', async function () {
    const policy = small();
    const implementations = broken(policy, (impl) => ({ updates: { ...impl.updates, clearProposal: (ctx) => ctx } }));
    const { spin, checker } = await both(policy, { implementations, promela: { overrides: { actions: { clearProposal: () => ['skip'] } } } });
    assertAgree(spin, checker);
    assert.ok(checker.properties.some((p) => p.id === 'approvals-bound-to-proposal' && p.status === 'fail'), 'the broken machine keeps stale approvals');
  });

  it('refutes level-capabilities like the checker when entering a level commands nothing', async function () {
    const policy = small();
    const implementations = broken(policy, (impl) => ({ updates: { ...impl.updates, enterLevel: (ctx, _e, params) => ({ ...ctx, level: params!['level'] as Level }) } }));
    const { spin, checker } = await both(policy, { implementations, promela: { overrides: { actions: { enterLevel: (_s, _v, params) => [`level = L_${params!['level']}`] } } } });
    assertAgree(spin, checker);
    assert.deepEqual(checker.properties.filter((p) => p.status === 'fail').map((p) => p.id), ['level-capabilities']);
  });

  // The two reboot mutants of the catalogue (machines/mutants.ts), broken the same way in the export.
  it('refutes reboot-keeps-level like the checker when a reboot keeps the open proposal (spec mutant reboot-keeps-proposal)', async function () {
    const machine = mutatedMachine(small(), specMutant('reboot-keeps-proposal')!);
    // The mutant's hypervisorDown raises the reboot's own level change again, which changes nothing.
    const { spin, checker } = await both(machine.policy, { implementations: machine.implementations, promela: { overrides: { actions: { hypervisorDown: ACTIONS.rebootFailsafe! } } } });
    assertAgree(spin, checker);
    assert.deepEqual(checker.properties.filter((p) => p.status === 'fail').map((p) => p.id), ['reboot-keeps-level']);
  });

  it('refutes reboot-keeps-level like the checker when a fault reboots into faults.rebootLevel whatever the level (spec mutant reboot-forgets-higher-level)', async function () {
    const mutant = specMutant('reboot-forgets-higher-level')!;
    const machine = mutatedMachine(mutant.shownUnder!.policy(small()), mutant);
    const rebootAtPolicyLevel = ['assert(q_tail < 8)', 'q_type[q_tail] = E_isolation_set', 'q_to[q_tail] = REBOOTLEVEL', 'q_tail++'];
    const { spin, checker } = await both(machine.policy, { implementations: machine.implementations, promela: { overrides: { actions: { rebootFailsafe: () => rebootAtPolicyLevel } } } });
    assertAgree(spin, checker);
    // failsafe-reaches-offline fails on the correct machine too under this policy (it reboots into severed).
    assert.deepEqual(checker.properties.filter((p) => p.status === 'fail').map((p) => p.id), ['deescalation-needs-quorum', 'failsafe-only-raises', 'failsafe-reaches-offline', 'reboot-keeps-level']);
  });

  it('refutes decisions-take-effect like the checker when an expired escalation is dropped (spec mutant expired-escalation-dropped)', async function () {
    const machine = mutatedMachine(small(), specMutant('expired-escalation-dropped')!);
    const { spin, checker } = await both(machine.policy, { implementations: machine.implementations, promela: { overrides: { guards: { timeoutApplies: () => 'false' } } } });
    assertAgree(spin, checker);
    assert.deepEqual(checker.properties.filter((p) => p.status === 'fail').map((p) => p.id), ['decisions-take-effect']);
  });

  // escalation-liveness: a quorum that is reached but never applied (applyProposal raises only
  // isolation.changed). With every proposal above offline refused, a fair run must take the
  // offline alarm or the heartbeat fail-safe, which reach the target: it holds under fairness and
  // fails without it, so SPIN agrees with the checker only because the claim is checked fairly.
  const unapplied = (policy: Policy) => ({
    implementations: broken(policy, (impl) => ({
      raises: { ...impl.raises, applyProposal: impl.raises.levelChanged! },
      guards: { ...impl.guards, proposalAllowed: (ctx, e, p) => impl.guards.proposalAllowed!(ctx, e, p) && e.type === 'propose' && levelIndex(e.target) <= levelIndex('offline') },
    })),
    promela: { overrides: { actions: { applyProposal: ACTIONS.levelChanged! }, guards: { proposalAllowed: (s, v, p) => `(${GUARDS.proposalAllowed!(s, v, p)} && ${v.field('target')} <= L_offline)` } } } satisfies PromelaOptions,
  });

  it('judges escalation-liveness under weak fairness of every event, like the checker (one SPIN process per event, pan -f)', async function () {
    const policy = small();
    const { spin, checker } = await both(policy, unapplied(policy));
    assert.equal(spin.fairness, true);
    assertAgree(spin, checker);
    assert.equal(checker.properties.find((p) => p.id === 'escalation-liveness')?.status, 'pass');
  });

  it('refutes the same escalation-liveness without fairness, so the fair check is what agrees', async function () {
    const policy = small();
    const spin = complete(await runSpin(promelaModel(policy, unapplied(policy).promela), { liveness: true, optimisation: 0, fairness: false }));
    assert.deepEqual([spin.fairness, spin.claims['escalation_liveness']], [false, 'violated']);
  });

  it('refutes escalation-liveness like the checker when no quorum is ever applied and any level may be proposed', async function () {
    const policy = small();
    const implementations = broken(policy, (impl) => ({ raises: { ...impl.raises, applyProposal: impl.raises.levelChanged! } }));
    const { spin, checker } = await both(policy, { implementations, promela: { overrides: { actions: { applyProposal: ACTIONS.levelChanged! } } } });
    assertAgree(spin, checker);
    assert.equal(checker.properties.find((p) => p.id === 'escalation-liveness')?.status, 'fail');
  });
});
