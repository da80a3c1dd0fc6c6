/**
 * The two sides the exactness tests compare, for one machine at one assignment of the knobs: the
 * count system explored in JavaScript (`proofs/protocol/explore.ts`), and the checker — its
 * symmetry-reduced reachable states, walked through the generated checker's public pieces
 * (`compileChecker`'s initial state, `expand` and `decode`, the very functions `checkPolicy` runs), and
 * its verdicts from `checkPolicy` itself.
 *
 * Count systems are built once per machine and shared by the test files (building one reads every
 * rule of the statechart symbolically: a fifth of a second).
 */
import { DEFAULT_POLICY, type Policy } from '../../../spec/policy.ts';
import { correctMachine, mutatedMachine, specMutant, type MachineUnderCheck } from '../../../machines/mutants.ts';
import type { CheckState } from '../../../properties/history.ts';
import type { PropertyId } from '../../../properties/property.ts';
import { checkedModel } from '../../../checker/checkedModel.ts';
import { compileChecker } from '../../../checker/compiled/compiledChecker.ts';
import { checkPolicy } from '../../../checker/index.ts';
import { countSystem } from '../../../proofs/protocol/countSystem.ts';
import { compileCountSystem, exploreCounts, type CompiledCountSystem, type CountExploration, type KnobValues } from '../../../proofs/protocol/explore.ts';
import { countStateOf } from '../../../proofs/protocol/project.ts';
import { abstractCounterexample, policyForKnobs } from '../../../proofs/protocol/concretize.ts';

const systems = new Map<string, CompiledCountSystem>();

/** The machine a test means by a name: the correct one, or a spec mutant (under its `shownUnder` policy if it has one), on the default policy's fixed parameters. */
export function machineNamed(mutant?: string): MachineUnderCheck {
  if (mutant === undefined) return correctMachine(DEFAULT_POLICY);
  const m = specMutant(mutant);
  if (m === undefined) throw new Error(`no spec mutant ${mutant}`);
  return mutatedMachine(m.shownUnder === undefined ? DEFAULT_POLICY : m.shownUnder.policy(DEFAULT_POLICY), m);
}

/** The compiled count system of a machine by name (built once per run). */
export function compiledCounts(mutant?: string): CompiledCountSystem {
  const key = mutant ?? '';
  let c = systems.get(key);
  if (c === undefined) systems.set(key, (c = compileCountSystem(countSystem(machineNamed(mutant)))));
  return c;
}

/** The concrete policy of the knobs, on the machine's fixed parameters. */
export function policyOf(c: CompiledCountSystem, knobs: KnobValues): Policy {
  const made = policyForKnobs(c.system.machine.policy, knobs);
  if (!made.ok) throw new Error(made.message);
  return made.policy;
}

/** Every state the checker's symmetry-reduced search reaches, as the representatives it stores, in breadth-first order. */
export function checkerStates(policy: Policy, mutant?: string): CheckState[] {
  const checker = compileChecker(checkedModel({ policy, engine: 'compiled', symmetry: true, mutant }), true);
  const width = checker.width;
  const seen = new Set<string>();
  const rows: Uint32Array[] = [];
  const add = (words: Uint32Array, at: number) => {
    const row = words.slice(at, at + width);
    const key = row.join(',');
    if (seen.has(key)) return;
    seen.add(key);
    rows.push(row);
  };
  add(checker.initial(), 0);
  const out = checker.recordBuffer();
  for (let i = 0; i < rows.length; i++) {
    const written = checker.expand(rows[i]!, 0, out, 0);
    for (let o = 0; o < written; o += width + 2) add(out, o + 2);
  }
  return rows.map((row) => checker.decode(row, 0));
}

/** What the comparison at one assignment of the knobs found. */
export interface Comparison {
  readonly policy: Policy;
  readonly exploration: CountExploration;
  /** Every way the two sides differ, in words (empty when they agree state for state and verdict for verdict). */
  readonly differences: readonly string[];
  /** The properties the count system judges that the checker refutes. */
  readonly refuted: readonly PropertyId[];
}

const key = (s: ArrayLike<number>) => Array.from(s).join(',');

/**
 * Compares the count system's reachable states with the checker's projected to counts (as sets,
 * and the projection one to one), and each property the count system judges (its transition and
 * state properties, and no-deadlock): refuted by one exactly when by the other, with
 * counterexamples of the same length (both searches are breadth first, so both are shortest).
 */
export function compareAt(c: CompiledCountSystem, knobs: KnobValues, mutant?: string): Comparison {
  const policy = policyOf(c, knobs);
  const exploration = exploreCounts(c, knobs);
  const differences: string[] = [];
  if (!exploration.complete) differences.push('the count system was not explored to the end');
  const abstract = new Set(exploration.states.map(key));
  const concrete = checkerStates(policy, mutant);
  const projected = new Set(concrete.map((s) => key(countStateOf(c.system.signature, policy, s))));
  if (projected.size !== concrete.length) differences.push(`${concrete.length} checker states project to only ${projected.size} count states`);
  const missing = [...projected].filter((s) => !abstract.has(s));
  const extra = [...abstract].filter((s) => !projected.has(s));
  if (missing.length > 0) differences.push(`${missing.length} checker states are no count state, e.g. [${missing[0]}]`);
  if (extra.length > 0) differences.push(`${extra.length} count states are no checker state, e.g. [${extra[0]}]`);

  const judged: PropertyId[] = [...c.properties, 'no-deadlock'];
  const report = checkPolicy(policy, { findings: false, mutant, properties: judged });
  if (report.states !== concrete.length) differences.push(`checkPolicy explored ${report.states} states, the walk of its generated code ${concrete.length}`);
  const refuted: PropertyId[] = [];
  for (const id of judged) {
    const path = abstractCounterexample(exploration, id);
    const checked = report.properties.find((p) => p.id === id)!;
    if (checked.status === 'fail') refuted.push(id);
    if ((path !== undefined) !== (checked.status === 'fail')) differences.push(`${id}: the count system ${path === undefined ? 'finds no violation' : 'refutes it'}, the checker says ${checked.status}`);
    else if (path !== undefined && checked.trace!.events.length !== path.length) differences.push(`${id}: the count system's shortest counterexample has ${path.length} steps, the checker's ${checked.trace!.events.length}`);
  }
  return { policy, exploration, differences, refuted };
}
