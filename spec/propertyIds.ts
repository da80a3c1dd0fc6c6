/**
 * The ids of the safety properties (docs/protocol.md §4, and the ones the workbench adds where a rule
 * of §3 had none: docs/traceability.md). They are part of the requirements, like the levels: the
 * properties (`properties/`) judge them, the spec-mutant catalogue (`machines/mutants.ts`) names the
 * ones each design bug must break, trace files and reports carry them.
 */
export const PROPERTY_ID_LIST = [
  'irreversible-levels',
  'deescalation-needs-quorum',
  'escalation-has-cause',
  'failsafe-only-raises',
  'failsafe-reaches-offline',
  'approvals-bound-to-proposal',
  'level-capabilities',
  'quorum-intersection',
  'reboot-keeps-level',
  'no-deadlock',
  'escalation-liveness',
  'decisions-take-effect',
] as const;

export type PropertyId = (typeof PROPERTY_ID_LIST)[number];
