/**
 * What a hardware theorem is (docs/protocol.md §5): a stable id, a one-paragraph statement in plain
 * words, its assumptions, the obligations that together prove it, and deliberately weakened
 * variants (negative controls) that must be refuted so the proof is known not to be vacuous.
 */
import type { Policy } from '../spec/policy.ts';
import type { MemoryLayout } from './layout.ts';
import type { Obligation } from './obligation.ts';

export type TheoremId = 'exec-pages-immutable' | 'model-cannot-reach-hypervisor' | 'descriptor-bounds' | 'ring-index-bounds' | 'quorum-arithmetic';

/** What a theorem is proved about: the policy under review and the machine's memory layout. */
export interface Subject {
  readonly policy: Policy;
  readonly layout: MemoryLayout;
}

/** A weakened variant of a theorem's implementation; `prove --controls` must refute it. */
export interface Control {
  /** Stable id, e.g. `naive-descriptor-check`. */
  readonly id: string;
  /** What was weakened, in plain words. */
  readonly description: string;
  /** The theorem's obligations, over the weakened implementation; at least one must be refuted. */
  readonly obligations: readonly Obligation[];
}

export interface Theorem {
  readonly id: TheoremId;
  /** One line, for `--help` and tables. */
  readonly summary: string;
  /** One paragraph, plain words. */
  readonly statement: string;
  /** What the proof takes for granted (each obligation's assumptions are also checked satisfiable). */
  readonly assumptions: readonly string[];
  obligations(subject: Subject): readonly Obligation[];
  controls(subject: Subject): readonly Control[];
}
