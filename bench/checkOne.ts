/**
 * One checker run in a fresh process, so its peak memory is its own: prints one JSON line.
 * Usage: node --import tsx bench/checkOne.ts ADMINS [--no-symmetry] [--repeat N]
 */
import { checkPolicy } from '../checker/index.ts';
import { DEFAULT_POLICY, scaledPolicy } from '../spec/policy.ts';

const admins = Number(process.argv[2] ?? 7);
const symmetry = !process.argv.includes('--no-symmetry');
const repeatAt = process.argv.indexOf('--repeat');
const repeat = repeatAt > 0 ? Number(process.argv[repeatAt + 1]) : 1;
const policy = admins === 7 ? DEFAULT_POLICY : scaledPolicy(admins);
const seconds: number[] = [];
let last = checkPolicy(policy, { findings: false, symmetry });
for (let i = 0; i < repeat; i++) {
  last = checkPolicy(policy, { findings: false, symmetry });
  seconds.push(last.seconds);
}
seconds.sort((a, b) => a - b);
const median = seconds[Math.floor(seconds.length / 2)]!;
process.stdout.write(
  JSON.stringify({
    admins,
    quorum: policy.quorum.escalate + '/' + policy.quorum.deescalate,
    symmetry,
    states: last.states,
    transitions: last.transitions,
    seconds: median,
    statesPerSecond: Math.round(last.states / median),
    transitionsPerSecond: Math.round(last.transitions / median),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    allPass: last.properties.every((p) => p.status === 'pass'),
  }) + '\n',
);
