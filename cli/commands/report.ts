/**
 * `guillotine report [--policy FILE] [--trace FILE] --out FILE.html`: writes the whole review as
 * one self-contained HTML file (statechart, check results with replayable counterexamples, and
 * the other sections) that opens with no network. Exit 0 when every property holds, 1 when the
 * check found a violation (the report is written either way), 2 on bad input.
 */
import { writeFileSync } from 'node:fs';
import { Option } from 'commander';
import { buildReport } from '../../viz/report.ts';
import { reviewSections } from '../../viz/sections.ts';
import { action, BadInput, integerOption, policyOption, type RegisterCommand } from '../command.ts';
import { reviewInput, traceOption } from './viz.ts';

export const registerReport: RegisterCommand = (program, io, exit) => {
  program
    .command('report')
    .description('write the review (statechart, check results and counterexamples, proofs, coverage, soak plots) as one self-contained HTML file')
    .addOption(policyOption())
    .addOption(traceOption())
    .addOption(new Option('--out <file>', 'the HTML file to write').makeOptionMandatory())
    .addOption(new Option('--max-states <n>', 'stop the checker after this many states (properties not yet refuted become "unknown")'))
    .action(
      action(exit, async (opts: { policy?: string; trace?: string; out: string; maxStates?: string }) => {
        const input = reviewInput(opts);
        const maxStates = integerOption('--max-states', opts.maxStates, 1, 1e9);
        const started = performance.now();
        const sections = await reviewSections(input.policy, { maxStates });
        const html = await buildReport(input.policy, { policySource: input.policySource, trace: input.trace, sections, generated: new Date().toISOString() });
        try {
          writeFileSync(opts.out, html);
        } catch (error) {
          throw new BadInput(`--out: cannot write ${JSON.stringify(opts.out)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        const ready = sections.filter((s) => s.status === 'ready').map((s) => s.id);
        const missing = sections.filter((s) => s.status !== 'ready').map((s) => s.id);
        io.out(`wrote ${opts.out} (${Math.round(Buffer.byteLength(html) / 1024)} KB, ${((performance.now() - started) / 1000).toFixed(1)} s): statechart${ready.length ? ', ' + ready.join(', ') : ''}${missing.length ? `; not available in this build: ${missing.join(', ')}` : ''}\n`);
        const check = sections.find((s) => s.id === 'check');
        return check?.status === 'ready' && check.holds === true ? 0 : 1;
      }),
    );
};
