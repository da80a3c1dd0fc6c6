/**
 * One checker run in a fresh process, so its peak memory is its own: prints one JSON line.
 * Usage: node --import tsx bench/checkOne.ts ADMINS [--no-symmetry] [--repeat N] [--workers N]
 * With --repeat, a first (warm-up) run is not timed and the median of N timed runs is reported.
 */
import { checkPolicy, type CheckReport } from '../checker/index.ts';
import { DEFAULT_POLICY, scaledPolicy } from '../spec/policy.ts';

const admins = Number(process.argv[2] ?? 7);
const symmetry = !process.argv.includes('--no-symmetry');
const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const repeat = flag('--repeat', 1);
const workers = flag('--workers', 1);
const policy = admins === 7 ? DEFAULT_POLICY : scaledPolicy(admins);
const run = async (): Promise<CheckReport> => checkPolicy(policy, { findings: false, symmetry });
const seconds: number[] = [];
let last = repeat > 1 ? await run() : undefined;
for (let i = 0; i < repeat; i++) {
  last = await run();
  seconds.push(last.seconds);
}
seconds.sort((a, b) => a - b);
const median = seconds[Math.floor(seconds.length / 2)]!;
process.stdout.write(
  JSON.stringify({
    admins,
    quorum: policy.quorum.escalate + '/' + policy.quorum.deescalate,
    symmetry,
    workers,
    states: last!.states,
    transitions: last!.transitions,
    seconds: median,
    statesPerSecond: Math.round(last!.states / median),
    transitionsPerSecond: Math.round(last!.transitions / median),
    bytesPerState: last!.bytesPerState,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    allPass: last!.properties.every((p) => p.status === 'pass'),
  }) + '\n',
);
