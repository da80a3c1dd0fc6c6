/**
 * A catalogue of plausible DESIGN bugs ("spec-level mutants"), each a small change to the
 * statechart's named guards and updates or to one policy field, and the property of
 * docs/protocol.md §4 that must refute it. `guillotine check --mutant NAME` checks a mutant instead of
 * the correct machine; `test/machines/mutants.test.ts` shows that every one is refuted with a
 * counterexample that replays on the mutant and not on the correct machine.
 *
 * A mutant is data, never a second machine: it changes ONE named implementation of
 * {@link machineImplementations} (the rest of the statechart is untouched) or ONE policy field
 * that the policy schema accepts. The policy mutants matter as much as the code mutants: a
 * reviewer can write that policy, it loads, and only the checker says it is dangerous.
 *
 * Every mutant keeps what the checker's symmetry reduction assumes (admins are treated alike and a
 * proposal's approvals are a set of admins; see `checker/symmetry.ts`), so each is checked under
 * the same settings as the correct machine.
 */
import type { Policy } from '../spec/policy.ts';
import { adminIds, quorumFor } from '../spec/policy.ts';
import { LEVELS } from '../spec/levels.ts';
import type { PropertyId } from '../properties/property.ts';
import { machineImplementations, type MachineImplementations } from './guillotine.ts';
import { alarmTarget, approvalCompletesQuorum, approvalRefusal, proposalRefusal } from './protocol.ts';

/** What the checker runs: a policy and the implementations of the statechart's named guards and actions. */
export interface MachineUnderCheck {
  readonly policy: Policy;
  readonly implementations: MachineImplementations;
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
}

type Guards = MachineImplementations['guards'];
type Updates = MachineImplementations['updates'];
type Guard = Guards[string];
type Update = Updates[string];
type Raise = MachineImplementations['raises'][string];

/** The correct machine of a policy: the one `guillotine check` runs without `--mutant`. */
export function correctMachine(policy: Policy): MachineUnderCheck {
  return { policy, implementations: machineImplementations(policy) };
}

/** Replaces the named guards, each built from the policy and the guard it replaces. */
function guards(replaced: Readonly<Record<string, (policy: Policy, original: Guard) => Guard>>) {
  return ({ policy, implementations }: MachineUnderCheck): MachineUnderCheck => {
    const next: Record<string, Guard> = { ...implementations.guards };
    for (const [name, make] of Object.entries(replaced)) {
      const original = implementations.guards[name];
      if (original === undefined) throw new Error(`mutant: the machine has no guard "${name}"`);
      next[name] = make(policy, original);
    }
    return { policy, implementations: { ...implementations, guards: next } };
  };
}

/** Replaces one named context update. */
function update(name: string, make: (policy: Policy, original: Update) => Update) {
  return ({ policy, implementations }: MachineUnderCheck): MachineUnderCheck => {
    const original = implementations.updates[name];
    if (original === undefined) throw new Error(`mutant: the machine has no update "${name}"`);
    return { policy, implementations: { ...implementations, updates: { ...implementations.updates, [name]: make(policy, original) } } };
  };
}

/** Replaces one named raised event (what a transition tells the machine's other regions). */
function raise(name: string, make: (policy: Policy, original: Raise) => Raise) {
  return ({ policy, implementations }: MachineUnderCheck): MachineUnderCheck => {
    const original = implementations.raises[name];
    if (original === undefined) throw new Error(`mutant: the machine has no raised event "${name}"`);
    return { policy, implementations: { ...implementations, raises: { ...implementations.raises, [name]: make(policy, original) } } };
  };
}

/** Changes the policy; the implementations are rebuilt from it, as `check --policy` would. */
function policy(change: (policy: Policy) => Policy) {
  return ({ policy: correct }: MachineUnderCheck): MachineUnderCheck => correctMachine(change(correct));
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
      approvalCompletesQuorum: (p) => {
        const short: Policy = { ...p, quorum: { ...p.quorum, deescalate: Math.max(1, p.quorum.deescalate - 1) } };
        return (ctx, e) => e.type === 'approve' && approvalCompletesQuorum(short, ctx, e);
      },
    }),
  },
  {
    name: 'approvals-survive-level-change',
    bug: 'a change of level does not clear the open proposal: its approvals stay, bound to the old level',
    mutates: 'update clearProposal',
    caughtBy: ['approvals-bound-to-proposal'],
    // Entering `idle` because the level changed keeps the proposal; every other way into idle clears it.
    apply: update('clearProposal', (_p, original) => (ctx, e, params) => (e.type === 'isolation.changed' ? ctx : original(ctx, e, params))),
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
    apply: guards({ alarmRaisesLevel: (p) => (ctx, e) => e.type === 'alarm' && alarmTarget(p, e) !== ctx.level }),
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
    apply: update('resetWatchdog', () => (ctx) => ctx),
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
      approvalRefused: (p) => (ctx, e) => e.type !== 'approve' || approvalRefusal(withVoter(p, e.admin), ctx, e) !== null,
      approvalCompletesQuorum: (p) => (ctx, e) => e.type === 'approve' && approvalCompletesQuorum(withVoter(p, e.admin), ctx, e),
    }),
  },
  {
    name: 'proposer-counted-twice',
    bug: "the quorum count adds the proposer's opening on top of the approvals, which already include it",
    mutates: 'guard approvalCompletesQuorum',
    caughtBy: ['escalation-has-cause', 'deescalation-needs-quorum'],
    apply: guards({
      approvalCompletesQuorum: (p) => (ctx, e) =>
        e.type === 'approve' && ctx.proposal !== null && approvalRefusal(p, ctx, e) === null && ctx.proposal.approvals.length + 2 >= quorumFor(p, ctx.proposal.from, ctx.proposal.to),
    }),
  },
  {
    name: 'timeout-applies-deescalation',
    bug: 'an expired proposal is applied whatever its direction, so one admin lowers the level by waiting',
    mutates: 'guard timeoutApplies',
    caughtBy: ['deescalation-needs-quorum'],
    apply: guards({ timeoutApplies: (p) => (ctx) => ctx.proposal !== null && p.quorum.onTimeout === 'restrictive' }),
  },
  {
    name: 'deescalation-skips-levels',
    bug: 'the proposal guard forgets deescalation.maxStep, so one de-escalation drops several levels at once',
    mutates: 'guard proposalAllowed',
    caughtBy: ['deescalation-needs-quorum'],
    apply: guards({
      proposalAllowed: (p) => {
        const anyStep: Policy = { ...p, deescalation: { maxStep: LEVELS.length - 1 } };
        return (ctx, e) => e.type === 'propose' && proposalRefusal(anyStep, ctx, e) === null;
      },
    }),
  },
  {
    name: 'watchdog-fires-late',
    bug: 'the physical hypervisor forces offline one missed heartbeat after the limit, not at it',
    mutates: 'guard missLimitReached',
    caughtBy: ['failsafe-reaches-offline'],
    apply: guards({ missLimitReached: (p) => (ctx) => ctx.missedHeartbeats >= p.heartbeat.missLimit }),
  },
  {
    name: 'kill-switches-not-commanded',
    bug: 'entering a level records it but keeps commanding the previous capability row (ports, relay, power)',
    mutates: 'update enterLevel',
    caughtBy: ['level-capabilities'],
    apply: update('enterLevel', (_p, original) => (ctx, e, params) => ({ ...original(ctx, e, params), outputs: ctx.outputs })),
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
    // No state is ever unsafe: only escalation-liveness (a quorum's escalation is applied) sees it,
    // which makes it the catalogue's one liveness bug, the only one whose counterexample is a lasso.
    caughtBy: ['escalation-liveness'],
    apply: raise('applyProposal', () => (ctx) => ({ type: 'isolation.set', to: ctx.level, cause: 'quorum' })),
  },
];

/** The policy with the voter made an admin, so the approval guards accept anyone. */
function withVoter(p: Policy, voter: string): Policy {
  return adminIds(p).includes(voter) ? p : { ...p, admins: [...p.admins, { id: voter }] };
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
