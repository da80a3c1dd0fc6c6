/**
 * A catalogue of plausible DESIGN bugs ("spec-level mutants"), each a small change to the
 * statechart's named guards and updates or to one policy field, and the property of
 * docs/protocol.md §4 that must refute it. `guillotine check --mutant NAME` checks a mutant instead of
 * the correct machine; `test/machines/mutants.test.ts` shows that every one is refuted with a
 * counterexample that replays on the mutant and not on the correct machine.
 *
 * A mutant is data, never a second machine: it changes ONE named rule of `rules.ts` (the rest of
 * the statechart is untouched) or ONE policy field that the policy schema accepts. Since every
 * interpreter — XState, the reference engine, the checker's generated code, the Promela and TLA+
 * exports — runs the rules, each of them checks the same broken machine. The policy mutants matter as much as the code mutants: a
 * reviewer can write that policy, it loads, and only the checker says it is dangerous.
 *
 * Every mutant keeps what the checker's symmetry reduction assumes (admins are treated alike and a
 * proposal's approvals are a set of admins; see `checker/symmetry.ts`), so each is checked under
 * the same settings as the correct machine.
 */
import type { Policy } from '../spec/policy.ts';
import { LEVELS } from '../spec/levels.ts';
import type { PropertyId } from '../spec/propertyIds.ts';
import { LEVEL, maxOf, minOf, ne, quorumOf, type Knob, type ProtocolOps } from './protocolOps.ts';
import { PROTOCOL_RULES, type GuardRule, type ProtocolRules, type RaiseRule, type UpdateRule } from './rules.ts';

/** What the checker runs: a policy and the rules of its statechart (the correct ones, or a mutant's). */
export interface MachineUnderCheck {
  readonly policy: Policy;
  readonly rules: ProtocolRules;
}

export interface SpecMutant {
  /** Stable kebab-case name, for `--mutant`. */
  readonly name: string;
  /** The design bug in one line, as a reviewer would say it. */
  readonly bug: string;
  /** What is changed: `guard NAME`, `update NAME`, `raise NAME` or `policy KEY.PATH`. */
  readonly mutates: string;
  /** The properties that must fail on this mutant (each with a replayable counterexample). */
  readonly caughtBy: readonly PropertyId[];
  /** The mutated machine, from the correct one. Pure; applying it twice changes nothing more. */
  readonly apply: (correct: MachineUnderCheck) => MachineUnderCheck;
  /**
   * For a bug no run under the default policy can show: a policy under which it shows (the change
   * in words, and the change itself). Checked under the default policy such a mutant survives, and
   * rightly: it behaves as the correct machine there.
   */
  readonly shownUnder?: { readonly change: string; readonly policy: (policy: Policy) => Policy };
}

/** The correct machine of a policy: the one `guillotine check` runs without `--mutant`. */
export function correctMachine(policy: Policy): MachineUnderCheck {
  return { policy, rules: PROTOCOL_RULES };
}

/** Replaces the named guards, each built from the guard it replaces and the rules it is part of. */
function guards(replaced: Readonly<Record<string, (original: GuardRule, rules: ProtocolRules) => GuardRule>>) {
  return ({ policy, rules }: MachineUnderCheck): MachineUnderCheck => {
    const next: Record<string, GuardRule> = { ...rules.guards };
    for (const [name, make] of Object.entries(replaced)) {
      const original = rules.guards[name];
      if (original === undefined) throw new Error(`mutant: the machine has no guard "${name}"`);
      next[name] = make(original, rules);
    }
    return { policy, rules: { ...rules, guards: next } };
  };
}

/** Replaces one named context update. */
function update(name: string, make: (original: UpdateRule) => UpdateRule) {
  return ({ policy, rules }: MachineUnderCheck): MachineUnderCheck => {
    const original = rules.updates[name];
    if (original === undefined) throw new Error(`mutant: the machine has no update "${name}"`);
    return { policy, rules: { ...rules, updates: { ...rules.updates, [name]: make(original) } } };
  };
}

/** Replaces one named raised event (what a transition tells the machine's other regions). */
function raise(name: string, make: (original: RaiseRule, rules: ProtocolRules) => RaiseRule) {
  return ({ policy, rules }: MachineUnderCheck): MachineUnderCheck => {
    const original = rules.raises[name];
    if (original === undefined) throw new Error(`mutant: the machine has no raised event "${name}"`);
    return { policy, rules: { ...rules, raises: { ...rules.raises, [name]: make(original, rules) } } };
  };
}

/** Changes the policy; the rules stay the correct ones, as `check --policy` would run them. */
function policy(change: (policy: Policy) => Policy) {
  return ({ policy: correct }: MachineUnderCheck): MachineUnderCheck => correctMachine(change(correct));
}

/**
 * The operations with one knob of the policy read differently: how a mutant makes a rule count
 * against the wrong quorum or limit, in every interpretation at once.
 */
function withKnob<B, N, V, S>(o: ProtocolOps<B, N, V, S>, name: Knob, read: (o: ProtocolOps<B, N, V, S>, value: N) => N): ProtocolOps<B, N, V, S> {
  return { ...o, knob: (k: Knob) => (k === name ? read(o, o.knob(k)) : o.knob(k)) };
}

/**
 * The catalogue, in the order of issue 8's list, then the other bugs found natural while reading
 * the machine. Names are stable: tests, docs and users' scripts refer to them.
 */
export const SPEC_MUTANTS: readonly SpecMutant[] = [
  {
    name: 'deescalate-one-short',
    bug: 'a de-escalation is applied at one approval short of the de-escalation quorum',
    mutates: 'guard approvalCompletesQuorum',
    caughtBy: ['deescalation-needs-quorum'],
    // The guard measured against a de-escalation quorum one lower (an off-by-one in the count);
    // escalations keep their quorum. With a de-escalation quorum of 1 there is nothing to lower.
    apply: guards({
      approvalCompletesQuorum: (original) => (o, p, c, e, params) => original(withKnob(o, 'deescalate', (o, d) => maxOf(o, o.int(1), o.sub(d, o.int(1)))), p, c, e, params),
    }),
  },
  {
    name: 'approvals-survive-level-change',
    bug: 'a change of level does not clear the open proposal: its approvals stay, bound to the old level',
    mutates: 'update clearProposal',
    caughtBy: ['approvals-bound-to-proposal'],
    // Entering `idle` because the level changed keeps the proposal; every other way into idle clears it.
    apply: update('clearProposal', (original) => (o, p, c, e, params) => (e.type === 'isolation.changed' ? {} : original(o, p, c, e, params))),
  },
  {
    name: 'decapitation-reversible',
    bug: 'decapitation is left out of the irreversible levels, so five admins can bring a destroyed model back',
    mutates: 'policy irreversible',
    caughtBy: ['irreversible-levels'],
    apply: policy((p) => ({ ...p, irreversible: p.irreversible.filter((level) => level !== 'decapitation') })),
  },
  {
    name: 'alarm-lowers-level',
    bug: 'the detector guard asks whether an alarm changes the level rather than raises it, so a milder alarm lowers the level',
    mutates: 'guard alarmRaisesLevel',
    caughtBy: ['failsafe-only-raises', 'deescalation-needs-quorum'],
    apply: guards({ alarmRaisesLevel: () => (o, p, c, e) => (e.type === 'alarm' ? ne(o, minOf(o, e.level, o.int(LEVEL[p.detector.maxLevel])), c.level) : o.bool(false)) }),
  },
  {
    name: 'detector-may-destroy',
    bug: "the detector's cap is immolation, so one alarm destroys the model and the facility without any admin",
    mutates: 'policy detector.maxLevel',
    caughtBy: ['failsafe-only-raises'],
    apply: policy((p) => ({ ...p, detector: { ...p.detector, maxLevel: 'immolation' } })),
  },
  {
    name: 'watchdog-never-resets',
    bug: 'the heartbeat counter never resets, so isolated misses hours apart add up to a forced offline',
    mutates: 'update resetWatchdog',
    caughtBy: ['escalation-has-cause'],
    apply: update('resetWatchdog', () => () => ({})),
  },
  {
    name: 'reboot-into-standard',
    bug: 'after a machine-check exception or an assertion failure the hypervisor comes back in standard',
    mutates: 'policy faults.rebootLevel',
    caughtBy: ['failsafe-reaches-offline'],
    apply: policy((p) => ({ ...p, faults: { ...p.faults, rebootLevel: 'standard' } })),
  },
  // ------------------------------------------------------------ beyond issue 8's list
  {
    name: 'outsider-vote-counted',
    bug: "the approval guards never check that the voter is an admin, so an outsider's approval completes a quorum",
    // approvalRefusal's membership check is one protocol decision, read by both approval guards;
    // mutating only one of them is masked by the other (and by withApproval keeping admins only).
    mutates: 'guards approvalRefused, approvalCompletesQuorum',
    caughtBy: ['escalation-has-cause'],
    apply: guards({
      approvalRefused: (original) => (o, p, c, e, params) => original(anyoneIsAdmin(o), p, c, e, params),
      approvalCompletesQuorum: (original) => (o, p, c, e, params) => original(anyoneIsAdmin(o), p, c, e, params),
    }),
  },
  {
    name: 'proposer-counted-twice',
    bug: "the quorum count adds the proposer's opening on top of the approvals, which already include it",
    mutates: 'guard approvalCompletesQuorum',
    caughtBy: ['escalation-has-cause', 'deescalation-needs-quorum'],
    apply: guards({
      approvalCompletesQuorum: (_original, rules) => (o, p, c, e, params) =>
        o.and(o.not(rules.guards['approvalRefused']!(o, p, c, e, params)), o.le(quorumOf(o, c.from, c.to), o.add(o.size(c.approvals), o.int(2)))),
    }),
  },
  {
    name: 'timeout-applies-deescalation',
    bug: 'an expired proposal is applied whatever its direction, so one admin lowers the level by waiting',
    mutates: 'guard timeoutApplies',
    caughtBy: ['deescalation-needs-quorum'],
    apply: guards({ timeoutApplies: () => (o, p, c) => o.and(c.open, o.bool(p.quorum.onTimeout === 'restrictive')) }),
  },
  {
    name: 'deescalation-skips-levels',
    bug: 'the proposal guard forgets deescalation.maxStep, so one de-escalation drops several levels at once',
    mutates: 'guard proposalAllowed',
    caughtBy: ['deescalation-needs-quorum'],
    apply: guards({ proposalAllowed: (original) => (o, p, c, e, params) => original(withKnob(o, 'maxStep', (o) => o.int(LEVELS.length - 1)), p, c, e, params) }),
  },
  {
    name: 'watchdog-fires-late',
    bug: 'the physical hypervisor forces offline one missed heartbeat after the limit, not at it',
    mutates: 'guard missLimitReached',
    caughtBy: ['failsafe-reaches-offline'],
    apply: guards({ missLimitReached: () => (o, _p, c) => o.le(o.knob('missLimit'), c.missed) }),
  },
  {
    name: 'kill-switches-not-commanded',
    bug: 'entering a level records it but keeps commanding the previous capability row (ports, relay, power)',
    mutates: 'update enterLevel',
    caughtBy: ['level-capabilities'],
    apply: update('enterLevel', (original) => (o, p, c, e, params) => ({ ...original(o, p, c, e, params), commanded: c.commanded })),
  },
  {
    name: 'actuator-fault-destroys',
    bug: 'a kill switch that fails to confirm escalates up to immolation, so a stuck relay destroys the facility',
    mutates: 'policy actuators.escalateOnFailureUpTo',
    caughtBy: ['failsafe-only-raises'],
    apply: policy((p) => ({ ...p, actuators: { ...p.actuators, escalateOnFailureUpTo: 'immolation' } })),
  },
  {
    name: 'quorum-never-applied',
    bug: 'the approval that completes a quorum closes the proposal but re-asserts the current level, so the decision is dropped',
    mutates: 'raise applyProposal',
    // decisions-take-effect sees the dropped decision at the approval that makes the quorum;
    // escalation-liveness sees that the level never gets there, through a fair lasso — the
    // catalogue's liveness counterexample.
    caughtBy: ['decisions-take-effect', 'escalation-liveness'],
    apply: raise('applyProposal', () => (_o, _p, c) => ({ type: 'isolation.set', to: c.level, cause: 'quorum' })),
  },
  {
    name: 'escalation-applied-late',
    bug: 'an escalation is applied one approval after its quorum, not at it',
    mutates: 'guard approvalCompletesQuorum',
    // Every rise still has a quorum behind it, so no rule about causes sees it; decisions-take-effect
    // does at the approval that makes the quorum, escalation-liveness only through a fair cycle in
    // which the approval one more admin would give never comes.
    caughtBy: ['decisions-take-effect', 'escalation-liveness'],
    apply: guards({ approvalCompletesQuorum: (original) => (o, p, c, e, params) => original(withKnob(o, 'escalate', (o, q) => o.add(q, o.int(1))), p, c, e, params) }),
  },
  {
    name: 'expired-escalation-dropped',
    bug: 'an escalation that expires short of its quorum is dropped even under onTimeout "restrictive"',
    mutates: 'guard timeoutApplies',
    caughtBy: ['decisions-take-effect'],
    apply: guards({ timeoutApplies: () => (o) => o.bool(false) }),
  },
  {
    name: 'reboot-keeps-proposal',
    bug: 'a reboot does not cancel the open proposal, so approvals keep counting while the hypervisor reboots and can lower the level',
    mutates: 'raise hypervisorDown',
    // The rebooting state announces nothing to the proposal region: its raise re-asserts the level
    // the fault already sets (a level change to the same level, which no region acts on), so the
    // open proposal survives the reboot. Proposals stay refused while rebooting; approvals are not.
    caughtBy: ['reboot-keeps-level'],
    apply: raise('hypervisorDown', (_original, rules) => rules.raises['rebootFailsafe']!),
  },
  {
    name: 'reboot-forgets-higher-level',
    bug: 'a fault reboots into faults.rebootLevel even when the level at the fault was higher',
    mutates: 'raise rebootFailsafe',
    caughtBy: ['reboot-keeps-level', 'failsafe-only-raises', 'deescalation-needs-quorum'],
    apply: raise('rebootFailsafe', () => (o, p, _c, e) => ({ type: 'isolation.set', to: o.int(LEVEL[p.faults.rebootLevel]), cause: e.type === 'mce' ? 'mce' : 'assertion-failure' })),
    // Only a reversible level above faults.rebootLevel tells the two apart, and under the default
    // policy the levels above offline are irreversible (the isolation region has no edge down from them).
    shownUnder: { change: 'faults.rebootLevel "severed"', policy: (p) => ({ ...p, faults: { ...p.faults, rebootLevel: 'severed' } }) },
  },
];

/** The operations for a guard that forgot to check membership: every voter it asks about is an admin. */
function anyoneIsAdmin<B, N, V, S>(o: ProtocolOps<B, N, V, S>): ProtocolOps<B, N, V, S> {
  return { ...o, isAdmin: () => o.bool(true) };
}

export const SPEC_MUTANT_NAMES: readonly string[] = SPEC_MUTANTS.map((m) => m.name);

/** The mutant of that name, or undefined. */
export function specMutant(name: string): SpecMutant | undefined {
  return SPEC_MUTANTS.find((m) => m.name === name);
}

/** Applies a mutant by name to the correct machine of a policy. */
export function mutatedMachine(policy: Policy, mutant: SpecMutant): MachineUnderCheck {
  return mutant.apply(correctMachine(policy));
}
