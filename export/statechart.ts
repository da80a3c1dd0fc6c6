/**
 * What both exporters share beyond the statechart itself (read by `machines/statechart.ts`, which
 * the compiled interpreter reads too): the view of an event a rendering sees, the fields of each
 * external event, and which effects reject.
 */
import { machineImplementations } from '../machines/guillotine.ts';
import type { Policy } from '../spec/policy.ts';

export { readStatechart, ruleVocabulary, type ActionRef, type RegionRef, type StateRef, type Statechart, type TransitionRef, type Vocabulary } from '../machines/statechart.ts';

/**
 * The event a rendering sees: its type and, for each field, an expression of the target language
 * (an external event's fields are the event's variables or constants; an internal event's field is
 * the dequeued entry).
 */
export interface View {
  readonly type: string;
  readonly field: (name: 'admin' | 'target' | 'level' | 'actuator' | 'to') => string;
}

export type EventField = 'admin' | 'target' | 'level' | 'actuator';

/** The fields each external event type carries (docs/protocol.md §7), which both exports quantify over. */
export const EXTERNAL_FIELDS: Readonly<Record<string, readonly EventField[]>> = {
  propose: ['admin', 'target'],
  approve: ['admin'],
  alarm: ['level'],
  'actuator-confirm': ['actuator'],
  'actuator-fault': ['actuator'],
};

/** The effects both exports render as rejections; {@link checkRejections} holds it to the machine's own list. */
export const REJECTING: ReadonlySet<string> = new Set(['rejectProposal', 'rejectApproval', 'rejectAs', 'rejectUnpendingActuator']);

/** Throws, naming the effects, when the exporters' idea of which effects reject is not the machine's. */
export function checkRejections(policy: Policy, exporter: string): void {
  const machine = machineImplementations(policy).rejections;
  const differ = [...new Set([...machine, ...REJECTING])].filter((name) => machine.has(name) !== REJECTING.has(name));
  if (differ.length > 0) throw new Error(`${exporter}: the machine and the exporter disagree on which effects reject: ${differ.join(', ')}`);
}
