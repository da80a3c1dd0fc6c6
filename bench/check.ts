/**
 * Checker benchmark (issue 2): states, transitions, time, throughput and peak memory for the
 * default policy and for 9, 11, 13, 15 admins with the quorums scaled (3/7 and 5/7, keeping
 * intersection), with symmetry reduction, and without it where that finishes in minutes.
 * Each run is a fresh process (warm-up run first, median of the timed ones).
 * Usage: node --import tsx bench/check.ts [--json]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { table } from '../cli/table.ts';

const one = fileURLToPath(new URL('./checkOne.ts', import.meta.url));
interface Row { admins: number; quorum: string; symmetry: boolean; states: number; transitions: number; seconds: number; statesPerSecond: number; transitionsPerSecond: number; peakRssMiB: number; allPass: boolean }

export function benchCheck(log: (line: string) => void): Row[] {
  const runs: [number, boolean, number][] = [
    [7, true, 5], [9, true, 3], [11, true, 3], [13, true, 3], [15, true, 3],
    [7, false, 3], [9, false, 1],
  ];
  return runs.map(([admins, symmetry, repeat]) => {
    log(`bench check: ${admins} admins${symmetry ? '' : ', no symmetry'}…`);
    const args = ['--import', 'tsx', one, String(admins), '--repeat', String(repeat), ...(symmetry ? [] : ['--no-symmetry'])];
    return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 })) as Row;
  });
}

export function formatCheck(rows: readonly Row[]): string {
  return table(
    ['admins', 'quorums', 'symmetry', 'states', 'transitions', 'seconds', 'states/s', 'transitions/s', 'peak RSS MiB', 'verdict'],
    rows.map((r) => [r.admins, r.quorum, r.symmetry ? 'on' : 'off', r.states, r.transitions, r.seconds.toFixed(3), r.statesPerSecond, r.transitionsPerSecond, r.peakRssMiB, r.allPass ? 'all pass' : 'FAIL']),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = benchCheck((l) => process.stderr.write(l + '\n'));
  process.stdout.write(process.argv.includes('--json') ? JSON.stringify(rows, null, 2) + '\n' : formatCheck(rows));
}
