/**
 * Trace-validation benchmark (issue 21), on logs the simulator writes for the default policy:
 * - a fully recorded log (every stimulus, every observation): records per second, median of 5 runs,
 *   wall and CPU time, each run streaming the file in a fresh process as `guillotine validate`
 *   does (target: ≥ 200,000 records/s);
 * - memory flat in the log's length: the peak RSS validating soaks of 24 h, 72 h and 216 h;
 * - the 72-hour soak's log with only its votes and level changes recorded (everything else the
 *   search supplies): median of 3 runs, wall and CPU (target: < 30 s).
 * Usage: node --import tsx bench/validate.ts [--json] [--repeat N]
 *        node --import tsx bench/validate.ts --one FILE   (one streaming validation; prints one JSON line)
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { count, table } from '../cli/table.ts';
import type { LogKind } from '../spec/log.ts';
import { runSoak } from '../simulator/scenarios/soak.ts';
import { DEFAULT_SEED } from '../simulator/index.ts';
import { logValidation } from '../validate/index.ts';
import { median } from './median.ts';

const SELF = fileURLToPath(import.meta.url);
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One streaming validation of a file, as the CLI reads it (1 MiB chunks). */
interface OneRun {
  readonly kind: string;
  readonly records: number;
  readonly supplied: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
}

function validateOne(file: string): OneRun {
  const fd = openSync(file, 'r');
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const validation = logValidation();
  let result = null;
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    result = validation.push(decoder.write(buffer.subarray(0, n)));
    if (result !== null) break;
  }
  result ??= validation.end();
  const used = process.cpuUsage(cpu);
  closeSync(fd);
  return {
    kind: result.kind, records: result.figures.records, supplied: result.kind === 'consistent' ? result.behaviour.supplied : -1,
    wallSeconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** Runs {@link validateOne} in a fresh process, so its time includes no warm JIT and its peak RSS is its own. */
function inChild(file: string): OneRun {
  const out = execFileSync(process.execPath, ['--import', 'tsx', SELF, '--one', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as OneRun;
}

/** Writes the soak's log to `file`; returns its records and size. */
function writeSoakLog(file: string, hours: number, kinds?: readonly LogKind[]): { records: number; bytes: number } {
  const fd = openSync(file, 'w');
  let pending: string[] = [];
  let records = -1;
  runSoak({
    seed: DEFAULT_SEED, hours,
    log: {
      write: (line) => {
        records++;
        pending.push(line, '\n');
        if (pending.length > 20_000) {
          writeSync(fd, pending.join(''));
          pending = [];
        }
      },
      ...(kinds ? { options: { kinds, observations: false } } : {}),
    },
  });
  writeSync(fd, pending.join(''));
  closeSync(fd);
  return { records, bytes: statSync(file).size };
}

interface Row {
  readonly log: string;
  readonly records: number;
  readonly mib: number;
  readonly runs: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly recordsPerSecond: number;
  /** Records per second of CPU time: what an idle machine gives as wall time (a loaded one gives less). */
  readonly recordsPerCpuSecond: number;
  readonly peakRssMiB: number;
  readonly verdict: string;
}

export function benchValidate(log: (line: string) => void, repeat = 5): Row[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-validate-'));
  try {
    const rows: Row[] = [];
    const measure = (name: string, file: string, size: { records: number; bytes: number }, runs: number) => {
      log(`bench validate: ${name} (${count(size.records)} records), ${runs} run(s)…`);
      const results = Array.from({ length: runs }, () => inChild(file));
      const wall = median(results.map((r) => r.wallSeconds));
      rows.push({
        log: name, records: size.records, mib: round(size.bytes / 2 ** 20, 1), runs,
        wallSeconds: round(wall), cpuSeconds: round(median(results.map((r) => r.cpuSeconds))),
        recordsPerSecond: Math.round(size.records / wall), recordsPerCpuSecond: Math.round(size.records / median(results.map((r) => r.cpuSeconds))), peakRssMiB: Math.max(...results.map((r) => r.peakRssMiB)),
        verdict: results.every((r) => r.kind === 'consistent') ? `consistent (${count(results[0]!.supplied)} supplied)` : results.map((r) => r.kind).join(','),
      });
    };
    for (const hours of [72, 24, 216]) {
      const file = join(dir, `full-${hours}h.jsonl`);
      log(`bench validate: writing the ${hours} h soak's full log…`);
      const size = writeSoakLog(file, hours);
      measure(`soak ${hours} h, every stimulus and observation`, file, size, hours === 72 ? repeat : 1);
    }
    const sparse = join(dir, 'sparse-72h.jsonl');
    log("bench validate: writing the 72 h soak's log of votes and level changes…");
    measure('soak 72 h, only votes and level changes', sparse, writeSoakLog(sparse, 72, ['propose', 'approve', 'level']), Math.max(1, Math.min(repeat, 3)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatValidate(rows: readonly Row[]): string {
  return table(
    ['log', 'records', 'MiB', 'runs', 'median wall s', 'median CPU s', 'records/s (wall)', 'records/s (CPU)', 'peak RSS MiB', 'verdict'],
    rows.map((r) => [r.log, count(r.records), r.mib, r.runs, r.wallSeconds.toFixed(3), r.cpuSeconds.toFixed(3), count(r.recordsPerSecond), count(r.recordsPerCpuSecond), r.peakRssMiB, r.verdict]),
  );
}

if (process.argv[1] === SELF) {
  const one = process.argv.indexOf('--one');
  if (one > 0) process.stdout.write(JSON.stringify(validateOne(process.argv[one + 1]!)) + '\n');
  else {
    const at = process.argv.indexOf('--repeat');
    const repeat = at > 0 ? Math.max(1, Number(process.argv[at + 1]) || 5) : 5;
    const rows = benchValidate((l) => process.stderr.write(l + '\n'), repeat);
    process.stdout.write(process.argv.includes('--json') ? JSON.stringify(rows, null, 2) + '\n' : formatValidate(rows));
  }
}
