/**
 * A counterexample found on counts, made concrete: the count system's shortest path to a violation
 * (`explore.ts`: events whose voters are classes of admins) turned into a policy with that many
 * admins and those quorums, a path of real events, and its replay handle — what `guillotine replay`
 * takes — after the reference engine has run the path and the property's own judge has called the
 * last step a violation.
 *
 * Each abstract step names a class (approved and voted, approved only, voted only, neither, the
 * outsider), never an admin; the concrete step is the first admin of that class, in policy order, in
 * the concrete state reached so far (as the checker's `concretizer` picks the first admin of a
 * class), or the policy's outsider. Admins of one class are interchangeable, so any member would do;
 * the first makes the path deterministic. After every step the concrete state, read as counts
 * (`project.ts`), must be the abstract path's state: a path that drifts from the count system is
 * refused, never printed, because it would mean the abstraction is not exact where it was used.
 */
import { encodePath, encodeEvent, type GuillotineEvent } from '../../spec/events.ts';
import { adminIds, parsePolicy, type Policy } from '../../spec/policy.ts';
import { referenceEngine } from '../../machines/engine.ts';
import { eventAlphabet, eventOfSlot, outsiderId } from '../../machines/alphabet.ts';
import { adminClasses } from '../../machines/adminClasses.ts';
import { CLASSES, OUTSIDER_CLASS } from '../../machines/classCounts.ts';
import type { Knob } from '../../machines/protocolOps.ts';
import { stateKey } from '../../machines/stateKey.ts';
import { INITIAL_HISTORY, advanceHistory, type CheckState } from '../../properties/history.ts';
import { stateVerdict, transitionVerdict } from '../../properties/judge.ts';
import type { PropertyId } from '../../properties/property.ts';
import type { CountSystem } from './countSystem.ts';
import type { AbstractStep, CountExploration, KnobValues } from './explore.ts';
import { countStateOf } from './project.ts';
import { knobWords } from './region.ts';
import { slotWords } from './refute.ts';
import { evaluate } from './term.ts';

/** A counterexample on counts made concrete and confirmed by the reference engine and the property's judge. */
export interface ConcreteCounterexample {
  readonly ok: true;
  /** The policy the machine ran: the count system's policy with the knobs' admins, quorums, miss limit and step. */
  readonly policy: Policy;
  /** The concrete path from the initial state; its last step (or the initial state, for an empty path) breaks the property. */
  readonly events: readonly GuillotineEvent[];
  /** The path in the one compact encoding (`spec/events.ts`): `guillotine replay --policy FILE --path HANDLE`. */
  readonly handle: string;
  /** What the property's judge says is wrong at the last step. */
  readonly reason: string;
}

/** Why an abstract path could not be made concrete: the knobs are no policy, or the concrete machine went elsewhere. */
export interface ConcretizeFailure {
  readonly ok: false;
  readonly message: string;
}

export type ConcretizeResult = ConcreteCounterexample | ConcretizeFailure;

/**
 * The policy the knobs describe: the template's fixed parameters (irreversible levels, the detector
 * and actuator caps, the reboot level, `onTimeout`, the timings), admins `a1`…`aN`, and the knobs'
 * quorums, miss limit and de-escalation step, validated as any policy file is (docs/protocol.md §6).
 */
export function policyForKnobs(template: Policy, knobs: KnobValues): { readonly ok: true; readonly policy: Policy } | ConcretizeFailure {
  const { $schema: _schema, admins: _admins, ...fixed } = template;
  const parsed = parsePolicy({
    ...fixed,
    admins: Array.from({ length: knobs.admins }, (_, i) => ({ id: `a${i + 1}` })),
    quorum: { ...fixed.quorum, escalate: knobs.escalate, deescalate: knobs.deescalate },
    heartbeat: { ...fixed.heartbeat, missLimit: knobs.missLimit },
    deescalation: { ...fixed.deescalation, maxStep: knobs.maxStep },
  });
  if (!parsed.ok) return { ok: false, message: `the knobs ${knobWords(knobs)} are no policy of docs/protocol.md §6: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` };
  return { ok: true, policy: parsed.policy };
}

/** The abstract counterexample an exploration found for a property (no-deadlock's is the path to its dead end), or undefined. */
export function abstractCounterexample(exploration: CountExploration, property: PropertyId): readonly AbstractStep[] | undefined {
  return property === 'no-deadlock' ? exploration.deadlock : exploration.violations.get(property);
}

/**
 * Makes an abstract counterexample of `system`, explored at `knobs`, concrete, and confirms it.
 *
 * The policy is {@link policyForKnobs}; the concrete initial state must be the count system's at
 * the knobs; each step's voter is the first admin of its class in the
 * concrete state (or the outsider); the path runs in the reference engine with the system's rules,
 * the history kept as the checker keeps it, and after each step the concrete state read as counts
 * must equal the abstract one. Then the property judges: a transition property the last step, a
 * state property the last state, `no-deadlock` every event of the alphabet in the last state (none
 * may be an edge).
 *
 * Known limits: only the properties the count system judges (transition and state properties, and
 * `no-deadlock`); a policy property is arithmetic on the knobs and a liveness property needs a cycle,
 * so both are refused. The path is as long as the abstract one, so it is shortest for these knobs;
 * whether the knobs are the smallest that break the property is the caller's search.
 */
export function concretize(system: CountSystem, knobs: KnobValues, path: readonly AbstractStep[], property: PropertyId): ConcretizeResult {
  const judged = system.properties.find((p) => p.id === property);
  if (judged === undefined || (judged.check.on !== 'transition' && judged.check.on !== 'state' && judged.check.on !== 'progress')) {
    return { ok: false, message: `${property} is not a property the count system judges on a path (transition and state properties, and no-deadlock)` };
  }
  const made = policyForKnobs(system.machine.policy, knobs);
  if (!made.ok) return made;
  const policy = made.policy;
  const engine = referenceEngine(policy, system.machine.rules, { effects: false });
  const sig = system.signature;
  const outsider = outsiderId(policy);
  const ids = adminIds(policy);

  let state: CheckState = { machine: engine.initial(), history: INITIAL_HISTORY };
  // The path starts where the count system starts: its initial state, a term of the knobs, evaluated at them.
  const start = system.initial.map((t) => Number(evaluate(t, (name) => knobs[name as Knob])));
  const initialCounts = countStateOf(sig, policy, state);
  const off = initialCounts.findIndex((v, j) => v !== start[j]);
  if (off >= 0) return { ok: false, message: `the initial state: the concrete ${sig.vars[off]!.name} is ${initialCounts[off]}, the count system's ${start[off]}` };
  let last: { before: CheckState; event: GuillotineEvent } | undefined;
  const events: GuillotineEvent[] = [];
  for (const [i, step] of path.entries()) {
    const at = `step ${i + 1} (${slotWords(step.slot)})`;
    const event = eventOfSlot(step.slot, () => {
      const k = step.slot.voter!;
      if (k === OUTSIDER_CLASS) return outsider;
      const members = adminClasses(ids, { approvals: state.machine.context.proposal?.approvals ?? [], votes: state.history.votes })[k as 0 | 1 | 2 | 3];
      return members?.[0];
    });
    if (event === undefined) return { ok: false, message: `${at}: no admin is in class "${CLASSES[step.slot.voter!]}" in the concrete state, which the count system says has one` };
    const taken = engine.step(state.machine, event);
    if (!taken.accepted) return { ok: false, message: `${at}: the reference engine refuses ${encodeEvent(event)}, which the count system accepts` };
    const after: CheckState = { machine: taken.state, history: advanceHistory(policy, state, event, taken) };
    const counts = countStateOf(sig, policy, after);
    const drift = counts.findIndex((v, j) => v !== step.state[j]);
    if (drift >= 0) return { ok: false, message: `${at}: after ${encodeEvent(event)} the concrete ${sig.vars[drift]!.name} is ${counts[drift]}, the count system's ${step.state[drift]}` };
    events.push(event);
    last = { before: state, event };
    state = after;
  }

  const check = judged.check;
  let verdict: true | string;
  if (check.on === 'transition') {
    if (last === undefined) return { ok: false, message: `${property} is judged on a transition, and the path has none` };
    verdict = transitionVerdict(check, { policy, before: last.before, event: last.event, after: state });
  } else if (check.on === 'state') verdict = stateVerdict(check, state, policy);
  else {
    // An edge, as the checker counts one: an accepted event, or a refused one that changed the state anyway.
    const edge = eventAlphabet(policy).find((e) => {
      const s = engine.step(state.machine, e);
      return s.accepted || stateKey(s.state) !== stateKey(state.machine);
    });
    verdict = edge === undefined ? 'no event is enabled in the last state' : true;
  }
  if (verdict === true) return { ok: false, message: `${property}: the reference engine runs the path to its end and the property's judge finds nothing wrong there` };
  return { ok: true, policy, events, handle: encodePath(events), reason: verdict };
}
