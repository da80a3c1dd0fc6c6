/**
 * `guillotine viz [--policy FILE] [--trace FILE] [--port N] [--seed N]`: serves the review page on
 * 127.0.0.1 — the statechart drawn from the policy, each level's capability row a click away,
 * traces stepped forwards and backwards, and below it the check results, the proofs, the coverage
 * of the generated tests and the simulator's plots, each shown as soon as a child process has
 * built it — until Ctrl-C.
 */
import { Option } from 'commander';
import type { GuillotineEvent } from '../../spec/events.ts';
import type { Policy } from '../../spec/policy.ts';
import { loadTraceFile } from '../../spec/trace.ts';
import { startVizServer } from '../../viz/server.ts';
import { sectionsInChildProcess } from '../../viz/sectionsProcess.ts';
import { traceHash } from '../../viz/section.ts';
import { DEFAULT_SEED } from '../../viz/sections.ts';
import type { SectionFeed } from '../../viz/sectionFeed.ts';
import { encodePath } from '../../spec/events.ts';
import { action, BadInput, integerOption, policyFrom, policyOption, type ExitCode, type RegisterCommand } from '../command.ts';

export const seedOption = () => new Option('--seed <n>', 'seed of the simulator experiments (the same seed gives the same figures)').default(String(DEFAULT_SEED));

export const traceOption = () => new Option('--trace <file>', 'trace file {"policy"?: ..., "events": [...]} (docs/protocol.md §7) to open at, e.g. one written by `guillotine check --traces`');

/** The policy and trace a review is about: `--policy` wins over the trace's own policy, which wins over the default. */
export interface ReviewInput {
  readonly policy: Policy;
  readonly policySource: string;
  readonly trace: { readonly events: readonly GuillotineEvent[]; readonly cycle?: readonly GuillotineEvent[] } | null;
}

/** Reads `--policy` and `--trace`; bad files become {@link BadInput} naming the file and key. */
export function reviewInput(opts: { policy?: string; trace?: string }): ReviewInput {
  if (opts.trace === undefined) return { policy: policyFrom(opts.policy), policySource: opts.policy ?? '(embedded default)', trace: null };
  const loaded = loadTraceFile(opts.trace);
  if (!loaded.ok) throw new BadInput(`bad trace: ${loaded.problems.map((p) => (p.path === '(file)' ? p.message : `${p.path}: ${p.message}`)).join('; ')}`);
  const t = loaded.trace;
  const fromTrace = opts.policy === undefined && t.policy !== undefined;
  return {
    policy: fromTrace ? t.policy! : policyFrom(opts.policy),
    policySource: fromTrace ? `(from ${opts.trace})` : opts.policy ?? '(embedded default)',
    trace: { events: t.events, ...(t.cycle ? { cycle: t.cycle } : {}) },
  };
}

export const registerViz: RegisterCommand = (program, io, exit) => {
  program
    .command('viz')
    .description('serve the review page on 127.0.0.1: the statechart, level capabilities, trace stepping, check results, proofs, coverage and simulator plots (works with no network)')
    .addOption(policyOption())
    .addOption(traceOption())
    .addOption(new Option('--port <n>', 'port to listen on; 0 picks a free one').default('0'))
    .addOption(seedOption())
    .action(
      action(exit, async (opts: { policy?: string; trace?: string; port: string; seed: string }): Promise<ExitCode> => {
        const port = integerOption('--port', opts.port, 0, 65535)!;
        const seed = integerOption('--seed', opts.seed, 0, 2 ** 32 - 1)!;
        const input = reviewInput(opts);
        // The sections take tens of seconds (checker, Z3, simulator): say on stderr when each is ready.
        const sections = (): SectionFeed => {
          const started = performance.now();
          io.err('viz: building the sections below the statechart in a child process…\n');
          const feed = sectionsInChildProcess(input.policy, { seed });
          for (const id of feed.ids) {
            void feed.section(id).then((s) => io.err(`viz: ${id} ${s.status === 'ready' ? (s.holds === false ? 'ready (does NOT hold)' : 'ready') : `unavailable: ${s.reason}`} after ${((performance.now() - started) / 1000).toFixed(1)} s\n`));
          }
          return feed;
        };
        const initialHash = input.trace ? traceHash({ path: encodePath(input.trace.events), cycle: input.trace.cycle ? encodePath(input.trace.cycle) : null, step: null }) : null;
        let server;
        try {
          server = await startVizServer({ policy: input.policy, policySource: input.policySource, port, initialHash, sections });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EADDRINUSE') throw new BadInput(`--port ${port}: the port is in use; pick another, or --port 0 for a free one`);
          if (code === 'EACCES') throw new BadInput(`--port ${port}: permission denied; use a port above 1023, or --port 0`);
          throw error;
        }
        io.out(`Guillotine review of policy ${input.policySource} at ${server.url}${initialHash ?? ''}\n`);
        io.out(`  statechart: ${server.model.counts.states} states in ${server.model.counts.regions} regions, laid out in ${server.model.layoutMs} ms; press Ctrl-C to stop\n`);
        // Serve until the user stops us; only then does the command return its exit code.
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await server.close();
        return 0;
      }),
    );
};
