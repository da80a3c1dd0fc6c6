/**
 * Checker benchmark (issues 2 and 7). For admins = 7, 9, 11, 13, 15 (quorums scaled to 3/7 and
 * 5/7, keeping intersection):
 *  1. the built-in checker with symmetry reduction, and without it where it finishes in about a
 *     minute (7, 9, 11 admins; 13 and 15 with --full, tens of minutes): states, transitions,
 *     seconds, states per second, bytes per state, peak memory;
 *  2. SPIN's exhaustive search of the Promela export of the same policies (no symmetry), in the
 *     same run: its states (which must equal the checker's), search seconds, states per second,
 *     and the ratio of the two throughputs;
 *  3. the checker over two worker threads against one, on the largest unreduced model;
 *  4. with symmetry, how many admins are checked exhaustively within 10 seconds.
 * Each checker run is a fresh process (warm-up run first, median of the timed ones).
 * Usage: node --import tsx bench/check.ts [--json] [--full]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { table } from '../cli/table.ts';
import { promelaModel } from '../export/promela.ts';
import { runSpin } from '../export/spin.ts';
import { DEFAULT_POLICY, scaledPolicy } from '../spec/policy.ts';

const one = fileURLToPath(new URL('./checkOne.ts', import.meta.url));
interface Row { admins: number; quorum: string; symmetry: boolean; workers: number; states: number; transitions: number; seconds: number; statesPerSecond: number; transitionsPerSecond: number; bytesPerState: number; peakRssMiB: number; allPass: boolean }
interface SpinRow { admins: number; states: number; checkerStates: number; seconds: number; statesPerSecond: number; checkerStatesPerSecond: number; ratio: number; verdict: string }

function checkOne(admins: number, symmetry: boolean, repeat: number, workers = 1): Row {
  const args = ['--import', 'tsx', one, String(admins), '--repeat', String(repeat), '--workers', String(workers), ...(symmetry ? [] : ['--no-symmetry'])];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 })) as Row;
}

export async function benchCheck(log: (line: string) => void, full: boolean) {
  const plan: [number, boolean, number][] = [
    [7, true, 5], [9, true, 3], [11, true, 3], [13, true, 3], [15, true, 3],
    [7, false, 3], [9, false, 1], [11, false, 1], ...(full ? ([[13, false, 1], [15, false, 1]] as [number, boolean, number][]) : []),
  ];
  const runs = plan.map(([admins, symmetry, repeat]) => {
    log(`bench check: ${admins} admins${symmetry ? '' : ', no symmetry'}…`);
    return checkOne(admins, symmetry, repeat);
  });

  const spin: SpinRow[] = [];
  for (const ours of runs.filter((r) => !r.symmetry)) {
    log(`bench check: SPIN on the Promela export, ${ours.admins} admins…`);
    const result = await runSpin(promelaModel(ours.admins === 7 ? DEFAULT_POLICY : scaledPolicy(ours.admins)));
    if (result.kind !== 'complete') throw new Error(`SPIN did not finish on ${ours.admins} admins: ${result.kind === 'incomplete' ? result.reason : result.message}`);
    // pan prints its search time to 1/100 s: a search faster than that counts as 0.01 s.
    const seconds = Math.max(result.seconds, 0.01);
    const statesPerSecond = Math.round(result.states / seconds);
    spin.push({
      admins: ours.admins, states: result.states, checkerStates: ours.states, seconds, statesPerSecond, checkerStatesPerSecond: ours.statesPerSecond,
      ratio: statesPerSecond / ours.statesPerSecond,
      verdict: result.violatedAssertions.length === 0 && !result.deadlock ? 'all hold' : `violated: ${result.violatedAssertions.join(', ')}${result.deadlock ? ' deadlock' : ''}`,
    });
  }

  const largest = Math.max(...runs.filter((r) => !r.symmetry).map((r) => r.admins));
  log(`bench check: ${largest} admins, no symmetry, on 2 worker threads…`);
  const workers = [runs.find((r) => !r.symmetry && r.admins === largest)!, checkOne(largest, false, 1, 2)];

  const reach: Row[] = [];
  for (const admins of [31, 51, 101, 151, 201, 301, 401, 601, 801, 1024]) {
    log(`bench check: ${admins} admins with symmetry…`);
    const row = checkOne(admins, true, 1);
    reach.push(row);
    if (row.seconds > 10) break;
  }
  const within = reach.filter((r) => r.seconds <= 10).at(-1)?.admins ?? null;
  return { runs, spin, workers, reach, adminsWithin10s: within };
}

export function formatCheck(r: Awaited<ReturnType<typeof benchCheck>>): string {
  const rows = (list: readonly Row[]) => list.map((x) => [x.admins, x.quorum, x.symmetry ? 'on' : 'off', x.workers, x.states, x.transitions, x.seconds.toFixed(3), x.statesPerSecond, x.transitionsPerSecond, x.bytesPerState, x.peakRssMiB, x.allPass ? 'all pass' : 'FAIL']);
  const head = ['admins', 'quorums', 'symmetry', 'workers', 'states', 'transitions', 'seconds', 'states/s', 'transitions/s', 'bytes/state', 'peak RSS MiB', 'verdict'];
  return [
    'Built-in checker (median of timed runs after a warm-up):\n' + table(head, rows(r.runs)),
    '\nSPIN on the Promela export (no symmetry; pan -c0, -DNOREDUCE -DSAFETY), same run:\n' +
      table(['admins', 'SPIN states', 'checker states', 'SPIN s', 'SPIN states/s', 'checker states/s', 'SPIN ÷ checker', 'SPIN verdict'], r.spin.map((s) => [s.admins, s.states, s.checkerStates, s.seconds.toFixed(2), s.statesPerSecond, s.checkerStatesPerSecond, s.ratio.toFixed(1) + '×', s.verdict])),
    '\nOne worker thread against two (no symmetry):\n' + table(head, rows(r.workers)),
    '\nWith symmetry, growing admins until a check takes over 10 s:\n' + table(head, rows(r.reach)),
    `\nAdmins checked exhaustively within 10 s (symmetry on): ${r.adminsWithin10s ?? 'none of those tried'}\n`,
  ].join('');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchCheck((l) => process.stderr.write(l + '\n'), process.argv.includes('--full'));
  process.stdout.write(process.argv.includes('--json') ? JSON.stringify(result, null, 2) + '\n' : formatCheck(result));
}
