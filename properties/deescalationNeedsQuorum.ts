import { levelIndex } from '../spec/levels.ts';
import { describeEvent } from '../spec/events.ts';
import { levelOf } from '../machines/engine.ts';
import { oneOf, type EventView, type ProtocolOps, type StateView } from '../machines/protocolOps.ts';
import { irreversibleLevels } from '../machines/rules.ts';
import { countedVotes } from './history.ts';
import type { GuillotineProperty, TransitionRule } from './property.ts';

/** A clause that constrains drops only: it holds on every step that does not lower the level. */
const onDrop = (condition: TransitionRule): TransitionRule => (o, p, before, e, after) => o.or(o.le(before.isolation, after.isolation), condition(o, p, before, e, after));

/** The distinct admins' votes for the proposal a step applies: the history's votes and the event's admin. */
function votesFor<B, N, V, S>(o: ProtocolOps<B, N, V, S>, before: StateView<B, N, S>, e: EventView<N, V>): N {
  if (e.type === 'approve') return o.countAdmins(o.withVoter(before.history.votes, e.admin));
  if (e.type === 'propose') return o.countAdmins(o.onlyVoter(e.admin));
  return o.int(0);
}

/**
 * `deescalation-needs-quorum` (policy): every drop in level applies a de-escalation proposal
 * holding at least the de-escalation quorum of distinct admin approvals made *for that proposal*
 * (counted from the history, not from the machine's own books), drops at most
 * `deescalation.maxStep` levels, and never leaves a level the policy lists as irreversible (§3:
 * "never out of an irreversible level"; `irreversible-levels` holds decapitation and immolation to
 * that whatever the policy says, this holds every level the policy adds to them).
 */
export const deescalationNeedsQuorum: GuillotineProperty = {
  id: 'deescalation-needs-quorum',
  kind: 'policy',
  statement: 'Every drop in level applies a de-escalation proposal holding the de-escalation quorum of distinct approvals made for it, drops at most deescalation.maxStep levels, and never leaves a level the policy makes irreversible.',
  check: {
    on: 'transition',
    clauses: [
      {
        holds: onDrop((o, p, before) => o.not(oneOf(o, before.isolation, irreversibleLevels(p)))),
        says: ({ before, after }) => `the level dropped from ${levelOf(before.machine)} to ${levelOf(after.machine)}, but the policy makes ${levelOf(before.machine)} irreversible`,
      },
      {
        holds: onDrop((o, _p, before, _e, after) => o.le(o.sub(before.isolation, after.isolation), o.knob('maxStep'))),
        says: ({ policy, before, after }) => {
          const from = levelOf(before.machine);
          const to = levelOf(after.machine);
          return `the level dropped ${levelIndex(from) - levelIndex(to)} levels (${from} → ${to}); at most ${policy.deescalation.maxStep} allowed`;
        },
      },
      {
        holds: onDrop((o, _p, before, e, after) => (e.type === 'approve' ? before.context.open : e.type === 'propose' ? o.and(o.not(before.context.open), o.eq(e.target, after.isolation)) : o.bool(false))),
        says: ({ before, event, after }) => `the level dropped from ${levelOf(before.machine)} to ${levelOf(after.machine)} on "${describeEvent(event)}", which applies no de-escalation proposal`,
      },
      {
        holds: onDrop((o, _p, before, e, after) => (e.type === 'approve' ? o.and(o.eq(before.context.to, after.isolation), o.eq(before.context.from, before.isolation)) : o.bool(true))),
        says: ({ before, after }) => {
          const p = before.machine.context.proposal;
          return `the level dropped to ${levelOf(after.machine)}, but the open proposal was ${p?.from} → ${p?.to}`;
        },
      },
      {
        holds: onDrop((o, _p, before, e) => o.le(o.knob('deescalate'), votesFor(o, before, e))),
        says: ({ policy, before, event, after }) => {
          const votes = event.type === 'approve' ? countedVotes(policy, before.history.votes, event.admin) : event.type === 'propose' ? countedVotes(policy, [], event.admin) : [];
          return `the level dropped from ${levelOf(before.machine)} to ${levelOf(after.machine)} with ${votes.length} distinct admin approval(s) made for the proposal (${votes.join(', ') || 'none'}); the de-escalation quorum is ${policy.quorum.deescalate}`;
        },
      },
    ],
  },
  vacuity: [{ name: 'a de-escalation is applied', witness: (o, _p, s, via) => (via === undefined ? o.bool(false) : o.lt(s.isolation, via.from.isolation)) }],
};
