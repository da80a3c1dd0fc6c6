/**
 * `guillotine export --format promela|tla [--policy FILE] [--mutant NAME] [--out FILE] [--json]`: writes the
 * composed protocol statechart and its properties for SPIN (a Promela model) or for TLC (a TLA+
 * module and, beside it, its .cfg). Without --out the text goes to stdout; for TLA+ the
 * configuration then follows the module's closing line, where TLA+ tools ignore text. With
 * `--mutant`, the machine exported is a design bug of the spec-mutant catalogue, as `check` and
 * `replay` run it (so a SPIN trail on it can be replayed with `replay --spin-trail --mutant`).
 */
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Option } from 'commander';
import { promelaModel } from '../../export/promela.ts';
import { tlaModule } from '../../export/tla.ts';
import { quoted } from '../../spec/terminalText.ts';
import { action, BadInput, jsonOption, policyFrom, policyOption, printJson, writeOutput, type RegisterCommand } from '../command.ts';
import { correctMachine, mutatedMachine } from '../../machines/mutants.ts';
import { mutantFrom, mutantOption } from '../mutantOption.ts';

export const EXPORT_FORMATS = ['promela', 'tla'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One written (or printed) file; `path` is null when it went to stdout, and then `text` is set. */
export interface ExportedFile {
  readonly name: string;
  readonly path: string | null;
  readonly bytes: number;
  readonly text?: string;
}

/** A TLA+ module must be named as its file, and a TLA+ name is letters, digits and underscores. */
function moduleNameFor(out: string): string {
  if (extname(out) !== '.tla') throw new BadInput(`--out for --format tla names the module file and must end in .tla (the .cfg is written beside it), got ${quoted(out, 300)}`);
  const name = basename(out, '.tla');
  if (!/^[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new BadInput(`--out: TLC needs the module's name to be its file name, and ${quoted(name, 300)} is not a TLA+ name (letters, digits and _, with at least one letter)`);
  return name;
}

/**
 * Writes the files of one export as one set (a TLA+ module and its .cfg are renamed into place
 * together, only once both are written), refusing a symbolic link or a directory at either path.
 */
function write(files: readonly { path: string; text: string }[]): ExportedFile[] {
  writeOutput('--out', files);
  return files.map(({ path, text }) => ({ name: basename(path), path: resolve(path), bytes: Buffer.byteLength(text) }));
}

export const registerExport: RegisterCommand = (command, io, exit) => {
  command
    .addOption(new Option('--format <format>', 'promela (SPIN) or tla (TLA+ module and .cfg for TLC)').choices(EXPORT_FORMATS).makeOptionMandatory())
    .addOption(policyOption())
    .addOption(new Option('--out <file>', 'write here instead of stdout (for tla: NAME.tla, with NAME.cfg beside it)'))
    .addOption(mutantOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nThen, for SPIN:  spin -a FILE.pml && gcc -O2 -DNOREDUCE -DSAFETY -DNOCLAIM -o pan pan.c && ./pan -c0 -m1000000\n' +
        'For TLC:        java -cp tla2tools.jar tlc2.TLC -workers auto NAME.tla   (tla2tools.jar is not bundled)\n' +
        "Each file's header says which property is exported how.",
    )
    .action(
      action(exit, (opts: { format: ExportFormat; policy?: string; mutant?: string; out?: string; json?: boolean }) => {
        const mutant = mutantFrom(io, opts.mutant, opts.json);
        if (mutant === 'list') return 0;
        const machine = mutant === undefined ? correctMachine(policyFrom(opts.policy)) : mutatedMachine(policyFrom(opts.policy), mutant);
        const policy = machine.policy;
        const source = `${opts.policy ?? 'embedded default'}${mutant === undefined ? '' : `, spec mutant ${mutant.name}`}`;
        const files: ExportedFile[] = [];
        if (opts.format === 'promela') {
          const text = promelaModel(policy, { source, rules: machine.rules });
          files.push(...(opts.out === undefined ? [{ name: 'guillotine.pml', path: null, bytes: Buffer.byteLength(text), text }] : write([{ path: opts.out, text }])));
        } else {
          const name = opts.out === undefined ? 'Guillotine' : moduleNameFor(opts.out);
          const { module, config } = tlaModule(policy, { source, name, rules: machine.rules });
          if (opts.out === undefined) {
            files.push({ name: `${name}.tla`, path: null, bytes: Buffer.byteLength(module), text: module }, { name: `${name}.cfg`, path: null, bytes: Buffer.byteLength(config), text: config });
          } else {
            files.push(...write([{ path: opts.out, text: module }, { path: join(dirname(opts.out), `${name}.cfg`), text: config }]));
          }
        }
        if (opts.json) printJson(io, { format: opts.format, policy: source, files });
        else if (opts.out === undefined) {
          io.out(files[0]!.text!);
          if (files[1]) io.out(`\n(* TLC configuration: save the lines below as ${files[1].name} *)\n${files[1].text!}`);
        } else io.err(`wrote ${files.map((f) => f.path).join(' and ')}\n`);
        return 0;
      }),
    );
};
