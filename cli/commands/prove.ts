/**
 * `guillotine prove [--policy FILE] [--only ID] [--controls] [--json] [--emit-smt2 DIR] [--timeout-ms N]`:
 * discharges the hardware invariants of docs/protocol.md §5 with Z3 and prints, per theorem, proved /
 * refuted (with the decoded counterexample) / unknown (with the reason) and its time.
 * Exit 0 when every theorem is proved (and, with --controls, every control refuted), 1 when one is
 * refuted (or a control is not), 2 for bad input, 3 when the solver gave up (unknown) and nothing
 * was refuted.
 *
 * `guillotine prove --protocol [--admins RANGE …] [--mutant NAME] [--timeout SECONDS]`: the protocol's
 * safety properties (§4) for every number of admins, quorum pair, miss limit and step in a region
 * (`cli/protocolProof.ts`), with the same exit codes.
 */
import { Option } from 'commander';
import { DEFAULT_TIMEOUT_MS, isTheoremId, proveAll, reportHolds, THEOREM_IDS, THEOREMS, type ProveReport, type TheoremId } from '../../proofs/index.ts';
import { action, BadInput, EXIT, integerOption, jsonOption, policyFrom, outputDirectory, policyOption, printJson, type ExitCode, type Output, type RegisterCommand } from '../command.ts';
import { runProof } from '../proofRun.ts';
import { terminalSafe } from '../../spec/terminalText.ts';
import { table } from '../table.ts';
import { addProtocolOptions, proveProtocolCommand, rejectProtocolOnly, type ProtocolFlags } from '../protocolProof.ts';

export const registerProve: RegisterCommand = (command, io, exit) => {
  addProtocolOptions(command.addOption(policyOption()))
    .addOption(
      new Option('--only <id>', `prove only this theorem (repeat or separate with commas); ids: ${THEOREM_IDS.join(', ')} (with --protocol: property ids)`)
        // An empty id (`--only ''`, `--only a,,b`) is kept, so that it is refused rather than read as "all theorems".
        .argParser((value: string, previous: readonly string[]) => [...previous, ...value.split(',').map((s) => s.trim())])
        .default([], 'every theorem'),
    )
    .addOption(new Option('--controls', 'also run the negative controls (weakened checks that must be refuted), so no proof is vacuous'))
    .addOption(jsonOption())
    .addOption(new Option('--emit-smt2 <dir>', 'write every solver query as SMT-LIB 2 (with manifest.json of the verdicts) to re-run with a native solver'))
    .addOption(new Option('--timeout-ms <n>', `per-query solver timeout in milliseconds (default ${DEFAULT_TIMEOUT_MS}); a timeout is reported as unknown`))
    .addHelpText(
      'after',
      `\nTheorems (docs/protocol.md §5):\n${THEOREMS.map((t) => `  ${t.id.padEnd(30)} ${t.summary}`).join('\n')}\n\n` +
        'Exit status: 0 every theorem proved (and, with --controls, every control refuted); 1 a theorem refuted\n' +
        '(or a control proved, not refuted); 2 bad input (bad --policy file, --only id, --timeout-ms or --emit-smt2\n' +
        'directory); 3 incomplete: the solver answered unknown (a timeout) for a theorem or control, and nothing\n' +
        'was refuted; raise --timeout-ms.\n' +
        '\nWith --protocol, the safety properties of docs/protocol.md §4 are proved for every number of admins\n' +
        '(docs/proofs.md, "The protocol for every number of admins"): exit 0 all proved, 1 one refuted, 2 bad input\n' +
        '(an empty region, a bad policy, an unknown mutant or property), 3 unknown (a solver limit), nothing refuted.\n',
    )
    .action(
      action(exit, async (flags: ProtocolFlags) => {
        if (flags.protocol === true) return proveProtocolCommand(io, flags);
        rejectProtocolOnly(flags);
        const policy = policyFrom(flags.policy);
        const only = theoremIds(flags.only);
        const timeoutMs = integerOption('--timeout-ms', flags.timeoutMs, 1, 3_600_000) ?? DEFAULT_TIMEOUT_MS;
        if (flags.emitSmt2 !== undefined) outputDirectory('--emit-smt2', flags.emitSmt2);
        const report = await runProof(() =>
          proveAll(policy, {
            ...(only === undefined ? {} : { only }),
            controls: flags.controls === true,
            timeoutMs,
            ...(flags.emitSmt2 === undefined ? {} : { emitSmt2: flags.emitSmt2 }),
            progress: (line) => io.err(line + '\n'),
          }),
        );
        if (flags.json === true) printJson(io, report);
        else printReport(io, report, flags.policy ?? '(embedded default)', timeoutMs);
        return proveVerdict(io, report, timeoutMs);
      }),
    );
};

/**
 * 1 when a theorem is refuted or a control proved (a verdict against the design or the proof); else
 * 3, with a line on stderr, when the solver answered unknown for any of them; else 0.
 */
function proveVerdict(io: Output, r: ProveReport, timeoutMs: number): ExitCode {
  if (reportHolds(r)) return EXIT.holds;
  if (r.theorems.some((t) => t.status === 'refuted') || r.controls.some((c) => c.status === 'proved')) return EXIT.violated;
  const unknown = [...r.theorems.filter((t) => t.status === 'unknown').map((t) => t.id), ...r.controls.filter((c) => c.status === 'unknown').map((c) => `control ${c.id}`)];
  io.err(`guillotine: incomplete: the solver answered unknown for ${unknown.join(', ')} within --timeout-ms ${timeoutMs}, and nothing was refuted; raise it with --timeout-ms N\n`);
  return EXIT.incomplete;
}

function theoremIds(raw: readonly string[]): TheoremId[] | undefined {
  if (raw.length === 0) return undefined;
  if (raw.some((id) => id === '')) throw new BadInput(`--only: an empty theorem id; give one or more of: ${THEOREM_IDS.join(', ')}`);
  const bad = raw.filter((id) => !isTheoremId(id));
  if (bad.length > 0) throw new BadInput(`--only: no theorem has id ${bad.map((b) => JSON.stringify(b)).join(', ')}; ids: ${THEOREM_IDS.join(', ')}`);
  return raw.filter(isTheoremId);
}

/** A decoded counterexample as indented `key: value` lines (nested objects indented further). */
function lines(value: Record<string, unknown>, indent: string): string {
  let out = '';
  for (const [key, v] of Object.entries(value)) {
    if (key === 'statement' || key === 'confirmedConcretely') continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out += `${indent}${key}:\n${lines(v as Record<string, unknown>, indent + '  ')}`;
    else out += `${indent}${key}: ${Array.isArray(v) ? (v.length === 0 ? '(none)' : v.join(', ')) : String(v)}\n`;
  }
  return out;
}

function printReport(io: Output, r: ProveReport, source: string, timeoutMs: number): void {
  io.out(`Hardware invariants (docs/protocol.md §5), policy ${terminalSafe(source)}, Z3 per-query timeout ${timeoutMs} ms\n\n`);
  io.out(
    table(
      ['theorem', 'result', 'obligations', 'seconds'],
      r.theorems.map((t) => [t.id, t.status.toUpperCase(), `${t.obligations.filter((o) => o.status === 'proved').length}/${t.obligations.length} proved`, t.seconds.toFixed(2)]),
    ),
  );
  for (const t of r.theorems) {
    if (t.status === 'unknown') io.out(`\n${t.id} UNKNOWN: ${t.reason ?? ''}\n`);
    if (t.status !== 'refuted' || t.counterexample === undefined) continue;
    const failed = t.obligations.find((o) => o.status === 'refuted');
    // A reachability claim with no witness has nothing to confirm; a counterexample was re-checked on bigints.
    const heading = t.counterexample['confirmedConcretely'] === true ? 'counterexample (confirmed on concrete values)' : 'finding';
    io.out(`\n${t.id} REFUTED: ${failed?.statement ?? ''}\n  ${heading}:\n${lines(t.counterexample, '    ')}`);
  }
  if (r.controls.length > 0) {
    io.out('\nNegative controls (weakened checks; each must be refuted):\n');
    io.out(table(['control', 'theorem', 'result', 'seconds'], r.controls.map((c) => [c.id, c.theorem, c.status === 'refuted' ? 'refuted as expected' : `${c.status.toUpperCase()} (expected refuted)`, c.seconds.toFixed(2)])));
    for (const c of r.controls) {
      if (c.status === 'refuted' && c.counterexample !== undefined) io.out(`\n${c.id}: ${c.description}\n${lines(c.counterexample, '    ')}`);
      else io.out(`\n${c.id} was NOT refuted (${c.reason ?? c.status}): the theorem may not distinguish the real check from this weakened one\n`);
    }
  }
  io.out(`\n${reportHolds(r) ? 'All theorems proved' + (r.controls.length > 0 ? ', all controls refuted.' : '.') : 'NOT all theorems proved' + (r.controls.length > 0 ? ' or controls refuted.' : '.')}\n`);
}
