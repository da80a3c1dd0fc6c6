/**
 * Each §4 property judges a transition or state on its own, whatever machine produced it: a buggy
 * machine can take any step, so the verdicts are exercised here on hand-built steps at their
 * boundaries (one approval short and at quorum, the heartbeat limit and one miss before it, a
 * fail-safe at offline and one level past it), not only on the steps the correct machine takes.
 * A verdict is `true` or a sentence naming what went wrong; the sentences are checked for the
 * levels and counts a reviewer needs, not for their wording.
 */
import assert from 'node:assert/strict';
import { conditionHolds, policyVerdict, stateVerdict, transitionVerdict } from '../../properties/judge.ts';
import { CAPABILITIES, CAPABILITY_FIELDS, LEVELS, type Actuator, type Level } from '../../spec/levels.ts';
import { FAILSAFE_EVENTS, type GuillotineEvent } from '../../spec/events.ts';
import { DEFAULT_POLICY, scaledPolicy, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { REGIONS, type SystemState } from '../../machines/engine.ts';
import type { Proposal } from '../../machines/protocol.ts';
import { PROPERTIES, type PropertyId } from '../../properties/index.ts';
import type { Check, Verdict } from '../../properties/property.ts';
import type { CheckState, History } from '../../properties/history.ts';

function policy(extra: Partial<PolicyInput>): Policy {
  return parsedPolicy({ admins: DEFAULT_POLICY.admins, ...extra });
}

interface Shape {
  readonly proposal?: Proposal | null;
  readonly pending?: readonly Actuator[];
  readonly votes?: readonly string[];
  readonly misses?: number;
  readonly awaiting?: Level | null;
  readonly rebootFloor?: Level | null;
  /** The context's recorded level, when a test wants it to disagree with the active state. */
  readonly contextLevel?: Level;
  readonly outputs?: (typeof CAPABILITIES)[Level];
}

/** A checked state at a level; every region but isolation is irrelevant to the verdicts. */
function at(level: Level, shape: Shape = {}): CheckState {
  const value = Object.fromEntries(REGIONS.map((r) => [r, r === 'isolation' ? level : 'idle'])) as SystemState['value'];
  const machine: SystemState = {
    value,
    context: {
      level: shape.contextLevel ?? level,
      rebooting: false,
      proposal: shape.proposal ?? null,
      missedHeartbeats: shape.misses ?? 0,
      outputs: shape.outputs ?? CAPABILITIES[level],
      pendingActuators: shape.pending ?? [],
    },
  };
  const history: History = { votes: shape.votes ?? [], misses: shape.misses ?? 0, awaiting: shape.awaiting ?? null, rebootFloor: shape.rebootFloor ?? null };
  return { machine, history };
}

function check(id: PropertyId): Check {
  const p = PROPERTIES.find((q) => q.id === id);
  if (p === undefined) throw new Error(`no property ${id}`);
  return p.check;
}

function onStep(id: PropertyId, before: CheckState, event: GuillotineEvent, after: CheckState, p: Policy = DEFAULT_POLICY): Verdict {
  const c = check(id);
  if (c.on !== 'transition') throw new Error(`${id} is not judged on transitions`);
  return transitionVerdict(c, { policy: p, before, event, after });
}

function onState(id: PropertyId, s: CheckState, p: Policy = DEFAULT_POLICY): Verdict {
  const c = check(id);
  if (c.on !== 'state') throw new Error(`${id} is not judged on states`);
  return stateVerdict(c, s, p);
}

/** Asserts a violation whose sentence mentions every given fragment (levels, counts, admins). */
function violates(verdict: Verdict, ...mentions: readonly (string | number)[]): void {
  assert.equal(typeof verdict, 'string', 'expected a violation');
  assert.ok((verdict as string).length > 0, 'a violation says what went wrong');
  for (const m of mentions) assert.ok((verdict as string).includes(String(m)), `"${verdict}" should mention ${m}`);
}

const propose = (admin: string, target: Level): GuillotineEvent => ({ type: 'propose', admin, target });
const approve = (admin: string): GuillotineEvent => ({ type: 'approve', admin });
const proposal = (from: Level, to: Level, approvals: readonly string[]): Proposal => ({ from, to, approvals });

describe('properties: each verdict judges any step at its boundaries, whatever machine took it', () => {
  describe('irreversible-levels', () => {
    it('refuses leaving immolation for any level and leaving decapitation except for immolation', () => {
      for (const to of LEVELS) {
        const fromImmolation = onStep('irreversible-levels', at('immolation'), { type: 'timeout' }, at(to));
        if (to === 'immolation') assert.equal(fromImmolation, true);
        else violates(fromImmolation, 'immolation', to);
        const fromDecapitation = onStep('irreversible-levels', at('decapitation'), { type: 'timeout' }, at(to));
        if (to === 'decapitation' || to === 'immolation') assert.equal(fromDecapitation, true);
        else violates(fromDecapitation, 'decapitation', to);
      }
    });

    it('lets every reversible level go anywhere (other properties judge how)', () => {
      for (const from of ['standard', 'probation', 'severed', 'offline'] as const) {
        for (const to of LEVELS) assert.equal(onStep('irreversible-levels', at(from), approve('a1'), at(to)), true, `${from} → ${to}`);
      }
    });
  });

  describe('failsafe-only-raises', () => {
    const failsafeEvents: GuillotineEvent[] = FAILSAFE_EVENTS.map((type) =>
      type === 'alarm' ? { type, level: 'offline' } : type === 'actuator-fault' ? { type, actuator: 'model-power' } : { type },
    );

    it('refuses every fail-safe that lowers the level, naming both levels', () => {
      for (const e of failsafeEvents) violates(onStep('failsafe-only-raises', at('offline'), e, at('severed')), 'offline', 'severed');
    });

    it('refuses every fail-safe that raises past offline, and allows each one up to offline or staying put', () => {
      for (const e of failsafeEvents) {
        violates(onStep('failsafe-only-raises', at('severed'), e, at('decapitation')), 'decapitation');
        violates(onStep('failsafe-only-raises', at('offline'), e, at('immolation')), 'immolation');
        assert.equal(onStep('failsafe-only-raises', at('standard'), e, at('offline')), true);
        assert.equal(onStep('failsafe-only-raises', at('severed'), e, at('severed')), true);
        // Already destroyed by people: a fail-safe that leaves it there lowers nothing and destroys nothing.
        assert.equal(onStep('failsafe-only-raises', at('decapitation'), e, at('decapitation')), true);
      }
    });

    it('leaves admin events to the other properties', () => {
      assert.equal(onStep('failsafe-only-raises', at('offline'), approve('a1'), at('severed')), true);
      assert.equal(onStep('failsafe-only-raises', at('offline'), propose('a1', 'immolation'), at('immolation')), true);
    });
  });

  describe('failsafe-reaches-offline', () => {
    it('requires an MCE or an assertion failure to leave the level at offline or above', () => {
      for (const type of ['mce', 'assertion-failure'] as const) {
        violates(onStep('failsafe-reaches-offline', at('standard'), { type }, at('severed')), type, 'severed');
        assert.equal(onStep('failsafe-reaches-offline', at('standard'), { type }, at('offline')), true);
        assert.equal(onStep('failsafe-reaches-offline', at('decapitation'), { type }, at('decapitation')), true);
      }
    });

    it('requires offline on the missed heartbeat that reaches the limit, not on the one before', () => {
      const p = policy({ heartbeat: { missLimit: 4 } });
      violates(onStep('failsafe-reaches-offline', at('standard', { misses: 3 }), { type: 'heartbeat-missed' }, at('severed'), p), 4, 'severed');
      assert.equal(onStep('failsafe-reaches-offline', at('standard', { misses: 3 }), { type: 'heartbeat-missed' }, at('offline'), p), true);
      assert.equal(onStep('failsafe-reaches-offline', at('standard', { misses: 2 }), { type: 'heartbeat-missed' }, at('standard'), p), true);
    });

    it('does not ask other events for offline', () => {
      assert.equal(onStep('failsafe-reaches-offline', at('standard'), { type: 'alarm', level: 'probation' }, at('probation')), true);
      assert.equal(onStep('failsafe-reaches-offline', at('standard', { misses: 5 }), { type: 'heartbeat' }, at('standard')), true);
    });
  });

  describe('reboot-keeps-level', () => {
    const p = policy({ faults: { rebootLevel: 'severed' } });
    it('requires a fault to reboot into the level at the fault or faults.rebootLevel, whichever is higher', () => {
      for (const type of ['mce', 'assertion-failure'] as const) {
        violates(onStep('reboot-keeps-level', at('offline'), { type }, at('severed'), p), 'offline', 'severed');
        assert.equal(onStep('reboot-keeps-level', at('offline'), { type }, at('offline'), p), true);
        violates(onStep('reboot-keeps-level', at('probation'), { type }, at('probation'), p), 'probation', 'severed');
        assert.equal(onStep('reboot-keeps-level', at('probation'), { type }, at('severed'), p), true);
      }
    });

    it('refuses any drop while the hypervisor reboots, the step that completes the reboot included, and names the floor', () => {
      const rebooting = at('offline', { rebootFloor: 'offline' });
      violates(onStep('reboot-keeps-level', rebooting, { type: 'approve', admin: 'a5' }, at('severed')), 'offline', 'severed', 'approve a5');
      violates(onStep('reboot-keeps-level', rebooting, { type: 'timeout' }, at('severed')), 'severed');
      violates(onStep('reboot-keeps-level', rebooting, { type: 'reboot-complete' }, at('severed')), 'severed');
      assert.equal(onStep('reboot-keeps-level', rebooting, { type: 'reboot-complete' }, at('offline')), true);
      assert.equal(onStep('reboot-keeps-level', rebooting, { type: 'alarm', level: 'offline' }, at('offline')), true);
      assert.equal(onStep('reboot-keeps-level', at('decapitation', { rebootFloor: 'decapitation' }), { type: 'approve', admin: 'a1' }, at('immolation')), true);
    });

    it('says nothing about drops while the hypervisor runs', () => {
      assert.equal(onStep('reboot-keeps-level', at('offline'), { type: 'approve', admin: 'a5' }, at('severed')), true);
    });
  });

  describe('decisions-take-effect', () => {
    const up = proposal('standard', 'severed', ['a1', 'a2']);
    const down = proposal('severed', 'probation', ['a1', 'a2', 'a3', 'a4']);
    it('requires the approval that makes a quorum, counted from the votes, to set the level to the target', () => {
      const atTwo = at('standard', { proposal: up, votes: ['a1', 'a2'] });
      violates(onStep('decisions-take-effect', atTwo, approve('a3'), at('standard')), 'a3', 'standard', 'severed', 3);
      assert.equal(onStep('decisions-take-effect', atTwo, approve('a3'), at('severed')), true);
      const atFour = at('severed', { proposal: down, votes: ['a1', 'a2', 'a3', 'a4'] });
      violates(onStep('decisions-take-effect', atFour, approve('a5'), at('severed')), 'probation', 5);
      assert.equal(onStep('decisions-take-effect', atFour, approve('a5'), at('probation')), true);
    });

    it('asks nothing of an approval short of the quorum, a repeated one, or one the machine claims counts but no vote backs', () => {
      const atOne = at('standard', { proposal: up, votes: ['a1'] });
      assert.equal(onStep('decisions-take-effect', atOne, approve('a2'), at('standard')), true);
      const atTwo = at('standard', { proposal: up, votes: ['a1', 'a2'] });
      assert.equal(onStep('decisions-take-effect', atTwo, approve('a2'), at('standard')), true);
      assert.equal(onStep('decisions-take-effect', at('standard', { proposal: up, votes: ['a1'] }), approve('outsider'), at('standard')), true);
    });

    it('requires an escalation that expires under "restrictive" to be applied, and nothing of one under "unchanged" or of a de-escalation', () => {
      violates(onStep('decisions-take-effect', at('standard', { proposal: up, votes: ['a1', 'a2'] }), { type: 'timeout' }, at('standard')), 'expired', 'severed');
      assert.equal(onStep('decisions-take-effect', at('standard', { proposal: up, votes: ['a1', 'a2'] }), { type: 'timeout' }, at('severed')), true);
      const unchanged = policy({ quorum: { onTimeout: 'unchanged' } });
      assert.equal(onStep('decisions-take-effect', at('standard', { proposal: up, votes: ['a1', 'a2'] }), { type: 'timeout' }, at('standard'), unchanged), true);
      assert.equal(onStep('decisions-take-effect', at('severed', { proposal: down, votes: ['a1'] }), { type: 'timeout' }, at('severed')), true);
    });

    it('requires a proposal that is its own quorum to take effect at once', () => {
      const alone = policy({ quorum: { escalate: 1, deescalate: 4 } });
      violates(onStep('decisions-take-effect', at('standard'), { type: 'propose', admin: 'a1', target: 'offline' }, at('standard'), alone), 'a1', 'offline');
      assert.equal(onStep('decisions-take-effect', at('standard'), { type: 'propose', admin: 'a1', target: 'offline' }, at('offline'), alone), true);
      assert.equal(onStep('decisions-take-effect', at('standard'), { type: 'propose', admin: 'a1', target: 'offline' }, at('standard')), true, 'under the default a proposal alone decides nothing');
    });
  });

  describe('approvals-bound-to-proposal', () => {
    it('accepts no proposal, and a proposal whose approvals are the votes made for it, in any order', () => {
      assert.equal(onState('approvals-bound-to-proposal', at('severed')), true);
      assert.equal(onState('approvals-bound-to-proposal', at('severed', { proposal: proposal('severed', 'offline', ['a1', 'a2']), votes: ['a1', 'a2'] })), true);
      assert.equal(onState('approvals-bound-to-proposal', at('severed', { proposal: proposal('severed', 'offline', ['a2', 'a1']), votes: ['a1', 'a2'] })), true);
      assert.equal(onState('approvals-bound-to-proposal', at('severed', { proposal: proposal('severed', 'offline', ['a1']), votes: ['a1', 'a3'] })), true);
    });

    it('refuses a proposal left open across a change of level, naming both levels', () => {
      violates(onState('approvals-bound-to-proposal', at('offline', { proposal: proposal('severed', 'probation', ['a1']), votes: ['a1'] })), 'severed', 'offline');
    });

    it('refuses approvals that were not given to the open proposal, naming their admins', () => {
      const v = onState('approvals-bound-to-proposal', at('severed', { proposal: proposal('severed', 'offline', ['a1', 'a4', 'a5']), votes: ['a1'] }));
      violates(v, 'a4, a5', 'severed', 'offline');
      assert.ok(!(v as string).includes('a1'), 'a1 did approve this proposal');
      violates(onState('approvals-bound-to-proposal', at('standard', { proposal: proposal('standard', 'severed', ['a2']), votes: [] })), 'a2');
      // As many approvals as votes, but not the same admins: the one-pass fast path must not accept it.
      violates(onState('approvals-bound-to-proposal', at('severed', { proposal: proposal('severed', 'offline', ['a1', 'a4']), votes: ['a1', 'a2'] })), 'a4');
      violates(onState('approvals-bound-to-proposal', at('severed', { proposal: proposal('severed', 'offline', ['a3', 'a1']), votes: ['a1', 'a2'] })), 'a3');
    });
  });

  describe('level-capabilities', () => {
    it("accepts §2's row at every level", () => {
      for (const level of LEVELS) assert.equal(onState('level-capabilities', at(level)), true, level);
    });

    it("refuses another level's row, naming the level, the first output that differs and both values", () => {
      for (const level of LEVELS) {
        const row = CAPABILITIES[level];
        for (const other of LEVELS.filter((l) => l !== level)) {
          const field = CAPABILITY_FIELDS.find((f) => CAPABILITIES[other][f] !== row[f])!;
          violates(onState('level-capabilities', at(level, { outputs: CAPABILITIES[other] })), level, field, row[field], CAPABILITIES[other][field]);
        }
      }
    });

    it('refuses each output that differs from the row, naming the level, the output and both values', () => {
      // A mixture of two rows is no state a machine of the rules reaches, but an implementation's
      // log can report one (guillotine validate judges it): it is refused by the field that differs.
      for (const level of LEVELS) {
        const row = CAPABILITIES[level];
        const other = LEVELS.find((l) => l !== level && CAPABILITIES[l].networkRelay !== row.networkRelay)!;
        violates(onState('level-capabilities', at(level, { outputs: { ...row, networkRelay: CAPABILITIES[other].networkRelay } })), level, 'networkRelay', row.networkRelay);
      }
      const row = CAPABILITIES.offline;
      const wrong = { modelCores: 'run', ports: 'all', networkRelay: 'connected', modelPower: 'on' } as const;
      for (const [field, value] of Object.entries(wrong)) {
        violates(onState('level-capabilities', at('offline', { outputs: { ...row, [field]: value } })), 'offline', field, value);
      }
      violates(onState('level-capabilities', at('offline', { outputs: { ...row, modelHardware: 'destroyed' } })), 'modelHardware');
      violates(onState('level-capabilities', at('decapitation', { outputs: { ...CAPABILITIES.decapitation, facility: 'destroyed' } })), 'facility');
    });

    it("refuses a recorded level that differs from the active level, even with that level's outputs", () => {
      violates(onState('level-capabilities', at('offline', { contextLevel: 'severed', outputs: CAPABILITIES.offline })), 'severed', 'offline');
    });
  });

  describe('quorum-intersection', () => {
    function verdict(p: Policy) {
      const c = check('quorum-intersection');
      if (c.on !== 'policy') throw new Error('quorum-intersection is policy arithmetic');
      return policyVerdict(c, p);
    }
    const q = (escalate: number, deescalate: number, n = 7) => scaledPolicy(n, { quorum: { escalate, deescalate } });

    it('holds when the two quorums overlap and de-escalation is a strict majority, at the tightest sums', () => {
      assert.deepEqual(verdict(q(3, 5)), { holds: true });
      assert.deepEqual(verdict(q(4, 4)), { holds: true });
      assert.deepEqual(verdict(q(3, 4, 6)), { holds: true });
      assert.deepEqual(verdict(q(1, 1, 1)), { holds: true });
    });

    it('refutes quorums that can be disjoint (e + d = n), with the two disjoint groups as witness', () => {
      const v = verdict(q(3, 4));
      assert.ok(!v.holds);
      assert.deepEqual(v.witness, { escalation: ['a1', 'a2', 'a3'], deescalation: ['a4', 'a5', 'a6', 'a7'] });
      assert.ok(v.reason.includes('3') && v.reason.includes('4') && v.reason.includes('7'), v.reason);
    });

    it('refutes a de-escalation quorum of half the admins even when it meets every escalation quorum', () => {
      const v = verdict(q(4, 3, 6));
      assert.ok(!v.holds);
      assert.deepEqual(v.witness, { deescalation: ['a1', 'a2', 'a3'], alsoDeescalation: ['a4', 'a5', 'a6'] });
      assert.ok(v.reason.includes('3') && v.reason.includes('6'));
    });
  });

  describe('deescalation-needs-quorum', () => {
    const down = proposal('severed', 'probation', ['a1', 'a2', 'a3']);

    it('accepts the approval that brings a de-escalation to its quorum, counting distinct admins of the policy', () => {
      const before = at('severed', { proposal: { ...down, approvals: ['a1', 'a2', 'a3', 'a4'] }, votes: ['a1', 'a2', 'a3', 'a4'] });
      assert.equal(onStep('deescalation-needs-quorum', before, approve('a5'), at('probation')), true);
    });

    it('refuses any drop out of a level the policy makes irreversible, even at quorum', () => {
      const p = policy({ irreversible: ['severed', 'decapitation', 'immolation'] });
      const atQuorum = at('severed', { proposal: { ...down, approvals: ['a1', 'a2', 'a3', 'a4'] }, votes: ['a1', 'a2', 'a3', 'a4'] });
      violates(onStep('deescalation-needs-quorum', atQuorum, approve('a5'), at('probation'), p), 'severed', 'irreversible');
      assert.equal(onStep('deescalation-needs-quorum', atQuorum, approve('a5'), at('probation')), true, 'the default policy lets severed be lowered');
    });

    it('refuses a drop one approval short, a repeated approval, and approvals made for another proposal', () => {
      const short = at('severed', { proposal: { ...down, approvals: ['a1', 'a2', 'a3'] }, votes: ['a1', 'a2', 'a3'] });
      violates(onStep('deescalation-needs-quorum', short, approve('a4'), at('probation')), 4, 5);
      const repeated = at('severed', { proposal: { ...down, approvals: ['a1', 'a2', 'a3', 'a4'] }, votes: ['a1', 'a2', 'a3', 'a4'] });
      violates(onStep('deescalation-needs-quorum', repeated, approve('a4'), at('probation')), 4);
      // The machine's proposal claims five approvals; only three were made for it.
      const stale = at('severed', { proposal: { ...down, approvals: ['a1', 'a2', 'a3', 'a4', 'a5'] }, votes: ['a1', 'a2'] });
      violates(onStep('deescalation-needs-quorum', stale, approve('a3'), at('probation')), 3, 'a1, a2, a3');
      // A non-admin's approval counts for nothing.
      violates(onStep('deescalation-needs-quorum', short, approve('mallory'), at('probation')), 3);
    });

    it('refuses a drop to a level the open proposal did not name, or from another level', () => {
      const before = at('severed', { proposal: { ...down, approvals: ['a1', 'a2', 'a3', 'a4'] }, votes: ['a1', 'a2', 'a3', 'a4'] });
      violates(onStep('deescalation-needs-quorum', before, approve('a5'), at('standard'), policy({ deescalation: { maxStep: 2 } })), 'standard', 'probation');
      const elsewhere = at('offline', { proposal: { ...down, approvals: ['a1', 'a2', 'a3', 'a4'] }, votes: ['a1', 'a2', 'a3', 'a4'] });
      violates(onStep('deescalation-needs-quorum', elsewhere, approve('a5'), at('probation'), policy({ deescalation: { maxStep: 2 } })), 'severed');
    });

    it('refuses a drop of more than maxStep levels, even at quorum, and allows exactly maxStep', () => {
      const two = proposal('offline', 'probation', ['a1', 'a2', 'a3', 'a4']);
      const before = at('offline', { proposal: two, votes: two.approvals });
      violates(onStep('deescalation-needs-quorum', before, approve('a5'), at('probation')), 2, 1);
      assert.equal(onStep('deescalation-needs-quorum', before, approve('a5'), at('probation'), policy({ deescalation: { maxStep: 2 } })), true);
    });

    it('judges a proposal that applies at once by its proposer alone', () => {
      const one = policy({ quorum: { escalate: 1, deescalate: 1 } });
      assert.equal(onStep('deescalation-needs-quorum', at('severed'), propose('a1', 'probation'), at('probation'), one), true);
      violates(onStep('deescalation-needs-quorum', at('severed'), propose('a1', 'probation'), at('probation')), 1, 5);
      violates(onStep('deescalation-needs-quorum', at('severed'), propose('a1', 'standard'), at('probation'), one), 'severed', 'probation');
      // A machine that lets a stranger's proposal apply: no admin approved it at all.
      violates(onStep('deescalation-needs-quorum', at('severed'), propose('mallory', 'probation'), at('probation'), one), 0, 'none');
      // A proposal made while another is open opens nothing, so it applies nothing, even at a quorum of one.
      const busy = at('severed', { proposal: proposal('severed', 'offline', ['a2']), votes: ['a2'] });
      violates(onStep('deescalation-needs-quorum', busy, propose('a1', 'probation'), at('probation'), one), 'severed', 'probation');
    });

    it('refuses a drop on any event that applies no de-escalation proposal, and ignores rises and stays', () => {
      for (const e of [{ type: 'timeout' }, { type: 'heartbeat' }, { type: 'reboot-complete' }, { type: 'alarm', level: 'standard' }] as GuillotineEvent[]) {
        violates(onStep('deescalation-needs-quorum', at('severed', { proposal: { ...down, approvals: ['a1', 'a2', 'a3', 'a4', 'a5'] }, votes: ['a1', 'a2', 'a3', 'a4', 'a5'] }), e, at('probation')), 'severed', 'probation');
      }
      violates(onStep('deescalation-needs-quorum', at('severed'), approve('a1'), at('probation')), 'severed', 'probation');
      assert.equal(onStep('deescalation-needs-quorum', at('severed'), { type: 'timeout' }, at('offline')), true);
      assert.equal(onStep('deescalation-needs-quorum', at('severed'), { type: 'timeout' }, at('severed')), true);
    });
  });

  describe('escalation-has-cause', () => {
    const up = proposal('standard', 'severed', ['a1', 'a2']);

    it('accepts the approval that brings an escalation to its quorum and refuses one approval short', () => {
      assert.equal(onStep('escalation-has-cause', at('standard', { proposal: up, votes: ['a1', 'a2'] }), approve('a3'), at('severed')), true);
      violates(onStep('escalation-has-cause', at('standard', { proposal: { ...up, approvals: ['a1'] }, votes: ['a1'] }), approve('a3'), at('severed')), 'standard', 'severed', 3);
      // The quorum is met, but the machine went somewhere the proposal did not name.
      violates(onStep('escalation-has-cause', at('standard', { proposal: up, votes: ['a1', 'a2'] }), approve('a3'), at('offline')), 'offline');
      // Approvals the machine kept from an earlier proposal are not votes for this one.
      violates(onStep('escalation-has-cause', at('standard', { proposal: up, votes: ['a1'] }), approve('a3'), at('severed')), 'severed');
    });

    it('accepts a proposal that is its own quorum and refuses it otherwise', () => {
      const one = policy({ quorum: { escalate: 1 } });
      assert.equal(onStep('escalation-has-cause', at('standard'), propose('a1', 'severed'), at('severed'), one), true);
      violates(onStep('escalation-has-cause', at('standard'), propose('a1', 'severed'), at('severed')), 3);
      violates(onStep('escalation-has-cause', at('standard'), propose('mallory', 'severed'), at('severed'), one), 'severed');
    });

    it('accepts a timed-out escalation only under onTimeout "restrictive" and only to its target', () => {
      const open = at('standard', { proposal: up, votes: ['a1', 'a2'] });
      assert.equal(onStep('escalation-has-cause', open, { type: 'timeout' }, at('severed')), true);
      violates(onStep('escalation-has-cause', open, { type: 'timeout' }, at('severed'), policy({ quorum: { onTimeout: 'unchanged' } })), 'restrictive');
      violates(onStep('escalation-has-cause', open, { type: 'timeout' }, at('offline')), 'offline');
      violates(onStep('escalation-has-cause', at('standard'), { type: 'timeout' }, at('severed')), 'severed');
    });

    it('accepts the missed heartbeat that reaches the limit and refuses the one before it', () => {
      const p = policy({ heartbeat: { missLimit: 4 } });
      assert.equal(onStep('escalation-has-cause', at('standard', { misses: 3 }), { type: 'heartbeat-missed' }, at('offline'), p), true);
      violates(onStep('escalation-has-cause', at('standard', { misses: 2 }), { type: 'heartbeat-missed' }, at('offline'), p), 3, 4);
    });

    it('accepts a fault up to the reboot level, or the current level if higher, and refuses more', () => {
      for (const type of ['mce', 'assertion-failure'] as const) {
        assert.equal(onStep('escalation-has-cause', at('standard'), { type }, at('offline')), true);
        violates(onStep('escalation-has-cause', at('standard'), { type }, at('decapitation')), 'offline');
        const low = policy({ faults: { rebootLevel: 'probation' } });
        assert.equal(onStep('escalation-has-cause', at('standard'), { type }, at('probation'), low), true);
        violates(onStep('escalation-has-cause', at('standard'), { type }, at('severed'), low), 'probation');
      }
    });

    it('accepts an alarm up to the lower of its level and the detector cap, and refuses more', () => {
      assert.equal(onStep('escalation-has-cause', at('standard'), { type: 'alarm', level: 'severed' }, at('severed')), true);
      violates(onStep('escalation-has-cause', at('standard'), { type: 'alarm', level: 'severed' }, at('offline')), 'offline');
      assert.equal(onStep('escalation-has-cause', at('standard'), { type: 'alarm', level: 'immolation' }, at('offline')), true);
      violates(onStep('escalation-has-cause', at('standard'), { type: 'alarm', level: 'immolation' }, at('decapitation')), 'offline');
    });

    it('accepts a pending actuator fault one level up to the cap, and refuses any other rise on a fault', () => {
      const pending = at('severed', { pending: ['network-relay'] });
      const fault: GuillotineEvent = { type: 'actuator-fault', actuator: 'network-relay' };
      assert.equal(onStep('escalation-has-cause', pending, fault, at('offline')), true);
      violates(onStep('escalation-has-cause', at('severed', { pending: ['model-power'] }), fault, at('offline')), 'offline');
      violates(onStep('escalation-has-cause', at('probation', { pending: ['network-relay'] }), fault, at('offline')), 'offline');
      violates(onStep('escalation-has-cause', at('offline', { pending: ['network-relay'] }), fault, at('decapitation')), 'offline');
      assert.equal(onStep('escalation-has-cause', at('offline', { pending: ['network-relay'] }), fault, at('decapitation'), policy({ actuators: { escalateOnFailureUpTo: 'decapitation' } })), true);
    });

    it('refuses a rise on an event that is no cause, and ignores drops and stays', () => {
      for (const e of [{ type: 'heartbeat' }, { type: 'reboot-complete' }, { type: 'actuator-confirm', actuator: 'model-power' }] as GuillotineEvent[]) {
        violates(onStep('escalation-has-cause', at('standard'), e, at('probation')), 'standard', 'probation');
      }
      assert.equal(onStep('escalation-has-cause', at('severed'), { type: 'heartbeat' }, at('probation')), true);
      assert.equal(onStep('escalation-has-cause', at('severed'), { type: 'heartbeat' }, at('severed')), true);
    });
  });

  describe('escalation-liveness', () => {
    it('is met only once nothing awaits: an escalation that gathered its quorum keeps it unmet until its level is reached', () => {
      const c = check('escalation-liveness');
      if (c.on !== 'eventually') throw new Error('escalation-liveness is judged on fair cycles');
      assert.equal(conditionHolds(c, at('standard'), DEFAULT_POLICY), true);
      assert.equal(conditionHolds(c, at('standard', { awaiting: 'severed' }), DEFAULT_POLICY), false);
      assert.equal(conditionHolds(c, at('offline', { awaiting: 'immolation' }), DEFAULT_POLICY), false);
    });
  });
});
