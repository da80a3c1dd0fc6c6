/**
 * `guillotine viz [--policy FILE] [--watch] [--diff FILE] [--trace FILE] [--port N] [--seed N]`:
 * serves the review page on 127.0.0.1 — the levels view, the statechart and the sequence chart,
 * events fired by clicking (the page runs the machine itself), traces stepped forwards and
 * backwards, and below it the check results, the comparison with `--diff`, the proofs, the
 * coverage of the generated tests and the simulator's plots, each shown as soon as a worker
 * thread has built it — until Ctrl-C. With `--watch`, saving the policy file re-checks it and the
 * open page follows.
 */
import { Option } from 'commander';
import type { GuillotineEvent } from '../../spec/events.ts';
import { loadPolicyFile } from '../../spec/loadPolicy.ts';
import type { Policy } from '../../spec/policy.ts';
import { loadAnyTraceFile } from '../../spec/itf.ts';
import { startVizServer, type VizServer } from '../../viz/server.ts';
import { sectionsInWorker } from '../../viz/sectionsThread.ts';
import { SECTION_TITLES, traceHash } from '../../viz/section.ts';
import { DEFAULT_SEED } from '../../viz/sections.ts';
import { watchFile } from '../../viz/watchFile.ts';
import { encodePath } from '../../spec/events.ts';
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
    .addOption(new Option('--watch', 're-check the --policy file each time it is saved; the open page follows, keeping its path where it still replays'))
    .addOption(diffOption())
    .addOption(traceOption())
    .addOption(new Option('--port <n>', 'port to listen on; 0 picks a free one').default('0'))
    .addOption(seedOption())
    .addHelpText('after', '\nThe page answers only on 127.0.0.1 (Host 127.0.0.1, localhost or [::1] with this port); Ctrl-C stops it at once.\n')
    .action(
      action(exit, async (opts: { policy?: string; watch?: boolean; diff?: string; trace?: string; port: string; seed: string }): Promise<ExitCode> => {
        const port = integerOption('--port', opts.port, 0, 65535)!;
        const seed = integerOption('--seed', opts.seed, 0, 2 ** 32 - 1)!;
        if (opts.watch && opts.policy === undefined) throw new BadInput('--watch needs --policy FILE: the file to re-check when it is saved');
        const input = reviewInput(opts);
        // The sections take tens of seconds (checker, Z3, simulator): say on stderr when each starts and is ready.
        const sections = (policy: Policy) => {
          io.err('viz: building the sections below on a worker thread…\n');
          const progress = sectionProgress(io, 'viz');
          const feed = sectionsInWorker(policy, { seed, ...(input.compare ? { compare: input.compare } : {}) }, { onStart: progress.onStart });
          for (const id of feed.ids) void feed.section(id).then((s) => progress.ready(id, s));
          return feed;
        };
        const initialHash = input.trace ? traceHash({ path: encodePath(input.trace.events), cycle: input.trace.cycle ? encodePath(input.trace.cycle) : null, step: null }) : null;
        let server: VizServer;
        try {
          server = await startVizServer({ policy: input.policy, policySource: input.policySource, port, initialHash, sections, watch: opts.watch === true });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EADDRINUSE') throw new BadInput(`--port ${port}: the port is in use; pick another, or --port 0 for a free one`);
          if (code === 'EACCES') throw new BadInput(`--port ${port}: permission denied; use a port above 1023, or --port 0`);
          throw error;
        }
        io.out(`Guillotine review of policy ${input.policySource} at ${server.url}${initialHash ?? ''}\n`);
        io.out(`  levels view from ${server.model.ladder.explored.states} explored states; statechart: ${server.model.counts.states} states in ${server.model.counts.regions} regions, laid out in ${server.model.layoutMs} ms${opts.watch ? `; watching ${opts.policy}` : ''}; press Ctrl-C to stop\n`);
        const unwatch = opts.watch ? watchPolicy(io, opts.policy!, server) : () => {};
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

/** Re-checks the policy file on each save and hands the result to the server (or the error to the page). */
function watchPolicy(io: Output, file: string, server: VizServer): () => void {
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
      () => io.err(`viz: policy version ${server.version} is on the page\n`),
      (error: unknown) => server.reportError(`the new policy could not be drawn: ${(error as Error).message}`),
    );
  });
}
