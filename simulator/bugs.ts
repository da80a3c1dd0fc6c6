/**
 * Deliberately broken variants of the simulator — **test-only mutants**. Each one changes one
 * rule of GUILLOTINE.md §3 in one place, the way a real implementation might get it wrong, so
 * that a test suite (the conformance tests here, the generated transition tests of `testgen/`)
 * can show it catches the bug. Never enable one outside a test of the tests.
 */
export const BUGS = {
  'count-stale-approval': 'approvals of an expired or cancelled proposal are counted again when a proposal with the same from → to reopens (votes not bound to the nonce)',
  'deescalate-one-short': 'a de-escalation is applied one approval short of the de-escalation quorum',
  'duplicate-approval-counts': 'a second approval by the same admin is accepted and counted again',
  'timeout-applies-deescalation': 'an expired de-escalation is applied instead of dropped',
  'reboot-forgets-level': 'after a reboot the hypervisor comes back at faults.rebootLevel even when the level was higher',
  'severed-services-network': 'at severed the port gate still services network ports',
  'watchdog-off-by-one': 'the heartbeat watchdog forces offline one missed heartbeat late',
  'alarm-uncapped': 'a detector alarm raises the level to what it asks for, past detector.maxLevel',
} as const;

export type Bug = keyof typeof BUGS;

export function isBug(value: unknown): value is Bug {
  return typeof value === 'string' && Object.hasOwn(BUGS, value);
}
