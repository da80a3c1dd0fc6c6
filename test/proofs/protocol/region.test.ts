import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FULL_REGION, inRegion, knobsUpTo, MAX_STEP, regionProblem, regionTerm, regionWords, type ProtocolRegion } from '../../../proofs/protocol/region.ts';
import { evaluate, TermBank } from '../../../proofs/protocol/term.ts';
import { KNOBS } from '../../../proofs/protocol/termOps.ts';
import { readSmt, readTerm } from '../../../proofs/protocol/readable.ts';
import { countSystem } from '../../../proofs/protocol/countSystem.ts';
import { correctMachine } from '../../../machines/mutants.ts';
import { DEFAULT_POLICY } from '../../../spec/policy.ts';
import { SEED } from '../../seed.ts';

const interval = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined })).map(([min, span]) => (span === undefined ? { min } : { min, max: min + span }));
const region = fc.record({ admins: interval, escalate: interval, deescalate: interval, missLimit: interval, maxStep: fc.integer({ min: 1, max: MAX_STEP }).chain((min) => fc.integer({ min, max: MAX_STEP }).map((max) => ({ min, max }))) }) as fc.Arbitrary<ProtocolRegion>;
const knobs = fc.record({ admins: fc.integer({ min: 1, max: 9 }), escalate: fc.integer({ min: 1, max: 9 }), deescalate: fc.integer({ min: 1, max: 9 }), missLimit: fc.integer({ min: 1, max: 9 }), maxStep: fc.integer({ min: 1, max: MAX_STEP }) });

describe('proofs/protocol: the parameter region', () => {
  it('says the full region in words a reviewer reads', () => {
    assert.equal(regionWords(FULL_REGION), 'admins ≥ 1, 1 ≤ escalate ≤ admins, 1 ≤ deescalate ≤ admins, missLimit ≥ 1, 1 ≤ maxStep ≤ 5');
    assert.equal(regionWords({ ...FULL_REGION, admins: { min: 3, max: 9 }, deescalate: { min: 2, max: 4 }, maxStep: { min: 1, max: 1 } }), '3 ≤ admins ≤ 9, 1 ≤ escalate ≤ admins, 2 ≤ deescalate ≤ min(4, admins), missLimit ≥ 1, maxStep = 1');
  });

  it(`the region as a term holds exactly for the knob values the region holds (fast-check seed ${SEED})`, () => {
    const bank = new TermBank();
    const vars = KNOBS.map((k) => bank.variable(k, 'int'));
    fc.assert(
      fc.property(region, knobs, (r, k) => {
        const term = regionTerm(bank, vars, r);
        assert.equal(evaluate(term, (name) => k[name as keyof typeof k]), inRegion(r, k));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it(`enumerates the region smallest policy first, every one in it, none twice, none outside (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(region, fc.integer({ min: 1, max: 5 }), (r, maxAdmins) => {
        const listed = knobsUpTo(r, maxAdmins, 3);
        const key = (k: (typeof listed)[number]) => KNOBS.map((n) => k[n]);
        for (let i = 1; i < listed.length; i++) {
          const [a, b] = [key(listed[i - 1]!), key(listed[i]!)];
          const j = a.findIndex((x, at) => x !== b[at]);
          assert.ok(j >= 0 && a[j]! < b[j]!, `${a} before ${b}`);
        }
        for (const k of listed) assert.ok(inRegion(r, k) && k.admins <= maxAdmins);
        // Every policy of the region within the bounds is listed.
        let expected = 0;
        for (let n = 1; n <= maxAdmins; n++) for (let e = 1; e <= n; e++) for (let d = 1; d <= n; d++) for (let m = 1; m <= Math.max(3, r.missLimit.min); m++) for (let s = 1; s <= MAX_STEP; s++) if (inRegion(r, { admins: n, escalate: e, deescalate: d, missLimit: m, maxStep: s })) expected++;
        assert.equal(listed.length, expected);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('names the bound that empties a region, and finds none in a region with a policy in it', () => {
    assert.equal(regionProblem(FULL_REGION), undefined);
    assert.match(regionProblem({ ...FULL_REGION, admins: { min: 4, max: 2 } })!, /^admins: the interval 4\.\.2 is empty/);
    assert.match(regionProblem({ ...FULL_REGION, admins: { min: 1, max: 2 }, escalate: { min: 3 } })!, /^escalate: a quorum of at least 3 exceeds every number of admins in 1\.\.2/);
    assert.match(regionProblem({ ...FULL_REGION, missLimit: { min: 0 } })!, /^missLimit: the least value is 0/);
    fc.assert(
      fc.property(region, (r) => {
        const some = knobsUpTo(r, r.admins.max ?? r.admins.min + 6, 3).length > 0;
        assert.equal(regionProblem(r) === undefined, some);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('proofs/protocol: invariants in the protocol words', () => {
  const sys = countSystem(correctMachine(DEFAULT_POLICY));
  const vocabulary = new Map(sys.signature.vars.map((v) => [v.name, v]));
  const at = (name: string) => sys.vars[sys.signature.vars.findIndex((v) => v.name === name)]!;

  it('reads a lemma with the variable first, levels and region states by name, implications as arrows', () => {
    const b = sys.bank;
    assert.equal(readTerm(b.le(b.int(0), at('approved_only')), vocabulary), 'approved_only ≥ 0');
    assert.equal(readTerm(b.or(b.not(b.eq(at('proposal'), b.int(1))), b.eq(at('isolation'), at('proposal_from'))), vocabulary), 'proposal = "open" → isolation = proposal_from');
    assert.equal(readTerm(b.eq(at('isolation'), b.int(3)), vocabulary), 'isolation = offline');
  });

  it("reads Spacer's model with its let bindings put back, one conjunct per line, never an x!N", () => {
    const model = '(let ((a!1 (not (>= (+ reboot_floor (* (- 1) isolation)) 1)))) (and (or (not (<= reboot_floor 5)) a!1) (>= isolation 0)))';
    assert.deepEqual(readSmt(model, vocabulary), ['reboot_floor ≤ immolation → reboot_floor − isolation < 1', 'isolation ≥ standard']);
    assert.deepEqual(readSmt('(not (= proposal 1))', vocabulary), ['proposal ≠ "open"']);
    assert.deepEqual(readSmt('(oops', vocabulary), ['(oops'], 'text that does not parse is shown as it is');
  });
});
