/**
 * A trail SPIN wrote on a `promelaModel` export, read back as the workbench's own trace: the events
 * of the checker's alphabet SPIN took, in order (and, for an acceptance cycle, the repeating part
 * apart), and what pan found at its end — so `guillotine replay --spin-trail FILE` can replay them
 * with the workbench's engine and say whether it sees the same violation.
 *
 * **How the trail is read.** A `.trail` is a list of `step:process:transition` numbers, the
 * transitions being pan's internal numbering of the compiled model: meaningless without pan.c.
 * Rather than re-deriving that numbering (it changes with SPIN's version and with every statement
 * of the model), SPIN itself follows the trail on the model (`spin -t -p`), which prints each step
 * with the model's file and line. Each event of the alphabet is one line of the model's choice
 * (`:: guard -> ev_type = …   /* propose:a1:severed *\/`, the comment being the event in the
 * compact path encoding of `spec/events.ts`), so a step printed at such a line is that event.
 * The model is regenerated here from the policy and rules the caller names, the same text
 * `guillotine export` writes, so the comments are our own and the line of each event is known.
 *
 * **A trail that does not fit.** SPIN follows a trail by transition numbers, so a trail of another
 * model either names a transition the model lacks ("no matching stmnt", "invalid statement"), or
 * one whose guard is false in that state ("transition failed"), or ends early: each is refused, naming the trail's
 * step. A trail SPIN can follow on a model of the same shape but another policy is not always
 * caught this way; the replay's verdict then disagrees with SPIN's, and {@link judgeTrail} says so.
 *
 * **What pan found.** A safety trail ends where an assertion failed (`spin: text of failed
 * assertion: assert(flag)`, the flag named after its property) or, with no failed assertion at its
 * end, in an invalid end state (a deadlock: pan writes a trail only for an error). A liveness trail
 * (`pan -a`) has `<<<<<START OF CYCLE>>>>>`: the acceptance cycle of the ltl claim. A trail of the
 * FAIR_EVENTS variant (one process per event, for `pan -a -f`) is told by its processes: the plain
 * model runs at most two, the system and the claim. A trail of the model compiled with -DMULTICORE
 * (for SPIN's multi-core or breadth-first search, `gcc -DBFS`, whose trails are shortest) is
 * followed with that definition when the model without it cannot follow it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePath, encodeEvent, encodePath, type GuillotineEvent } from '../spec/events.ts';
import { PROPERTIES, type PropertyId } from '../properties/index.ts';
import { policyVerdict, stateVerdict } from '../properties/judge.ts';
import { INITIAL_HISTORY } from '../properties/history.ts';
import { referenceEngine } from '../machines/engine.ts';
import type { MachineUnderCheck } from '../machines/mutants.ts';
import { propertyFlag } from './promela.ts';

/** The most bytes of a trail file read (a trail is a few bytes a step; pan's default depth is 10,000 steps). */
export const MAX_TRAIL_BYTES = 16 * 1024 * 1024;

/** What pan found at the end of the trail. */
export type TrailFinding =
  /** An assertion failed: `flag` is the asserted expression; `property` the §4 property it is named after, if any. */
  | { readonly kind: 'assertion'; readonly flag: string; readonly property: PropertyId | null }
  /** An acceptance cycle of the ltl claim `claim` (named after its property). */
  | { readonly kind: 'acceptance-cycle'; readonly claim: string; readonly property: PropertyId | null }
  /** The trail ends with no failed assertion and no cycle: pan's invalid end state, a deadlock. */
  | { readonly kind: 'invalid-end-state' };

/** The trail as the workbench's trace. */
export interface SpinTrail {
  /** Which variant of the model SPIN followed it on: the plain one, or FAIR_EVENTS (one process per event). */
  readonly variant: 'plain' | 'fair-events';
  /** The preprocessor definitions SPIN followed it with (`-DFAIR_EVENTS`, `-DMULTICORE`). */
  readonly defines?: readonly string[];
  /** Steps of the trail (SPIN's steps, not events: choosing an event and running it are several). */
  readonly steps: number;
  /** The events before the cycle (all of them for a safety trail), and the trail step each was chosen at. */
  readonly events: readonly GuillotineEvent[];
  readonly eventSteps: readonly number[];
  /** An acceptance cycle's events (null for a safety trail). */
  readonly cycle: readonly GuillotineEvent[] | null;
  readonly finding: TrailFinding;
}

export type TrailReading =
  | { readonly kind: 'read'; readonly trail: SpinTrail }
  /** The file is no SPIN trail (its line and what is wrong). */
  | { readonly kind: 'malformed'; readonly line: number; readonly message: string }
  /** SPIN cannot follow the trail on this model: it was made on another one. */
  | { readonly kind: 'unfit'; readonly step: number | null; readonly message: string }
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

const TRAIL_LINE = /^(-?\d+):(-?\d+):(-?\d+)$/;

/**
 * Checks a trail file's text line by line; returns how many steps it has (lines with a step number
 * ≥ 1) and which variant of the model it was made on: the plain model runs at most two processes
 * (the system and the ltl claim), the FAIR_EVENTS variant one per event besides init and the claim.
 */
export function parseTrailText(text: string): { readonly ok: true; readonly steps: number; readonly variant: SpinTrail['variant'] } | { readonly ok: false; readonly line: number; readonly message: string } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return { ok: false, line: 1, message: 'the trail is empty; pan writes MODEL.pml.trail when it finds an error' };
  let steps = 0;
  const processes = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const m = TRAIL_LINE.exec(line);
    if (m === null) return { ok: false, line: i + 1, message: `${JSON.stringify(line.slice(0, 60))} is not a trail step; every line of a SPIN trail is step:process:transition (three integers)` };
    if (Number(m[1]) >= 1) {
      steps++;
      processes.add(Number(m[2]));
    }
  }
  return { ok: true, steps, variant: processes.size > 2 ? 'fair-events' : 'plain' };
}

/** The line (1-based) of each event of the model's alphabet: the choice lines, with the event in their comment. */
export function choiceLines(model: string): ReadonlyMap<number, GuillotineEvent> {
  const out = new Map<number, GuillotineEvent>();
  model.split('\n').forEach((line, i) => {
    const m = /^\s*:: .* -> ev_type = EV_\w+[^/]*\/\* (\S+) \*\/$/.exec(line);
    if (m === null) return;
    const decoded = decodePath(m[1]!);
    if (!decoded.ok || decoded.events.length !== 1) throw new Error(`spinTrail: line ${i + 1} of the model names no event: ${m[1]}`);
    out.set(i + 1, decoded.events[0]!);
  });
  return out;
}

/**
 * Reads what `spin -t -p` printed following a trail on `model.pml` into the workbench's trace, or
 * says at which step SPIN could not follow it. Pure: the text of SPIN's output in, data out.
 */
export function readSpinReplay(output: string, choices: ReadonlyMap<number, GuillotineEvent>, trailSteps: number, variant: SpinTrail['variant']): Extract<TrailReading, { kind: 'read' | 'unfit' }> {
  const events: GuillotineEvent[] = [];
  const eventSteps: number[] = [];
  let cycleAt: number | null = null;
  let lastStep = 0;
  let lastEvent: { step: number; event: GuillotineEvent } | null = null;
  let failed: string | null = null;
  let claim: string | null = null;
  let ended: number | null = null;
  for (const line of output.split('\n')) {
    const step = /^\s*(\d+):\s+proc\s+\d+ \(\w+:\d+\) model\.pml:(\d+) \(state \d+\)/.exec(line);
    if (step !== null) {
      lastStep = Number(step[1]);
      const event = choices.get(Number(step[2]));
      // One step of the choice prints its guard and each assignment on the same line: one event.
      if (event !== undefined && eventSteps[eventSteps.length - 1] !== lastStep) {
        events.push(event);
        eventSteps.push(lastStep);
        lastEvent = { step: lastStep, event };
      }
      continue;
    }
    const ltl = /^ltl (\w+):/.exec(line);
    if (ltl !== null) claim ??= ltl[1]!;
    if (/<<<<<START OF CYCLE>>>>>/.test(line)) cycleAt ??= events.length;
    const noMatch = /^\s*(\d+): proc \d+, no matching stmnt/.exec(line);
    if (noMatch !== null) return { kind: 'unfit', step: Number(noMatch[1]), message: `step ${noMatch[1]} of the trail names a transition this model does not have (SPIN: no matching statement)` };
    const invalid = /^\s*(\d+): error: invalid statement/.exec(line);
    if (invalid !== null) return { kind: 'unfit', step: Number(invalid[1]), message: `step ${invalid[1]} of the trail names no statement of this model (SPIN: invalid statement)` };
    if (/^\s*transition failed\s*$/.test(line)) {
      const what = lastEvent !== null && lastEvent.step === lastStep ? `${encodeEvent(lastEvent.event)}, which this model does not accept in that state` : 'a transition this model cannot take in that state';
      return { kind: 'unfit', step: lastStep, message: `at step ${lastStep} the trail takes ${what} (SPIN: transition failed)` };
    }
    const flag = /^spin: text of failed assertion: assert\((.*)\)\s*$/.exec(line);
    if (flag !== null) failed = flag[1]!;
    const end = /^spin: trail ends after (\d+) steps/.exec(line);
    if (end !== null) ended = Number(end[1]);
  }
  if (ended === null) return { kind: 'unfit', step: lastStep, message: `SPIN stopped at step ${lastStep} of the trail without reaching its end` };
  if (ended < trailSteps) return { kind: 'unfit', step: ended, message: `SPIN could follow only ${ended} of the trail's ${trailSteps} steps` };
  // An assertion reported before the cycle (pan -A ignores assertions) is not what the trail is about.
  const propertyOf = (flag: string) => PROPERTIES.find((p) => propertyFlag(p.id) === flag)?.id ?? null;
  let finding: TrailFinding;
  if (cycleAt !== null) finding = { kind: 'acceptance-cycle', claim: claim ?? '(unnamed claim)', property: claim === null ? null : propertyOf(claim) };
  else if (failed !== null) finding = { kind: 'assertion', flag: failed, property: propertyOf(failed) };
  else finding = { kind: 'invalid-end-state' };
  const stem = cycleAt ?? events.length;
  return {
    kind: 'read',
    trail: { variant, steps: trailSteps, events: events.slice(0, stem), eventSteps: eventSteps.slice(0, stem), cycle: cycleAt === null ? null : events.slice(stem), finding },
  };
}

interface Ran {
  readonly code: number;
  readonly output: string;
  readonly missing: boolean;
}

function spin(args: readonly string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile('spin', [...args], { cwd, maxBuffer: 1024 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: `${stdout}\n${stderr}`, missing: error?.code === 'ENOENT' });
    });
  });
}

const MISSING = 'spin is not on PATH: install it (Debian/Ubuntu: apt-get install spin)';

/**
 * Follows `trailText` with SPIN on `model` (a `promelaModel` export, byte for byte what was
 * verified up to its comments) and reads it back as the workbench's trace. Runs `spin -t -p` in a
 * temporary directory (with -DFAIR_EVENTS for a trail of that variant); a failure of SPIN is a
 * result, not a throw.
 */
export async function readSpinTrail(model: string, trailText: string): Promise<TrailReading> {
  if (Buffer.byteLength(trailText) > MAX_TRAIL_BYTES) return { kind: 'malformed', line: 1, message: `the trail is larger than ${MAX_TRAIL_BYTES / 1024 / 1024} MiB; a SPIN trail is a few bytes a step` };
  const parsed = parseTrailText(trailText);
  if (!parsed.ok) return { kind: 'malformed', line: parsed.line, message: parsed.message };
  const choices = choiceLines(model);
  const dir = mkdtempSync(join(tmpdir(), 'guillotine-trail-'));
  try {
    writeFileSync(join(dir, 'model.pml'), model);
    writeFileSync(join(dir, 'model.pml.trail'), trailText);
    const variant = parsed.variant;
    // A trail of the model compiled with -DMULTICORE (SPIN's multi-core or breadth-first search, which
    // refuse hidden variables) numbers its transitions otherwise: tried when the plain defines cannot follow it.
    let first: Extract<TrailReading, { kind: 'unfit' }> | null = null;
    for (const multicore of [false, true]) {
      const defines = [...(variant === 'fair-events' ? ['-DFAIR_EVENTS'] : []), ...(multicore ? ['-DMULTICORE'] : [])];
      const ran = await spin([...defines, '-t', '-p', 'model.pml'], dir);
      if (ran.missing) return { kind: 'missing', message: MISSING };
      if (!/trail ends after/.test(ran.output) && /^spin: .*(?:syntax error|undeclared)/m.test(ran.output)) return { kind: 'error', message: `spin -t failed: ${ran.output.trim().split('\n').slice(0, 5).join(' / ')}` };
      const read = readSpinReplay(ran.output, choices, parsed.steps, variant);
      if (read.kind === 'read') return { kind: 'read', trail: { ...read.trail, defines } };
      first ??= read;
    }
    return first!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a replay of the trail's events shows: the shape of `checker/replay.ts`'s report that the judgement reads. */
export interface ReplayedTrail {
  readonly steps: readonly { readonly event: GuillotineEvent; readonly accepted: boolean; readonly reason?: string; readonly violations: readonly { readonly property: string; readonly reason: string }[] }[];
  readonly lasso?: { readonly returns: boolean; readonly neverTaken: readonly string[] };
}

/** Whether the workbench's replay shows what SPIN found, and both views in words. */
export interface TrailAgreement {
  readonly agrees: boolean;
  /** What SPIN found, in a sentence. */
  readonly spin: string;
  /** What the workbench's replay shows, in a sentence. */
  readonly workbench: string;
}

/** What SPIN found, in words. */
export function findingWords(trail: SpinTrail): string {
  const f = trail.finding;
  const events = `${trail.events.length} event${trail.events.length === 1 ? '' : 's'}`;
  switch (f.kind) {
    case 'assertion':
      return f.property === null
        ? `assertion ${f.flag} fails after ${events} (an assertion of the model itself, named after no property)`
        : `${f.property} is violated after ${events} (assertion ${f.flag})`;
    case 'acceptance-cycle':
      return `${f.property ?? f.claim} is violated by a cycle of ${trail.cycle!.length} event${trail.cycle!.length === 1 ? '' : 's'} after ${events} (an acceptance cycle of the claim ${f.claim}${trail.variant === 'fair-events' ? ', under weak fairness of every event' : ''})`;
    case 'invalid-end-state':
      return `no-deadlock is violated: the trail ends after ${events} in an invalid end state, where no event is enabled`;
  }
}

/**
 * Compares SPIN's finding with the workbench's replay of the same events (`replayed`: the trail's
 * events, then its cycle, replayed under the same policy and rules; for an invalid end state, with
 * an empty cycle so that the replay judges the last state a dead end or not). SPIN takes only
 * events the model accepts, so a rejected event is a disagreement too.
 */
export function judgeTrail(machine: MachineUnderCheck, trail: SpinTrail, replayed: ReplayedTrail): TrailAgreement {
  const { policy } = machine;
  const spinWords = findingWords(trail);
  const disagree = (workbench: string): TrailAgreement => ({ agrees: false, spin: spinWords, workbench });
  const rejected = replayed.steps.findIndex((s) => !s.accepted);
  if (rejected >= 0) {
    const s = replayed.steps[rejected]!;
    return disagree(`the workbench rejects step ${rejected + 1}, ${encodeEvent(s.event)}, which SPIN took: ${s.reason ?? 'rejected'}`);
  }
  const last = replayed.steps[replayed.steps.length - 1];
  const f = trail.finding;
  const violatedAt = (property: string) => replayed.steps.findIndex((s) => s.violations.some((v) => v.property === property));
  switch (f.kind) {
    case 'assertion': {
      if (f.property === null) return disagree(`the workbench has no property named ${f.flag}; SPIN's assertion is about the model's own bookkeeping`);
      const p = PROPERTIES.find((x) => x.id === f.property)!;
      if (p.check.on === 'policy') {
        const verdict = policyVerdict(p.check, policy);
        return verdict.holds ? disagree(`the workbench finds ${f.property} holds for this policy`) : { agrees: true, spin: spinWords, workbench: `${f.property} fails for this policy: ${verdict.reason}` };
      }
      if (p.check.on === 'state' && replayed.steps.length === 0) {
        // Asserted in SPIN's initialising step: judged on the machine's initial state.
        const verdict = stateVerdict(p.check, { machine: referenceEngine(policy, machine.rules).initial(), history: INITIAL_HISTORY }, policy);
        return verdict === true ? disagree(`the workbench finds ${f.property} holds in the initial state`) : { agrees: true, spin: spinWords, workbench: `the initial state violates ${f.property}: ${verdict}` };
      }
      const lastViolations = last?.violations.filter((v) => v.property === f.property) ?? [];
      if (lastViolations.length > 0) return { agrees: true, spin: spinWords, workbench: `step ${replayed.steps.length} (${encodeEvent(last!.event)}) violates ${f.property}: ${lastViolations[0]!.reason}` };
      const at = violatedAt(f.property);
      return disagree(at >= 0 ? `${f.property} is violated at step ${at + 1}, not at the trail's last step ${replayed.steps.length}` : `no step of the replay violates ${f.property}`);
    }
    case 'acceptance-cycle': {
      if (f.property === null) return disagree(`the workbench has no property named ${f.claim}`);
      const lasso = replayed.lasso;
      if (lasso === undefined) return disagree('the replay did not judge the cycle');
      if (!lasso.returns) return disagree('the cycle does not return to the state it started from, so it cannot repeat');
      if (lasso.neverTaken.length > 0) return disagree(`the cycle never takes ${lasso.neverTaken.join(', ')}, enabled all along it, so repeating it is not a weakly fair run`);
      const v = last?.violations.find((x) => x.property === f.property);
      return v === undefined ? disagree(`the fair cycle reaches the condition of ${f.property}`) : { agrees: true, spin: spinWords, workbench: `the cycle repeats, is weakly fair and never reaches the condition of ${f.property}: ${v.reason}` };
    }
    case 'invalid-end-state': {
      const lasso = replayed.lasso;
      if (lasso === undefined) return disagree('the replay did not judge the last state');
      return lasso.neverTaken.length === 0
        ? { agrees: true, spin: spinWords, workbench: `no event is enabled after step ${replayed.steps.length}: a deadlock` }
        : disagree(`after step ${replayed.steps.length} these events are still enabled: ${lasso.neverTaken.join(', ')} (is the trail cut short, or from another model?)`);
    }
  }
}

/** The trail's events in the compact path encoding (a replay handle). */
export function trailPath(trail: SpinTrail): { readonly path: string; readonly cycle: string | null } {
  return { path: encodePath(trail.events), cycle: trail.cycle === null ? null : encodePath(trail.cycle) };
}
