/**
 * Symmetry reduction over administrators. The protocol treats admins alike: the machine, the
 * event alphabet and every property of §4 mention admins only through set membership (who
 * approved the open proposal, who voted for it) and counts, never by name. So renaming admins
 * maps reachable states to reachable states and violations to violations, and the checker may
 * explore one representative per orbit.
 *
 * The representative renames admins so that, in policy order, come first those who both approved
 * and voted, then approved only, then voted only, then the rest: two states are in one orbit
 * exactly when those four class sizes (and everything else) agree. This cuts the default policy's
 * state space by about ten times and makes it polynomial in the number of admins.
 *
 * Paths found on representatives are not literally replayable (each step may rename admins);
 * {@link concretize} rebuilds a concrete path with the same representatives, step by step.
 *
 * Liveness under symmetry: fairness is applied to events with the admin erased (`approve`, not
 * `approve:a3`). That assumes less than per-admin fairness, so it can only report more
 * violations, never hide one; a `pass` stays sound.
 */
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import type { SystemState } from '../machines/engine.ts';
import type { CheckState } from '../properties/history.ts';
import type { Model } from './model.ts';

/** The representative of a checked state's orbit under renaming of admins. */
export function canonicalCheckState(policy: Policy, s: CheckState): CheckState {
  const proposal = s.machine.context.proposal;
  const votes = s.history.votes;
  if (proposal === null && votes.length === 0) return s;
  const approvals = proposal?.approvals ?? [];
  const ids = adminIds(policy);
  if (sameList(approvals, votes)) {
    // The common case (a correct machine): one class, renamed to the first admins in policy order.
    if (approvals.every((id, i) => id === ids[i])) return s;
    if (approvals.every((id) => ids.includes(id))) {
      const first = ids.slice(0, approvals.length);
      return { machine: { value: s.machine.value, context: { ...s.machine.context, proposal: { ...proposal!, approvals: first } } }, history: { ...s.history, votes: first } };
    }
  }
  const rank = (id: string) => (approvals.includes(id) ? 0 : 2) + (votes.includes(id) ? 0 : 1);
  const order = [...ids].sort((a, b) => rank(a) - rank(b) || ids.indexOf(a) - ids.indexOf(b));
  const rename = new Map(order.map((id, i) => [id, ids[i]!]));
  const renamed = (list: readonly string[]) => {
    const out = list.map((id) => rename.get(id) ?? id);
    return ids.filter((id) => out.includes(id)).concat(out.filter((id) => !rename.has(id)));
  };
  const newApprovals = renamed(approvals);
  const newVotes = renamed(votes);
  if (sameList(newApprovals, approvals) && sameList(newVotes, votes)) return s;
  const machine: SystemState = proposal === null ? s.machine : { value: s.machine.value, context: { ...s.machine.context, proposal: { ...proposal, approvals: newApprovals } } };
  return { machine, history: { ...s.history, votes: newVotes } };
}

/** The same reduction for bare machine states (no history), used by the findings. */
export function canonicalMachineState(policy: Policy, s: SystemState): SystemState {
  return canonicalCheckState(policy, { machine: s, history: { votes: [], misses: 0, awaiting: null } }).machine;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Wraps a model so it explores orbit representatives only. */
export function symmetric(policy: Policy, model: Model<CheckState, GuillotineEvent>): Model<CheckState, GuillotineEvent> {
  return {
    ...model,
    initialStates: () => model.initialStates().map((s) => canonicalCheckState(policy, s)),
    next(state, action) {
      const next = model.next(state, action);
      return next.enabled ? { state: canonicalCheckState(policy, next.state), enabled: true } : next;
    },
    actionName: (action) => (action.type === 'propose' ? `propose:${action.target}` : action.type === 'approve' ? 'approve' : model.actionName(action)),
  };
}

/**
 * Turns a path found on representatives into a concrete path of the unreduced model that visits
 * the same orbits: at each step it picks the first action (in the model's order) whose successor
 * has the representative the reduced path went to.
 */
export function concretize(policy: Policy, model: Model<CheckState, GuillotineEvent>, path: readonly GuillotineEvent[]): GuillotineEvent[] {
  const canonicalKey = (s: CheckState) => model.key(canonicalCheckState(policy, s));
  let concrete = model.initialStates()[0]!;
  let representative = canonicalCheckState(policy, concrete);
  const out: GuillotineEvent[] = [];
  for (const action of path) {
    const target = model.next(representative, action);
    const targetKey = canonicalKey(target.state);
    const match = model.actions(concrete).find((a) => {
      const n = model.next(concrete, a);
      return n.enabled === target.enabled && canonicalKey(n.state) === targetKey;
    });
    if (match === undefined) throw new Error(`symmetry: no concrete step matches ${model.actionName(action)} (a bug in the reduction)`);
    out.push(match);
    concrete = model.next(concrete, match).state;
    representative = canonicalCheckState(policy, concrete);
  }
  return out;
}
