/**
 * `guillotine viz [--policy FILE] [--watch] [--diff FILE] [--trace FILE | --log FILE] [--port N] [--seed N]`:
 * serves the review page on 127.0.0.1 — the levels view, the statechart and the sequence chart,
 * events fired by clicking (the page runs the machine itself), traces stepped forwards and
 * backwards, and below it the check results, the comparison with `--diff`, the proofs, the
 * coverage of the generated tests and the simulator's plots, each shown as soon as a worker
 * thread has built it — until Ctrl-C. With `--watch`, saving the policy file re-checks it and the
 * open page follows. With `--log FILE`, the page opens at the behaviour `guillotine validate` finds
 * for the log, each step tied to its record or marked supplied, the divergence marked; with
 * `--watch` too, the log is followed as it grows.
 */
import { Option } from 'commander';
import type { GuillotineEvent } from '../../spec/events.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import type { Policy } from '../../spec/policy.ts';
import { loadAnyTraceFile } from '../../spec/itf.ts';
import { startVizServer, type VizServer } from '../../viz/server.ts';
import { sectionsInWorker } from '../../viz/sectionsThread.ts';
import { DEFAULT_SECTION_IDS, isSectionId, SECTION_IDS, SECTION_TITLES, traceHash, type SectionId } from '../../viz/section.ts';
import { DEFAULT_SEED } from '../../viz/sections.ts';
import { watchFile } from '../../viz/watchFile.ts';
import { encodePath } from '../../spec/events.ts';
import { logFile, logHash, logView, type LogView } from '../../viz/logView.ts';
import { action, BadInput, integerOption, policyFrom, policyOption, type ExitCode, type Output, type RegisterCommand } from '../command.ts';

export const seedOption = () => new Option('--seed <n>', 'seed of the simulator experiments (the same seed gives the same figures)').default(String(DEFAULT_SEED));

export const traceOption = () => new Option('--trace <file>', 'trace file to open at: {"policy"?: ..., "events": [...]} (docs/protocol.md §7), e.g. one written by `guillotine check --traces`, or an ITF trace (.itf.json)');

export const diffOption = () => new Option('--diff <file>', 'a policy to compare with: adds a section with both verdicts, the findings and a shortest trace one accepts and the other rejects');

/** The policy and trace a review is about: `--policy` wins over the trace's own policy, which wins over the default. */
export interface ReviewInput {
  readonly policy: Policy;
  readonly policySource: string;
  readonly trace: { readonly events: readonly GuillotineEvent[]; readonly cycle?: readonly GuillotineEvent[] } | null;
  readonly compare?: { readonly source: string; readonly policy: Policy };
}

/** Reads `--policy`, `--trace` and `--diff`; bad files become {@link BadInput} naming the file and key. */
export function reviewInput(opts: { policy?: string; trace?: string; diff?: string }): ReviewInput {
  const compare = opts.diff === undefined ? {} : { compare: { source: opts.diff, policy: policyFrom(opts.diff) } };
  if (opts.trace === undefined) return { policy: policyFrom(opts.policy), policySource: opts.policy ?? '(embedded default)', trace: null, ...compare };
  const loaded = loadAnyTraceFile(opts.trace);
  if (!loaded.ok) throw new BadInput(`bad trace: ${loaded.problems.map((p) => (p.path === '(file)' ? p.message : `${p.path}: ${p.message}`)).join('; ')}`);
  const t = loaded.trace;
  const fromTrace = opts.policy === undefined && t.policy !== undefined;
  return {
    policy: fromTrace ? t.policy! : policyFrom(opts.policy),
    policySource: fromTrace ? `(from ${opts.trace})` : opts.policy ?? '(embedded default)',
    trace: { events: t.events, ...(t.cycle ? { cycle: t.cycle } : {}) },
    ...compare,
  };
}

export const logOption = () => new Option('--log <file>', 'a log a system wrote (docs/log-format.md) to open as the trace: the behaviour `guillotine validate` finds for it, each step tied to its record or marked supplied by the search, the divergence marked');

/**
 * `--log FILE`: the log validated as `guillotine validate` does (`--policy` wins over the log's own
 * policy, which wins over the default), before any server starts: a file that cannot be read or a
 * malformed log is {@link BadInput} with validate's one-line message. `growing`: the log is
 * followed (`--watch`), and its last line is read only once it is whole.
 */
export function logInput(file: string, opts: { policy?: string; diff?: string }, growing = false): { input: ReviewInput; log: LogView; follow: () => LogView | string } {
  const given = opts.policy === undefined ? undefined : policyFrom(opts.policy);
  const reader = logFile(file, given === undefined ? {} : { policy: given }, { growing });
  const read = () => {
    const r = reader.read();
    return r.ok ? logView(file, r.validation, r.result, opts.policy) : r.message;
  };
  const first = reader.read();
  if (!first.ok) throw new BadInput(first.message);
  const v = first.validation;
  const policySource = opts.policy ?? (v.policySource === 'log' ? `(from ${file})` : '(embedded default)');
  const compare = opts.diff === undefined ? {} : { compare: { source: opts.diff, policy: policyFrom(opts.diff) } };
  return { input: { policy: v.policy!, policySource, trace: null, ...compare }, log: logView(file, v, first.result, opts.policy), follow: read };
}

export const sectionsOptionHelp = `only these sections, comma-separated, of: ${SECTION_IDS.join(', ')} (default: all but protocol, half a minute of proof)`;

/** Parses `--sections a,b`: known ids only, kept in page order. */
export function sectionsOption(raw: string | undefined): readonly SectionId[] {
  if (raw === undefined) return DEFAULT_SECTION_IDS;
  const asked = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = asked.filter((s) => !isSectionId(s));
  if (asked.length === 0 || unknown.length > 0) throw new BadInput(`--sections takes a comma-separated list of ${SECTION_IDS.join(', ')} (diff with --diff FILE); got ${JSON.stringify(raw)}`);
  return SECTION_IDS.filter((id) => asked.includes(id));
}

/** Progress lines for sections built on a thread: one when each starts, one when each is ready. */
export function sectionProgress(io: Output, label: string) {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  return {
    onStart: (id: keyof typeof SECTION_TITLES) => io.err(`${label}: ${id}… (${elapsed()})\n`),
    ready: (id: string, s: { status: string; holds?: boolean | null; reason?: string }) =>
      io.err(`${label}: ${id} ${s.status === 'ready' ? (s.holds === false ? 'ready (does NOT hold)' : 'ready') : `unavailable: ${s.reason}`} after ${elapsed()}\n`),
  };
}

export const registerViz: RegisterCommand = (command, io, exit) => {
  command
    .addOption(policyOption())
    .addOption(new Option('--watch', 're-check the --policy file each time it is saved (and with --log, validate the log again as it grows); the open page follows, keeping its path where it still replays'))
    .addOption(diffOption())
    .addOption(traceOption())
    .addOption(logOption())
    .addOption(new Option('--port <n>', 'port to listen on; 0 picks a free one').default('0'))
    .addOption(seedOption())
    .addOption(new Option('--sections <ids>', sectionsOptionHelp))
    .addHelpText('after', '\nThe page answers only on 127.0.0.1 (Host 127.0.0.1, localhost or [::1] with this port); Ctrl-C stops it at once.\n')
    .action(
      action(exit, async (opts: { policy?: string; watch?: boolean; diff?: string; trace?: string; log?: string; port: string; seed: string; sections?: string }): Promise<ExitCode> => {
        const only = sectionsOption(opts.sections);
        if (only.includes('diff') && opts.sections !== undefined && opts.diff === undefined) throw new BadInput('--sections diff needs --diff FILE: the policy to compare with');
        const port = integerOption('--port', opts.port, 0, 65535)!;
        const seed = integerOption('--seed', opts.seed, 0, 2 ** 32 - 1)!;
        if (opts.watch && opts.policy === undefined && opts.log === undefined) throw new BadInput('--watch needs --policy FILE (the file to re-check when it is saved) or --log FILE (the log to follow)');
        if (opts.log !== undefined && opts.trace !== undefined) throw new BadInput('--log and --trace both open a trace; give one of them');
        const opened = opts.log === undefined ? null : logInput(opts.log, opts, opts.watch === true);
        const input = opened?.input ?? reviewInput(opts);
        // The sections take tens of seconds (checker, Z3, simulator): say on stderr when each starts and is ready.
        const sections = (policy: Policy) => {
          io.err('viz: building the sections below on a worker thread…\n');
          const progress = sectionProgress(io, 'viz');
          const feed = sectionsInWorker(policy, { only, seed, ...(input.compare ? { compare: input.compare } : {}) }, { onStart: progress.onStart });
          for (const id of feed.ids) void feed.section(id).then((s) => progress.ready(id, s));
          return feed;
        };
        const initialHash = opened !== null ? logHash(opened.log) : input.trace ? traceHash({ path: encodePath(input.trace.events), cycle: input.trace.cycle ? encodePath(input.trace.cycle) : null, step: null }) : null;
        let server: VizServer;
        try {
          server = await startVizServer({ policy: input.policy, policySource: input.policySource, port, initialHash, sections, watch: opts.watch === true && opts.policy !== undefined, log: opened?.log ?? null, watchLog: opts.watch === true && opened !== null });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EADDRINUSE') throw new BadInput(`--port ${port}: the port is in use; pick another, or --port 0 for a free one`);
          if (code === 'EACCES') throw new BadInput(`--port ${port}: permission denied; use a port above 1023, or --port 0`);
          throw error;
        }
        io.out(`Guillotine review of policy ${input.policySource} at ${server.url}${initialHash ?? ''}\n`);
        const watching = [opts.watch && opts.policy !== undefined ? `watching ${opts.policy}` : null, opts.watch && opts.log !== undefined ? `following ${opts.log}` : null].filter((w) => w !== null);
        io.out(`  levels view from ${server.model.ladder.explored.states} explored states; statechart: ${server.model.counts.states} states in ${server.model.counts.regions} regions, laid out in ${server.model.layoutMs} ms${watching.map((w) => `; ${w}`).join('')}; press Ctrl-C to stop\n`);
        if (opened !== null) io.out(`  log ${opts.log}: ${opened.log.headline}\n`);
        // Under --watch with --log, a new policy means the log is validated again under it: a new reader.
        let follow = opened?.follow ?? null;
        const relog = () => {
          if (follow === null) return;
          const next = follow();
          if (typeof next === 'string') io.err(`viz: ${next}; the page keeps the last good view of the log\n`);
          else {
            server.updateLog(next);
            io.err(`viz: log ${opts.log} validated again: ${next.headline}\n`);
          }
        };
        const unwatchPolicy = opts.watch && opts.policy !== undefined ? watchPolicy(io, opts.policy, server, () => {
          if (opts.log === undefined) return;
          try {
            follow = logInput(opts.log, opts, true).follow;
            relog();
          } catch (error) {
            io.err(`viz: ${(error as Error).message}; the page keeps the last good view of the log\n`);
          }
        }) : () => {};
        const unwatchLog = opts.watch && opts.log !== undefined ? watchFile(opts.log, relog) : () => {};
        const unwatch = () => {
          unwatchPolicy();
          unwatchLog();
        };
        // Serve until the user stops us; only then does the command return its exit code.
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          const stop = (s: NodeJS.Signals) => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve(s);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        unwatch();
        await server.close();
        io.err(`viz: stopped (${signal}); the server and the sections thread are closed\n`);
        return 0;
      }),
    );
};

/** Re-checks the policy file on each save and hands the result to the server (or the error to the page); `then` runs once the new policy is on the page. */
function watchPolicy(io: Output, file: string, server: VizServer, then: () => void = () => {}): () => void {
  return watchFile(file, () => {
    const loaded = loadPolicyFile(file);
    if (!loaded.ok) {
      const message = `bad policy: ${loaded.problems.map((p) => (p.path === '(file)' ? p.message : `${p.path}: ${p.message}`)).join('; ')}`;
      io.err(`viz: ${file} was saved but is not a policy (${message}); the page keeps the last good one\n`);
      server.reportError(message);
      return;
    }
    io.err(`viz: ${file} was saved; re-checking…\n`);
    server.update(loaded.policy).then(
      () => {
        io.err(`viz: policy version ${server.version} is on the page\n`);
        then();
      },
      (error: unknown) => server.reportError(`the new policy could not be drawn: ${(error as Error).message}`),
    );
  });
}
