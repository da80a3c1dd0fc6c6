import { describeEvent } from '../spec/events.ts';
import { levelOf } from '../machines/engine.ts';
import { LEVEL, maxOf, minOf, pendingAt } from '../machines/protocolOps.ts';
import { escalationCompleted } from './history.ts';
import type { GuillotineProperty, Transition } from './property.ts';

/** What the rise would have needed, by event, for the sentence of a violation. */
function missingCause({ policy, before, event }: Transition): string {
  switch (event.type) {
    case 'propose':
    case 'approve':
      return `without an escalation quorum of ${policy.quorum.escalate} distinct approvals for a proposal to that level`;
    case 'timeout':
      return 'but no escalation to that level was open under onTimeout "restrictive"';
    case 'heartbeat-missed':
      return `after only ${before.history.misses + 1} consecutive missed heartbeat(s); the limit is ${policy.heartbeat.missLimit}`;
    case 'mce':
    case 'assertion-failure':
      return `above the reboot level ${policy.faults.rebootLevel}`;
    case 'alarm':
      return `above what the alarm may ask (capped at ${policy.detector.maxLevel})`;
    case 'actuator-fault':
      return `which is not one level up to at most ${policy.actuators.escalateOnFailureUpTo} for a pending actuator`;
    default:
      return 'which is neither an admin quorum, a timeout, nor a fail-safe';
  }
}

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
    clauses: [
      {
        holds: (o, p, before, e, after) => {
          const to = after.isolation;
          const from = before.isolation;
          const c = before.context;
          let cause;
          switch (e.type) {
            case 'propose':
            case 'approve':
              cause = o.eq(escalationCompleted(o, before, e), to);
              break;
            case 'timeout':
              cause = o.and(c.open, o.eq(c.to, to), o.bool(p.quorum.onTimeout === 'restrictive'));
              break;
            case 'heartbeat-missed':
              cause = o.le(o.knob('missLimit'), o.add(before.history.misses, o.int(1)));
              break;
            case 'mce':
            case 'assertion-failure':
              cause = o.le(to, maxOf(o, from, o.int(LEVEL[p.faults.rebootLevel])));
              break;
            case 'alarm':
              cause = o.le(to, minOf(o, e.level, o.int(LEVEL[p.detector.maxLevel])));
              break;
            case 'actuator-fault':
              cause = o.and(pendingAt(o, c.pending, e.actuator), o.eq(to, o.add(from, o.int(1))), o.le(to, o.int(LEVEL[p.actuators.escalateOnFailureUpTo])));
              break;
            default:
              cause = o.bool(false);
          }
          return o.or(o.le(to, from), cause);
        },
        says: (t) => `the level rose from ${levelOf(t.before.machine)} to ${levelOf(t.after.machine)} on "${describeEvent(t.event)}", ${missingCause(t)}`,
      },
    ],
  },
  vacuity: [
    {
      name: 'an admin escalation is applied',
      witness: (o, _p, s, via) => (via !== undefined && (via.event.type === 'approve' || via.event.type === 'propose') ? o.lt(via.from.isolation, s.isolation) : o.bool(false)),
    },
  ],
};
