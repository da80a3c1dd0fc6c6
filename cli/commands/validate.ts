/**
 * `guillotine validate LOG [--policy FILE] [--json] [--follow] [--max-gap N] [--max-candidates N]`:
 * checks a log an implementation wrote (docs/log-format.md) against the statechart, and says
 * whether the run followed the protocol or at which record it first left it. Exit 0 consistent
 * (with the behaviour that explains it), 1 divergent (the record, what the log shows, what the
 * statechart allowed, the events matched so far, the §4 property broken), 2 malformed log or bad
 * input (the line and what is wrong), 3 a search bound reached before a divergence was proven.
 *
 * The log is streamed (a file, or `-` for stdin), never loaded whole; `--follow` keeps reading a
 * file as it grows and reports the first divergence as it happens (Ctrl-C ends it: exit 0 if
 * everything so far was consistent).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Option } from 'commander';
import { logValidation, DEFAULT_MAX_CANDIDATES, DEFAULT_MAX_GAP, type LogValidation, type ValidationResult } from '../../validate/index.ts';
import type { Divergence } from '../../validate/report.ts';
import { changeWords, proposalWords } from '../../validate/match.ts';
import type { LogObservation } from '../../spec/log.ts';
import { terminalSafe } from '../../spec/terminalText.ts';
import { fileErrorWords } from '../../spec/fileError.ts';
import { action, BadInput, integerOption, jsonOption, policyFrom, policyOption, printJson, type ExitCode, type Output, type RegisterCommand } from '../command.ts';
import { progressLine } from '../progress.ts';
import { count } from '../table.ts';

interface ValidateFlags {
  readonly policy?: string;
  readonly json?: boolean;
  readonly follow?: boolean;
  readonly maxGap?: string;
  readonly maxCandidates?: string;
}

/** How long --follow waits between looks at a file that has not grown, in ms. */
const FOLLOW_POLL_MS = 200;
/** A replay handle longer than this is not printed in the text output (--json always has it). */
const PRINTED_PATH_CHARS = 2_000;

export const registerValidate: RegisterCommand = (command, io, exit) => {
  command
    .addOption(policyOption().default(undefined, "the log's own, else the embedded default"))
    .addOption(jsonOption())
    .addOption(new Option('--follow', 'keep reading the file as it grows; report the first divergence as it happens (Ctrl-C ends)'))
    .addOption(new Option('--max-gap <n>', `most unobserved events the search supplies before one record (default ${DEFAULT_MAX_GAP})`))
    .addOption(new Option('--max-candidates <n>', `most states kept consistent with the log at once (default ${DEFAULT_MAX_CANDIDATES})`))
    .addHelpText(
      'after',
      '\nThe log\'s header says which kinds of stimulus it records completely; between two records the\n' +
        'search supplies only the other kinds (shortest first), and time-driven events (quorum timeout,\n' +
        'missed heartbeats, actuator deadlines) only when the timestamps allow them. Format: docs/log-format.md;\n' +
        'JSON Schema: spec/log.schema.json. `guillotine simulate --scenario soak --log FILE` writes one.\n\n' +
        'Exit status: 0 consistent; 1 divergent (the first record no behaviour explains); 2 malformed log or\n' +
        'bad input (the line and what is wrong); 3 a search bound was reached before a divergence was proven.\n',
    )
    .action(
      action(exit, async (log: string, flags: ValidateFlags) => {
        const maxGap = integerOption('--max-gap', flags.maxGap, 0, 64);
        const maxCandidates = integerOption('--max-candidates', flags.maxCandidates, 1, 10_000_000);
        const policy = flags.policy === undefined ? undefined : policyFrom(flags.policy);
        let progress: ReturnType<typeof validationProgress> | null = null;
        const validation = logValidation({
          ...(policy ? { policy } : {}), ...(maxGap === undefined ? {} : { maxGap }), ...(maxCandidates === undefined ? {} : { maxCandidates }),
          onProgress: () => progress?.report(),
        });
        const started = performance.now();
        progress = validationProgress(io, validation);
        let result: ValidationResult;
        try {
          result = log === '-' ? await readStream(process.stdin, validation, progress.report) : await readFile(log, validation, Boolean(flags.follow), progress.report);
        } finally {
          progress.done();
        }
        const seconds = (performance.now() - started) / 1000;
        return report(io, result, validation, { log, policyFile: flags.policy, json: Boolean(flags.json), seconds });
      }),
    );
};

type Report = () => void;

/** Reads a file by chunks into the validation; with `follow`, waits for more at its end until a verdict or Ctrl-C. */
async function readFile(path: string, validation: LogValidation, follow: boolean, progress: Report): Promise<ValidationResult> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new BadInput(`cannot read log ${terminalSafe(JSON.stringify(path), { limit: 300 })}: ${fileErrorWords(error)}`);
  }
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  if (follow) process.once('SIGINT', onInterrupt);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new BadInput(`cannot read log ${terminalSafe(JSON.stringify(path), { limit: 300 })}: ${fileErrorWords({ code: 'EISDIR' })}`);
    if (!stat.isFile() && !stat.isFIFO()) throw new BadInput(`cannot read log ${terminalSafe(JSON.stringify(path), { limit: 300 })}: it is not a regular file or a pipe; give a log file, or - for standard input`);
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.allocUnsafe(1 << 20);
    let position = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, stat.isFile() ? position : null);
      if (n > 0) {
        position += n;
        const verdict = validation.push(decoder.write(buffer.subarray(0, n)));
        progress();
        if (verdict !== null) return verdict;
        continue;
      }
      if (!follow || interrupted) break;
      if (stat.isFile() && fstatSync(fd).size < position) throw new BadInput(`the log ${terminalSafe(JSON.stringify(path), { limit: 300 })} shrank while it was followed (truncated or rotated); validate the new file from its start`);
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
      if (interrupted) break;
    }
    const rest = decoder.end();
    return (rest === '' ? null : validation.push(rest)) ?? validation.end();
  } finally {
    closeSync(fd);
    if (follow) process.removeListener('SIGINT', onInterrupt);
  }
}

/** Reads a stream (standard input) into the validation, stopping at the first final verdict. */
async function readStream(stream: NodeJS.ReadableStream, validation: LogValidation, progress: Report): Promise<ValidationResult> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of stream) {
    const verdict = validation.push(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    progress();
    if (verdict !== null) return verdict;
  }
  const rest = decoder.end();
  return (rest === '' ? null : validation.push(rest)) ?? validation.end();
}

/** `Validating. records=…, t=… h, …s` on stderr, once a run has taken a second. */
function validationProgress(io: Output, validation: LogValidation) {
  const start = performance.now();
  let last = start;
  const line = progressLine(io);
  return {
    report() {
      const now = performance.now();
      if (now - start < 1_000 || now - last < (io.interactive ? 200 : 1_000)) return;
      last = now;
      const f = validation.figures();
      line.show(`Validating. records=${count(f.records)}, t=${hours(f.lastT)}, ${((now - start) / 1000).toFixed(1)}s`);
    },
    done: line.done,
  };
}

const hours = (ms: number) => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);

const EXIT_OF: Readonly<Record<ValidationResult['kind'], ExitCode>> = { consistent: 0, divergent: 1, malformed: 2, incomplete: 3 };

function report(io: Output, result: ValidationResult, validation: LogValidation, context: { log: string; policyFile: string | undefined; json: boolean; seconds: number }): ExitCode {
  const where = context.log === '-' ? 'standard input' : context.log;
  if (context.json) {
    const policy = validation.policy === null ? null : { source: validation.policySource === 'given' ? context.policyFile : validation.policySource, admins: validation.policy.admins.length };
    printJson(io, { log: where, policy, complete: validation.header?.complete ?? null, ...result });
    return EXIT_OF[result.kind];
  }
  if (result.kind === 'malformed') throw new BadInput(`bad log ${where}: line ${result.line}: ${result.message}`);
  const header = validation.header!;
  const p = validation.policy!;
  const source = validation.policySource === 'given' ? context.policyFile! : validation.policySource === 'log' ? "the log's own" : 'the embedded default';
  const f = result.figures;
  const read = result.kind === 'consistent' ? `${count(f.records)} record(s) over ${hours(f.lastT)}` : `${count(f.records)} record(s) read, up to the divergence at ${hours(f.lastT)}`;
  io.out(`Log ${where}: ${read}; recorded completely: ${header.complete.length === 0 ? 'nothing' : header.complete.join(', ')}\n`);
  io.out(`Policy: ${source} (${p.admins.length} admins, escalate ${p.quorum.escalate}, de-escalate ${p.quorum.deescalate}, timeout ${p.quorum.timeoutSeconds}s ${p.quorum.onTimeout})\n`);
  io.out(`Level record: ${f.chain.entries} entr${f.chain.entries === 1 ? 'y' : 'ies'}${f.chain.entries === 0 ? '' : f.chain.verified === f.chain.entries ? ', hash chain verified' : `, ${f.chain.verified} hash link(s) verified`}. Signed votes: ${f.votes.verified} verified, ${f.votes.unverified} unverified (no key in the policy), ${f.votes.refused} counting for nothing\n`);
  const replayPolicy = context.policyFile === undefined ? '' : ` --policy '${context.policyFile}'`;
  switch (result.kind) {
    case 'consistent': {
      const b = result.behaviour;
      io.out(`\nCONSISTENT: a behaviour of the statechart explains every record: ${count(b.events)} events, ${count(b.supplied)} of them supplied by the search (${count(result.candidates)} state(s) consistent at the end)\n`);
      io.out(`  ${replayLine(b.path, b.events, replayPolicy, 'behaviour.path')}\n`);
      break;
    }
    case 'divergent':
    case 'incomplete':
      printDivergence(io, result.divergence, replayPolicy, validation.policySource === 'log');
      if (result.kind === 'incomplete') {
        io.out(`\nINCOMPLETE: no divergence is proven, because the search reached a bound at line ${count(result.bound.line)}: ${result.bound.what}.\n  Raise the bound (--max-gap, --max-candidates) to decide.\n`);
      }
      break;
  }
  io.out(`Validated in ${context.seconds.toFixed(2)}s (${count(Math.round(f.records / Math.max(context.seconds, 1e-6)))} records/s)\n`);
  return EXIT_OF[result.kind];
}

/** What a record shows, field by field, in words. */
function showsWords(shows: LogObservation): string[] {
  const out: string[] = [];
  if (shows.level !== undefined) out.push(`level ${shows.level}`);
  if (shows.proposal !== undefined) out.push(`proposal ${proposalWords(shows.proposal)}`);
  if (shows.hypervisor !== undefined) out.push(`hypervisor ${shows.hypervisor}`);
  if (shows.capabilities !== undefined) out.push(`capabilities ${Object.entries(shows.capabilities).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (shows.actuators !== undefined) out.push(`actuators ${shows.actuators.join('+') || 'none'}`);
  if (shows.missed !== undefined) out.push(`missed ${shows.missed}`);
  if (shows.record !== undefined) out.push(`level record ${changeWords(shows.record)}`);
  return out;
}

function replayLine(path: string | null, events: number, policy: string, jsonKey: string): string {
  if (path === null) return `(${count(events)} events, longer than the kept path; only counted)`;
  if (path.length > PRINTED_PATH_CHARS) return `(${count(events)} events; --json prints them as ${jsonKey})`;
  return `replay: guillotine replay${policy} --path '${path}'`;
}

function printDivergence(io: Output, d: Divergence, policy: string, policyFromLog: boolean): void {
  io.out(`\nDIVERGES at line ${count(d.line)} (record ${count(d.record)}, t = ${d.t} ms)${d.stimulus === null ? '' : `: ${d.stimulus}`}\n`);
  io.out(`  ${d.summary}\n`);
  const shows = showsWords(d.shows);
  io.out(`  The log shows: ${shows.length === 0 ? 'nothing besides its stimulus' : shows.join('; ')}\n`);
  if (d.candidates.length > 0) {
    io.out(`  What the statechart allows instead, closest first (${d.candidates.length} of ${count(d.tried)} tried; each continues the matched behaviour):\n`);
    d.candidates.forEach((c, i) => {
      const diffs = c.diffs.map((x) => `${x.field}: log ${x.log}, statechart ${x.spec}`);
      io.out(`    ${i + 1}. ${c.events === '' ? '(no event)' : c.events}\n`);
      for (const line of [...(c.note === null ? [] : [c.note]), ...diffs]) io.out(`         ${line}\n`);
    });
  }
  for (const v of d.properties) io.out(`  Breaks ${v.property}: ${v.reason}\n`);
  const m = d.matched;
  io.out(`  Matched so far: ${count(m.events)} events (${count(m.supplied)} supplied by the search)${policyFromLog && policy === '' ? ", under the log's policy" : ''}\n`);
  io.out(`  ${replayLine(m.path, m.events, policy, 'divergence.matched.path')}\n`);
}
