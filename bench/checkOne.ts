/**
 * One `checkPolicy` in a fresh process, so its time includes generating and optimising the checker's
 * code, and its peak memory is its own: prints one JSON line. No warm-up run: SPIN's figures are of
 * a fresh pan process too.
 * Usage: node --import tsx bench/checkOne.ts ADMINS [--no-symmetry]
 */
import { checkPolicy } from '../checker/index.ts';
import { DEFAULT_POLICY, scaledPolicy } from '../spec/policy.ts';

const admins = Number(process.argv[2] ?? 7);
const symmetry = !process.argv.includes('--no-symmetry');
const policy = admins === 7 ? DEFAULT_POLICY : scaledPolicy(admins);
const cpuBefore = process.cpuUsage();
const started = performance.now();
// With symmetry, the check as `guillotine check` runs it, findings included; without, the
// properties alone, as SPIN checks them (it computes no findings).
const report = checkPolicy(policy, { findings: symmetry, symmetry });
const wall = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  JSON.stringify({
    admins,
    quorum: `${policy.quorum.escalate}/${policy.quorum.deescalate}`,
    symmetry,
    states: report.states,
    transitions: report.transitions,
    /** The whole check: generating the code, the search, rebuilding and explaining its paths (and the findings, with symmetry). */
    wallSeconds: wall,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    /** The search alone (what pan's "elapsed time" measures on SPIN's side). */
    searchSeconds: report.seconds,
    bytesPerState: report.bytesPerState,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    allPass: report.properties.every((p) => p.status === 'pass'),
  }) + '\n',
);
