import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concreteOps, type BitVecOps, type Z3BitVec, type Z3Bool } from '../../../proofs/bitvector.ts';
import { z3Session, type Z3Session } from '../../../proofs/z3.ts';
import { DEFAULT_LAYOUT } from '../../../proofs/layout.ts';
import { descriptorInBounds, naiveDescriptorInBounds } from '../../../proofs/checks/descriptorBounds.ts';
import { decodeRegion, modelMayAccess } from '../../../proofs/checks/addressMap.ts';
import { isRingSize, producerIndexValid, readableCount, slotIndex } from '../../../proofs/checks/ringIndex.ts';
import {
  executableLeaf,
  framesAtLevel,
  isExecutableLeaf,
  isLeaf,
  isPointer,
  leafMapsFrame,
  pointerEntry,
  pteInvariant,
  validatePteWrite,
  PTE_RULES,
  type PteRule,
} from '../../../proofs/checks/validatePteWrite.ts';
import { BYTE_POINTS, FRAME_POINTS, SEED, bits, pte } from './arbitraries.ts';

/**
 * One definition, two interpretations: every check evaluated on concrete `bigint`s and on Z3 terms
 * built from the same constants (then simplified to a value) must give the same answer.
 */
type Value = bigint | boolean;

async function z3Value(z: Z3Session, term: Z3BitVec | Z3Bool): Promise<Value> {
  const simplified = await z.ctx.simplify(term);
  if (z.ctx.isBitVecVal(simplified)) return simplified.value();
  if (z.ctx.isTrue(simplified)) return true;
  if (z.ctx.isFalse(simplified)) return false;
  throw new Error(`Z3 did not reduce the term to a constant: ${simplified.sexpr()}`);
}

/** Inputs of a check: bit-vectors with their widths, and truth values. */
interface Inputs {
  readonly bvs: readonly (readonly [width: number, value: bigint])[];
  readonly bools?: readonly boolean[];
}

/** A check applied to its inputs under some interpretation. */
type Applied = <BV, B>(ops: BitVecOps<BV, B>, bvs: readonly BV[], bools: readonly B[]) => BV | B;

/** Runs `check` under both interpretations on the same inputs and returns both results. */
async function bothWays(z: Z3Session, inputs: Inputs, check: Applied): Promise<[Value, Value]> {
  const concrete = check(concreteOps, inputs.bvs.map(([, v]) => v), inputs.bools ?? []);
  const symbolic = check(z.ops, inputs.bvs.map(([w, v]) => z.ops.bv(w, v)), (inputs.bools ?? []).map((b) => z.ops.bool(b)));
  return [concrete, await z3Value(z, symbolic)];
}

const RUNS = 150;

describe(`proofs/checks: concrete and Z3 interpretations agree (fast-check seed ${SEED})`, () => {
  let z: Z3Session;
  before(async () => {
    z = await z3Session();
  });

  async function agree(widths: readonly number[], arbitrary: fc.Arbitrary<bigint[]>, check: Applied): Promise<void> {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (values) => {
        const [concrete, symbolic] = await bothWays(z, { bvs: values.map((v, i) => [widths[i]!, v] as const) }, check);
        assert.equal(symbolic, concrete, `inputs ${values.map((v) => '0x' + v.toString(16)).join(', ')}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }

  it('descriptorInBounds and its naive control', async () => {
    // The payload area's real size, ±1, and an offset + length that lands exactly on it or wraps to it.
    const size = DEFAULT_LAYOUT.payloadArea.bytes;
    const points = [1n << 20n, size, (1n << 64n) - size, (1n << 64n) - 1n - size];
    const arb = fc.tuple(bits(64, points), bits(64, points), bits(64, points));
    await agree([64, 64, 64], arb, (ops, [o, l, s]) => descriptorInBounds(ops, o!, l!, s!));
    await agree([64, 64, 64], arb, (ops, [o, l, s]) => naiveDescriptorInBounds(ops, o!, l!, s!));
  });

  it('modelMayAccess and decodeRegion over the default layout', async () => {
    const address = fc.oneof(bits(64, BYTE_POINTS), bits(64, BYTE_POINTS).map((a) => a | (1n << 60n)));
    await agree([64, 64], fc.tuple(address, bits(64, [1n, 8n, 64n, 4096n])), (ops, [a, n]) => modelMayAccess(ops, DEFAULT_LAYOUT, a!, n!));
    await agree([64], fc.tuple(address), (ops, [a]) => decodeRegion(ops, DEFAULT_LAYOUT, a!));
  });

  for (const width of [32, 64] as const) {
    it(`ring index arithmetic at ${width} bits`, async () => {
      const size = fc.oneof(fc.integer({ min: 0, max: width - 1 }).map((k) => 1n << BigInt(k)), bits(width));
      const arb = fc.tuple(bits(width), bits(width), size);
      await agree([width, width, width], arb, (ops, [h, t, s]) => producerIndexValid(ops, width, h!, t!, s!));
      await agree([width, width, width], arb, (ops, [h, t]) => readableCount(ops, width, h!, t!));
      await agree([width, width, width], arb, (ops, [h, , s]) => slotIndex(ops, width, h!, s!));
      await agree([width, width, width], arb, (ops, [, , s]) => isRingSize(ops, width, s!));
    });
  }

  it('Sv39 entry kinds, the boot-time entry constructors and the frames a leaf maps', async () => {
    const level = fc.constantFrom(0n, 1n, 2n, 3n);
    const arb = fc.tuple(level, pte, bits(64, FRAME_POINTS));
    const widths = [2, 64, 64];
    await agree(widths, arb, (ops, [l, p, f]) => leafMapsFrame(ops, l!, p!, f!));
    await agree(widths, arb, (ops, [l]) => framesAtLevel(ops, l!));
    await agree(widths, arb, (ops, [, p]) => ops.and(isLeaf(ops, p!), ops.not(isPointer(ops, p!)), isExecutableLeaf(ops, p!)));
    await agree(widths, arb, (ops, [, p]) => ops.or(isPointer(ops, p!), isLeaf(ops, p!)));
    await agree(widths, arb, (ops, [, , f]) => executableLeaf(ops, f!));
    await agree(widths, arb, (ops, [, , f]) => pointerEntry(ops, f!));
  });

  it('validatePteWrite (with and without each rule) and pteInvariant', async () => {
    const level = fc.constantFrom(0n, 1n, 2n, 3n);
    const arb = fc.tuple(level, pte, pte, fc.boolean(), fc.constantFrom<PteRule | undefined>(undefined, ...PTE_RULES));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ([l, oldPte, newPte, fresh, omitted]) => {
        const omit = new Set<PteRule>(omitted === undefined ? [] : [omitted]);
        const write = { bvs: [[2, l], [64, oldPte], [64, newPte]] as const, bools: [fresh] };
        const [c, s] = await bothWays(z, write, (ops, [lv, o, n], [f]) => validatePteWrite(ops, DEFAULT_LAYOUT, { level: lv!, oldPte: o!, newPte: n!, freshTable: f! }, omit));
        assert.equal(s, c, `level ${l}, old 0x${oldPte.toString(16)}, new 0x${newPte.toString(16)}, fresh ${fresh}, omitting ${omitted ?? 'nothing'}`);
        accepted += c === true ? 1 : 0;
        const [ci, si] = await bothWays(z, { bvs: [[2, l], [64, newPte]] }, (ops, [lv, n]) => pteInvariant(ops, DEFAULT_LAYOUT, lv!, n!));
        assert.equal(si, ci);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Agreement on "always rejected" would prove little: the generator must reach accepted writes.
    assert.ok(accepted >= RUNS / 20, `only ${accepted} of ${RUNS} generated writes were accepted`);
  });

  it('omitting a rule lets through a write that only that rule rejects, under both interpretations', async () => {
    // A negative control is worth something only if switching its rule off really weakens the
    // validator; an omitted rule that rejected everything would make every control vacuously "hold".
    const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, A = 64n;
    const entry = (frame: bigint, flags: bigint) => (frame << 10n) | flags;
    const { executable, modelDram, pageTables, hypervisorDram } = DEFAULT_LAYOUT;
    const plain = modelDram.base + (modelDram.bound - modelDram.base) / 2n; // model DRAM, far from code
    assert.ok(plain >= executable.bound);
    const codeLeaf = entry(executable.base, V | R | X | U | A);
    const megapageBelowCode = executable.base & ~511n; // 2 MiB aligned, its first frame before the code
    assert.ok(megapageBelowCode < executable.base && megapageBelowCode + 512n > executable.base);
    const witnesses: Record<PteRule, { level: bigint; oldPte: bigint; newPte: bigint; fresh: boolean }> = {
      'executable-entry-immutable': { level: 0n, oldPte: codeLeaf, newPte: 0n, fresh: false },
      'pointer-immutable': { level: 1n, oldPte: entry(pageTables.base, V), newPte: 0n, fresh: false },
      'no-new-executable': { level: 0n, oldPte: 0n, newPte: codeLeaf, fresh: false },
      'well-formed-encoding': { level: 0n, oldPte: 0n, newPte: (1n << 54n) | entry(plain, V | R | W | U | A), fresh: false },
      'frames-in-model-memory': { level: 0n, oldPte: 0n, newPte: entry(hypervisorDram.base, V | R | W | U | A), fresh: false },
      'no-writable-executable-alias': { level: 0n, oldPte: 0n, newPte: entry(executable.base, V | R | W | U | A), fresh: false },
      'superpage-extent': { level: 1n, oldPte: 0n, newPte: entry(megapageBelowCode, V | R | W | U | A), fresh: false },
      'fresh-table-pointer': { level: 1n, oldPte: 0n, newPte: entry(pageTables.base, V), fresh: false },
    };
    for (const rule of PTE_RULES) {
      const { level, oldPte, newPte, fresh } = witnesses[rule];
      const write = { bvs: [[2, level], [64, oldPte], [64, newPte]] as const, bools: [fresh] };
      for (const omit of [new Set<PteRule>(), new Set<PteRule>([rule])]) {
        const [c, s] = await bothWays(z, write, (ops, [lv, o, n], [f]) => validatePteWrite(ops, DEFAULT_LAYOUT, { level: lv!, oldPte: o!, newPte: n!, freshTable: f! }, omit));
        assert.deepEqual([c, s], [omit.size > 0, omit.size > 0], `${rule}: ${omit.size > 0 ? 'omitted, the write must be accepted' : 'the full validator must reject the write'}`);
      }
    }
  });
});
