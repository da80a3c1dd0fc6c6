import assert from 'node:assert/strict';
import { DEFAULT_POLICY, adminIds, scaledPolicy, type Policy } from '../../spec/policy.ts';
import { encodeEvent, type GuillotineEvent } from '../../spec/events.ts';
import { referenceEngine, type SystemState } from '../../machines/engine.ts';
import { stateKey } from '../../machines/stateKey.ts';
import { outsiderId } from '../../machines/alphabet.ts';
import { stateAlphabet, representativeAdmins } from '../../testgen/alphabet.ts';
import { exploreGraph, type ReachableGraph } from '../../testgen/reachableGraph.ts';

function explored(policy: Policy, admins: 'representative' | 'every'): ReachableGraph {
  const result = exploreGraph(referenceEngine(policy), { admins });
  assert.equal(result.kind, 'explored');
  return (result as { graph: ReachableGraph }).graph;
}

/** Renames admins in a state by `rename`, keeping approvals in policy order as the machine does. */
function renamed(policy: Policy, state: SystemState, rename: ReadonlyMap<string, string>): SystemState {
  const p = state.context.proposal;
  if (p === null) return state;
  const approvals = new Set(p.approvals.map((a) => rename.get(a) ?? a));
  return { ...state, context: { ...state.context, proposal: { ...p, approvals: adminIds(policy).filter((id) => approvals.has(id)) } } };
}

/**
 * The renaming that takes (state, event) to its representative: approvers to a1..ak and the others
 * to a(k+1)..an in policy order, then the event's admin swapped with its class's representative.
 */
function canonicalRenaming(policy: Policy, state: SystemState, event: GuillotineEvent): Map<string, string> {
  const ids = adminIds(policy);
  const approvals = state.context.proposal?.approvals ?? [];
  const order = [...ids.filter((id) => approvals.includes(id)), ...ids.filter((id) => !approvals.includes(id))];
  const rename = new Map(order.map((id, i) => [id, ids[i]!]));
  if ('admin' in event && rename.has(event.admin)) {
    const image = rename.get(event.admin)!;
    const representative = approvals.includes(event.admin) ? ids[0]! : ids[approvals.length]!;
    const swapped = new Map<string, string>();
    for (const [from, to] of rename) swapped.set(from, to === image ? representative : to === representative ? image : to);
    return swapped;
  }
  return rename;
}

describe('testgen/alphabet: every admin, target, level and actuator of §7, with representative admins', () => {
  it('lists every §7 event for every admin and an outsider when asked for every admin', () => {
    const events = stateAlphabet(DEFAULT_POLICY, referenceEngine(DEFAULT_POLICY).initial(), 'every');
    // 8 voters × (6 targets + 1 approval) + timeout, heartbeat, missed + 6 alarms + mce, assertion, reboot + 4 × 2 actuator events
    assert.equal(events.length, 8 * 7 + 3 + 6 + 3 + 8);
    assert.ok(events.some((e) => e.type === 'approve' && e.admin === outsiderId(DEFAULT_POLICY)));
  });

  it('picks one approver and one non-approver of the open proposal as representatives', () => {
    const engine = referenceEngine(DEFAULT_POLICY);
    let state = engine.initial();
    assert.deepEqual(representativeAdmins(DEFAULT_POLICY, state), ['a1']);
    state = engine.step(state, { type: 'propose', admin: 'a3', target: 'severed' }).state;
    state = engine.step(state, { type: 'approve', admin: 'a1' }).state;
    assert.deepEqual(representativeAdmins(DEFAULT_POLICY, state), ['a1', 'a2']);
  });

  it('picks a name that is no admin for the outsider, even when a policy uses "outsider"', () => {
    assert.equal(outsiderId(DEFAULT_POLICY), 'outsider');
    const policy = { ...scaledPolicy(2), admins: [{ id: 'outsider' }, { id: 'b' }] };
    assert.equal(outsiderId(policy), 'outsider-x');
  });

  // The default policy's full graph (692,208 transitions) takes half a minute this way; 3 and 4 admins
  // exercise the same rules (escalation and de-escalation quorums above 1, duplicates, outsiders).
  for (const [name, policy] of [['3 admins, quorums 2 and 3', scaledPolicy(3)], ['4 admins, quorums 2 and 3', scaledPolicy(4)]] as const) {
    it(`explores exactly the quotient of the full graph by admin renaming (${name}): every full transition is a renamed explored one with the same outcome`, () => {
      const full = explored(policy, 'every');
      const reduced = explored(policy, 'representative');
      const index = new Map(reduced.keys.map((k, i) => [k, i]));
      const outgoing = new Map<string, { accepted: boolean; to: string }>();
      for (const t of reduced.transitions) outgoing.set(`${reduced.keys[t.from]}@${encodeEvent(t.event)}`, { accepted: t.accepted, to: reduced.keys[t.to]! });
      const canonicalStates = new Set<string>();
      for (const t of full.transitions) {
        const state = full.states[t.from]!;
        const rename = canonicalRenaming(policy, state, t.event);
        const from = stateKey(renamed(policy, state, rename));
        canonicalStates.add(from);
        assert.ok(index.has(from), `state ${full.keys[t.from]} has no representative among the explored states`);
        const event = 'admin' in t.event ? { ...t.event, admin: rename.get(t.event.admin) ?? t.event.admin } : t.event;
        const image = outgoing.get(`${from}@${encodeEvent(event)}`);
        assert.ok(image, `T${t.id} (${JSON.stringify(t.event)} in ${full.keys[t.from]}) has no representative transition`);
        assert.equal(image.accepted, t.accepted, `T${t.id}: accepted`);
        assert.equal(image.to, stateKey(renamed(policy, full.states[t.to]!, rename)), `T${t.id}: successor`);
      }
      assert.equal(canonicalStates.size, reduced.states.length, 'every explored state represents some reachable state');
      assert.ok(full.transitions.length > reduced.transitions.length, 'representatives explore fewer transitions');
    });
  }
});
