/**
 * What the statechart prescribes an implementation shows in a machine state: the part of a
 * {@link SystemState} a {@link SystemUnderTest} can be asked about ({@link ObservedState}), and a
 * short human label of the whole state for test names.
 *
 * The watchdog's missed-heartbeat count and the actuators awaiting confirmation are not observed
 * (the adapter interface does not expose them); they still shape every test, because the events
 * they enable or reject (a third missed heartbeat, a confirmation) are asserted accepted or rejected.
 */
import type { SystemState } from '../machines/engine.ts';
import type { ObservedState } from './systemUnderTest.ts';

/** The observation the statechart prescribes in `state`. */
export function prescribedObservation(state: SystemState): ObservedState {
  const { context } = state;
  const proposal = context.proposal;
  return {
    level: context.level,
    proposal: proposal === null ? null : { from: proposal.from, to: proposal.to, approvals: [...proposal.approvals] },
    hypervisor: state.value.hypervisor === 'rebooting' ? 'rebooting' : 'running',
    capabilities: { ...context.outputs },
  };
}

/**
 * A one-line label of a machine state, e.g. `severed, proposal severed→offline by a1+a2, 1 missed
 * heartbeat, rebooting, awaiting network-relay`. Parts at their initial value are left out.
 */
export function stateLabel(state: SystemState): string {
  const c = state.context;
  const parts: string[] = [c.level];
  if (c.proposal !== null) parts.push(`proposal ${c.proposal.from}→${c.proposal.to} by ${c.proposal.approvals.join('+')}`);
  if (c.missedHeartbeats > 0) parts.push(`${c.missedHeartbeats} missed heartbeat${c.missedHeartbeats === 1 ? '' : 's'}`);
  if (state.value.hypervisor === 'rebooting') parts.push('rebooting');
  if (c.pendingActuators.length > 0) parts.push(`awaiting ${c.pendingActuators.join('+')}`);
  return parts.join(', ');
}

/** Differences between an expected and an observed state, one line per field; empty when equal. */
export function observationDiff(expected: ObservedState, observed: ObservedState): string[] {
  const lines: string[] = [];
  if (observed.level !== expected.level) lines.push(`level: expected ${expected.level}, observed ${String(observed.level)}`);
  const show = (p: ObservedState['proposal']) => (p === null || p === undefined ? 'none' : `${p.from}→${p.to} approved by ${p.approvals.join('+') || 'nobody'}`);
  const ep = expected.proposal;
  const op = observed.proposal;
  const sameProposal =
    (ep === null && (op === null || op === undefined)) ||
    (ep !== null && op !== null && op !== undefined && ep.from === op.from && ep.to === op.to && ep.approvals.length === op.approvals.length && ep.approvals.every((a, i) => op.approvals[i] === a));
  if (!sameProposal) lines.push(`proposal: expected ${show(ep)}, observed ${show(op)}`);
  if (observed.hypervisor !== expected.hypervisor) lines.push(`hypervisor: expected ${expected.hypervisor}, observed ${String(observed.hypervisor)}`);
  for (const key of Object.keys(expected.capabilities) as (keyof ObservedState['capabilities'])[]) {
    const observedValue = observed.capabilities?.[key];
    if (observedValue !== expected.capabilities[key]) lines.push(`capabilities.${key}: expected ${expected.capabilities[key]}, observed ${String(observedValue)}`);
  }
  return lines;
}
