/**
 * Two policies compared, as a reviewer changing a policy wants to see it: the verdict of every
 * property under each (and which changed), the findings (fewest admins to reach and to leave each
 * level), how many states each machine reaches, and the shortest trace one machine accepts and
 * the other rejects — the concrete behaviour the change altered. Each half is the library's own
 * answer (`checkPolicy`, `distinguishingTrace`); this module only lines them up. Printing is the
 * CLI's job (`cli/commands/diff.ts`) and the review page's (`viz/diffSection.ts`).
 */
import { checkPolicy, type CheckReport, type PropertyStatus } from '../checker/index.ts';
import type { PropertyId } from '../properties/index.ts';
import type { Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import { encodePath } from '../spec/events.ts';
import { distinguishingTrace, type Distinguishing, type DistinguishOptions } from './distinguishingTrace.ts';

export interface VerdictRow {
  readonly id: PropertyId;
  readonly kind: 'absolute' | 'policy';
  readonly a: PropertyStatus;
  readonly b: PropertyStatus;
  readonly changed: boolean;
}

export interface FindingRow {
  readonly level: Level;
  readonly a: { readonly reach: number | null; readonly leave: number | null };
  readonly b: { readonly reach: number | null; readonly leave: number | null };
  readonly changed: boolean;
}

export interface PolicyDiff {
  readonly a: { readonly source: string; readonly policy: Policy };
  readonly b: { readonly source: string; readonly policy: Policy };
  /** Every property of §4, in `PROPERTIES` order, with its status under each policy. */
  readonly verdicts: readonly VerdictRow[];
  /** Whether no property's status changed (the CLI's exit 0). */
  readonly sameVerdicts: boolean;
  /** Per level; null when either check stopped early (findings are then unknown). */
  readonly findings: readonly FindingRow[] | null;
  /** States and transitions each check explored (one state per renaming of admins). */
  readonly states: { readonly a: number; readonly b: number; readonly symmetry: boolean; readonly complete: boolean };
  /** The shortest trace accepted by one machine and rejected by the other, with its replay handle. */
  readonly distinguishing: Distinguishing & { readonly path?: string };
  readonly seconds: number;
}

export interface DiffOptions extends DistinguishOptions {
  /** Called when each stage starts, for progress lines. */
  readonly onStage?: (stage: 'check A' | 'check B' | 'distinguishing trace') => void;
}

/** Compares two policies; `a` is the one under review, `b` the one it is compared with. */
export function diffPolicies(a: { source: string; policy: Policy }, b: { source: string; policy: Policy }, options: DiffOptions = {}): PolicyDiff {
  const started = performance.now();
  options.onStage?.('check A');
  const ra = checkPolicy(a.policy);
  options.onStage?.('check B');
  const rb = checkPolicy(b.policy);
  options.onStage?.('distinguishing trace');
  const found = distinguishingTrace(a.policy, b.policy, options);
  const verdicts = ra.properties.map((p): VerdictRow => {
    const other = rb.properties.find((q) => q.id === p.id);
    const status = other?.status ?? 'unknown';
    return { id: p.id, kind: p.kind, a: p.status, b: status, changed: p.status !== status };
  });
  return {
    a,
    b,
    verdicts,
    sameVerdicts: verdicts.every((v) => !v.changed),
    findings: findingRows(ra, rb),
    states: { a: ra.states, b: rb.states, symmetry: ra.symmetry && rb.symmetry, complete: ra.complete && rb.complete },
    distinguishing: found.kind === 'found' ? { ...found, path: encodePath(found.events) } : found,
    seconds: (performance.now() - started) / 1000,
  };
}

function findingRows(ra: CheckReport, rb: CheckReport): FindingRow[] | null {
  if (ra.findings === null || rb.findings === null) return null;
  return ra.findings.map((fa) => {
    const fb = rb.findings!.find((f) => f.level === fa.level)!;
    const a = { reach: fa.fewestToReach, leave: fa.fewestToLeave };
    const b = { reach: fb.fewestToReach, leave: fb.fewestToLeave };
    return { level: fa.level, a, b, changed: a.reach !== b.reach || a.leave !== b.leave };
  });
}
