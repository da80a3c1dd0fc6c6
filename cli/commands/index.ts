/**
 * Every subcommand of `guillotine`, in the order `--help` lists them: its name, what it does, and
 * how to load it. One file per command; a file is imported only when its command runs (or its
 * `--help` is asked for), so `guillotine check` does not load Z3, the visualizer's bundler or the
 * simulator, and `guillotine --help` loads none of them.
 */
import type { RegisterCommand } from '../command.ts';

/** A subcommand: what `guillotine --help` lists, and the module that defines its options and action. */
export interface CommandEntry {
  readonly name: string;
  readonly description: string;
  /** Its arguments, `<required>` or `[optional]`, each with what it is (commander's `.argument`). */
  readonly arguments?: readonly (readonly [name: string, description: string])[];
  readonly load: () => Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'review',
    description: 'the whole review of a policy (what `npm start` runs): check, prove, simulate, test coverage, then one summary table',
    load: async () => (await import('./review.ts')).registerReview,
  },
  {
    name: 'check',
    description: 'prove or refute every safety property of docs/protocol.md §4 for a policy, by exhaustive exploration of its statechart',
    load: async () => (await import('./check.ts')).registerCheck,
  },
  {
    name: 'prove',
    description: 'prove the hardware invariants of docs/protocol.md §5 with Z3, for all 64-bit values, with decoded counterexamples; with --protocol, the §4 safety properties for every number of admins and quorum pair',
    load: async () => (await import('./prove.ts')).registerProve,
  },
  {
    name: 'replay',
    arguments: [
      ['[trace]', 'trace file {"policy"?: ..., "events": [...]}, or an ITF trace (Quint, Apalache: {"vars", "states"}, events in mbt::actionTaken and mbt::nondetPicks)'],
    ],
    description: 'replay a trace (docs/protocol.md §7) step by step; exit 1 if a step violates a property (for a liveness counterexample, the last step of a fair cycle that returns to its start)',
    load: async () => (await import('./replay.ts')).registerReplay,
  },
  {
    name: 'viz',
    description: 'serve the review page on 127.0.0.1: the levels, the statechart and a sequence chart, events fired by clicking, trace stepping, check results, proofs, coverage and simulator plots (works with no network)',
    load: async () => (await import('./viz.ts')).registerViz,
  },
  {
    name: 'report',
    description: 'write the review (statechart, check results and counterexamples, proofs, coverage, simulator plots) as one self-contained HTML file',
    load: async () => (await import('./report.ts')).registerReport,
  },
  {
    name: 'gen-tests',
    description: 'generate a mocha suite from the statechart that exercises every reachable transition against an implementation, with a coverage report',
    load: async () => (await import('./gen-tests.ts')).registerGenTests,
  },
  {
    name: 'simulate',
    description: "run one of the reference simulator's experiments (side-channel, port-resilience, soak) and judge its claims",
    load: async () => (await import('./simulate.ts')).registerSimulate,
  },
  {
    name: 'export',
    description: 'write the protocol statechart and its safety properties as a Promela model for SPIN or a TLA+ module and TLC configuration',
    load: async () => (await import('./export.ts')).registerExport,
  },
  {
    name: 'validate',
    arguments: [
      ['<log>', 'the log (JSON Lines, docs/log-format.md), or - for standard input'],
    ],
    description: "check a log an implementation wrote against the statechart: consistent, or the first record no behaviour explains",
    load: async () => (await import('./validate.ts')).registerValidate,
  },
  {
    name: 'diff',
    arguments: [
      ['<a>', 'the policy under review (JSON, docs/protocol.md §6)'],
      ['<b>', 'the policy to compare it with'],
    ],
    description: 'compare two policies: verdicts, findings, reachable states, and a shortest trace one accepts and the other rejects',
    load: async () => (await import('./diff.ts')).registerDiff,
  },
];
