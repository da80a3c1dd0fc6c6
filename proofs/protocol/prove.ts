/**
 * The protocol's safety properties proved for every number of admins: the count abstraction of the
 * machine (`countSystem.ts`, read from the rules' one definition) with the number of admins, the
 * quorums, the miss limit and the step as symbols, over a region of those parameters.
 *
 * 1. Candidate lemmas are mined from small policies explored concretely (`candidates.ts`), and
 *    Houdini keeps the largest subset that is inductive for every knob value of the region
 *    (`houdini.ts`): a conjunction that holds initially and is preserved by every step.
 * 2. Per property, each way it can fail (one path of one event's step, a state condition, no event
 *    enabled) is asked separately against that invariant, with a short timeout: when every one is
 *    impossible, the property is proved, and the lemmas Z3's unsat cores used are what it rests on.
 * 3. Otherwise Spacer gets the property's Horn problem (`smtlib.ts`), strengthened by the Houdini
 *    lemmas, in a worker of its own (`spacer.ts`): `sat` proves the property, with Spacer's invariant.
 * 4. When neither proves it, the region is searched concretely, smallest policy first (`refute.ts`):
 *    a violation refutes the property with the smallest knobs and a shortest abstract path; none
 *    found, it is unknown — a timeout or an abandoned query is never a proof.
 */
import { join } from 'node:path';
import type { Context } from 'z3-solver';
import type { MachineUnderCheck } from '../../machines/mutants.ts';
import { PROPERTIES } from '../../properties/index.ts';
import type { GuillotineProperty, PropertyId } from '../../properties/property.ts';
import { writeFilesAtomically, WriteFailed } from '../../spec/atomicWrite.ts';
import type { Policy } from '../../spec/policy.ts';
import { concretize } from './concretize.ts';
import { fileErrorWords, makeDirectory } from '../../spec/fileError.ts';
import { abandonZ3, z3Session, z3Usable } from '../z3.ts';
import { mineCandidates, sampleKnobs } from './candidates.ts';
import { countSystem, type CountSystem } from './countSystem.ts';
import { compileCountSystem, type KnobValues } from './explore.ts';
import { houdini, type HoudiniOutcome } from './houdini.ts';
import { pathCondition, pathsOf } from './paths.ts';
import { readSmt, readTerm, type Vocabulary } from './readable.ts';
import { searchCounterexample, type AbstractStepWords, type SearchOutcome } from './refute.ts';
import { FULL_REGION, inRegion, regionProblem, regionTerm, regionWords, type ProtocolRegion } from './region.ts';
import { checkWithin } from './solve.ts';
import { SolverAbandoned } from '../discharge.ts';
import { hornProblem } from './smtlib.ts';
import { runSpacer } from './spacer.ts';
import { isConst, type Term } from './term.ts';
import { Z3Terms } from './z3Terms.ts';
import { collectZ3Garbage } from './z3Garbage.ts';

type Ctx = Context<'main'>;

/** A protocol property's verdict for every policy of the region. */
export type ProtocolVerdict =
  | {
      readonly property: PropertyId;
      readonly verdict: 'proved';
      /** `houdini`: follows from the Houdini invariant; `spacer`: Spacer found an invariant (with the Houdini lemmas). */
      readonly method: 'houdini' | 'spacer';
      /**
       * What the proof rests on, in the protocol's words: for `houdini`, the lemmas of the inductive
       * invariant that Z3's unsat cores used (empty when the property holds on every step whatever
       * the state); for `spacer`, Spacer's invariant (to be read with the Houdini lemmas).
       */
      readonly invariant: readonly string[];
      readonly seconds: number;
    }
  | {
      readonly property: PropertyId;
      readonly verdict: 'refuted';
      /** The smallest knobs (admins, then quorums, miss limit, step) for which the property fails. */
      readonly knobs: KnobValues;
      /** The initial state there, in words. */
      readonly initial: Readonly<Record<string, string>>;
      /** A shortest path there in the abstract alphabet (voters by class); empty when the initial state fails. */
      readonly abstractPath: readonly AbstractStepWords[];
      /**
       * The same counterexample made concrete (`concretize.ts`): the policy of those knobs (admins
       * a1…aN), the events' replay handle, and the property's own sentence of the violation, as the
       * reference engine replayed and judged it — what `guillotine replay --path` and `check` at that
       * policy confirm.
       */
      readonly replay: { readonly policy: Policy; readonly handle: string; readonly reason: string };
      readonly seconds: number;
    }
  | { readonly property: PropertyId; readonly verdict: 'unknown'; readonly reason: string; readonly seconds: number };

/** The inductive invariant Houdini found, shared by every property's proof. */
export interface HoudiniSummary {
  readonly status: 'inductive' | 'unknown';
  readonly candidates: number;
  /** The lemmas, in words; together they hold initially and are preserved by every step. */
  readonly lemmas: readonly string[];
  readonly queries: number;
  readonly seconds: number;
  readonly reason?: string;
}

export interface ProtocolProofReport {
  readonly region: { readonly words: string; readonly bounds: ProtocolRegion };
  readonly houdini: HoudiniSummary;
  readonly properties: readonly ProtocolVerdict[];
}

export interface ProtocolProofOptions {
  /** The parameter region (default: every policy the schema allows). */
  readonly region?: ProtocolRegion;
  /** Only these properties (default: every safety property of `PROPERTIES`). */
  readonly only?: readonly PropertyId[];
  /** Z3's timeout per query (Houdini's and Spacer's), in milliseconds (default 60 s). */
  readonly timeoutMs?: number;
  /** Write each property's Horn problem as `DIR/<property>.smt2`, with `manifest.json`. */
  readonly emitSmt2?: string;
  /** Bounds of the concrete search for a counterexample. */
  /**
   * Which candidate lemmas to mine: `conditional` (the default) adds each shape under one condition
   * (`proposal_open → …`), so Houdini alone proves more; `plain` mines only the unconditional shapes,
   * fewer and faster, and leaves more to Spacer; `none` runs no Houdini: each property goes to the
   * search of small policies and then to Spacer alone (the quickest way to refute a design bug).
   */
  readonly candidates?: 'conditional' | 'plain' | 'none';
  readonly search?: { readonly maxAdmins?: number; readonly maxMissLimit?: number; readonly maxStates?: number };
  readonly progress?: (line: string) => void;
}

export const DEFAULT_PROTOCOL_TIMEOUT_MS = 60_000;

/** The short search for a counterexample before Spacer: policies of at most this many admins, for at most this long. */
const QUICK_ADMINS = 3;
const QUICK_SEARCH_MS = 5_000;

/** How long one failure's direct check against the Houdini invariant may take before Spacer gets it. */
const DIRECT_TIMEOUT_MS = 3_000;

/** The Z3 objects of proofs whose last query was abandoned and may still run: never freed. */
const PINNED: Z3Terms[] = [];

/** Thrown for a region with no policy in it (bad input: the caller says which bound). */
export class EmptyRegion extends Error {}

/** The properties the protocol proofs decide: the safety ones (judged on transitions, states, or progress), in `PROPERTIES` order. */
export function protocolProperties(properties: readonly GuillotineProperty[] = PROPERTIES): GuillotineProperty[] {
  return properties.filter((p) => p.check.on === 'transition' || p.check.on === 'state' || p.check.on === 'progress');
}

/** Proves, refutes or gives up on each safety property of the machine, for every policy of the region. */
export async function proveProtocol(machine: MachineUnderCheck, options: ProtocolProofOptions = {}): Promise<ProtocolProofReport> {
  const region = options.region ?? FULL_REGION;
  const problem = regionProblem(region);
  if (problem !== undefined) throw new EmptyRegion(problem);
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROTOCOL_TIMEOUT_MS;
  const progress = options.progress ?? (() => {});
  const selected = protocolProperties().filter((p) => options.only === undefined || options.only.includes(p.id));

  const started = performance.now();
  const sys = countSystem(machine);
  const compiled = compileCountSystem(sys);
  const bank = sys.bank;
  const regionT = regionTerm(bank, sys.knobs, region);
  const vocabulary: Vocabulary = new Map(sys.signature.vars.map((v) => [v.name, v]));
  // `none`: no lemmas, so every property goes to the small-policy search and then Spacer alone.
  const samples = options.candidates === 'none' ? [] : sampleKnobs((k) => inRegion(region, k), 3);
  if (samples.length > 0) progress(`prove --protocol: mining candidate lemmas from ${samples.length} small policies…`);
  const candidates = samples.length === 0 ? [] : mineCandidates(compiled, samples, { conditional: options.candidates !== 'plain' });
  progress(`prove --protocol: Houdini over ${candidates.length} candidates…`);
  const { ctx } = await z3Session();
  // One translator for every query of this proof, holding every Z3 object they make until the last
  // one has answered; garbage is collected only before the first and after the last (`z3Garbage.ts`).
  const z = new Z3Terms(ctx);
  await collectZ3Garbage();
  const h = await houdini(z, sys, candidates, regionT, { timeoutMs }).catch(async (error: unknown): Promise<HoudiniOutcome> => {
    if (!(error instanceof SolverAbandoned)) throw error;
    // Z3's lock is lost for good in this process (`proofs/z3.ts`); Spacer's workers still run.
    await abandonZ3();
    return { status: 'unknown', reason: error.message, queries: 0, seconds: 0 };
  });
  const lemmas = h.status === 'done' ? h.lemmas : [];
  const summary: HoudiniSummary = {
    status: h.status === 'done' ? 'inductive' : 'unknown',
    candidates: candidates.length,
    lemmas: lemmas.map((l) => readTerm(l, vocabulary)),
    queries: h.queries,
    seconds: Math.round(performance.now() - started) / 1000,
    ...(h.status === 'unknown' ? { reason: h.reason } : {}),
  };
  progress(`prove --protocol: ${lemmas.length} lemmas inductive (${h.queries} queries, ${summary.seconds.toFixed(1)} s)`);

  const strengthen = bank.and(regionT, ...lemmas);
  const inv = [...sys.vars, ...sys.knobs].map((v) => ({ name: v.name!, sort: v.sort }));
  const verdicts: ProtocolVerdict[] = [];
  const emitted: { property: PropertyId; file: string; text: string; spacer: string }[] = [];
  const direct = new DirectCheck(z, regionT, lemmas, Math.min(DIRECT_TIMEOUT_MS, timeoutMs));
  try {
    for (const p of selected) {
      const t0 = performance.now();
      const seconds = () => Math.round(performance.now() - t0) / 1000;
      const failures = failuresOf(sys, p);
      const text = () => hornProblem(sys, regionT, strengthen, failures, `${p.id} for every policy with ${regionWords(region)}`);
      const excluded = await direct.exclude(failures);
      let spacerAnswer = 'not run';
      let verdict: ProtocolVerdict;
      if (excluded.open === 0) {
        verdict = { property: p.id, verdict: 'proved', method: 'houdini', invariant: excluded.used.map((l) => readTerm(l, vocabulary)), seconds: seconds() };
      } else {
        const limits = { maxAdmins: options.search?.maxAdmins ?? 9, maxMissLimit: options.search?.maxMissLimit ?? 3, maxStates: options.search?.maxStates ?? 200_000 };
        // A design bug usually shows with a few admins: a short search first spares Spacer's slowest answer, "unsat".
        progress(`prove --protocol: ${p.id}: ${excluded.open} of ${failures.length} failures not excluded by the lemmas; searching small policies…`);
        const small = searchCounterexample(compiled, p.id, region, { ...limits, maxAdmins: Math.min(QUICK_ADMINS, limits.maxAdmins), budgetMs: QUICK_SEARCH_MS });
        if (small.found) verdict = refutation(sys, p.id, small, seconds());
        else {
          progress(`prove --protocol: ${p.id}: no counterexample with at most ${small.maxAdmins} admins; Spacer…`);
          const spacer = await runSpacer(text(), inv, timeoutMs);
          spacerAnswer = spacer.answer;
          if (spacer.answer === 'sat') {
            verdict = { property: p.id, verdict: 'proved', method: 'spacer', invariant: readSmt(spacer.invariant, vocabulary), seconds: seconds() };
          } else {
            progress(`prove --protocol: ${p.id}: Spacer answered ${spacer.answer}; searching for the smallest counterexample…`);
            const found = searchCounterexample(compiled, p.id, region, { ...limits, fromAdmins: small.maxAdmins + 1, budgetMs: timeoutMs });
            if (found.found) verdict = refutation(sys, p.id, found, seconds());
            else {
              const why = spacer.answer === 'unsat' ? 'Spacer found a failure reachable for some policy of the region' : `Spacer: ${spacer.reason}`;
              const policies = small.policies + found.policies;
              const capped = small.capped + found.capped;
              const searched = `no counterexample among ${policies} policies with at most ${Math.max(small.maxAdmins, found.maxAdmins)} admins${capped > 0 ? ` (${capped} searched only in part)` : ''}`;
              verdict = { property: p.id, verdict: 'unknown', reason: `${why}; ${searched}`, seconds: seconds() };
            }
          }
        }
      }
      progress(`prove --protocol: ${p.id}: ${verdict.verdict}${verdict.verdict === 'proved' ? ` (${verdict.method})` : ''} in ${verdict.seconds.toFixed(2)} s`);
      verdicts.push(verdict);
      if (options.emitSmt2 !== undefined) emitted.push({ property: p.id, file: `${p.id}.smt2`, text: text(), spacer: spacerAnswer });
    }
  } finally {
    direct.release();
    if (z3Usable()) {
      // Every query has answered: what this proof made may be freed now, before anyone else's query runs.
      z.release();
      await collectZ3Garbage();
    } else {
      // An abandoned query may still be running: freeing anything now could race with it.
      PINNED.push(z);
    }
  }
  if (options.emitSmt2 !== undefined) emit(options.emitSmt2, region, emitted);
  return { region: { words: regionWords(region), bounds: region }, houdini: summary, properties: verdicts };
}

/** Whether every property of the report is proved. */
export function protocolHolds(r: ProtocolProofReport): boolean {
  return r.properties.every((p) => p.verdict === 'proved');
}

/** Each way the property can fail, as a term over the state's variables and the knobs. */
function failuresOf(sys: CountSystem, p: GuillotineProperty): Term[] {
  const bank = sys.bank;
  const accepted = sys.events.flatMap(({ tree }) => pathsOf(tree)).filter((path) => path.outcome.accepted);
  const keep = (t: Term) => !(isConst(t) && t.value === false);
  switch (p.check.on) {
    case 'transition':
      return accepted.flatMap((path) => (path.outcome.accepted ? path.outcome.properties.filter((c) => c.property === p.id).map((c) => bank.and(pathCondition(bank, path), bank.not(c.holds))) : [])).filter(keep);
    case 'state':
      return sys.stateConditions.filter((c) => c.property === p.id).map((c) => bank.not(c.holds)).filter(keep);
    case 'progress':
      return [bank.not(bank.or(...accepted.map((path) => pathCondition(bank, path))))].filter(keep);
    default:
      return [];
  }
}

/**
 * Each failure against the region and the lemmas, one query each on one solver (the lemmas asserted
 * once, each behind a flag so that unsat cores name them): how many Z3 could not exclude (a model,
 * a timeout), and the lemmas the excluded ones' cores used, in the lemmas' order. Once a query was
 * abandoned, Z3 can answer nothing more in this process, and every failure stays open (for Spacer,
 * which runs a Z3 of its own).
 */
class DirectCheck {
  private readonly solver: InstanceType<Ctx['Solver']> | undefined;
  private readonly flags: ReturnType<Ctx['Bool']['const']>[] = [];
  private readonly index = new Map<string, number>();
  private abandoned = false;

  constructor(
    private readonly z: Z3Terms,
    region: Term,
    private readonly lemmas: readonly Term[],
    private readonly timeoutMs: number,
  ) {
    // After an abandoned query, even building terms could race with the query still running.
    if (!z3Usable()) return;
    const ctx = z.ctx;
    const solver = (this.solver = new ctx.Solver());
    solver.add(z.bool(region));
    lemmas.forEach((l, i) => {
      const f = z.hold(ctx.Bool.const(`lemma!${i}`));
      solver.add(z.hold(ctx.Implies(f, z.bool(l))));
      this.flags.push(f);
      this.index.set(String(f), i);
    });
  }

  async exclude(failures: readonly Term[]): Promise<{ open: number; used: Term[] }> {
    const used = new Set<number>();
    let open = 0;
    for (const bad of failures) {
      const solver = this.solver;
      if (solver === undefined || this.abandoned || !z3Usable()) {
        open++;
        continue;
      }
      solver.push();
      try {
        solver.add(this.z.bool(bad));
        const answer = await checkWithin(solver, this.flags, { timeoutMs: this.timeoutMs });
        if (answer === 'unsat') for (const f of this.z.hold(solver.unsatCore())) used.add(this.index.get(String(this.z.hold(f))) ?? -1);
        else open++;
      } catch (error) {
        if (!(error instanceof SolverAbandoned)) throw error;
        this.abandoned = true;
        await abandonZ3();
        open++;
        continue;
      }
      solver.pop();
    }
    return { open, used: this.lemmas.filter((_, i) => used.has(i)) };
  }

  release(): void {
    if (!this.abandoned && z3Usable()) this.solver?.release();
  }
}

function emit(dir: string, region: ProtocolRegion, problems: readonly { property: PropertyId; file: string; text: string; spacer: string }[]): void {
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new WriteFailed(dir, fileErrorWords(error));
  }
  const rerun = 'Each file is one Horn problem ending in (check-sat); run `z3 FILE`: sat means the property holds in the region (an invariant exists), unsat that a failure is reachable. spacer is what the WASM build answered (not run: the Houdini lemmas alone proved it).';
  const manifest = { rerun, region: { words: regionWords(region), bounds: region }, problems: problems.map(({ property, file, spacer }) => ({ property, file, spacer })) };
  const outcome = writeFilesAtomically([...problems.map((p) => ({ path: join(dir, p.file), text: p.text })), { path: join(dir, 'manifest.json'), text: JSON.stringify(manifest, null, 2) + '\n' }]);
  if (!outcome.ok) throw new WriteFailed(outcome.path, outcome.why);
}

/**
 * A counterexample the search found on counts, made concrete and confirmed by the reference engine
 * and the property's judge; if it does not replay, the count system and the machine disagree (a bug
 * of the workbench), which is reported as unknown with the reason, never as refuted.
 */
function refutation(sys: CountSystem, property: PropertyId, found: Extract<SearchOutcome, { found: true }>, seconds: number): ProtocolVerdict {
  const concrete = concretize(sys, found.knobs, found.steps, property);
  if (!concrete.ok) return { property, verdict: 'unknown', reason: `the counterexample on counts does not replay on the machine (a bug of the workbench, please report it): ${concrete.message}`, seconds };
  return {
    property,
    verdict: 'refuted',
    knobs: found.knobs,
    initial: found.initial,
    abstractPath: found.path,
    replay: { policy: concrete.policy, handle: concrete.handle, reason: concrete.reason },
    seconds,
  };
}
