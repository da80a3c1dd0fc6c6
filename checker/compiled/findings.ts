/**
 * The findings of `checker/findings.ts` — for each level, the fewest admins who can bring the system
 * there, and the fewest who can lower it from there — in one search over the generated checker's
 * class counts, instead of one object search per admin count of a binary search (which took minutes
 * and gigabytes at 1,001 admins).
 *
 * "k admins can" means: with only the first k admins sending events, and no outsider. Under symmetry
 * a state holds how many admins are in play (approved or voted: classes 0-2). An admin in play may
 * act with any k that allowed the state; an admin not in play (class 3) may act only while fewer
 * than k are in play — with the first k acting, the ones in play can be renamed into the first k,
 * and one of the first k is then free exactly when fewer than k are in play. So the least k that
 * allows a path is the largest of (in play + 1) over the path's class-3 steps, and the least k for a
 * state is found by a label-setting search that settles states in order of that value (a bucket per
 * k), as Dijkstra's algorithm does with a path's largest weight instead of its sum.
 */
import { LEVELS } from '../../spec/levels.ts';
import { OUTSIDER_CLASS } from './jsOps.ts';
import { StateTable } from '../stateTable.ts';
import { regionReader } from '../guillotineCodec.ts';
import { levelFinding, type Findings } from '../findings.ts';
import { adminsInPlay, type CompiledChecker } from './compiledChecker.ts';

/** The class of an admin who has neither approved nor voted (`machines/classCounts.ts`). */
const NOT_IN_PLAY = 3;

/**
 * The findings of the machine a symmetric generated checker explores; null when more than
 * `maxStates` states are reachable (counted with their history, as `check` counts them).
 */
export function compiledFindings(c: CompiledChecker, maxStates = Number.POSITIVE_INFINITY): Findings | null {
  if (!c.symmetry) throw new Error('compiledFindings: the generated checker must use symmetry (it reads admin classes)');
  const width = c.width;
  const record = width + 2;
  // The isolation region's state index is the level (generate.ts requires it).
  const levelAt = regionReader('isolation');

  const table = new StateTable(width, 16);
  const out = c.recordBuffer();
  /** The least k known to reach each state (-1: none yet). */
  let least = new Int32Array(1024).fill(-1);
  /** States to settle, by that k: a state is settled from the first bucket that still names it. */
  const buckets: number[][] = [];
  const offer = (id: number, k: number) => {
    if (id >= least.length) {
      const grown = new Int32Array(least.length * 2).fill(-1);
      grown.set(least);
      least = grown;
    }
    if (least[id] !== -1 && least[id]! <= k) return;
    least[id] = k;
    (buckets[k] ??= []).push(id);
  };
  const reach: (number | null)[] = LEVELS.map(() => null);
  const leave: (number | null)[] = LEVELS.map(() => null);
  const initial = c.initial();
  offer(table.add(initial, 0), adminsInPlay(initial, 0));

  for (let k = 0; k < buckets.length; k++) {
    // The bucket grows while it is read: a step that needs no more admins stays at k.
    const bucket = buckets[k] ?? [];
    for (let i = 0; i < bucket.length; i++) {
      const id = bucket[i]!;
      if (least[id] !== k) continue; // reached with fewer admins, and settled then
      const from = table.offsetOf(id);
      const level = levelAt(table.words, from);
      reach[level] ??= k;
      const inPlay = adminsInPlay(table.words, from);
      const used = c.expand(table.words, from, out, 0);
      for (let at = 0; at < used; at += record) {
        const voter = c.actions[out[at]!]!.voter;
        if (voter === OUTSIDER_CLASS) continue;
        const needs = voter === NOT_IN_PLAY ? Math.max(k, inPlay + 1) : k;
        if (levelAt(out, at + 2) < level && (leave[level] === null || needs < leave[level]!)) leave[level] = needs;
        const known = table.size;
        const next = table.add(out, at + 2);
        if (next === known && table.size > maxStates) return null;
        offer(next, needs);
      }
    }
    buckets[k] = [];
  }
  return LEVELS.map((level, i) => levelFinding(c.policy, { level, fewestToReach: reach[i] ?? null, fewestToLeave: leave[i] ?? null }));
}
