/**
 * The library entry point of the hardware proofs (docs/protocol.md §5, issue 3): {@link proveAll}
 * discharges every theorem with Z3 and returns a JSON-able {@link ProveReport}; printing it is the
 * CLI's job. Call {@link shutdownProver} once done, so the WASM solver's threads let Node exit.
 */
import { dirname, join } from 'node:path';
import type { Policy } from '../spec/policy.ts';
import { discharge, type DischargeOptions, type EmittedQuery, type Outcome } from './discharge.ts';
import { DEFAULT_LAYOUT, layoutProblems, type MemoryLayout } from './layout.ts';
import type { Obligation } from './obligation.ts';
import type { Control, Subject, Theorem, TheoremId } from './theorem.ts';
import { descriptorBoundsTheorem } from './theorems/descriptorBounds.ts';
import { execPagesImmutableTheorem } from './theorems/execPagesImmutable.ts';
import { modelCannotReachHypervisorTheorem } from './theorems/modelCannotReachHypervisor.ts';
import { quorumArithmeticTheorem } from './theorems/quorumArithmetic.ts';
import { ringIndexBoundsTheorem } from './theorems/ringIndexBounds.ts';
import { shutdownZ3, z3Session, z3Started, z3Usable } from './z3.ts';
import { fileErrorWords, makeDirectory } from '../spec/fileError.ts';
import { WriteFailed, writeFilesAtomically } from '../spec/atomicWrite.ts';

export type { TheoremId, Theorem } from './theorem.ts';
export { DEFAULT_LAYOUT } from './layout.ts';

/** Every theorem, in the order reports list them. */
export const THEOREMS: readonly Theorem[] = [execPagesImmutableTheorem, modelCannotReachHypervisorTheorem, descriptorBoundsTheorem, ringIndexBoundsTheorem, quorumArithmeticTheorem];
export const THEOREM_IDS: readonly TheoremId[] = THEOREMS.map((t) => t.id);

export function isTheoremId(value: string): value is TheoremId {
  return (THEOREM_IDS as readonly string[]).includes(value);
}

/** The default per-query solver timeout. Every query of the default policy takes well under a second. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ProveOptions {
  /** Theorems to prove (default: all). */
  readonly only?: readonly TheoremId[];
  /** Also run each theorem's negative controls (default: false). */
  readonly controls?: boolean;
  /** Per solver query, in milliseconds (default {@link DEFAULT_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /**
   * Hard bound per query (default: the timeout plus 10 s). A query Z3 is still running then is
   * abandoned: it and every later obligation are reported `unknown`, and Z3 is shut down.
   */
  readonly abandonAfterMs?: number;
  /** Write every query as SMT-LIB 2 into this directory, with a `manifest.json` of Z3's verdicts. */
  readonly emitSmt2?: string;
  /** The machine's memory layout (default {@link DEFAULT_LAYOUT}). */
  readonly layout?: MemoryLayout;
  /** Receives one progress line per theorem and control (the CLI sends them to stderr). */
  readonly progress?: (line: string) => void;
}

export type Status = 'proved' | 'refuted' | 'unknown';

export interface ObligationReport {
  readonly name: string;
  readonly statement: string;
  readonly status: Status;
  readonly seconds: number;
  readonly reason?: string;
  readonly counterexample?: Record<string, unknown>;
  readonly witness?: Record<string, unknown>;
}

export interface TheoremReport {
  readonly id: TheoremId;
  readonly status: Status;
  readonly seconds: number;
  /** The first refuted obligation's counterexample, decoded (only when refuted). */
  readonly counterexample?: Record<string, unknown>;
  /** Why the theorem is unknown (only when unknown). */
  readonly reason?: string;
  readonly statement: string;
  readonly assumptions: readonly string[];
  readonly obligations: readonly ObligationReport[];
}

export interface ControlReport {
  readonly id: string;
  readonly theorem: TheoremId;
  readonly description: string;
  /** `refuted` is the expected outcome: the weakened variant is caught. */
  readonly status: Status;
  readonly expected: 'refuted';
  readonly seconds: number;
  readonly counterexample?: Record<string, unknown>;
  readonly reason?: string;
}

/** What `guillotine prove --json` prints. */
export interface ProveReport {
  readonly theorems: readonly TheoremReport[];
  readonly controls: readonly ControlReport[];
}

/** Whether a report is a success: every theorem proved and every control refuted as expected. */
export function reportHolds(report: ProveReport): boolean {
  return report.theorems.every((t) => t.status === 'proved') && report.controls.every((c) => c.status === 'refuted');
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function obligationReport(o: Obligation, outcome: Outcome): ObligationReport {
  const base = { name: o.name, statement: o.statement, status: outcome.status, seconds: outcome.seconds };
  switch (outcome.status) {
    case 'proved':
      return outcome.witness === undefined ? base : { ...base, witness: outcome.witness };
    case 'refuted':
      return { ...base, counterexample: outcome.counterexample };
    case 'unknown':
      return { ...base, reason: outcome.reason };
  }
}

/**
 * Collects emitted queries under a directory prefix and writes them, with a manifest, at the end, as
 * one output set (`spec/atomicWrite.ts`): all renamed into place once all are written, none through a
 * symbolic link. A failure to write throws {@link WriteFailed}, naming the file.
 */
class Smt2Sink {
  private readonly files: { file: string; verdict: EmittedQuery['verdict']; text: string }[] = [];
  constructor(private readonly dir: string) {}

  writer(prefix: string): (q: EmittedQuery) => void {
    return (q) => {
      const file = join(prefix, `${q.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.smt2`);
      this.files.push({ file, verdict: q.verdict, text: `; guillotine prove: ${prefix}/${q.name}; Z3 (WASM) answered ${q.verdict}\n${q.smt2}` });
    };
  }

  finish(): void {
    const rerun =
      'Each file is one query, ending in (check-sat); run `z3 FILE` and compare with its verdict. ' +
      'For a theorem, NAME.assumptions.smt2 must be sat (the assumptions are not contradictory) and NAME.smt2 unsat (no counterexample); ' +
      'a satisfiable (reachability) obligation has only NAME.smt2, which must be sat; under controls/, a refuted control ends in a sat query.';
    const manifest = JSON.stringify({ rerun, queries: this.files.map(({ file, verdict }) => ({ file, verdict })) }, null, 2) + '\n';
    const set = [...this.files.map(({ file, text }) => ({ path: join(this.dir, file), text })), { path: join(this.dir, 'manifest.json'), text: manifest }];
    for (const dir of new Set(set.map((f) => dirname(f.path)))) {
      try {
        makeDirectory(dir);
      } catch (error) {
        throw new WriteFailed(dir, fileErrorWords(error));
      }
    }
    const written = writeFilesAtomically(set);
    if (!written.ok) throw new WriteFailed(written.path, written.why);
  }
}

const NOT_ATTEMPTED = 'not attempted: Z3 was abandoned on an earlier query that overran its timeout';

async function runObligations(obligations: readonly Obligation[], options: DischargeOptions, stopAtRefutation: boolean) {
  const results: ObligationReport[] = [];
  for (const o of obligations) {
    if (!z3Usable()) {
      results.push({ name: o.name, statement: o.statement, status: 'unknown', seconds: 0, reason: NOT_ATTEMPTED });
      continue;
    }
    // One shared context (Z3.md: reuse it; a context per theorem kept ~130 MB per run alive until a
    // garbage collection that WASM memory never triggers). Counterexamples do not depend on what the
    // context saw before: discharge canonicalises them to the smallest satisfying values.
    const outcome = await discharge(await z3Session(), o, options);
    results.push(obligationReport(o, outcome));
    if (stopAtRefutation && outcome.status === 'refuted') break;
  }
  return results;
}

function summarise(results: readonly ObligationReport[]): { status: Status; seconds: number; counterexample?: Record<string, unknown>; reason?: string } {
  const seconds = round(results.reduce((s, r) => s + r.seconds, 0));
  const refuted = results.find((r) => r.status === 'refuted');
  if (refuted !== undefined) return { status: 'refuted', seconds, counterexample: refuted.counterexample ?? {} };
  const unknown = results.find((r) => r.status === 'unknown');
  if (unknown !== undefined) return { status: 'unknown', seconds, reason: `${unknown.name}: ${unknown.reason ?? 'unknown'}` };
  return { status: 'proved', seconds };
}

/**
 * Proves the selected theorems (and, with `controls`, refutes their negative controls) for a policy.
 * Throws `RangeError` on an unsound layout or an unknown theorem id (both programming errors for
 * library callers; the CLI validates its input first). Solver timeouts are reported as `unknown`.
 */
export async function proveAll(policy: Policy, options: ProveOptions = {}): Promise<ProveReport> {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const problems = layoutProblems(layout);
  if (problems.length > 0) throw new RangeError(`the memory layout is unsound: ${problems.join('; ')}`);
  for (const id of options.only ?? []) if (!isTheoremId(id)) throw new RangeError(`no theorem has id ${JSON.stringify(id)}; ids: ${THEOREM_IDS.join(', ')}`);
  const selected = THEOREMS.filter((t) => options.only === undefined || options.only.includes(t.id));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sink = options.emitSmt2 === undefined ? undefined : new Smt2Sink(options.emitSmt2);
  const subject: Subject = { policy, layout };
  const progress = options.progress ?? (() => {});
  const dischargeOptions = (prefix: string): DischargeOptions => ({
    timeoutMs,
    ...(options.abandonAfterMs === undefined ? {} : { abandonAfterMs: options.abandonAfterMs }),
    ...(sink === undefined ? {} : { onQuery: sink.writer(prefix) }),
  });

  const theorems: TheoremReport[] = [];
  for (const t of selected) {
    const results = await runObligations(t.obligations(subject), dischargeOptions(t.id), false);
    const summary = summarise(results);
    theorems.push({ id: t.id, ...summary, statement: t.statement, assumptions: t.assumptions, obligations: results });
    progress(`prove: ${t.id} ${summary.status} (${results.length} obligations, ${summary.seconds.toFixed(2)} s)`);
  }

  const controls: ControlReport[] = [];
  if (options.controls === true) {
    for (const t of selected) {
      for (const c of t.controls(subject) as readonly Control[]) {
        const results = await runObligations(c.obligations, dischargeOptions(join('controls', c.id)), true);
        const summary = summarise(results);
        controls.push({ id: c.id, theorem: t.id, description: c.description, expected: 'refuted', ...summary });
        progress(`control: ${c.id} (${t.id}) ${summary.status === 'refuted' ? 'refuted as expected' : `${summary.status} — expected refuted`} (${summary.seconds.toFixed(2)} s)`);
      }
    }
  }
  sink?.finish();
  return { theorems, controls };
}

/**
 * Whether the solver is running in this process (started by an earlier proof and not shut down).
 * A caller that finds it running did not start it, and leaves shutting it down to whoever did.
 */
export function proverRunning(): boolean {
  return z3Started();
}

/**
 * Terminates the solver's worker threads. Call once when done with {@link proveAll}; harmless if
 * nothing was proved. A later `proveAll` starts a fresh solver.
 */
export async function shutdownProver(): Promise<void> {
  await shutdownZ3();
}
