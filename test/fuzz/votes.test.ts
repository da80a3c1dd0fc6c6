/**
 * Fuzzing signed admin votes where they are verified: the control console (which counts them) and
 * the physical hypervisor's level record (which re-verifies a quorum certificate before it lowers
 * the level). Attacks: bit flips in the signature or in any signed field, a signature by the wrong
 * key, a replay of a vote already counted, a vote bound to another proposal, a signature encoded
 * another way, and fields of the wrong type. Each is refused with a reason, logged, and never
 * counted; the valid votes around them still reach their quorum.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LEVELS, type Level } from '../../spec/levels.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { ControlConsole, signVote, trustedKeys, type ConsoleView, type QuorumCertificate, type Vote } from '../../simulator/console.ts';
import { deriveKey } from '../../simulator/keys.ts';
import { GuillotineSystem } from '../../simulator/system.ts';
import { voteTo } from '../../simulator/scenarios/votes.ts';
import { runs, SEED } from './campaign.ts';

const KEY_SEED = 11;
const ADMINS = DEFAULT_POLICY.admins.map((a) => a.id);
const key = (admin: string) => deriveKey(KEY_SEED, admin);

/** The order of the group Ed25519 works in: S + L is the classic malleated signature. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

type Attack =
  | { readonly kind: 'flip-signature'; readonly bit: number }
  | { readonly kind: 'flip-field'; readonly field: 'kind' | 'admin' | 'nonce' | 'from' | 'to'; readonly pick: number }
  | { readonly kind: 'wrong-key'; readonly signer: number; readonly otherSeed: boolean }
  | { readonly kind: 'replay'; readonly which: number }
  | { readonly kind: 'other-proposal'; readonly nonceShift: number; readonly to: Level }
  | { readonly kind: 'encoding'; readonly how: 'space' | 'newline' | 'no-padding' | 'url-safe' | 'malleated' | 'empty' | 'truncated' }
  | { readonly kind: 'wrong-type'; readonly field: 'nonce' | 'signature' | 'admin' | 'from' | 'to' | 'kind'; readonly value: unknown }
  | { readonly kind: 'outsider' };

const attackArb: fc.Arbitrary<Attack> = fc.oneof(
  fc.record({ kind: fc.constant('flip-signature' as const), bit: fc.nat(511) }),
  fc.record({ kind: fc.constant('flip-field' as const), field: fc.constantFrom('kind', 'admin', 'nonce', 'from', 'to'), pick: fc.nat() }),
  fc.record({ kind: fc.constant('wrong-key' as const), signer: fc.nat(ADMINS.length - 1), otherSeed: fc.boolean() }),
  fc.record({ kind: fc.constant('replay' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('other-proposal' as const), nonceShift: fc.integer({ min: -3, max: 3 }), to: fc.constantFrom(...LEVELS) }),
  fc.record({ kind: fc.constant('encoding' as const), how: fc.constantFrom('space', 'newline', 'no-padding', 'url-safe', 'malleated', 'empty', 'truncated') }),
  fc.record({
    kind: fc.constant('wrong-type' as const),
    field: fc.constantFrom('nonce', 'signature', 'admin', 'from', 'to', 'kind'),
    value: fc.constantFrom<unknown>(null, undefined, 1, '1', 1.0000001, Number.NaN, [], {}, true, 'severed', 'a2', '__proto__', 'x'.repeat(10_000)),
  }),
  fc.constant({ kind: 'outsider' as const }),
);

/** A vote for the open proposal by `admin`, broken by `attack`; null when the attack does not apply (it is skipped). */
function attackVote(attack: Attack, admin: string, open: { nonce: number; from: Level; to: Level }, counted: readonly Vote[]): Vote | null {
  const honest = signVote(key(admin), 'approve', open.nonce, open.from, open.to);
  switch (attack.kind) {
    case 'flip-signature': {
      const bytes = Buffer.from(honest.signature, 'base64');
      bytes[attack.bit >> 3]! ^= 1 << (attack.bit & 7);
      return { ...honest, signature: bytes.toString('base64') };
    }
    case 'flip-field': {
      const others = <T>(all: readonly T[], not: T) => all.filter((x) => x !== not);
      const pick = <T>(all: readonly T[]) => all[attack.pick % all.length]!;
      if (attack.field === 'kind') return { ...honest, kind: 'propose' };
      if (attack.field === 'admin') return { ...honest, admin: pick(others(ADMINS, admin)) };
      if (attack.field === 'nonce') return { ...honest, nonce: open.nonce + 1 + (attack.pick % 5) };
      return { ...honest, [attack.field]: pick(others(LEVELS, honest[attack.field])) };
    }
    case 'wrong-key': {
      const signer = attack.otherSeed ? deriveKey(KEY_SEED + 1, admin) : key(ADMINS[attack.signer]!);
      if (!attack.otherSeed && signer.admin === admin) return null;
      return { ...honest, signature: signVote(signer, 'approve', open.nonce, open.from, open.to).signature };
    }
    case 'replay':
      return counted.length === 0 ? null : counted[attack.which % counted.length]!;
    case 'other-proposal': {
      if (attack.nonceShift === 0 && attack.to === open.to) return null;
      return signVote(key(admin), 'approve', open.nonce + attack.nonceShift, open.from, attack.to);
    }
    case 'encoding': {
      const s = honest.signature;
      const bytes = Buffer.from(s, 'base64');
      const encoded = {
        space: s + ' ',
        newline: s.slice(0, 40) + '\n' + s.slice(40),
        'no-padding': s.replace(/=+$/, ''),
        'url-safe': bytes.toString('base64url'),
        malleated: (() => {
          // S is the little-endian second half; S + L verifies under a lax verifier.
          const sBytes = Buffer.from(bytes.subarray(32)).reverse();
          const S = BigInt('0x' + sBytes.toString('hex')) + L;
          const out = Buffer.from(S.toString(16).padStart(64, '0'), 'hex').reverse();
          return Buffer.concat([bytes.subarray(0, 32), out.subarray(0, 32)]).toString('base64');
        })(),
        empty: '',
        truncated: s.slice(0, 60),
      }[attack.how];
      // url-safe equals the standard encoding when no + or / occurs: then it is the honest vote, not an attack.
      return encoded === s ? null : { ...honest, signature: encoded };
    }
    case 'wrong-type':
      // A "wrong" value equal to the honest one (nonce 1, from "severed") is no attack.
      return Object.is(honest[attack.field], attack.value) ? null : ({ ...honest, [attack.field]: attack.value } as unknown as Vote);
    case 'outsider':
      return signVote(deriveKey(KEY_SEED, 'mallory'), 'approve', open.nonce, open.from, open.to);
  }
}

describe(`fuzz: signed votes (fast-check seed ${SEED})`, () => {
  const policy = DEFAULT_POLICY;
  const keys = trustedKeys(policy, KEY_SEED);

  it(`the console refuses and logs every forged, replayed, rebound or mistyped vote and never counts it, while honest votes still reach the quorum (seed ${SEED}, ${runs(300)} runs)`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Level>('severed', 'offline', 'decapitation'),
        fc.array(fc.oneof({ weight: 3, arbitrary: attackArb.map((a) => ({ attack: a, admin: 0 })) }, { weight: 1, arbitrary: fc.constant(null) }).chain((a) => fc.tuple(fc.constant(a), fc.nat(ADMINS.length - 1))), { minLength: 1, maxLength: 25 }),
        (target, steps) => {
          const console = new ControlConsole(policy, keys);
          const view: ConsoleView = { level: 'standard', hypervisorRunning: true, now: 0 };
          const opened = console.submit(signVote(key(ADMINS[0]!), 'propose', console.challenge(), 'standard', target), view);
          assert.equal(opened.kind, 'opened');
          const open = console.proposal!;
          const counted: Vote[] = [open.votes[0]!];
          let quorum = false;
          for (const [step, who] of steps) {
            if (quorum) break;
            const admin = ADMINS[who]!;
            const before = console.proposal?.votes.length ?? 0;
            const logBefore = console.log.length;
            if (step === null) {
              // An honest approval: counted once per admin.
              const outcome = console.submit(signVote(key(admin), 'approve', open.nonce, open.from, open.to), view);
              const already = counted.some((v) => v.admin === admin);
              // The same honest vote again is byte-identical (Ed25519 is deterministic): refused as a replay or a duplicate.
              if (already) assert.ok(outcome.kind === 'refused' && (outcome.code === 'duplicate' || outcome.code === 'replayed'), `${admin} approving twice: ${JSON.stringify(outcome)}`);
              else {
                assert.ok(outcome.kind === 'counted' || outcome.kind === 'quorum', `an honest approval by ${admin} was ${JSON.stringify(outcome)}`);
                counted.push(signVote(key(admin), 'approve', open.nonce, open.from, open.to));
                quorum = outcome.kind === 'quorum';
                if (quorum) assert.deepEqual(outcome.kind === 'quorum' && outcome.certificate.votes.map((v) => v.admin), counted.map((v) => v.admin));
              }
              continue;
            }
            const vote = attackVote(step.attack, admin, open, counted);
            if (vote === null) continue;
            const context = `${JSON.stringify(step.attack)} by ${admin}: ${JSON.stringify(vote).slice(0, 300)}`;
            let outcome;
            try {
              outcome = console.submit(vote, view);
            } catch (error) {
              assert.fail(`the console threw on ${context}: ${(error as Error).message}`);
            }
            assert.equal(outcome.kind, 'refused', `${context} was ${outcome.kind}`);
            assert.equal(console.proposal?.votes.length ?? 0, before, `${context} changed the count`);
            assert.equal(console.log.length, logBefore + 1, `${context} was not logged`);
            const entry = console.log[console.log.length - 1]!;
            assert.ok(entry.outcome === 'refused' && outcome.kind === 'refused' && entry.code === outcome.code && entry.reason, `${context}: log ${JSON.stringify(entry)}`);
          }
          // Whatever the attacks did, the honest admins can still finish: the quorum is counted from honest votes only.
          for (const admin of ADMINS) {
            if (quorum) break;
            if (counted.some((v) => v.admin === admin)) continue;
            const outcome = console.submit(signVote(key(admin), 'approve', open.nonce, open.from, open.to), view);
            assert.ok(outcome.kind === 'counted' || outcome.kind === 'quorum', `after the attacks, ${admin}'s honest approval was ${JSON.stringify(outcome)}`);
            counted.push(signVote(key(admin), 'approve', open.nonce, open.from, open.to));
            if (outcome.kind === 'quorum') {
              quorum = true;
              assert.equal(outcome.certificate.votes.length, policy.quorum.escalate);
              assert.deepEqual(outcome.certificate.votes.map((v) => v.admin), counted.map((v) => v.admin));
            }
          }
          assert.ok(quorum);
        },
      ),
      { seed: SEED, numRuns: runs(300) },
    );
  });

  // Regression example the campaign found.
  it('refuses, without throwing, a certificate in which a vote carries no signature (Buffer.from(null) threw inside the level record)', () => {
    const system = new GuillotineSystem({ policy, seed: KEY_SEED, mode: 'scripted', detectorRules: [] });
    assert.ok(voteTo(system, KEY_SEED, 'severed'));
    const votes = ADMINS.slice(0, policy.quorum.deescalate).map((a, i) => signVote(key(a), i === 0 ? 'propose' : 'approve', 7, 'severed', 'probation'));
    const broken = votes.map((v, i) => (i === 0 ? ({ ...v, signature: null } as unknown as Vote) : v));
    const result = system.physical.write('probation', 'quorum', { nonce: 7, from: 'severed', to: 'probation', votes: broken });
    assert.ok(!result.ok && /4 valid distinct approvals; lowering needs 5/.test(result.reason), JSON.stringify(result));
    const console = new ControlConsole(policy, keys);
    const outcome = console.submit({ ...votes[0]!, signature: 42 } as unknown as Vote, { level: 'severed', hypervisorRunning: true, now: 0 });
    assert.ok(outcome.kind === 'refused' && outcome.code === 'forged', JSON.stringify(outcome));
  });

  it(`the level record lowers the level only for a certificate of ${policy.quorum.deescalate} valid distinct approvals of that very change, used once (seed ${SEED}, ${runs(150)} runs)`, () => {
    fc.assert(
      fc.property(attackArb, fc.nat(policy.quorum.deescalate - 1), fc.constantFrom('one vote', 'duplicate signer', 'respent'), (attack, victim, shape) => {
        const system = new GuillotineSystem({ policy, seed: KEY_SEED, mode: 'scripted', detectorRules: [] });
        assert.ok(voteTo(system, KEY_SEED, 'severed'));
        const nonce = 1_000;
        const honestVotes = ADMINS.slice(0, policy.quorum.deescalate).map((a, i) => signVote(key(a), i === 0 ? 'propose' : 'approve', nonce, 'severed', 'probation'));
        const certificate = (votes: readonly Vote[]): QuorumCertificate => ({ nonce, from: 'severed', to: 'probation', votes });
        let forged: QuorumCertificate;
        if (shape === 'duplicate signer') {
          // Four distinct signers, one of them twice: not five distinct approvals.
          forged = certificate([...honestVotes.slice(0, -1), honestVotes[victim % (honestVotes.length - 1)]!]);
        } else if (shape === 'respent') {
          // The honest certificate works once; the same one again must not lower the level a second time.
          const first = system.physical.write('probation', 'quorum', certificate(honestVotes));
          assert.ok(first.ok && first.change !== null, `the honest certificate was refused: ${JSON.stringify(first)}`);
          assert.ok(voteTo(system, KEY_SEED, 'severed'));
          forged = certificate(honestVotes);
        } else {
          const bad = attackVote(attack, honestVotes[victim]!.admin, { nonce, from: 'severed', to: 'probation' }, []);
          if (bad === null || attack.kind === 'replay') return;
          forged = certificate(honestVotes.map((v, i) => (i === victim ? bad : v)));
        }
        const context = `${shape} ${JSON.stringify(attack)}`;
        let result;
        try {
          result = system.physical.write('probation', 'quorum', forged);
        } catch (error) {
          assert.fail(`the level record threw on ${context}: ${(error as Error).message}`);
        }
        assert.ok(!result.ok && result.reason.length > 0, `${context}: ${JSON.stringify(result)}`);
        assert.equal(system.level, 'severed', context);
        // The honest certificate of a fresh proposal still lowers it.
        const fresh = ADMINS.slice(0, policy.quorum.deescalate).map((a, i) => signVote(key(a), i === 0 ? 'propose' : 'approve', nonce + 1, 'severed', 'probation'));
        const honest = system.physical.write('probation', 'quorum', { nonce: nonce + 1, from: 'severed', to: 'probation', votes: fresh });
        assert.ok(honest.ok, `${context}: the honest certificate after it was refused: ${JSON.stringify(honest)}`);
        assert.equal(system.level as Level, 'probation', context);
      }),
      { seed: SEED, numRuns: runs(150) },
    );
  });
});
