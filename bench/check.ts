/**
 * Checker benchmark (issue 19), every figure measured in this run, medians of fresh processes:
 *  1. Without symmetry, the checker against SPIN on the workbench's own Promela export of the same
 *     policies (7, 9, 11, 13 admins; quorums scaled to 3/7 and 5/7): states (SPIN's are the
 *     checker's plus its own initial state), wall and CPU seconds of each, and states per CPU-second.
 *     The checker's time is the whole check of the properties (code generation, search,
 *     counterexamples), SPIN's is pan's search (its code generation and gcc excluded): the ratio is,
 *     if anything, unfair to us.
 *  2. With symmetry, 7 to 10,001 admins, the check as `guillotine check` runs it (findings
 *     included): seconds, and the growth of the cost between 101 and 1,001 admins as an exponent
 *     (cost ∝ n^k).
 *  3. Whole processes as a user runs them: `guillotine --help` and `guillotine check` of the
 *     default policy, wall and CPU.
 * Usage: node --import tsx bench/check.ts [--json] [--quick]   (--quick: one run each, up to 11 admins)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { table } from '../cli/table.ts';
import { promelaModel } from '../export/promela.ts';
import { runSpin } from '../export/spin.ts';
import { DEFAULT_POLICY, scaledPolicy } from '../spec/policy.ts';
import { median } from './median.ts';

const ONE = fileURLToPath(new URL('./checkOne.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../bin/guillotine.js', import.meta.url));

interface CheckRun {
  admins: number;
  quorum: string;
  symmetry: boolean;
  states: number;
  transitions: number;
  wallSeconds: number;
  cpuSeconds: number;
  searchSeconds: number;
  bytesPerState: number;
  peakRssMiB: number;
  allPass: boolean;
}

interface SpinRun {
  states: number;
  wallSeconds: number;
  cpuSeconds: number;
  verdict: string;
}


/** The median run (by CPU seconds) of `runs` fresh checker processes. */
function checkRuns(admins: number, symmetry: boolean, runs: number): CheckRun {
  const all = Array.from({ length: runs }, () => {
    const args = ['--import', 'tsx', ONE, String(admins), ...(symmetry ? [] : ['--no-symmetry'])];
    return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 })) as CheckRun;
  });
  const cpu = median(all.map((r) => r.cpuSeconds));
  return { ...all.find((r) => r.cpuSeconds === cpu)!, wallSeconds: median(all.map((r) => r.wallSeconds)), searchSeconds: median(all.map((r) => r.searchSeconds)) };
}

/** SPIN's exhaustive search of the Promela export, medians of `runs` pan processes. */
async function spinRuns(admins: number, runs: number): Promise<SpinRun> {
  const all: SpinRun[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await runSpin(promelaModel(admins === 7 ? DEFAULT_POLICY : scaledPolicy(admins)));
    if (result.kind !== 'complete') throw new Error(`SPIN did not finish on ${admins} admins: ${result.kind === 'incomplete' ? result.reason : result.kind === 'error' ? result.message : result.message}`);
    all.push({
      states: result.states,
      wallSeconds: result.panWallSeconds,
      cpuSeconds: result.panCpuSeconds ?? result.panWallSeconds,
      verdict: result.violatedAssertions.length === 0 && !result.deadlock ? 'all hold' : `violated: ${result.violatedAssertions.join(', ')}${result.deadlock ? ' deadlock' : ''}`,
    });
  }
  return { ...all[0]!, wallSeconds: median(all.map((r) => r.wallSeconds)), cpuSeconds: median(all.map((r) => r.cpuSeconds)) };
}

/** Wall and CPU seconds of a whole process (CPU through bash's `times`, which Node cannot give for a child). */
function processRuns(args: readonly string[], runs: number): { wallSeconds: number; cpuSeconds: number } {
  const all = Array.from({ length: runs }, () => {
    const started = performance.now();
    const out = execFileSync('bash', ['-c', '"$@" > /dev/null 2>&1; times', 'bash', process.execPath, CLI, ...args], { encoding: 'utf8' });
    const wallSeconds = (performance.now() - started) / 1000;
    const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(out.trim());
    if (m === null) throw new Error(`bash's times printed ${JSON.stringify(out)}`);
    return { wallSeconds, cpuSeconds: Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) };
  });
  return { wallSeconds: median(all.map((r) => r.wallSeconds)), cpuSeconds: median(all.map((r) => r.cpuSeconds)) };
}

export async function benchCheck(log: (line: string) => void, quick: boolean) {
  const runs = quick ? 1 : 3;
  const comparison = [];
  for (const admins of quick ? [7, 9, 11] : [7, 9, 11, 13]) {
    log(`bench check: ${admins} admins, no symmetry, ${runs} checker process(es) and ${runs} pan run(s)…`);
    const ours = checkRuns(admins, false, runs);
    const spin = await spinRuns(admins, runs);
    const oursRate = ours.states / ours.cpuSeconds;
    const spinRate = spin.states / spin.cpuSeconds;
    comparison.push({ admins, quorum: ours.quorum, ours, spin, oursStatesPerCpuSecond: Math.round(oursRate), spinStatesPerCpuSecond: Math.round(spinRate), ratio: oursRate / spinRate });
  }

  const symmetric: CheckRun[] = [];
  for (const admins of quick ? [7, 101, 1001] : [7, 101, 1001, 10001]) {
    log(`bench check: ${admins} admins with symmetry…`);
    symmetric.push(checkRuns(admins, true, admins > 1001 ? 1 : runs));
  }
  const at = (n: number) => symmetric.find((r) => r.admins === n)!;
  const growth = Math.log(at(1001).cpuSeconds / at(101).cpuSeconds) / Math.log(1001 / 101);

  log('bench check: whole processes (guillotine --help, guillotine check)…');
  const processes = {
    help: processRuns(['--help'], quick ? 3 : 5),
    check: processRuns(['check'], quick ? 3 : 5),
  };
  return { comparison, symmetric, growthExponent101to1001: growth, processes };
}

const s = (x: number) => x.toFixed(3);

export function formatCheck(r: Awaited<ReturnType<typeof benchCheck>>): string {
  return [
    'Without symmetry: the checker (the whole check, a fresh process) against SPIN (pan -c0, -DNOREDUCE -DSAFETY) on the Promela export, medians:\n' +
      table(
        ['admins', 'quorums', 'states', 'SPIN states', 'checker wall s', 'checker CPU s', 'SPIN wall s', 'SPIN CPU s', 'checker states/CPU-s', 'SPIN states/CPU-s', 'checker ÷ SPIN', 'verdicts'],
        r.comparison.map((c) => [c.admins, c.quorum, c.ours.states, c.spin.states, s(c.ours.wallSeconds), s(c.ours.cpuSeconds), s(c.spin.wallSeconds), s(c.spin.cpuSeconds), c.oursStatesPerCpuSecond, c.spinStatesPerCpuSecond, `${c.ratio.toFixed(2)}×`, c.ours.allPass && c.spin.verdict === 'all hold' ? 'all hold (both)' : `checker ${c.ours.allPass ? 'all pass' : 'FAIL'}, SPIN ${c.spin.verdict}`]),
      ),
    '\nWith symmetry (one state per renaming of admins), the whole check as guillotine check runs it (findings included), in a fresh process, medians:\n' +
      table(
        ['admins', 'quorums', 'states', 'transitions', 'wall s', 'CPU s', 'search s', 'bytes/state', 'peak RSS MiB', 'verdict'],
        r.symmetric.map((x) => [x.admins, x.quorum, x.states, x.transitions, s(x.wallSeconds), s(x.cpuSeconds), s(x.searchSeconds), x.bytesPerState, x.peakRssMiB, x.allPass ? 'all pass' : 'FAIL']),
      ),
    `\nGrowth of the CPU time from 101 to 1,001 admins (symmetry on): n^${r.growthExponent101to1001.toFixed(2)}\n`,
    '\nWhole processes, medians:\n' +
      table(['command', 'wall s', 'CPU s'], [
        ['guillotine --help', s(r.processes.help.wallSeconds), s(r.processes.help.cpuSeconds)],
        ['guillotine check (default policy)', s(r.processes.check.wallSeconds), s(r.processes.check.cpuSeconds)],
      ]),
  ].join('');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchCheck((l) => process.stderr.write(l + '\n'), process.argv.includes('--quick'));
  process.stdout.write(process.argv.includes('--json') ? JSON.stringify(result, null, 2) + '\n' : formatCheck(result));
}
