/**
 * Symmetry reduction over administrators. The protocol treats admins alike: the machine, the
 * event alphabet and every property of §4 mention admins only through set membership (who
 * approved the open proposal, who voted for it) and counts, never by name. So renaming admins
 * maps reachable states to reachable states and violations to violations, and the checker may
 * explore one representative per orbit.
 *
 * The representative renames admins so that, in policy order, come first those who both approved
 * and voted, then approved only, then voted only, then the rest (the classes of
 * `machines/adminClasses.ts`, in their number order): two states are in one orbit exactly when those
 * four class sizes (and everything else) agree. This cuts the default policy's
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
import { encodeEvent, type GuillotineEvent } from '../spec/events.ts';
import type { SystemState } from '../machines/engine.ts';
import { INITIAL_HISTORY, type CheckState } from '../properties/history.ts';
import { adminClasses, representativeAdmins as representatives, adminClassOf } from '../machines/adminClasses.ts';
import { sameState, type Model } from './model.ts';

/** The representative of a checked state's orbit under renaming of admins. */
export function canonicalCheckState(policy: Policy, s: CheckState): CheckState {
  const proposal = s.machine.context.proposal;
  const votes = s.history.votes;
  if (proposal === null && votes.length === 0) return s;
  const approvals = proposal?.approvals ?? [];
  const ids = adminIds(policy);
  if (sameList(approvals, votes) || (votes.length === 0 && proposal !== null)) {
    // One class of admins: the approvers who are also the voters (a correct machine), or the
    // approvers of a bare machine state (the findings). When they are distinct admins in policy
    // order, the representative renames them to the first admins.
    const position = policyPositions(policy);
    let last = -1;
    const inOrder = approvals.every((id) => {
      const p = position.get(id);
      return p !== undefined && p > last && ((last = p), true);
    });
    if (inOrder) {
      if (approvals.every((id, i) => id === ids[i])) return s;
      const first = ids.slice(0, approvals.length);
      const machine: SystemState = { value: s.machine.value, context: { ...s.machine.context, proposal: { ...proposal!, approvals: first } } };
      return { machine, history: votes.length === 0 ? s.history : { ...s.history, votes: first } };
    }
  }
  const order = adminClasses(ids, { approvals, votes }).flat();
  const rename = new Map(order.map((id, i) => [id, ids[i]!]));
  const position = policyPositions(policy);
  const renamed = (list: readonly string[]) => {
    const admins = list.filter((id) => rename.has(id)).map((id) => rename.get(id)!);
    admins.sort((a, b) => position.get(a)! - position.get(b)!);
    return admins.concat(list.filter((id) => !rename.has(id)));
  };
  const newApprovals = renamed(approvals);
  const newVotes = renamed(votes);
  if (sameList(newApprovals, approvals) && sameList(newVotes, votes)) return s;
  const machine: SystemState = proposal === null ? s.machine : { value: s.machine.value, context: { ...s.machine.context, proposal: { ...proposal, approvals: newApprovals } } };
  return { machine, history: { ...s.history, votes: newVotes } };
}

const positions = new WeakMap<Policy, Map<string, number>>();
/** Each admin's place in policy order. */
function policyPositions(policy: Policy): Map<string, number> {
  let p = positions.get(policy);
  if (p === undefined) positions.set(policy, (p = new Map(adminIds(policy).map((id, i) => [id, i]))));
  return p;
}

/** The same reduction for bare machine states (no history), used by the findings. */
export function canonicalMachineState(policy: Policy, s: SystemState): SystemState {
  return canonicalCheckState(policy, { machine: s, history: INITIAL_HISTORY }).machine;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The admins whose actions the reduced model tries in a representative state: the first of each
 * class of `machines/adminClasses.ts` (approved and voted, approved only, voted only, neither).
 * Two admins of one class can be swapped without changing the state, so their proposals and
 * approvals lead to states of one orbit: trying one of them reaches every orbit that trying all of
 * them would, and a property judged on (before, event, after) — symmetric, as all of §4 are — gets
 * the same verdict.
 */
export function representativeAdmins(policy: Policy, s: CheckState): string[] {
  return representatives(adminIds(policy), { approvals: s.machine.context.proposal?.approvals ?? [], votes: s.history.votes });
}

/**
 * An event without the admin who sends it: the name under which the reduced model applies weak
 * fairness (admins are alike, so "some admin proposes severed" is one action) and under which a
 * replay judges a liveness cycle fair.
 */
export function actionKind(event: GuillotineEvent): string {
  return event.type === 'propose' ? `propose:${event.target}` : event.type === 'approve' ? 'approve' : encodeEvent(event);
}

/**
 * Wraps a model so it explores orbit representatives only, trying in each the actions of one
 * admin per class ({@link representativeAdmins}) and of the outsider: for 101 admins that is
 * about 55 events a state instead of 727.
 */
export function symmetric(policy: Policy, model: Model<CheckState, GuillotineEvent>, alphabetFor: (admins: readonly string[]) => readonly GuillotineEvent[]): Model<CheckState, GuillotineEvent> {
  const alphabets = new Map<string, readonly GuillotineEvent[]>();
  return {
    ...model,
    initialStates: () => model.initialStates().map((s) => canonicalCheckState(policy, s)),
    actions(state) {
      const admins = representativeAdmins(policy, state);
      const key = admins.join(' ');
      let alphabet = alphabets.get(key);
      if (alphabet === undefined) alphabets.set(key, (alphabet = alphabetFor(admins)));
      return alphabet;
    },
    next(state, action) {
      const next = model.next(state, action);
      return next === undefined ? undefined : canonicalCheckState(policy, next);
    },
    actionName: actionKind,
  };
}

/** Each admin's class in a state (`machines/adminClasses.ts`). */
function classesOf(s: CheckState): (admin: string) => number {
  const approved = new Set(s.machine.context.proposal?.approvals ?? []);
  const voted = new Set(s.history.votes);
  return (admin) => adminClassOf(approved.has(admin), voted.has(admin));
}

/** The action with its admin replaced by the first admin of the same class in `concrete`, if it names an admin. */
function sameClassAction(policy: Policy, representative: CheckState, concrete: CheckState, action: GuillotineEvent): GuillotineEvent[] {
  if (action.type !== 'propose' && action.type !== 'approve') return [];
  if (!policyPositions(policy).has(action.admin)) return [];
  const wanted = classesOf(representative)(action.admin);
  const classOf = classesOf(concrete);
  const admin = adminIds(policy).find((id) => classOf(id) === wanted);
  return admin === undefined || admin === action.admin ? [] : [{ ...action, admin }];
}

/**
 * Turns a path found on representatives into a concrete path of the unreduced model that visits
 * the same orbits: at each step it picks the first action (in the model's order) whose successor
 * has the representative the reduced path went to.
 */
export function concretize(policy: Policy, model: Model<CheckState, GuillotineEvent>, path: readonly GuillotineEvent[]): GuillotineEvent[] {
  return concretizer(policy, model)(path);
}

/**
 * A step of concretized paths: the concrete event taken, the steps out of its state already made,
 * and, every {@link CHECKPOINT} steps, the concrete state itself (the others are replayed from the
 * nearest one when a later path leaves the trie there: a state of 10,001 admins holds lists of
 * thousands of ids, and keeping one per step of a 4,301-step quorum took gigabytes).
 */
interface ConcreteStep {
  readonly event?: GuillotineEvent;
  readonly parent?: ConcreteStep;
  readonly depth: number;
  readonly state?: CheckState;
  readonly next: Map<string, ConcreteStep>;
}

const CHECKPOINT = 64;

/**
 * {@link concretize} for many paths of one model: paths that start alike (a report's witnesses
 * often share the votes that build a quorum) are concretized once up to where they part. With
 * 10,001 admins a quorum takes 4,301 steps, each linear in the admins.
 */
export function concretizer(policy: Policy, model: Model<CheckState, GuillotineEvent>): (path: readonly GuillotineEvent[]) => GuillotineEvent[] {
  const canonical = (s: CheckState | undefined) => (s === undefined ? undefined : canonicalCheckState(policy, s));
  const same = (a: CheckState | undefined, b: CheckState | undefined) => (a === undefined || b === undefined ? a === b : sameState(model.codec, a, b));
  const root: ConcreteStep = { depth: 0, state: model.initialStates()[0]!, next: new Map() };

  /** The concrete state after a trie step: its own, or replayed from the nearest checkpoint above it. */
  const stateAt = (node: ConcreteStep): CheckState => {
    const events: GuillotineEvent[] = [];
    let at = node;
    while (at.state === undefined) {
      events.push(at.event!);
      at = at.parent!;
    }
    let state = at.state;
    for (let i = events.length - 1; i >= 0; i--) state = model.next(state, events[i]!) ?? state;
    return state;
  };

  /** The concrete event that follows the reduced path's `action` from `concrete`, and the state it leads to. */
  const step = (concrete: CheckState, action: GuillotineEvent): { event: GuillotineEvent; after: CheckState } => {
    const representative = canonicalCheckState(policy, concrete);
    // A concrete state that is its own representative takes the reduced path's action as it is (a
    // quorum built in policy order stays so: 4,301 such steps for 10,001 admins).
    if (representative === concrete) {
      const after = model.next(concrete, action);
      if (after !== undefined) return { event: action, after };
    }
    const target = canonical(model.next(representative, action));
    const reaches = (a: GuillotineEvent) => same(canonical(model.next(concrete, a)), target);
    // The reduced path's own action first: an event that names no admin, or names the outsider, is
    // the same in every state of an orbit. Then the same action by the first admin of the
    // representative admin's class in the concrete state (the states are one orbit, so one
    // exists). Another action can reach the same orbit and break nothing (an admin's approval where
    // the path had an outsider's counted), so trying every action is only the last resort.
    const match = reaches(action) ? action : sameClassAction(policy, representative, concrete, action).find(reaches) ?? model.actions(concrete).find(reaches);
    if (match === undefined) throw new Error(`symmetry: no concrete step matches ${model.actionName(action)} (a bug in the reduction)`);
    return { event: match, after: model.next(concrete, match) ?? concrete };
  };

  return (path) => {
    const out: GuillotineEvent[] = [];
    let node = root;
    /** The concrete state at `node`, while it is known without a replay. */
    let state: CheckState | undefined = root.state;
    for (const action of path) {
      const key = encodeEvent(action);
      let next = node.next.get(key);
      if (next === undefined) {
        const taken = step(state ?? stateAt(node), action);
        const depth = node.depth + 1;
        next = { event: taken.event, parent: node, depth, next: new Map(), ...(depth % CHECKPOINT === 0 ? { state: taken.after } : {}) };
        node.next.set(key, next);
        state = taken.after;
      } else state = next.state;
      out.push(next.event!);
      node = next;
    }
    return out;
  };
}
