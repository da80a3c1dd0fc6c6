/**
 * Protocol-proof benchmark (issue 20): every safety property of docs/protocol.md §4 decided for every
 * number of admins on the default policy (`guillotine prove --protocol`), wall-clock and CPU seconds,
 * the median of 3 runs, each in a process of its own (a run's WASM heap never shrinks, so runs in
 * one process would measure each other's garbage). Target: under 60 s wall.
 * Usage: node --import tsx bench/protocol-proofs.ts [--json]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { table } from '../cli/table.ts';
import { correctMachine } from '../machines/mutants.ts';
import { proveProtocol } from '../proofs/protocol/prove.ts';
import { shutdownZ3 } from '../proofs/z3.ts';
import { DEFAULT_POLICY } from '../spec/policy.ts';

const RUNS = 3;
const TARGET_SECONDS = 60;

/** One run, in this process. */
interface RunResult {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly houdiniSeconds: number;
  readonly lemmas: number;
  readonly candidates: number;
  readonly properties: readonly { readonly property: string; readonly verdict: string; readonly method?: string; readonly seconds: number }[];
  readonly peakRssMiB: number;
}

export interface ProtocolProofsBench {
  readonly runs: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly targetSeconds: number;
  readonly withinTarget: boolean;
  readonly allProved: boolean;
  /** The median run's figures. */
  readonly houdiniSeconds: number;
  readonly lemmas: number;
  readonly candidates: number;
  readonly properties: RunResult['properties'];
  readonly peakRssMiB: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function once(): Promise<RunResult> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const r = await proveProtocol(correctMachine(DEFAULT_POLICY));
  const wallSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await shutdownZ3();
  return {
    wallSeconds: round(wallSeconds),
    // The Spacer workers' CPU counts too: they are threads of this process.
    cpuSeconds: round((used.user + used.system) / 1e6),
    houdiniSeconds: r.houdini.seconds,
    lemmas: r.houdini.lemmas.length,
    candidates: r.houdini.candidates,
    properties: r.properties.map((p) => ({ property: p.property, verdict: p.verdict, ...(p.verdict === 'proved' ? { method: p.method } : {}), seconds: p.seconds })),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export function benchProtocolProofs(log: (line: string) => void): ProtocolProofsBench {
  const runs: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    log(`bench protocol-proofs: run ${i + 1} of ${RUNS} (every safety property, default policy, own process)…`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--once'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    runs.push(JSON.parse(out) as RunResult);
  }
  const median = [...runs].sort((a, b) => a.wallSeconds - b.wallSeconds)[Math.floor(RUNS / 2)]!;
  const cpu = runs.map((r) => r.cpuSeconds).sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  return {
    runs: RUNS,
    wallSeconds: median.wallSeconds,
    cpuSeconds: cpu,
    targetSeconds: TARGET_SECONDS,
    withinTarget: median.wallSeconds < TARGET_SECONDS,
    allProved: runs.every((r) => r.properties.every((p) => p.verdict === 'proved')),
    houdiniSeconds: median.houdiniSeconds,
    lemmas: median.lemmas,
    candidates: median.candidates,
    properties: median.properties,
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
  };
}

export function formatProtocolProofs(b: ProtocolProofsBench): string {
  return (
    table(['property', 'verdict', 'seconds (median run)'], b.properties.map((p) => [p.property, p.method === undefined ? p.verdict : `${p.verdict} (${p.method})`, p.seconds.toFixed(2)])) +
    `all ${b.properties.length} properties: ${b.wallSeconds.toFixed(1)} s wall, ${b.cpuSeconds.toFixed(1)} s CPU (median of ${b.runs} runs, each its own process); ` +
    `Houdini ${b.houdiniSeconds.toFixed(1)} s for ${b.lemmas} of ${b.candidates} candidates; peak RSS ${b.peakRssMiB} MiB; ` +
    `target < ${b.targetSeconds} s: ${b.withinTarget ? 'met' : 'MISSED'}; ${b.allProved ? 'all proved' : 'NOT all proved'}\n`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--once')) process.stdout.write(JSON.stringify(await once()) + '\n');
  else {
    const result = benchProtocolProofs((l) => process.stderr.write(l + '\n'));
    process.stdout.write(process.argv.includes('--json') ? JSON.stringify(result, null, 2) + '\n' : formatProtocolProofs(result));
  }
}
