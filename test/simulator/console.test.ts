/**
 * The control console's signed votes: a forged, replayed, non-admin, stale or duplicate vote is
 * refused with its own code, logged, and changes nothing — not the level, not the open proposal's
 * approvals — while the genuine votes around it still count.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Level } from '../../spec/levels.ts';
import { DEFAULT_POLICY, type Policy, type PolicyInput } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { GuillotineSystem } from '../../simulator/system.ts';
import { ControlConsole, signVote, trustedKeys, type ConsoleOutcome, type ConsoleView, type RefusalCode, type Vote, type VoteKind } from '../../simulator/console.ts';
import { SIMULATOR_MUTANTS, type SimulatorMutantName } from './mutants.ts';
import { CORRECT_RULES } from '../../simulator/rules.ts';
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

// ---------------------------------------------------------------- the console on its own

/** The default policy with some keys changed (admins a1..a7). */
function policyWith(overrides: Omit<PolicyInput, 'admins'>): Policy {
  return parsedPolicy({ admins: DEFAULT_POLICY.admins, ...overrides });
}

/** A console alone (no system around it), trusting the keys derived from RUN_SEED. */
function bareConsole(policy: Policy = DEFAULT_POLICY, bug?: SimulatorMutantName): ControlConsole {
  return new ControlConsole(policy, trustedKeys(policy, RUN_SEED), bug === undefined ? CORRECT_RULES : SIMULATOR_MUTANTS[bug].rules());
}

const at = (level: Level, now = 0, hypervisorRunning = true): ConsoleView => ({ level, hypervisorRunning, now });
const vote = (admin: string, kind: VoteKind, nonce: number, from: Level, to: Level): Vote => signVote(key(admin), kind, nonce, from, to);
const codeOf = (outcome: ConsoleOutcome): RefusalCode | null => (outcome.kind === 'refused' ? outcome.code : null);

/** A console with a proposal #1 standard → severed by a1 open (the escalation quorum is 3). */
function openEscalation(policy: Policy = DEFAULT_POLICY, bug?: SimulatorMutantName): ControlConsole {
  const c = bareConsole(policy, bug);
  assert.equal(c.submit(vote('a1', 'propose', c.challenge(), 'standard', 'severed'), at('standard')).kind, 'opened');
  return c;
}

interface RefusalCase {
  readonly name: string;
  readonly code: RefusalCode;
  /** Sets the console up and submits the vote that must be refused. */
  readonly refusedVote: () => { console: ControlConsole; outcome: ConsoleOutcome; openBefore: ControlConsole['proposal'] };
}

/** Submits `v` to `c` at `view` and records what was open just before. */
function attempt(c: ControlConsole, v: Vote, view: ConsoleView) {
  const openBefore = c.proposal;
  return { console: c, outcome: c.submit(v, view), openBefore };
}

/** Every refusal code at its boundary: the smallest step from a vote that counts to one that must not. */
const REFUSAL_CASES: readonly RefusalCase[] = [
  { name: 'a vote signed by someone not in the policy', code: 'non-admin', refusedVote: () => attempt(bareConsole(), signVote(deriveKey(RUN_SEED, 'a8'), 'propose', 1, 'standard', 'severed'), at('standard')) },
  { name: "an admin's vote signed with another key", code: 'forged', refusedVote: () => attempt(bareConsole(), signVote(deriveKey(RUN_SEED + 1, 'a1'), 'propose', 1, 'standard', 'severed'), at('standard')) },
  {
    name: 'an approval presented a second time',
    code: 'replayed',
    refusedVote: () => {
      const c = openEscalation();
      const a2 = vote('a2', 'approve', 1, 'standard', 'severed');
      assert.equal(c.submit(a2, at('standard')).kind, 'counted');
      return attempt(c, a2, at('standard'));
    },
  },
  { name: 'a proposal over an old challenge', code: 'stale', refusedVote: () => attempt(bareConsole(), vote('a1', 'propose', 0, 'standard', 'severed'), at('standard')) },
  { name: 'a proposal signed for a target that is not a level', code: 'stale', refusedVote: () => attempt(bareConsole(), vote('a1', 'propose', 1, 'standard', 'nonsense' as Level), at('standard')) },
  // The nonce is right; only the from-level disagrees with where the machine stands.
  { name: 'a proposal over the current challenge but from another level', code: 'stale', refusedVote: () => attempt(bareConsole(), vote('a1', 'propose', 1, 'probation', 'standard'), at('standard')) },
  // Nonce and target match the open proposal; only the from-level differs.
  { name: "an approval of the open proposal's nonce and target but another from-level", code: 'stale', refusedVote: () => attempt(openEscalation(), vote('a2', 'approve', 1, 'probation', 'severed'), at('standard')) },
  { name: 'an approval of the open proposal by an admin who already voted for it', code: 'duplicate', refusedVote: () => attempt(openEscalation(), vote('a1', 'approve', 1, 'standard', 'severed'), at('standard')) },
  { name: 'an approval with no proposal open', code: 'no-proposal', refusedVote: () => attempt(bareConsole(), vote('a2', 'approve', 1, 'standard', 'severed'), at('standard')) },
  { name: 'a second proposal while one is open', code: 'busy', refusedVote: () => attempt(openEscalation(), vote('a2', 'propose', 2, 'standard', 'probation'), at('standard')) },
  { name: 'a proposal while the hypervisor reboots', code: 'hypervisor-down', refusedVote: () => attempt(bareConsole(), vote('a1', 'propose', 1, 'standard', 'severed'), at('standard', 0, false)) },
  { name: 'a proposal to the current level', code: 'no-change', refusedVote: () => attempt(bareConsole(), vote('a1', 'propose', 1, 'standard', 'standard'), at('standard')) },
  { name: 'a proposal to lower an irreversible level by one', code: 'irreversible', refusedVote: () => attempt(bareConsole(), vote('a1', 'propose', 1, 'decapitation', 'offline'), at('decapitation')) },
  { name: 'a de-escalation of maxStep + 1 levels (maxStep 1)', code: 'too-far', refusedVote: () => attempt(bareConsole(), vote('a1', 'propose', 1, 'severed', 'standard'), at('severed')) },
  { name: 'a de-escalation of maxStep + 1 levels (maxStep 2)', code: 'too-far', refusedVote: () => attempt(bareConsole(policyWith({ deescalation: { maxStep: 2 } })), vote('a1', 'propose', 1, 'offline', 'standard'), at('offline')) },
];

describe('control console on its own: each refusal at its boundary', () => {
  for (const c of REFUSAL_CASES) {
    it(`refuses ${c.name} with code ${c.code}, logs it with a reason, counts it, and leaves the open proposal as it was`, () => {
      const { console: cc, outcome, openBefore } = c.refusedVote();
      assert.equal(codeOf(outcome), c.code);
      assert.ok(outcome.kind === 'refused' && outcome.reason.length > 0, 'the admin is told why');
      const last = cc.log.at(-1)!;
      assert.deepEqual({ outcome: last.outcome, code: last.code }, { outcome: 'refused', code: c.code });
      assert.equal(last.reason, outcome.kind === 'refused' ? outcome.reason : undefined, 'the log keeps the reason the admin was given');
      assert.equal(cc.refusals.get(c.code), 1, 'the refusal is counted once for the report');
      assert.equal(cc.proposal, openBefore, 'a refused vote changes nothing in the open proposal');
    });
  }

  it('counts repeated refusals of one code one by one', () => {
    const cc = bareConsole();
    for (let i = 1; i <= 3; i++) {
      assert.equal(codeOf(cc.submit(vote('a2', 'approve', i, 'standard', 'severed'), at('standard'))), 'no-proposal');
      assert.equal(cc.refusals.get('no-proposal'), i);
    }
    assert.equal(cc.refusals.get('forged'), undefined, 'codes that never happened are not counted');
  });

  it('accepts a de-escalation of exactly maxStep levels, for maxStep 1 and 2', () => {
    assert.equal(bareConsole().submit(vote('a1', 'propose', 1, 'severed', 'probation'), at('severed')).kind, 'opened');
    const two = bareConsole(policyWith({ deescalation: { maxStep: 2 } }));
    assert.equal(two.submit(vote('a1', 'propose', 1, 'offline', 'probation'), at('offline')).kind, 'opened');
  });

  it('lets an irreversible level rise further, and refuses any drop from it as irreversible, however small or large', () => {
    assert.equal(bareConsole().submit(vote('a1', 'propose', 1, 'decapitation', 'immolation'), at('decapitation')).kind, 'opened');
    // A drop of four levels is refused as irreversible, not merely as too far.
    assert.equal(codeOf(bareConsole().submit(vote('a1', 'propose', 1, 'decapitation', 'standard'), at('decapitation'))), 'irreversible');
    assert.equal(codeOf(bareConsole().submit(vote('a1', 'propose', 1, 'immolation', 'decapitation'), at('immolation'))), 'irreversible');
  });
});

describe('control console on its own: challenges', () => {
  it('keeps the challenge a proposer has read valid while refused approvals signed over it arrive (no-proposal, forged)', () => {
    const cc = bareConsole();
    const challenge = cc.challenge();
    // Approvals signed over the very nonce the proposer is about to use: refusing them must not burn it.
    assert.equal(codeOf(cc.submit(vote('a2', 'approve', challenge, 'standard', 'severed'), at('standard'))), 'no-proposal');
    assert.equal(codeOf(cc.submit(signVote(deriveKey('someone else', 'a3'), 'approve', challenge, 'standard', 'severed'), at('standard'))), 'forged');
    assert.equal(cc.challenge(), challenge);
    assert.equal(cc.submit(vote('a1', 'propose', challenge, 'standard', 'severed'), at('standard')).kind, 'opened');
  });

  it('does not let an attacker burn the current challenge with proposals signed over other nonces (old, future, replayed)', () => {
    const cc = bareConsole();
    const first = vote('a1', 'propose', cc.challenge(), 'standard', 'severed');
    assert.equal(cc.submit(first, at('standard')).kind, 'opened');
    cc.cancel(10, 'test: the level changed');
    const challenge = cc.challenge();
    assert.equal(codeOf(cc.submit(vote('a2', 'propose', challenge - 1, 'standard', 'severed'), at('standard', 20))), 'stale');
    assert.equal(codeOf(cc.submit(vote('a2', 'propose', challenge + 1, 'standard', 'severed'), at('standard', 20))), 'stale');
    assert.equal(codeOf(cc.submit(first, at('standard', 20))), 'replayed');
    assert.equal(cc.challenge(), challenge, 'the refused votes were not over the current challenge');
    assert.equal(cc.submit(vote('a3', 'propose', challenge, 'standard', 'severed'), at('standard', 30)).kind, 'opened');
  });

  it('never hands out a nonce twice, even when refused proposals burn challenges in between', () => {
    // The level record keys spent certificates by nonce: a nonce used twice would make a genuine
    // later certificate look spent (or let an old one pass for new).
    const cc = bareConsole();
    const issued: number[] = [];
    const propose = (admin: string, from: Level, to: Level, now: number) => {
      const nonce = cc.challenge();
      issued.push(nonce);
      return cc.submit(vote(admin, 'propose', nonce, from, to), at(from, now));
    };
    assert.equal(propose('a1', 'standard', 'severed', 0).kind, 'opened');
    assert.equal(codeOf(propose('a2', 'standard', 'probation', 1)), 'busy'); // burns its challenge
    cc.expire(2);
    assert.equal(codeOf(propose('a3', 'standard', 'standard', 3)), 'no-change'); // burns its challenge
    assert.equal(propose('a4', 'standard', 'severed', 4).kind, 'opened');
    assert.equal(new Set(issued).size, issued.length, `nonces handed out: ${issued.join(', ')}`);
    assert.ok(issued.every((n, i) => i === 0 || n > issued[i - 1]!), `nonces only grow: ${issued.join(', ')}`);
    assert.ok(cc.challenge() > issued.at(-1)!);
  });
});

describe('control console on its own: quorum counting and the audit log', () => {
  it('opens with the proposer as the first vote and reaches the escalation quorum on the third distinct admin, then closes', () => {
    const cc = bareConsole();
    const outcomes = ['a1', 'a2', 'a3'].map((admin, i) => cc.submit(vote(admin, i === 0 ? 'propose' : 'approve', 1, 'standard', 'severed'), at('standard', i)));
    assert.deepEqual(outcomes.map((o) => o.kind), ['opened', 'counted', 'quorum']);
    const quorum = outcomes[2]!;
    assert.ok(quorum.kind === 'quorum');
    assert.deepEqual({ nonce: quorum.certificate.nonce, from: quorum.certificate.from, to: quorum.certificate.to }, { nonce: 1, from: 'standard', to: 'severed' });
    assert.deepEqual(quorum.certificate.votes.map((v) => v.admin), ['a1', 'a2', 'a3']);
    assert.equal(cc.proposal, null, 'a proposal that reached its quorum is closed');
    assert.deepEqual(cc.log.map((e) => [e.admin, e.kind, e.outcome]), [['a1', 'propose', 'opened'], ['a2', 'approve', 'counted'], ['a3', 'approve', 'quorum']]);
    assert.equal(codeOf(cc.submit(vote('a4', 'approve', 1, 'standard', 'severed'), at('standard', 5))), 'no-proposal', 'a late approval counts for nothing');
  });

  it('needs the de-escalation quorum (5) to lower a level: four approvals are not enough', () => {
    const cc = bareConsole();
    const kinds = ['a1', 'a2', 'a3', 'a4', 'a5'].map((admin, i) => cc.submit(vote(admin, i === 0 ? 'propose' : 'approve', 1, 'severed', 'probation'), at('severed', i)).kind);
    assert.deepEqual(kinds, ['opened', 'counted', 'counted', 'counted', 'quorum']);
  });

  it('reaches a quorum of one at once, on the proposal itself', () => {
    const cc = bareConsole(policyWith({ quorum: { escalate: 1, deescalate: 1 } }));
    const outcome = cc.submit(vote('a1', 'propose', 1, 'severed', 'probation'), at('severed'));
    assert.equal(outcome.kind, 'quorum');
    assert.equal(cc.proposal, null);
  });

  it("has the deescalate-one-short control need exactly one approval fewer than the policy's de-escalation quorum, never fewer than one", () => {
    // The negative control must sit exactly at the boundary it is meant to expose.
    const short = SIMULATOR_MUTANTS['deescalate-one-short'].rules();
    assert.equal(short.quorum(DEFAULT_POLICY, 'severed', 'probation'), 4);
    assert.equal(CORRECT_RULES.quorum(DEFAULT_POLICY, 'severed', 'probation'), 5);
    assert.equal(short.quorum(DEFAULT_POLICY, 'standard', 'severed'), 3, 'escalations are not affected');
    const single = policyWith({ quorum: { escalate: 1, deescalate: 1 } });
    assert.equal(short.quorum(single, 'severed', 'probation'), 1);
  });

  it('logs an expired proposal once, under its proposer, and closes it', () => {
    const cc = openEscalation();
    assert.equal(cc.submit(vote('a2', 'approve', 1, 'standard', 'severed'), at('standard', 5)).kind, 'counted');
    const expired = cc.expire(600_000_000);
    assert.deepEqual(expired?.votes.map((v) => v.admin), ['a1', 'a2']);
    assert.equal(cc.proposal, null);
    assert.deepEqual(cc.log.at(-1), { at: 600_000_000, admin: 'a1', kind: 'propose', outcome: 'expired' });
    assert.equal(cc.expire(600_000_001), null, 'nothing is open any more');
    assert.equal(cc.log.length, 3);
  });

  it('logs a cancelled proposal once, under its proposer, with why it was cancelled', () => {
    const cc = openEscalation();
    cc.cancel(42, 'the level changed to probation');
    assert.equal(cc.proposal, null);
    assert.deepEqual(cc.log.at(-1), { at: 42, admin: 'a1', kind: 'propose', outcome: 'cancelled', reason: 'the level changed to probation' });
    cc.cancel(43, 'again');
    assert.equal(cc.log.length, 2, 'cancelling with nothing open logs nothing');
  });

  for (const close of ['expire', 'cancel'] as const) {
    it(`has the count-stale-approval control count the approvals of a proposal closed by ${close} again when the same change reopens, once per admin`, () => {
      // The negative control must show the bug it names, and only it: the other admins' old
      // approvals are carried over, the proposer's own old vote is not counted twice.
      const cc = openEscalation(DEFAULT_POLICY, 'count-stale-approval');
      assert.equal(cc.submit(vote('a2', 'approve', 1, 'standard', 'severed'), at('standard', 1)).kind, 'counted');
      if (close === 'expire') cc.expire(2);
      else cc.cancel(2, 'test');
      const reopened = cc.submit(vote('a1', 'propose', cc.challenge(), 'standard', 'severed'), at('standard', 3));
      assert.equal(reopened.kind, 'opened');
      assert.deepEqual(reopened.kind === 'opened' && reopened.proposal.votes.map((v) => v.admin), ['a1', 'a2']);
      // Without the bug the same sequence carries nothing over.
      const honest = openEscalation();
      honest.submit(vote('a2', 'approve', 1, 'standard', 'severed'), at('standard', 1));
      if (close === 'expire') honest.expire(2);
      else honest.cancel(2, 'test');
      const fresh = honest.submit(vote('a1', 'propose', honest.challenge(), 'standard', 'severed'), at('standard', 3));
      assert.deepEqual(fresh.kind === 'opened' && fresh.proposal.votes.map((v) => v.admin), ['a1']);
    });
  }
});

describe('control console: the keys it trusts', () => {
  it('trusts a pinned public key over the seed-derived one, and refuses a pinned key that does not parse instead of falling back', () => {
    const pinned = deriveKey('another seed', 'a1').publicKeyBase64;
    const withPin: Policy = { ...DEFAULT_POLICY, admins: [{ id: 'a1', publicKey: pinned }, ...DEFAULT_POLICY.admins.slice(1)] };
    const keys = trustedKeys(withPin, 'run seed');
    assert.equal(keys.get('a1')!.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64'), pinned);
    // parsePolicy refuses such a key; a Policy built by other code must not get the seed's key instead.
    const broken: Policy = { ...DEFAULT_POLICY, admins: [{ id: 'a1', publicKey: 'AAAA' }, ...DEFAULT_POLICY.admins.slice(1)] };
    assert.throws(() => trustedKeys(broken, 'run seed'), /admin a1/);
  });
});
