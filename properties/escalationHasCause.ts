import { levelIndex, maxLevel, minLevel } from '../spec/levels.ts';
import { describeEvent } from '../spec/events.ts';
import { levelOf } from '../machines/engine.ts';
import { completesEscalation } from './history.ts';
import type { GuillotineProperty } from './property.ts';

/**
 * `escalation-has-cause` (policy): every rise in level is an admin proposal at its quorum (votes
 * counted from the history), a timed-out escalation under `onTimeout: "restrictive"`, or a
 * fail-safe doing what the policy lets it do: the heartbeat limit reached, a fault rebooting into
 * `faults.rebootLevel`, an alarm capped at `detector.maxLevel`, a pending actuator's fault one
 * level up to `actuators.escalateOnFailureUpTo`.
 */
export const escalationHasCause: GuillotineProperty = {
  id: 'escalation-has-cause',
  kind: 'policy',
  statement: 'Every rise in level is an admin proposal at its quorum, a timed-out escalation, or a fail-safe.',
  check: {
    on: 'transition',
    verdict: ({ policy, before, event, after }) => {
      const from = levelOf(before.machine);
      const to = levelOf(after.machine);
      if (levelIndex(to) <= levelIndex(from)) return true;
      const proposal = before.machine.context.proposal;
      const why = `the level rose from ${from} to ${to} on "${describeEvent(event)}"`;
      switch (event.type) {
        case 'propose':
        case 'approve':
          return completesEscalation(policy, before, event, true) === to ? true : `${why} without an escalation quorum of ${policy.quorum.escalate} distinct approvals for a proposal to ${to}`;
        case 'timeout':
          return proposal !== null && proposal.to === to && policy.quorum.onTimeout === 'restrictive' ? true : `${why}, but no escalation to ${to} was open under onTimeout "restrictive"`;
        case 'heartbeat-missed':
          return before.history.misses + 1 >= policy.heartbeat.missLimit ? true : `${why} after only ${before.history.misses + 1} consecutive missed heartbeat(s); the limit is ${policy.heartbeat.missLimit}`;
        case 'mce':
        case 'assertion-failure':
          return levelIndex(to) <= levelIndex(maxLevel(from, policy.faults.rebootLevel)) ? true : `${why}, above the reboot level ${policy.faults.rebootLevel}`;
        case 'alarm':
          return levelIndex(to) <= levelIndex(minLevel(event.level, policy.detector.maxLevel)) ? true : `${why}, above what the alarm may ask (capped at ${policy.detector.maxLevel})`;
        case 'actuator-fault':
          return before.machine.context.pendingActuators.includes(event.actuator) && levelIndex(to) === levelIndex(from) + 1 && levelIndex(to) <= levelIndex(policy.actuators.escalateOnFailureUpTo)
            ? true
            : `${why}, which is not one level up to at most ${policy.actuators.escalateOnFailureUpTo} for a pending actuator`;
        default:
          return `${why}, which is neither an admin quorum, a timeout, nor a fail-safe`;
      }
    },
  },
  vacuity: [{ name: 'an admin escalation is applied', witness: (s, via) => via !== undefined && (via.event.type === 'approve' || via.event.type === 'propose') && levelIndex(levelOf(s.machine)) > levelIndex(levelOf(via.from.machine)) }],
};
