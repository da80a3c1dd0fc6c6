/**
 * What a policy implies, as a reviewer would want it spelled out: for each level, the fewest
 * admins who can bring the system there from the start, and the fewest who can lower it once it
 * is there — with every automatic event (timeouts, fail-safes) allowed. This is how the
 * consequence of `onTimeout: "restrictive"` shows: one admin reaches immolation alone, by
 * proposing it and waiting out the quorum timer.
 *
 * Admins are interchangeable in the protocol, so "k admins can" is decided by exploring the
 * machine with only the first k admins acting, and what k admins can do, k + 1 can: each answer is
 * found by binary search over k. That is how the object engines find them; the default engine finds
 * the same answers in one search over admin classes (`compiled/findings.ts`), which a test holds to these.
 */
import { LEVELS, levelIndex, type Level } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import { levelOf, type Engine, type Step, type SystemState } from '../machines/engine.ts';
import { stateKey } from '../machines/stateKey.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { eventAlphabet } from '../machines/alphabet.ts';
import { representativeAdmins } from '../machines/adminClasses.ts';
import { breadthFirst } from '../machines/reachability.ts';
import { canonicalMachineState } from './symmetry.ts';

export interface LevelFinding {
  readonly level: Level;
  /** Fewest admins who can reach this level from the initial state; null if none can. */
  readonly fewestToReach: number | null;
  /** Fewest admins who can lower the level once it is here; null if nobody can. */
  readonly fewestToLeave: number | null;
  /** Plain sentences for the reviewer where these numbers say something the quorums do not. */
  readonly notes: readonly string[];
}

/** One finding per level, in escalation order (the `findings` array of `check --json`). */
export type Findings = readonly LevelFinding[];

/** Every note of the findings, the ones about escalation below quorum first (they matter most). */
export function findingNotes(findings: Findings): string[] {
  const all = findings.flatMap((f) => f.notes);
  const belowQuorum = all.filter((n) => n.includes('fewer than the escalation quorum'));
  return [...belowQuorum, ...all.filter((n) => !belowQuorum.includes(n))];
}

/**
 * Levels reached, and levels lowered from, with only the first `k` admins acting (and no outsider);
 * undefined when more than `maxStates` states are reachable. Under symmetry each state is the
 * representative of its renamings (`canonicalMachineState`) and only one admin per class acts in it
 * (`machines/adminClasses.ts`): renaming keeps a state inside "only the first k act", so that
 * reaches every orbit trying all k would.
 */
export function levelsWith(engine: Engine, k: number, symmetry: boolean, maxStates: number): { reached: Set<Level>; lowered: Set<Level> } | undefined {
  const policy = engine.policy;
  const acting = adminIds(policy).slice(0, k);
  const everyone = eventAlphabet(policy, { admins: acting, outsider: false });
  const alphabets = new Map<string, readonly GuillotineEvent[]>();
  const alphabetOf = (s: SystemState): readonly GuillotineEvent[] => {
    if (!symmetry) return everyone;
    const admins = representativeAdmins(acting, { approvals: s.context.proposal?.approvals ?? [], votes: [] });
    const key = admins.join(' ');
    let alphabet = alphabets.get(key);
    if (alphabet === undefined) alphabets.set(key, (alphabet = eventAlphabet(policy, { admins, outsider: false })));
    return alphabet;
  };
  const canonical = (s: SystemState) => (symmetry ? canonicalMachineState(policy, s) : s);
  const initial = canonical(engine.initial());
  const reached = new Set<Level>([levelOf(initial)]);
  const lowered = new Set<Level>();
  const result = breadthFirst(
    {
      initial,
      events: alphabetOf,
      step: (s: SystemState, event: GuillotineEvent) => engine.step(s, event),
      successor: (step: Step) => (step.accepted ? canonical(step.state) : undefined),
      key: stateKey,
    },
    {
      maxStates,
      onEdge(_id, _from, _event, step, _to, source) {
        const to = levelOf(step.state);
        reached.add(to);
        if (levelIndex(to) < levelIndex(levelOf(source))) lowered.add(levelOf(source));
      },
    },
  );
  return result.kind === 'limit' ? undefined : { reached, lowered };
}

/**
 * Computes the findings of a policy with the given engine; null when an exploration would pass
 * `maxStates` (the answers are then unknown, as the properties are).
 *
 * What k admins can do, k + 1 can (the extra one may stay silent), so each answer is the least k
 * at which a level is reached or lowered: found by binary search over k, each k explored once.
 */
export function policyFindings(engine: Engine, symmetry = true, maxStates = Number.POSITIVE_INFINITY): Findings | null {
  const policy = engine.policy;
  const n = adminIds(policy).length;
  const explored = new Map<number, ReturnType<typeof levelsWith>>();
  const at = (k: number) => {
    if (!explored.has(k)) explored.set(k, levelsWith(engine, k, symmetry, maxStates));
    return explored.get(k);
  };
  /** The least k in 0..n at which `holds` is true, or null; undefined when an exploration gave up. */
  const least = (holds: (r: NonNullable<ReturnType<typeof levelsWith>>) => boolean): number | null | undefined => {
    const all = at(n);
    if (all === undefined) return undefined;
    if (!holds(all)) return null;
    let lo = 0;
    let hi = n; // holds at hi
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = at(mid);
      if (r === undefined) return undefined;
      if (holds(r)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const findings: LevelFinding[] = [];
  for (const level of LEVELS) {
    const fewestToReach = least((r) => r.reached.has(level));
    const fewestToLeave = least((r) => r.lowered.has(level));
    if (fewestToReach === undefined || fewestToLeave === undefined) return null;
    findings.push(levelFinding(policy, { level, fewestToReach, fewestToLeave }));
  }
  return findings;
}

/** A level's finding, with the notes a reviewer reads for its numbers. */
export function levelFinding(policy: Policy, f: Omit<LevelFinding, 'notes'>): LevelFinding {
  return { ...f, notes: notesFor(policy, f) };
}

function notesFor(policy: Policy, f: Omit<LevelFinding, 'notes'>): string[] {
  const notes: string[] = [];
  const { level, fewestToReach: reach, fewestToLeave: leave } = f;
  if (reach !== null && reach > 0 && reach < policy.quorum.escalate && levelIndex(level) > levelIndex(policy.detector.maxLevel)) {
    notes.push(
      `${reach} admin(s) can take the system to ${level}, fewer than the escalation quorum of ${policy.quorum.escalate}` +
        (policy.quorum.onTimeout === 'restrictive' ? ` — by proposing it and waiting ${policy.quorum.timeoutSeconds}s for the quorum timeout (onTimeout: "restrictive")` : ''),
    );
  }
  if (reach === 0 && level !== 'standard') notes.push(`${level} is reached with no admin at all (fail-safes)`);
  if (reach === null) notes.push(`${level} is never reachable, even with all ${policy.admins.length} admins`);
  if (leave !== null && leave < policy.quorum.deescalate) notes.push(`${leave} admin(s) can lower the level from ${level}, fewer than the de-escalation quorum of ${policy.quorum.deescalate}`);
  if (leave !== null && (level === 'decapitation' || level === 'immolation')) notes.push(`${level} can be left (by ${leave} admin(s)): it is not irreversible under this policy`);
  return notes;
}
