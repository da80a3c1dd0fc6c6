/**
 * The control console's signed votes: a forged, replayed, non-admin, stale or duplicate vote is
 * refused with its own code, logged, and changes nothing — not the level, not the open proposal's
 * approvals — while the genuine votes around it still count.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Level } from '../../spec/levels.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { GuillotineSystem } from '../../simulator/system.ts';
import { signVote, type RefusalCode, type Vote } from '../../simulator/console.ts';
import { deriveKey } from '../../simulator/keys.ts';
import { SEED } from '../seed.ts';

const RUN_SEED = 11;
const key = (admin: string) => deriveKey(RUN_SEED, admin);

function machine(): GuillotineSystem {
  return new GuillotineSystem({ policy: DEFAULT_POLICY, seed: RUN_SEED, mode: 'scripted' });
}

/** Opens an escalation to severed by a1 and returns the system and a1's counted vote. */
function withOpenProposal(): { system: GuillotineSystem; opening: Vote } {
  const system = machine();
  const opening = signVote(key('a1'), 'propose', system.console.challenge(), 'standard', 'severed');
  assert.equal(system.submitVote(opening).kind, 'opened');
  return { system, opening };
}

type Attack = 'forged' | 'replayed' | 'non-admin' | 'stale' | 'duplicate';

/** An attack vote against the proposal open in `system`. */
function attackVote(system: GuillotineSystem, opening: Vote, attack: Attack, admin: string): Vote {
  const open = system.console.proposal!;
  switch (attack) {
    case 'forged':
      return signVote(deriveKey('someone else', admin), 'approve', open.nonce, open.from, open.to);
    case 'replayed':
      return opening;
    case 'non-admin':
      return signVote(deriveKey(RUN_SEED, 'mallory'), 'approve', open.nonce, open.from, open.to);
    case 'stale':
      return signVote(key(admin), 'approve', open.nonce - 1, open.from, open.to);
    case 'duplicate':
      return signVote(key(opening.admin), 'approve', open.nonce, open.from, open.to);
  }
}

const EXPECTED_CODE: Record<Attack, RefusalCode> = { forged: 'forged', replayed: 'replayed', 'non-admin': 'non-admin', stale: 'stale', duplicate: 'duplicate' };

describe('control console refuses bad votes', () => {
  for (const attack of Object.keys(EXPECTED_CODE) as Attack[]) {
    it(`refuses and logs a ${attack} vote with code ${EXPECTED_CODE[attack]}, leaving level and approvals unchanged`, () => {
      const { system, opening } = withOpenProposal();
      const before = system.console.proposal!.votes.length;
      const outcome = system.submitVote(attackVote(system, opening, attack, 'a2'));
      assert.equal(outcome.kind, 'refused');
      assert.equal(outcome.kind === 'refused' && outcome.code, EXPECTED_CODE[attack]);
      const last = system.console.log.at(-1)!;
      assert.equal(last.outcome, 'refused');
      assert.equal(last.code, EXPECTED_CODE[attack]);
      assert.ok((last.reason ?? '').length > 0, 'a refusal is logged with its reason');
      assert.equal(system.level, 'standard');
      assert.equal(system.console.proposal!.votes.length, before);
    });
  }

  it('refuses a signature in a non-canonical encoding of valid bytes, so a replay cannot pass as a new string', () => {
    const { system } = withOpenProposal();
    const open = system.console.proposal!;
    const genuine = signVote(key('a2'), 'approve', open.nonce, open.from, open.to);
    // Node's base64 decoder skips characters outside the alphabet: these strings decode to the genuine bytes.
    for (const signature of [`${genuine.signature}\n`, `*${genuine.signature}`, genuine.signature.replace(/(.{8})/, '$1 ')]) {
      const outcome = system.submitVote({ ...genuine, signature });
      assert.equal(outcome.kind === 'refused' && outcome.code, 'forged', JSON.stringify(signature));
    }
    assert.equal(system.submitVote(genuine).kind, 'counted', 'the canonical vote itself still counts');
  });

  it('burns the challenge of a refused proposal, so its signature cannot be presented again later', () => {
    const system = machine();
    system.fault('mce'); // offline, and the hypervisor reboots: proposals are refused meanwhile
    const early = signVote(key('a4'), 'propose', system.console.challenge(), 'offline', 'decapitation');
    const first = system.submitVote(early);
    assert.equal(first.kind === 'refused' && first.code, 'hypervisor-down');
    system.rebootComplete();
    const replay = system.submitVote(early);
    assert.equal(replay.kind === 'refused' && replay.code, 'stale', 'the refused proposal does not open after the reboot');
    const fresh = system.submitVote(signVote(key('a4'), 'propose', system.console.challenge(), 'offline', 'decapitation'));
    assert.equal(fresh.kind, 'opened', 'the admin proposes again over the next challenge');
  });

  it("has the level record refuse a de-escalation certificate presented a second time", () => {
    const system = machine();
    const vote = (admin: string, kind: 'propose' | 'approve', nonce: number, from: Level, to: Level) => system.submitVote(signVote(key(admin), kind, nonce, from, to));
    vote('a1', 'propose', 1, 'standard', 'severed');
    vote('a2', 'approve', 1, 'standard', 'severed');
    vote('a3', 'approve', 1, 'standard', 'severed');
    assert.equal(system.level, 'severed');
    vote('a1', 'propose', 2, 'severed', 'probation');
    let certificate = null;
    for (const admin of ['a2', 'a3', 'a4', 'a5']) {
      const outcome = vote(admin, 'approve', 2, 'severed', 'probation');
      if (outcome.kind === 'quorum') certificate = outcome.certificate;
    }
    assert.equal(system.level, 'probation');
    assert.ok(certificate, 'the quorum produced a certificate');
    system.alarm('severed');
    const again = system.physical.write('probation', 'quorum', certificate);
    assert.equal(again.ok, false);
    assert.match(again.ok ? '' : again.reason, /already used/);
    assert.equal(system.level, 'severed');
  });

  it('refuses a signed proposal to something that is not a level', () => {
    const system = machine();
    const outcome = system.submitVote({ ...signVote(key('a1'), 'propose', system.console.challenge(), 'standard', 'nonsense' as Level) });
    assert.equal(outcome.kind === 'refused' && outcome.code, 'stale');
    assert.equal(system.console.proposal, null);
  });

  it('refuses a vote bound to another level pair (stale) even with the right nonce', () => {
    const { system } = withOpenProposal();
    const open = system.console.proposal!;
    const outcome = system.submitVote(signVote(key('a2'), 'approve', open.nonce, 'standard', 'offline'));
    assert.equal(outcome.kind === 'refused' && outcome.code, 'stale');
  });

  it('does not let the approvals of a cancelled proposal count for the next one', () => {
    const { system } = withOpenProposal();
    const first = system.console.proposal!;
    const a2 = signVote(key('a2'), 'approve', first.nonce, first.from, first.to);
    assert.equal(system.submitVote(a2).kind, 'counted');
    system.alarm('probation'); // any change of level cancels the open proposal
    assert.equal(system.console.proposal, null);
    const reopened = signVote(key('a1'), 'propose', system.console.challenge(), 'probation', 'severed');
    assert.equal(system.submitVote(reopened).kind, 'opened');
    const again = system.submitVote(signVote(key('a2'), 'approve', first.nonce, first.from, first.to));
    assert.equal(again.kind, 'refused');
    assert.equal(system.console.proposal!.votes.length, 1);
  });

  it(`never counts any mix of attack votes, while the genuine approvals among them reach the quorum (fast-check seed ${SEED})`, () => {
    const attackArb = fc.record({ attack: fc.constantFrom(...(Object.keys(EXPECTED_CODE) as Attack[])), admin: fc.constantFrom('a2', 'a3', 'a4', 'a5', 'a6', 'a7') });
    fc.assert(
      fc.property(fc.array(attackArb, { maxLength: 30 }), fc.subarray(['a2', 'a3', 'a4', 'a5', 'a6', 'a7'], { minLength: 2, maxLength: 2 }), fc.nat(30), (attacks, genuine, at) => {
        const { system, opening } = withOpenProposal();
        let refused = 0;
        attacks.forEach((a, i) => {
          if (system.console.proposal !== null) {
            const outcome = system.submitVote(attackVote(system, opening, a.attack, a.admin));
            assert.equal(outcome.kind, 'refused', `${a.attack} vote by ${a.admin} was counted`);
            refused++;
          }
          if (i === at % Math.max(1, attacks.length) && system.console.proposal !== null) {
            const open = system.console.proposal;
            assert.equal(system.submitVote(signVote(key(genuine[0]!), 'approve', open.nonce, open.from, open.to)).kind, 'counted');
          }
        });
        assert.equal(system.level, 'standard', 'attack votes alone must not move the level');
        const open = system.console.proposal!;
        // Whatever the attacks, the genuine approvals still complete the quorum of 3 (a1 + two admins).
        for (const admin of genuine) {
          if (system.console.proposal === null) break;
          if (open.votes.some((v) => v.admin === admin)) continue;
          system.submitVote(signVote(key(admin), 'approve', open.nonce, open.from, open.to));
        }
        assert.equal(system.level, 'severed');
        assert.equal(system.console.log.filter((e) => e.outcome === 'refused').length, refused, 'every refused vote is logged once');
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
