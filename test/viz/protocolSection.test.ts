import assert from 'node:assert/strict';
import type { ProtocolProofReport } from '../../proofs/protocol/prove.ts';
import { FULL_REGION, regionWords } from '../../proofs/protocol/region.ts';
import { protocolSectionOf } from '../../viz/protocolSection.ts';
import { selectedSections } from '../../viz/sections.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';

const report: ProtocolProofReport = {
  region: { words: regionWords(FULL_REGION), bounds: FULL_REGION },
  houdini: { status: 'inductive', candidates: 5, lemmas: ['isolation = level', 'isolation = commanded', 'approved_only = 0'], queries: 4, seconds: 1 },
  properties: [
    { property: 'level-capabilities', verdict: 'proved', method: 'houdini', invariant: ['isolation = level', 'isolation = commanded'], seconds: 0.1 },
    { property: 'escalation-has-cause', verdict: 'proved', method: 'spacer', invariant: ['proposal ≠ "open" ∨ approved_only < 1'], seconds: 3 },
    { property: 'no-deadlock', verdict: 'proved', method: 'houdini', invariant: [], seconds: 0.01 },
    {
      property: 'deescalation-needs-quorum',
      verdict: 'refuted',
      knobs: { admins: 3, escalate: 1, deescalate: 3, missLimit: 1, maxStep: 1 },
      initial: { isolation: 'standard', approved_voted: '0' },
      abstractPath: [
        { event: 'propose probation by an admin who neither approved nor voted', state: { isolation: 'probation', approved_voted: '0' } },
        { event: 'approve by an admin who neither approved nor voted', state: { isolation: 'standard', approved_voted: '0' } },
      ],
      replay: { policy: DEFAULT_POLICY, handle: 'alarm:probation,propose:a1:standard,approve:a2', reason: 'a de-escalation with 2 approvals <fewer than 3>' },
      seconds: 5,
    },
    { property: 'reboot-keeps-level', verdict: 'unknown', reason: 'Spacer: timeout after 60000 ms; no counterexample among 10 policies with at most 2 admins', seconds: 60 },
  ],
};

describe('viz: the protocol for every number of admins, on the review page', () => {
  it('lists each theorem with its verdict and the invariant it rests on, escaped, and a refutation as its smallest policy and steps', () => {
    const section = protocolSectionOf(report);
    assert.equal(section.status, 'ready');
    if (section.status !== 'ready') return;
    assert.equal(section.holds, false, 'a refutation and an unknown are no proof');
    assert.match(section.html, /3 of 5 safety properties proved for every policy with admins ≥ 1, 1 ≤ escalate ≤ admins/);
    assert.match(section.html, /data-property="level-capabilities">.*PROVED \(houdini\).*<li>isolation = commanded<\/li>/);
    assert.match(section.html, /PROVED \(spacer\).*<li>proposal ≠ &quot;open&quot; ∨ approved_only &lt; 1<\/li>/, 'the invariant is escaped');
    assert.match(section.html, /holds on every step from every state of the region; no lemma needed/);
    assert.match(section.html, /smallest policy that breaks it: 3 admins, escalate 1, deescalate 3, missLimit 1, maxStep 1<ol class="mono"><li>propose probation by an admin who neither approved nor voted → isolation probation<\/li><li>approve by an admin who neither approved nor voted → isolation standard<\/li><\/ol>/);
    assert.match(section.html, /concretely, with admins a1…a3: <code>alarm:probation,propose:a1:standard,approve:a2<\/code> — a de-escalation with 2 approvals &lt;fewer than 3&gt;/, 'the replay handle and the reason, escaped');
    assert.match(section.html, /UNKNOWN.*Spacer: timeout after 60000 ms/);
    assert.match(section.html, /the inductive invariant \(3 lemmas\)/);
  });

  it('is built only when asked for by name: half a minute of proof stays out of the default page', () => {
    assert.ok(!selectedSections().includes('protocol'));
    assert.deepEqual(selectedSections({ only: ['proofs', 'protocol'] }), ['proofs', 'protocol']);
  });
});
