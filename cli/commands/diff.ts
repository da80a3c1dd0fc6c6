/**
 * `guillotine diff A.json B.json [--json]`: what changing policy A into policy B changes — every
 * property's verdict under each, the findings (fewest admins to reach and leave each level), the
 * states each machine reaches, and the shortest trace one machine accepts and the other rejects,
 * with a replay handle for each side. Exit 0 when every verdict is the same, 1 when one changed,
 * 2 on bad input.
 */
import { Option } from 'commander';
import { diffPolicies, type PolicyDiff } from '../../review/diff.ts';
import { describeEvent } from '../../spec/events.ts';
import type { Policy } from '../../spec/policy.ts';
import { action, integerOption, jsonOption, policyFrom, printJson, type Output, type RegisterCommand } from '../command.ts';
import { progressLine } from '../progress.ts';
import { count, table } from '../table.ts';

export const registerDiff: RegisterCommand = (command, io, exit) => {
  command
    .addOption(jsonOption())
    .addOption(new Option('--max-pairs <n>', 'bound of the search for a distinguishing trace, in pairs of states').default('500000'))
    .addHelpText('after', '\nExit status: 0 every property has the same verdict under both; 1 a verdict changed; 2 bad input.\nProgress goes to stderr.\n')
    .action(
      action(exit, (fileA: string, fileB: string, opts: { json?: boolean; maxPairs: string }) => {
        const a = { source: fileA, policy: policyFrom(fileA) };
        const b = { source: fileB, policy: policyFrom(fileB) };
        const maxPairs = integerOption('--max-pairs', opts.maxPairs, 1, 100_000_000)!;
        const line = progressLine(io);
        const diff = diffPolicies(a, b, {
          maxPairs,
          onStage: (stage) => line.show(`diff: ${stage}…`),
          onProgress: (explored) => explored > 0 && line.show(`diff: distinguishing trace, ${count(explored)} pairs of states…`),
        });
        line.done();
        if (opts.json) printJson(io, diff);
        else print(io, diff);
        return diff.sameVerdicts ? 0 : 1;
      }),
    );
};

/** One line about a policy, as `check` heads its report. */
export function policySummary(p: Policy): string {
  const q = p.quorum;
  return `${p.admins.length} admins, escalate ${q.escalate}, de-escalate ${q.deescalate}, timeout ${q.timeoutSeconds}s (${q.onTimeout}), irreversible: ${p.irreversible.join(', ') || 'none'}, detector ≤ ${p.detector.maxLevel}, reboot into ${p.faults.rebootLevel}`;
}

const never = (n: number | null) => (n === null ? 'never' : String(n));

function print(io: Output, d: PolicyDiff) {
  io.out(`A ${d.a.source}: ${policySummary(d.a.policy)}\n`);
  io.out(`B ${d.b.source}: ${policySummary(d.b.policy)}\n\n`);
  io.out(table(['property', 'kind', 'A', 'B', ''], d.verdicts.map((v) => [v.id, v.kind, v.a.toUpperCase(), v.b.toUpperCase(), v.changed ? 'changed' : ''])));
  io.out(`Reachable states${d.states.symmetry ? ' (one per renaming of admins)' : ''}: A ${count(d.states.a)}, B ${count(d.states.b)}${d.states.complete ? '' : ' (a check stopped early)'}\n`);
  if (d.findings) {
    io.out('\nFindings (fewest admins, with timeouts and fail-safes allowed):\n');
    io.out(table(['level', 'A: to reach', 'A: to leave', 'B: to reach', 'B: to leave', ''], d.findings.map((f) => [f.level, never(f.a.reach), never(f.a.leave), never(f.b.reach), never(f.b.leave), f.changed ? 'changed' : ''])));
  }
  const t = d.distinguishing;
  if (t.kind === 'found') {
    const last = t.events[t.events.length - 1]!;
    const side = (o: typeof t.a) => (o.accepted ? `accepted (level ${o.level})` : `rejected: ${o.reason}`);
    io.out(`\nShortest trace accepted by ${t.a.accepted ? 'A' : 'B'} and rejected by ${t.a.accepted ? 'B' : 'A'} (${t.events.length} step${t.events.length === 1 ? '' : 's'}):\n`);
    io.out(t.events.map((e, i) => `  ${i + 1}. ${describeEvent(e)}`).join('\n') + '\n');
    io.out(`  step ${t.events.length}, ${describeEvent(last)}: A ${side(t.a)}; B ${side(t.b)}\n`);
    io.out(`  replay: guillotine replay --policy '${d.a.source}' --path '${t.path}'\n`);
    io.out(`          guillotine replay --policy '${d.b.source}' --path '${t.path}'\n`);
  } else if (t.complete) {
    io.out(`\nNo trace tells the machines apart: they accept exactly the same traces (${count(t.explored)} pairs of states explored).\n`);
  } else {
    io.out(`\nNo trace told the machines apart within ${count(t.explored)} pairs of states (the bound; raise it with --max-pairs).\n`);
  }
  const changed = d.verdicts.filter((v) => v.changed);
  io.out(changed.length === 0 ? '\nEvery verdict is the same under both policies.\n' : `\n${changed.length} verdict${changed.length === 1 ? '' : 's'} changed: ${changed.map((v) => `${v.id} ${v.a.toUpperCase()} → ${v.b.toUpperCase()}`).join(', ')}\n`);
}
