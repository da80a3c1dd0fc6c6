/**
 * The generated checker is the reference model, compiled: on every reachable state of random
 * policies and random spec mutants it accepts the same events, in the same order, with the same
 * successors and the same property flags as the reference engine's model; and `guillotine check`
 * gives the same report with either engine (timings aside), for the shipped fixture policies and
 * every spec mutant. The whole matrix (every fixture and mutant, with and without symmetry) is a
 * campaign of its own: `npm run equivalence`.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { LEVELS } from '../../../spec/levels.ts';
import { DEFAULT_POLICY, parsePolicy, type Policy } from '../../../spec/policy.ts';
import { encodeEvent } from '../../../spec/events.ts';
import { SPEC_MUTANTS, mutatedMachine } from '../../../machines/mutants.ts';
import { transitionVerdict, stateVerdict } from '../../../properties/judge.ts';
import { checkedModel } from '../../../checker/checkedModel.ts';
import { compileChecker } from '../../../checker/compiled/compiledChecker.ts';
import { checkPolicy, type CheckOptions } from '../../../checker/index.ts';
import { loadPolicyFile } from '../../../spec/loadPolicy.ts';
import { SEED } from '../../seed.ts';

/** `npm run equivalence` sets it: every fixture and every mutant, with and without symmetry (minutes). */
const FULL = process.env.GUILLOTINE_FULL_EQUIVALENCE === '1';
const FIXTURES = 'test/fixtures/policies';

/** The fixture policies that load (the `bad/` ones are refused by design). */
function shippedPolicies(): { name: string; policy: Policy; admins: number }[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((name) => {
      const loaded = loadPolicyFile(join(FIXTURES, name));
      return loaded.ok ? [{ name, policy: loaded.policy, admins: loaded.policy.admins.length }] : [];
    });
}

/** Where the two engines' `check --json` reports differ (timings aside), or undefined. */
function reportsDiffer(options: Omit<CheckOptions, 'engine'> & { readonly policy: Policy }): string | undefined {
  const { policy, ...rest } = options;
  const bytes = (engine: 'compiled' | 'reference') => JSON.stringify({ ...checkPolicy(policy, { ...rest, engine, findings: false }), seconds: 0, engine: '' }, null, 1).split('\n');
  const compiled = bytes('compiled');
  const reference = bytes('reference');
  const line = compiled.findIndex((l, i) => l !== reference[i]);
  if (line < 0 && compiled.length === reference.length) return undefined;
  return `report line ${line + 1}: compiled ${compiled[line] ?? '(end)'}, reference ${reference[line] ?? '(end)'}`;
}

/** A policy within §6, small enough to explore in a moment: 1 to 3 admins, a miss limit of at most 3 (the law is checked on the first 2,500 states of each). */
const smallPolicy: fc.Arbitrary<Policy> = fc.integer({ min: 1, max: 3 }).chain((n) =>
  fc
    .record({
      escalate: fc.integer({ min: 1, max: n }),
      deescalate: fc.integer({ min: 1, max: n }),
      onTimeout: fc.constantFrom('restrictive', 'unchanged'),
      maxStep: fc.integer({ min: 1, max: LEVELS.length - 1 }),
      irreversible: fc.subarray([...LEVELS]),
      missLimit: fc.integer({ min: 1, max: 3 }),
      detector: fc.constantFrom(...LEVELS),
      reboot: fc.constantFrom(...LEVELS),
      actuatorCap: fc.constantFrom(...LEVELS),
    })
    .map((r) => {
      const parsed = parsePolicy({
        admins: Array.from({ length: n }, (_, i) => ({ id: `a${i + 1}` })),
        quorum: { escalate: r.escalate, deescalate: r.deescalate, onTimeout: r.onTimeout },
        deescalation: { maxStep: r.maxStep },
        irreversible: r.irreversible,
        heartbeat: { missLimit: r.missLimit },
        detector: { maxLevel: r.detector },
        faults: { rebootLevel: r.reboot },
        actuators: { escalateOnFailureUpTo: r.actuatorCap },
      });
      if (!parsed.ok) throw new Error(`the generator wrote a bad policy: ${JSON.stringify(parsed.problems)}`);
      return parsed.policy;
    }),
);

/** The correct machine, or one of the catalogue's mutants (by index; -1 is the correct one). */
const machineIndex = fc.integer({ min: -1, max: SPEC_MUTANTS.length - 1 });

describe(`checker/compiled: the generated code is the reference model, compiled (fast-check seed ${SEED})`, () => {
  it('accepts the same events with the same successors and property flags in every reachable state of random policies and mutants', () => {
    fc.assert(
      fc.property(smallPolicy, machineIndex, (written, m) => {
        const mutant = m < 0 ? undefined : SPEC_MUTANTS[m]!;
        const machine = mutant === undefined ? undefined : mutatedMachine(written, mutant);
        const checked = checkedModel({ policy: machine?.policy ?? written, engine: 'reference', symmetry: false }, machine?.rules);
        const { policy, explored: model, properties } = checked;
        const compiled = compileChecker(checked, false);
        const codec = model.codec;
        const want = -1 >>> 0;
        const record = compiled.width + 2;
        const out = compiled.recordBuffer();
        const words = new Uint32Array(codec.width);
        const transitionChecks = properties.flatMap((p) => (p.check.on === 'transition' ? [{ p, check: p.check }] : []));
        const stateChecks = properties.flatMap((p) => (p.check.on === 'state' ? [{ p, check: p.check }] : []));
        const seen = new Set<string>();
        const queue = [...model.initialStates()];
        for (const s of queue) {
          codec.encode(s, words, 0);
          seen.add(words.join(','));
        }
        for (let i = 0; i < queue.length && i < 2500; i++) {
          const state = queue[i]!;
          codec.encode(state, words, 0);
          // The state properties: a bit per broken one, in the generated checker's numbering.
          const stateFlags = compiled.judgeState(words, 0, want);
          compiled.stateItems.forEach((item, bit) => {
            if (item.kind !== 'always') return;
            const check = stateChecks.find((c) => c.p.id === item.property)!.check;
            assert.equal((stateFlags & (1 << bit)) !== 0, stateVerdict(check, state, policy) !== true, `${item.property} in state ${i}`);
          });
          // Every action the reference accepts, in order, and nothing else.
          const expected = model.actions(state).flatMap((event) => {
            const next = model.next(state, event);
            return next === undefined ? [] : [{ event, next }];
          });
          const used = compiled.expand(words, 0, out, want);
          assert.equal(used / record, expected.length, `state ${i}: ${used / record} accepted events, the reference accepts ${expected.length}`);
          expected.forEach(({ event, next }, k) => {
            const at = k * record;
            assert.equal(encodeEvent(compiled.eventOf(out[at]!, words, 0)), encodeEvent(event), `state ${i}, event ${k}`);
            const successor = new Uint32Array(codec.width);
            codec.encode(next, successor, 0);
            assert.deepEqual([...out.subarray(at + 2, at + 2 + compiled.width)], [...successor], `state ${i}, successor by ${encodeEvent(event)}`);
            const flags = out[at + 1]!;
            compiled.transitionItems.forEach((item, bit) => {
              if (item.kind !== 'always') return;
              const check = transitionChecks.find((c) => c.p.id === item.property)!.check;
              const broken = transitionVerdict(check, { policy, before: state, event, after: next }) !== true;
              assert.equal((flags & (1 << bit)) !== 0, broken, `${item.property} on ${encodeEvent(event)} from state ${i}`);
            });
            const key = successor.join(',');
            if (!seen.has(key)) {
              seen.add(key);
              queue.push(next);
            }
          });
        }
      }),
      { seed: SEED, numRuns: FULL ? 200 : 15 },
    );
  });

  it('gives the same report with either engine for every shipped fixture policy, with symmetry and (up to 5 admins, or all with npm run equivalence) without', () => {
    for (const { name, policy, admins } of shippedPolicies()) {
      for (const symmetry of FULL || admins <= 5 ? [true, false] : [true]) {
        const differs = reportsDiffer({ policy, symmetry });
        assert.equal(differs, undefined, `${name}, symmetry ${symmetry ? 'on' : 'off'}: ${differs}`);
      }
    }
  });

  it('gives the same report with either engine for every spec mutant, under symmetry (and without, with npm run equivalence)', () => {
    for (const mutant of SPEC_MUTANTS) {
      for (const symmetry of FULL ? [true, false] : [true]) {
        const differs = reportsDiffer({ policy: DEFAULT_POLICY, symmetry, mutant: mutant.name });
        assert.equal(differs, undefined, `${mutant.name}, symmetry ${symmetry ? 'on' : 'off'}: ${differs}`);
      }
    }
  });
});
