/**
 * `guillotine report [--policy FILE] [--trace FILE | --log FILE] --out FILE.html`: writes the whole review as
 * one self-contained HTML file (statechart, check results with replayable counterexamples, the
 * proofs' verdicts, the coverage of the generated tests with its overlay, and the simulator's
 * plots) that opens with no network. Exit 0 when every section was built and everything it judges
 * holds, 1 when something does not hold or a section could not be built (the report is written
 * either way, saying which), 2 on bad input.
 */
import { accessSync, constants, lstatSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option } from 'commander';
import { buildReport } from '../../viz/report.ts';
import type { Section, SectionId } from '../../viz/section.ts';
import { allSections } from '../../viz/sectionFeed.ts';
import { sectionsInWorker } from '../../viz/sectionsThread.ts';
import { action, BadInput, integerOption, policyOption, writeOutput, type ExitCode, type RegisterCommand } from '../command.ts';
import { progressLine } from '../progress.ts';
import { diffOption, logInput, logOption, reviewInput, sectionsOption, sectionsOptionHelp, seedOption, traceOption } from './viz.ts';

/** What a section says in the one-line summary, and whether it lets the report exit 0. */
function verdict(s: Section): { text: string; ok: boolean } {
  if (s.status !== 'ready') return { text: `${s.id} unavailable (${s.reason})`, ok: false };
  if (s.holds === null) return { text: s.id, ok: true };
  return { text: `${s.id} ${s.holds ? 'holds' : 'DOES NOT HOLD'}`, ok: s.holds };
}

export const registerReport: RegisterCommand = (command, io, exit) => {
  command
    .addOption(policyOption())
    .addOption(traceOption())
    .addOption(logOption())
    .addOption(new Option('--out <file>', 'the HTML file to write').makeOptionMandatory())
    .addOption(new Option('--sections <ids>', sectionsOptionHelp))
    .addOption(diffOption())
    .addOption(seedOption())
    .addOption(new Option('--max-states <n>', 'stop the checker after this many states (properties not yet refuted become "unknown")'))
    .addHelpText(
      'after',
      '\nThe file opens in any browser with no network: replays of the counterexamples, the coverage\n' +
        'toggle and the plots are all inside it, and the policy\'s machine itself: any event can be fired,\n' +
        'any path replayed. Progress goes to stderr, a line when each section starts and when it is done.\n\n' +
        'Exit status: 0 every section was built and everything it judges holds; 1 a property, theorem\n' +
        'or claim does not hold, or a section could not be built (the file is written either way);\n' +
        '2 bad input (--policy, --trace, --log, --diff, --sections, --seed, --max-states, or an --out that cannot be written).\n',
    )
    .action(
      action(exit, async (opts: { policy?: string; trace?: string; log?: string; diff?: string; out: string; sections?: string; seed: string; maxStates?: string }): Promise<ExitCode> => {
        assertWritable(opts.out); // before minutes of work, not after
        if (opts.log !== undefined && opts.trace !== undefined) throw new BadInput('--log and --trace both open a trace; give one of them');
        const opened = opts.log === undefined ? null : logInput(opts.log, opts);
        const input = opened?.input ?? reviewInput(opts);
        const only = sectionsOption(opts.sections);
        const seed = integerOption('--seed', opts.seed, 0, 2 ** 32 - 1)!;
        const maxStates = integerOption('--max-states', opts.maxStates, 1, 1e9);
        if (only.includes('diff') && opts.sections !== undefined && opts.diff === undefined) throw new BadInput('--sections diff needs --diff FILE: the policy to compare with');
        const started = performance.now();
        // The sections are built on a worker thread, so this thread can tick a progress line (on a
        // terminal) while one computes for tens of seconds, and Ctrl-C ends everything at once.
        const line = progressLine(io);
        let current: { id: SectionId; since: number } | null = null;
        const tick = io.interactive ? setInterval(() => current && line.show(`report: ${current.id}… ${((performance.now() - current.since) / 1000).toFixed(0)} s`), 1000) : null;
        const feed = sectionsInWorker(input.policy, { only, seed, ...(maxStates === undefined ? {} : { maxStates }), ...(input.compare ? { compare: input.compare } : {}) }, {
          onStart: (id) => {
            current = { id, since: performance.now() };
            line.done();
            io.err(`report: ${id}…\n`);
          },
        });
        for (const id of feed.ids) {
          void feed.section(id).then((section) => {
            line.done();
            io.err(`report: ${verdict(section).text} (${current === null || current.id !== id ? '—' : ((performance.now() - current.since) / 1000).toFixed(1)} s)\n`);
          });
        }
        let sections: Section[];
        try {
          sections = await allSections(feed);
        } finally {
          if (tick !== null) clearInterval(tick);
          line.done();
        }
        const html = await buildReport(input.policy, { policySource: input.policySource, trace: input.trace, log: opened?.log ?? null, sections, generated: new Date().toISOString() });
        // Written beside and renamed into place: an interrupt leaves the previous report or this one, whole.
        writeOutput('--out', [{ path: opts.out, text: html }]);
        // A log opened in the report is judged too: one that diverges (or could not be decided) is something that does not hold.
        const verdicts = [...sections.map(verdict), ...(opened === null ? [] : [{ text: `log ${opened.log.verdict === 'consistent' ? 'consistent' : opened.log.verdict.toUpperCase()}`, ok: opened.log.verdict === 'consistent' }])];
        io.out(`wrote ${opts.out} (${Math.round(Buffer.byteLength(html) / 1024)} KB, ${((performance.now() - started) / 1000).toFixed(1)} s): statechart, ${verdicts.map((v) => v.text).join(', ')}\n`);
        return verdicts.every((v) => v.ok) ? 0 : 1;
      }),
    );
};

/** Refuses an --out that cannot be written: a symbolic link, a directory, or a file in a directory that is missing or read-only. */
function assertWritable(out: string): void {
  // Never followed (it overwrote the link's target before); said now, not after minutes of work.
  if (lstatOrNull(out)?.isSymbolicLink()) throw new BadInput(`--out: ${JSON.stringify(out)} is a symbolic link, which is never followed; remove the link or write somewhere else`);
  const dir = dirname(resolve(out));
  const stat = (path: string) => {
    try {
      return statSync(path);
    } catch {
      return null;
    }
  };
  if (stat(out)?.isDirectory()) throw new BadInput(`--out: ${JSON.stringify(out)} is a directory; give a file name such as review.html`);
  if (!stat(dir)?.isDirectory()) throw new BadInput(`--out: the directory ${JSON.stringify(dir)} does not exist; create it first`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new BadInput(`--out: the directory ${JSON.stringify(dir)} is not writable`);
  }
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
