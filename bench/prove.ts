/**
 * Prover benchmark (issue 3): seconds per theorem with the WASM Z3 (median of 3 runs, every theorem
 * and every negative control of the default policy), the same SMT-LIB queries through a native `z3`
 * binary as a ratio (when one is on the PATH), Z3's start-up time and the peak RSS of the process.
 * Usage: node --import tsx bench/prove.ts [--json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../cli/table.ts';
import { proveAll, reportHolds, shutdownProver, THEOREM_IDS, type ProveReport, type TheoremId } from '../proofs/index.ts';
import { z3Session } from '../proofs/z3.ts';
import { DEFAULT_POLICY } from '../spec/policy.ts';
import { median } from './median.ts';

const RUNS = 3;

interface TheoremRow {
  readonly id: TheoremId;
  readonly obligations: number;
  readonly queries: number;
  /** Median over the runs of the theorem's time with the WASM solver. */
  readonly wasmSeconds: number;
  /** The same queries through one native `z3` process, `(reset)` between them (median of 3). */
  readonly nativeSeconds?: number;
  /** `nativeSeconds` less one process start-up: the solver's own time. */
  readonly nativeSolverSeconds?: number;
  /** wasmSeconds / nativeSolverSeconds (absent when the native time is below 20 ms, i.e. noise). */
  readonly ratio?: number;
}

export interface ProveBench {
  readonly runs: number;
  readonly z3StartSeconds: number;
  readonly theorems: readonly TheoremRow[];
  /** Median time of all theorems together (the `guillotine prove` workload, solver started). */
  readonly theoremsSeconds: number;
  /** Median time of all negative controls together (`--controls` adds this). */
  readonly controlsSeconds: number;
  readonly controls: number;
  readonly allHold: boolean;
  readonly nativeZ3?: string;
  /** Start-up of one native `z3` process on a trivial query, subtracted once per theorem above. */
  readonly nativeStartSeconds?: number;
  readonly peakRssMiB: number;
}


const round = (x: number) => Math.round(x * 1000) / 1000;

/** Wall-clock seconds of one `z3 file` process (median of `RUNS`), and its verdicts, one per `(check-sat)`. */
function runNative(file: string): { seconds: number; verdicts: string[] } {
  const times: number[] = [];
  let verdicts: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const r = spawnSync('z3', ['-T:600', file], { encoding: 'utf8' });
    times.push((performance.now() - start) / 1000);
    verdicts = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  }
  return { seconds: median(times), verdicts };
}

function nativeVersion(): string | undefined {
  const r = spawnSync('z3', ['--version'], { encoding: 'utf8' });
  return r.error === undefined && r.status === 0 ? r.stdout.trim() : undefined;
}

type Manifest = { readonly queries: readonly { readonly file: string; readonly verdict: string }[] };

/** What the native solver took: its version, one process's start-up, and each theorem's queries in one process. */
interface NativeTimes {
  readonly version: string;
  readonly startSeconds: number;
  readonly theorems: ReadonlyMap<string, { readonly seconds: number; readonly queries: number }>;
}

/**
 * Each theorem's emitted queries through one native `z3` process, separated by (reset), so process
 * start-up (tens of milliseconds, as long as many of these queries) is paid once and can be
 * subtracted once. Undefined without a `z3` on the PATH; throws when it answers a query otherwise
 * than the WASM build did.
 */
function nativeTimes(dir: string, manifest: Manifest, log: (line: string) => void): NativeTimes | undefined {
  const version = nativeVersion();
  if (version === undefined) return undefined;
  const trivial = join(dir, 'trivial.smt2');
  writeFileSync(trivial, '(check-sat)\n');
  const startSeconds = runNative(trivial).seconds;
  const theorems = new Map<string, { seconds: number; queries: number }>();
  for (const id of THEOREM_IDS) {
    const queries = manifest.queries.filter((q) => q.file.startsWith(`${id}/`));
    const script = join(dir, `${id}.all.smt2`);
    writeFileSync(script, queries.map((q) => readFileSync(join(dir, q.file), 'utf8')).join('\n(reset)\n'));
    log(`bench prove: native z3 on the ${queries.length} queries of ${id}`);
    const r = runNative(script);
    const expected = queries.map((q) => q.verdict);
    if (r.verdicts.join(' ') !== expected.join(' ')) throw new Error(`native z3 answered ${r.verdicts.join(' ')} on ${id}, the WASM build ${expected.join(' ')}`);
    theorems.set(id, { seconds: r.seconds, queries: queries.length });
  }
  return { version, startSeconds, theorems };
}

/** A row per theorem: the median WASM time over the runs, and the native time and ratio when measured. */
function theoremRows(reports: readonly ProveReport[], manifest: Manifest, native: NativeTimes | undefined): TheoremRow[] {
  return THEOREM_IDS.map((id): TheoremRow => {
    const wasmSeconds = round(median(reports.map((r) => r.theorems.find((t) => t.id === id)!.seconds)));
    const queries = manifest.queries.filter((q) => q.file.startsWith(`${id}/`)).length;
    const base = { id, obligations: reports[0]!.theorems.find((t) => t.id === id)!.obligations.length, queries, wasmSeconds };
    const n = native?.theorems.get(id);
    if (n === undefined || native === undefined) return base;
    const solver = Math.max(n.seconds - native.startSeconds, 0);
    // Below 20 ms the difference of two wall-clock times is noise, not a ratio worth printing.
    const ratio = solver >= 0.02 ? { ratio: Math.round((wasmSeconds / solver) * 10) / 10 } : {};
    return { ...base, nativeSeconds: round(n.seconds), nativeSolverSeconds: round(solver), ...ratio };
  });
}

export async function benchProve(log: (line: string) => void): Promise<ProveBench> {
  const dir = mkdtempSync(join(tmpdir(), 'guillotine-bench-prove-'));
  try {
    const started = performance.now();
    await z3Session();
    const z3StartSeconds = (performance.now() - started) / 1000;

    const reports: ProveReport[] = [];
    for (let i = 0; i < RUNS; i++) {
      log(`bench prove: run ${i + 1} of ${RUNS} (every theorem and control)…`);
      // The first run also writes the queries out, for the native solver.
      reports.push(await proveAll(DEFAULT_POLICY, { controls: true, ...(i === 0 ? { emitSmt2: dir } : {}) }));
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const native = nativeTimes(dir, manifest, log);

    return {
      runs: RUNS,
      z3StartSeconds: round(z3StartSeconds),
      theorems: theoremRows(reports, manifest, native),
      theoremsSeconds: round(median(reports.map((r) => r.theorems.reduce((s, t) => s + t.seconds, 0)))),
      controlsSeconds: round(median(reports.map((r) => r.controls.reduce((s, c) => s + c.seconds, 0)))),
      controls: reports[0]!.controls.length,
      allHold: reports.every(reportHolds),
      ...(native === undefined ? {} : { nativeZ3: native.version, nativeStartSeconds: round(native.startSeconds) }),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await shutdownProver();
  }
}

export function formatProve(b: ProveBench): string {
  const rows = b.theorems.map((t) => [t.id, t.obligations, t.queries, t.wasmSeconds.toFixed(3), t.nativeSeconds?.toFixed(3) ?? '-', t.nativeSolverSeconds?.toFixed(3) ?? '-', t.ratio === undefined ? '-' : `${t.ratio}×`]);
  return (
    table(['theorem', 'obligations', 'queries', 'WASM s (median)', 'native z3 s', 'native less start-up s', 'WASM / native'], rows) +
    `all theorems: ${b.theoremsSeconds.toFixed(3)} s; all ${b.controls} negative controls: ${b.controlsSeconds.toFixed(3)} s (medians of ${b.runs} runs); ` +
    `Z3 WASM start: ${b.z3StartSeconds.toFixed(3)} s; peak RSS ${b.peakRssMiB} MiB; ${b.allHold ? 'all proved, all controls refuted' : 'NOT all proved/refuted'}\n` +
    (b.nativeZ3 === undefined ? 'native z3: not installed, no ratio\n' : `native: ${b.nativeZ3}, one process per theorem, ${b.nativeStartSeconds?.toFixed(3)} s start-up subtracted\n`)
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchProve((l) => process.stderr.write(l + '\n'));
  process.stdout.write(process.argv.includes('--json') ? JSON.stringify(result, null, 2) + '\n' : formatProve(result));
}
