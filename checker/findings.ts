/**
 * What a policy implies, as a reviewer would want it spelled out: for each level, the fewest
 * admins who can bring the system there from the start, and the fewest who can lower it once it
 * is there — with every automatic event (timeouts, fail-safes) allowed. This is how the
 * consequence of `onTimeout: "restrictive"` shows: one admin reaches immolation alone, by
 * proposing it and waiting out the quorum timer.
 *
 * Admins are interchangeable in the protocol, so "k admins can" is decided by exploring the
 * machine with only the first k admins acting, for k = 0, 1, 2, … until every answer is known.
 */
import { LEVELS, levelIndex, type Level } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import { levelOf, type Engine, type SystemState } from '../machines/engine.ts';
import { stateKey } from '../machines/stateKey.ts';
import { eventAlphabet } from './guillotineModel.ts';
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

/** Levels reached, and levels lowered from, with only `admins` acting. */
function reachWith(engine: Engine, admins: readonly string[], symmetry: boolean): { reached: Set<Level>; lowered: Set<Level> } {
  const alphabet = eventAlphabet(engine.policy, { admins, outsider: false });
  // Renaming keeps a state inside "only the first k admins act": representatives use a prefix of the admins.
  const canonical = (s: SystemState) => (symmetry ? canonicalMachineState(engine.policy, s) : s);
  const init = canonical(engine.initial());
  const seen = new Set<string>([stateKey(init)]);
  const queue: SystemState[] = [init];
  const reached = new Set<Level>([levelOf(init)]);
  const lowered = new Set<Level>();
  for (let i = 0; i < queue.length; i++) {
    const state = queue[i]!;
    const from = levelOf(state);
    for (const event of alphabet) {
      const step = engine.step(state, event);
      if (!step.accepted) continue;
      const to = levelOf(step.state);
      reached.add(to);
      if (levelIndex(to) < levelIndex(from)) lowered.add(from);
      const next = canonical(step.state);
      const key = stateKey(next);
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(next);
      }
    }
  }
  return { reached, lowered };
}

/** Computes the findings of a policy with the given engine. */
export function policyFindings(engine: Engine, symmetry = true): Findings {
  const policy = engine.policy;
  const ids = adminIds(policy);
  const reach = new Map<Level, number>();
  const leave = new Map<Level, number>();
  for (let k = 0; k <= ids.length; k++) {
    const { reached, lowered } = reachWith(engine, ids.slice(0, k), symmetry);
    for (const l of reached) if (!reach.has(l)) reach.set(l, k);
    for (const l of lowered) if (!leave.has(l)) leave.set(l, k);
    // Lowering needs at least one admin; once every level is reached and every reversible level
    // has been lowered, more admins cannot change an answer.
    if (reach.size === LEVELS.length && LEVELS.every((l) => leave.has(l) || policy.irreversible.includes(l) || l === 'standard')) break;
  }
  return LEVELS.map((level) => {
    const f = { level, fewestToReach: reach.get(level) ?? null, fewestToLeave: leave.get(level) ?? null };
    return { ...f, notes: notesFor(policy, f) };
  });
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
