import assert from 'node:assert/strict';
import { proveAll, reportHolds, THEOREM_IDS } from '../../proofs/index.ts';
import { DEFAULT_POLICY, scaledPolicy } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';

describe('proofs: proveAll', () => {
  it('proves every theorem for the default policy and layout, as a JSON-able report', async () => {
    const lines: string[] = [];
    const report = await proveAll(DEFAULT_POLICY, { progress: (l) => lines.push(l) });
    assert.deepEqual(report.theorems.map((t) => t.id), THEOREM_IDS);
    for (const t of report.theorems) {
      assert.equal(t.status, 'proved', `${t.id}: ${t.reason ?? JSON.stringify(t.counterexample)}`);
      assert.ok(t.obligations.length > 0 && t.obligations.every((o) => o.status === 'proved'));
      assert.ok(t.seconds >= 0);
    }
    assert.deepEqual(report.controls, []);
    assert.equal(reportHolds(report), true);
    assert.equal(lines.length, THEOREM_IDS.length, 'one progress line per theorem');
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });

  it('refutes quorum-arithmetic for a policy whose de-escalation quorum is no majority, naming two disjoint groups of admins', async () => {
    const unsafe = parsedPolicy({ admins: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id) => ({ id })), quorum: { escalate: 3, deescalate: 3 } });
    const report = await proveAll(unsafe, { only: ['quorum-arithmetic'] });
    const [t] = report.theorems;
    assert.equal(t?.status, 'refuted');
    const cx = t?.counterexample as { obligation: string; escalationQuorum: string[]; deescalationQuorum: string[]; sharedAdmins: string[] };
    assert.equal(cx.obligation, 'escalation-meets-deescalation');
    assert.ok(cx.escalationQuorum.length >= 3 && cx.deescalationQuorum.length >= 3);
    assert.deepEqual(cx.escalationQuorum.filter((a) => cx.deescalationQuorum.includes(a)), []);
    assert.deepEqual(cx.sharedAdmins, []);
    assert.equal(reportHolds(report), false);
  });

  it('proves quorum-arithmetic at the schema limit of 1024 admins', async () => {
    const report = await proveAll(scaledPolicy(1024), { only: ['quorum-arithmetic'], controls: true });
    assert.equal(report.theorems[0]?.status, 'proved');
    assert.equal(report.controls[0]?.status, 'refuted');
  });

  it('rejects an unknown theorem id and an unsound layout instead of proving something else', async () => {
    await assert.rejects(proveAll(DEFAULT_POLICY, { only: ['no-such-theorem' as never] }), /no theorem has id "no-such-theorem"/);
    const overlapping = { ...(await import('../../proofs/layout.ts')).DEFAULT_LAYOUT, hypervisorDram: { base: 0x200_0000n, bound: 0x200_1000n } };
    await assert.rejects(proveAll(DEFAULT_POLICY, { layout: overlapping }), /modelDram and hypervisorDram overlap/);
  });
});
