/**
 * Does a state of the statechart look like what a log record shows? Field by field, only the
 * fields the record has (an absent field was not observed), in the log's terms:
 *
 * - `level`, `hypervisor`, `missed`: equal;
 * - `proposal`: both none, or the same levels and the same approvals — as a multiset, so the order
 *   the implementation lists them in does not matter but an approval it counts twice does;
 * - `capabilities`: each field the record gives equals the row the statechart commands;
 * - `actuators`: the same set awaiting confirmation;
 * - `record` (the level-record entry the step appended): the last change of level since the
 *   previous record, with the same levels and cause.
 *
 * Each difference is returned as a {@link FieldDiff} that a report prints as is.
 */
import type { LogObservation, LevelRecordEntry } from '../spec/log.ts';
import { CAPABILITY_FIELDS } from '../spec/levels.ts';
import type { LevelChangeSeen, SpecView } from './engine.ts';

/** One field on which the log and the statechart differ, both sides in words. */
export interface FieldDiff {
  readonly field: string;
  readonly log: string;
  readonly spec: string;
}

type Proposal = { readonly from: string; readonly to: string; readonly approvals: readonly string[] } | null;

/** A proposal in words: `severed→offline approved by a1+a2`, or `none`. */
export function proposalWords(p: Proposal): string {
  return p === null ? 'none' : `${p.from}→${p.to} approved by ${p.approvals.join('+') || 'nobody'}`;
}

/** A level change in words: `standard→offline (heartbeat)`. */
export function changeWords(c: { readonly from: string; readonly to: string; readonly cause: string } | null): string {
  return c === null ? 'no change of level' : `${c.from}→${c.to} (${c.cause})`;
}

/** What a record shows, field by field, in words (as `guillotine validate` and `viz --log` print it). */
export function observationWords(shows: LogObservation): string[] {
  const out: string[] = [];
  if (shows.level !== undefined) out.push(`level ${shows.level}`);
  if (shows.proposal !== undefined) out.push(`proposal ${proposalWords(shows.proposal)}`);
  if (shows.hypervisor !== undefined) out.push(`hypervisor ${shows.hypervisor}`);
  if (shows.capabilities !== undefined) out.push(`capabilities ${Object.entries(shows.capabilities).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (shows.actuators !== undefined) out.push(`actuators ${shows.actuators.join('+') || 'none'}`);
  if (shows.missed !== undefined) out.push(`missed ${shows.missed}`);
  if (shows.record !== undefined) out.push(`level record ${changeWords(shows.record)}`);
  return out;
}

const NONE: readonly FieldDiff[] = [];

function add(diffs: FieldDiff[], diff: FieldDiff): FieldDiff[] {
  if (diffs === NONE) return [diff];
  diffs.push(diff);
  return diffs;
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  if (a.every((v, i) => v === b[i])) return true;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  // The usual case, both listed in the same order, without building sets.
  if (a.length === b.length && a.every((v, i) => v === b[i])) return true;
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

/**
 * The fields of `shown` that differ from `view`; empty when the state looks exactly as the record
 * shows. `change` is the last change of level the behaviour made since the previous record (null
 * for none), compared with the record's level-record entry.
 */
export function observationDiffs(shown: LogObservation, view: SpecView, change: LevelChangeSeen | null): readonly FieldDiff[] {
  // Most records match: the list is made only for the first difference.
  let diffs: FieldDiff[] = NONE as FieldDiff[];
  if (shown.level !== undefined && shown.level !== view.level) diffs = add(diffs, { field: 'level', log: shown.level, spec: view.level });
  if (shown.proposal !== undefined) {
    const s = shown.proposal;
    const v = view.proposal;
    const same = s === null ? v === null : v !== null && s.from === v.from && s.to === v.to && sameMultiset(s.approvals, v.approvals);
    if (!same) diffs = add(diffs, { field: 'proposal', log: proposalWords(s), spec: proposalWords(v) });
  }
  if (shown.hypervisor !== undefined && shown.hypervisor !== view.hypervisor) diffs = add(diffs, { field: 'hypervisor', log: shown.hypervisor, spec: view.hypervisor });
  if (shown.capabilities !== undefined) {
    for (const field of CAPABILITY_FIELDS) {
      const value = shown.capabilities[field];
      if (value !== undefined && value !== view.capabilities[field]) diffs = add(diffs, { field: `capabilities.${field}`, log: value, spec: view.capabilities[field] });
    }
  }
  if (shown.actuators !== undefined && !sameSet(shown.actuators, view.actuators)) {
    diffs = add(diffs, { field: 'actuators', log: shown.actuators.join('+') || 'none', spec: view.actuators.join('+') || 'none' });
  }
  if (shown.missed !== undefined && shown.missed !== view.missed) diffs = add(diffs, { field: 'missed', log: String(shown.missed), spec: String(view.missed) });
  if (shown.record !== undefined && !sameChange(shown.record, change)) diffs = add(diffs, { field: 'record', log: changeWords(shown.record), spec: changeWords(change) });
  return diffs;
}

function sameChange(entry: LevelRecordEntry, change: LevelChangeSeen | null): boolean {
  return change !== null && entry.from === change.from && entry.to === change.to && entry.cause === change.cause;
}
