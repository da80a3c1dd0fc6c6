/**
 * Deliberately broken simulators — **test-only mutants**, the one definition every test of the
 * tests uses (the conformance tests, the soak's negative controls, the generated suite's runner,
 * `guillotine validate` on the logs they write). Each gets one rule of docs/protocol.md §3 wrong the
 * way a real implementation might, by replacing an entry or two of the product's
 * {@link CORRECT_RULES} (`simulator/rules.ts`); the product simulator never names them.
 *
 * A mutant's `rules()` builds a fresh table for each machine, since one of them keeps state.
 */
import { levelIndex } from '../../spec/levels.ts';
import { CORRECT_RULES, type SimulatorRules } from '../../simulator/rules.ts';
import type { OpenProposal, Vote } from '../../simulator/console.ts';
import { createSimulatorSut, type SimulatorSut } from '../../simulator/sut.ts';

export interface SimulatorMutant {
  /** What the broken implementation does, in one sentence. */
  readonly description: string;
  /** A fresh rule table for one machine. */
  readonly rules: () => SimulatorRules;
}

const mutant = (description: string, change: () => Partial<SimulatorRules>): SimulatorMutant => ({ description, rules: () => ({ ...CORRECT_RULES, ...change() }) });

export const SIMULATOR_MUTANTS = {
  'count-stale-approval': mutant(
    'approvals of an expired or cancelled proposal are counted again when a proposal with the same from → to reopens (votes not bound to the nonce)',
    () => {
      // Approvals of closed proposals, by from → to: the state an implementation keying votes on the levels alone would keep.
      const closed = new Map<string, readonly Vote[]>();
      return {
        closed: (proposal: OpenProposal) => void closed.set(`${proposal.from}>${proposal.to}`, [...proposal.votes]),
        carried: (opening: Vote) => (closed.get(`${opening.from}>${opening.to}`) ?? []).filter((v) => v.admin !== opening.admin),
      };
    },
  ),
  'deescalate-one-short': mutant('a de-escalation is applied one approval short of the de-escalation quorum', () => ({
    quorum: (policy, from, to) => (levelIndex(to) > levelIndex(from) ? policy.quorum.escalate : Math.max(1, policy.quorum.deescalate - 1)),
  })),
  'duplicate-approval-counts': mutant('a second approval by the same admin is accepted and counted again', () => ({ duplicate: () => false })),
  'timeout-applies-deescalation': mutant('an expired de-escalation is applied instead of dropped', () => ({
    expiryApplies: (policy, expired) => levelIndex(expired.to) < levelIndex(expired.from) || CORRECT_RULES.expiryApplies(policy, expired),
    // The level record, too, treats the expiry as approval.
    writesUnchecked: (cause) => cause === 'timeout',
  })),
  'reboot-forgets-level': mutant('after a reboot the hypervisor comes back at faults.rebootLevel even when the level was higher', () => ({
    resumeLevel: (policy, recorded) => (levelIndex(recorded) > levelIndex(policy.faults.rebootLevel) ? policy.faults.rebootLevel : recorded),
    // ...and overwrites the level record to match, unchecked.
    writesUnchecked: (cause) => cause === 'reboot',
  })),
  'severed-services-network': mutant('at severed the port gate still services network ports', () => ({
    portServiced: (level, port) => level === 'severed' || CORRECT_RULES.portServiced(level, port),
  })),
  'watchdog-off-by-one': mutant('the heartbeat watchdog forces offline one missed heartbeat late', () => ({ missLimit: (policy) => policy.heartbeat.missLimit + 1 })),
  'alarm-uncapped': mutant('a detector alarm raises the level to what it asks for, past detector.maxLevel', () => ({ alarmLevel: (_policy, asked) => asked })),
} as const satisfies Record<string, SimulatorMutant>;

export type SimulatorMutantName = keyof typeof SIMULATOR_MUTANTS;

export const SIMULATOR_MUTANT_NAMES = Object.keys(SIMULATOR_MUTANTS) as SimulatorMutantName[];

/** The simulator's {@link SystemUnderTest} adapter running one mutant. */
export function mutantSut(name: SimulatorMutantName, seed?: number): SimulatorSut {
  return createSimulatorSut({ rules: SIMULATOR_MUTANTS[name].rules, ...(seed === undefined ? {} : { seed }) });
}

/**
 * `severed-services-network` as a target of `guillotine gen-tests --run --target
 * test/simulator/mutants.ts#severedServicesNetwork` (or `GUILLOTINE_SUT=` in a generated runner):
 * the tests that show a generated suite catches a broken implementation run it this way.
 */
export function severedServicesNetwork(): SimulatorSut {
  return mutantSut('severed-services-network');
}
