/**
 * `guillotine prove --protocol`: the protocol's safety properties (docs/protocol.md §4) for every
 * policy of a region of its parameters — number of admins, quorums, miss limit, de-escalation step —
 * through `proofs/protocol/prove.ts`, printed as a table, each proof's invariant in the protocol's
 * words, each refutation's smallest policy and abstract path. The options are added to `prove`'s.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { correctMachine, mutatedMachine } from '../machines/mutants.ts';
import type { Knob } from '../machines/protocolOps.ts';
import type { PropertyId } from '../properties/property.ts';
import { DEFAULT_PROTOCOL_TIMEOUT_MS, protocolHolds, protocolProperties, proveProtocol, type ProtocolProofReport, type ProtocolVerdict } from '../proofs/protocol/prove.ts';
import { pathLines } from '../proofs/protocol/refute.ts';
import { FULL_REGION, knobWords, regionProblem, type Interval, type ProtocolRegion } from '../proofs/protocol/region.ts';
import { runProof } from './proofRun.ts';
import { decodePath } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import { terminalSafe } from '../spec/terminalText.ts';
import { BadInput, EXIT, integerOption, outputDirectory, policyFrom, printJson, writeOutput, type ExitCode, type Output } from './command.ts';
import { mutantFrom, mutantOption, mutantSummary } from './mutantOption.ts';
import { table } from './table.ts';

/** The flags of `guillotine prove`: the hardware proofs' and `--protocol`'s, which share `--policy`, `--only`, `--json`… */
export interface ProtocolFlags {
  readonly protocol?: boolean;
  readonly policy?: string;
  readonly only: readonly string[];
  readonly controls?: boolean;
  readonly json?: boolean;
  readonly emitSmt2?: string;
  readonly timeoutMs?: string;
  readonly timeout?: string;
  readonly mutant?: string;
  readonly admins?: string;
  readonly escalate?: string;
  readonly deescalate?: string;
  readonly missLimit?: string;
  readonly maxStep?: string;
  readonly candidates?: 'conditional' | 'plain' | 'none';
  readonly traces?: string;
}

/** The region flags, by knob. */
const REGION_FLAGS: readonly { readonly knob: Knob; readonly flag: string; readonly key: keyof ProtocolFlags; readonly what: string }[] = [
  { knob: 'admins', flag: '--admins', key: 'admins', what: 'numbers of admins' },
  { knob: 'escalate', flag: '--escalate', key: 'escalate', what: 'escalation quorums (never above the number of admins)' },
  { knob: 'deescalate', flag: '--deescalate', key: 'deescalate', what: 'de-escalation quorums (never above the number of admins)' },
  { knob: 'missLimit', flag: '--miss-limit', key: 'missLimit', what: 'heartbeat miss limits' },
  { knob: 'maxStep', flag: '--max-step', key: 'maxStep', what: 'de-escalation steps' },
];

/** Adds `--protocol` and its options to `prove`. */
export function addProtocolOptions(command: Command): Command {
  command.addOption(new Option('--protocol', 'prove the safety properties of docs/protocol.md §4 for every number of admins, quorum pair, miss limit and step in a region, instead of the hardware invariants'));
  for (const r of REGION_FLAGS) command.addOption(new Option(`${r.flag} <range>`, `with --protocol: the ${r.what} the proof covers, as LO..HI, LO.. or N (default: all)`));
  return command
    .addOption(mutantOption())
    .addOption(new Option('--traces <dir>', 'with --protocol: write each refutation as a trace file <property>.trace.json, its smallest policy inside, that `guillotine replay` runs'))
    .addOption(new Option('--timeout <seconds>', `with --protocol: Z3's timeout per query, in seconds (default ${DEFAULT_PROTOCOL_TIMEOUT_MS / 1000}); a timeout is reported as unknown`))
    .addOption(new Option('--candidates <kind>', 'with --protocol: candidate lemmas for Houdini: conditional (also under one condition; more proved without Spacer), plain, or none (no Houdini: a search of small policies, then Spacer alone)').choices(['conditional', 'plain', 'none']).default('conditional'));
}

/** Refuses the --protocol options on the hardware proofs (they would be silently ignored). */
export function rejectProtocolOnly(flags: ProtocolFlags): void {
  const given = [...REGION_FLAGS.filter((r) => flags[r.key] !== undefined).map((r) => r.flag), ...(flags.mutant !== undefined ? ['--mutant'] : []), ...(flags.traces !== undefined ? ['--traces'] : []), ...(flags.timeout !== undefined ? ['--timeout'] : []), ...(flags.candidates !== undefined && flags.candidates !== 'conditional' ? ['--candidates'] : [])];
  if (given.length > 0) throw new BadInput(`${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} only with --protocol; the hardware theorems take --policy, --only, --controls, --timeout-ms and --emit-smt2`);
}

/** `LO..HI`, `LO..` or `N`, as an interval. */
function interval(flag: string, raw: string): Interval {
  const m = /^(\d+)(\.\.(\d+)?)?$/.exec(raw.trim());
  if (m === null) throw new BadInput(`${flag} takes a range LO..HI, LO.. or a whole number N (each at least 1), got ${JSON.stringify(raw)}`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === undefined ? undefined : Number(m[3]);
  return max === undefined ? { min } : { min, max };
}

function regionFrom(flags: ProtocolFlags): ProtocolRegion {
  const region: Record<Knob, Interval> = { ...FULL_REGION };
  for (const r of REGION_FLAGS) {
    const raw = flags[r.key];
    if (typeof raw === 'string') region[r.knob] = interval(r.flag, raw);
  }
  const problem = regionProblem(region);
  // The problem names the knob first ("admins: …"); the user knows it by its flag.
  if (problem !== undefined) throw new BadInput(`the region is empty or out of range: ${problem.replace(/^(\w+):/, (all, knob: string) => `${REGION_FLAGS.find((r) => r.knob === knob)?.flag ?? knob}:`)}`);
  return region;
}

function propertyIds(raw: readonly string[]): PropertyId[] | undefined {
  const ids = protocolProperties().map((p) => p.id);
  if (raw.length === 0) return undefined;
  const bad = raw.filter((id) => !(ids as readonly string[]).includes(id));
  if (bad.length > 0) throw new BadInput(`--only: with --protocol, no safety property has id ${bad.map((b) => JSON.stringify(b)).join(', ')}; ids: ${ids.join(', ')}`);
  return raw as PropertyId[];
}

/** `prove --protocol`: parse, prove, print; the exit code as `prove`'s. */
export async function proveProtocolCommand(io: Output, flags: ProtocolFlags): Promise<ExitCode> {
  if (flags.controls === true) throw new BadInput('--controls applies to the hardware theorems; for the protocol, prove a design bug with --mutant NAME (it must be refuted)');
  if (flags.timeoutMs !== undefined) throw new BadInput('--timeout-ms applies to the hardware theorems; with --protocol, give --timeout SECONDS');
  const chosen = mutantFrom(io, flags.mutant, flags.json);
  if (chosen === 'list') return EXIT.holds;
  const policy = policyFrom(flags.policy);
  const region = regionFrom(flags);
  const only = propertyIds(flags.only);
  const timeoutMs = (integerOption('--timeout', flags.timeout, 1, 3600) ?? DEFAULT_PROTOCOL_TIMEOUT_MS / 1000) * 1000;
  if (flags.emitSmt2 !== undefined) outputDirectory('--emit-smt2', flags.emitSmt2);
  if (flags.traces !== undefined) outputDirectory('--traces', flags.traces);
  const machine = chosen === undefined ? correctMachine(policy) : mutatedMachine(policy, chosen);
  const report = await runProof(() =>
    proveProtocol(machine, {
      region,
      timeoutMs,
      candidates: flags.candidates ?? 'conditional',
      ...(only === undefined ? {} : { only }),
      ...(flags.emitSmt2 === undefined ? {} : { emitSmt2: flags.emitSmt2 }),
      progress: (line) => io.err(line + '\n'),
    }),
  );
  const traceFiles = flags.traces === undefined ? undefined : writeRefutations(flags.traces, report);
  const fixed = fixedParameters(machine.policy);
  if (flags.json === true) printJson(io, { ...report, fixed, ...(chosen === undefined ? {} : { mutant: mutantSummary(chosen) }) });
  else {
    if (chosen !== undefined) io.out(`Mutant ${chosen.name} (${chosen.mutates}): ${chosen.bug}; expected to fail ${chosen.caughtBy.join(', ')}\n`);
    printProtocolReport(io, report, flags.policy ?? '(embedded default)', fixed, timeoutMs, { mutant: chosen?.name, traceFiles });
  }
  if (protocolHolds(report)) return EXIT.holds;
  if (report.properties.some((p) => p.verdict === 'refuted')) return EXIT.violated;
  const unknown = report.properties.filter((p) => p.verdict === 'unknown').map((p) => p.property);
  io.err(`guillotine: incomplete: no proof or counterexample for ${unknown.join(', ')} within --timeout ${timeoutMs / 1000}, and nothing was refuted; raise it with --timeout SECONDS\n`);
  return EXIT.incomplete;
}

/** The policy's parameters that stay concrete in the proof, in words. */
function fixedParameters(p: Policy): Record<string, string> {
  return {
    irreversible: p.irreversible.join(', ') || 'none',
    onTimeout: p.quorum.onTimeout,
    detectorMaxLevel: p.detector.maxLevel,
    rebootLevel: p.faults.rebootLevel,
    actuatorFailureUpTo: p.actuators.escalateOnFailureUpTo,
  };
}

function resultCell(v: ProtocolVerdict): string {
  if (v.verdict === 'proved') return `PROVED (${v.method})`;
  if (v.verdict === 'refuted') return `REFUTED at ${v.knobs.admins} admins`;
  return 'UNKNOWN';
}

/**
 * Each refutation as a self-contained trace file (its smallest policy inside), written as one set:
 * all of them or, on a failure, none. Returns the files written, by property.
 */
function writeRefutations(dir: string, report: ProtocolProofReport): ReadonlyMap<PropertyId, string> {
  const files = report.properties.flatMap((v) => {
    if (v.verdict !== 'refuted') return [];
    const decoded = decodePath(v.replay.handle);
    // The handle was made by encodePath from events the reference engine ran: it always decodes.
    if (!decoded.ok) throw new Error(`prove --protocol: the replay handle of ${v.property} does not decode: ${decoded.message}`);
    const text = JSON.stringify({ property: v.property, policy: v.replay.policy, events: decoded.events }, null, 2) + '\n';
    return [{ property: v.property, path: join(dir, `${v.property}.trace.json`), text }];
  });
  writeOutput('--traces', files);
  return new Map(files.map((f) => [f.property, f.path]));
}

/** The report as a person reads it. */
export function printProtocolReport(
  io: Output,
  r: ProtocolProofReport,
  source: string,
  fixed: Record<string, string>,
  timeoutMs: number,
  replayHints: { readonly mutant?: string; readonly traceFiles?: ReadonlyMap<PropertyId, string> } = {},
): void {
  io.out(`Protocol safety properties (docs/protocol.md §4) for every policy with ${r.region.words}\n`);
  io.out(`policy ${terminalSafe(source)}, whose fixed parameters stay: ${Object.entries(fixed).map(([k, v]) => `${k} ${v}`).join('; ')}; Z3 timeout ${timeoutMs / 1000} s per query\n`);
  const h = r.houdini;
  if (h.candidates === 0) io.out('Houdini: no candidate lemmas (--candidates none, or no small policy in the region to mine them from); Spacer alone\n\n');
  else io.out(h.status === 'inductive' ? `Houdini: ${h.lemmas.length} of ${h.candidates} candidate lemmas are inductive together (${h.queries} queries, ${h.seconds.toFixed(1)} s)\n\n` : `Houdini gave up (${h.reason ?? 'unknown'}): no lemmas; Spacer alone\n\n`);
  io.out(table(['property', 'result', 'seconds'], r.properties.map((v) => [v.property, resultCell(v), v.seconds.toFixed(2)])));
  for (const v of r.properties) {
    if (v.verdict === 'proved') {
      if (v.method === 'houdini' && v.invariant.length === 0) io.out(`\n${v.property}: holds on every step from every state of the region; no lemma needed\n`);
      else io.out(`\n${v.property}: ${v.method === 'houdini' ? 'follows from these lemmas of the inductive invariant' : "Spacer's invariant (with the Houdini lemmas)"}:\n${v.invariant.map((l) => `  ${l}\n`).join('')}`);
    } else if (v.verdict === 'refuted') {
      io.out(`\n${v.property} REFUTED; the smallest policy that breaks it: ${knobWords(v.knobs)}\n`);
      if (v.abstractPath.length === 0) io.out('  the initial state breaks it\n');
      pathLines(v.initial, v.abstractPath).forEach((line, i) => io.out(`  ${i + 1}. ${line}\n`));
      const mutant = replayHints.mutant === undefined ? '' : ` --mutant ${replayHints.mutant}`;
      const file = replayHints.traceFiles?.get(v.property);
      io.out(`  concretely, with admins a1…a${v.knobs.admins}: ${terminalSafe(v.replay.handle)}\n  ${terminalSafe(v.replay.reason)}\n`);
      io.out(file === undefined ? `  replay: prove again with --traces DIR, then guillotine replay DIR/${v.property}.trace.json${mutant}\n` : `  replay: guillotine replay ${terminalSafe(file)}${mutant}\n`);
    } else io.out(`\n${v.property} UNKNOWN: ${v.reason}\n`);
  }
  const proved = r.properties.filter((p) => p.verdict === 'proved').length;
  io.out(`\n${proved === r.properties.length ? `All ${proved} properties proved for every policy of the region.` : `${proved} of ${r.properties.length} properties proved.`}\n`);
}
