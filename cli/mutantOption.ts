/**
 * `--mutant NAME`, shared by `check` and `replay`: run a design bug of the spec-mutant catalogue
 * (machines/mutants.ts) instead of the correct machine. `--mutant list` prints the catalogue (exit 0);
 * a name not in the catalogue is bad input (exit 2) naming the allowed names.
 */
import { Option } from 'commander';
import { SPEC_MUTANTS, SPEC_MUTANT_NAMES, specMutant, type SpecMutant } from '../machines/mutants.ts';
import { BadInput, printJson, type Output } from './command.ts';

export const mutantOption = () =>
  new Option('--mutant <name>', 'run a deliberately broken design from the spec-mutant catalogue instead of the correct machine ("list" prints the catalogue)');

/** What a report says about the mutant it ran (the catalogue entry without its function). */
export interface MutantSummary {
  readonly name: string;
  readonly bug: string;
  readonly mutates: string;
  readonly caughtBy: readonly string[];
  /** For a bug the default policy cannot show: the policy change under which it shows. */
  readonly shownUnder?: string;
}

export function mutantSummary(m: SpecMutant): MutantSummary {
  return { name: m.name, bug: m.bug, mutates: m.mutates, caughtBy: m.caughtBy, ...(m.shownUnder ? { shownUnder: m.shownUnder.change } : {}) };
}

/**
 * The mutant `--mutant` names, `'list'` when the user asked for the catalogue (printed on stdout,
 * as JSON with `--json`; the command then exits 0), or undefined without the option. A name not in
 * the catalogue is bad input naming the allowed ones.
 */
export function mutantFrom(io: Output, name: string | undefined, json: boolean | undefined): SpecMutant | 'list' | undefined {
  if (name === undefined) return undefined;
  const found = specMutant(name);
  if (found !== undefined) return found;
  if (name === 'list') {
    if (json) printJson(io, { mutants: SPEC_MUTANTS.map(mutantSummary) });
    else io.out(catalogue());
    return 'list';
  }
  throw new BadInput(`--mutant: no mutant named ${JSON.stringify(name)}; allowed: ${SPEC_MUTANT_NAMES.join(', ')}, or list to print the catalogue`);
}

/** One entry per mutant, two lines each: a table of four columns would not fit a terminal. */
function catalogue(): string {
  const entries = SPEC_MUTANTS.map((m) => `  ${m.name}: ${m.bug}\n      mutates ${m.mutates}; caught by ${m.caughtBy.join(', ')}${m.shownUnder ? `; shows under ${m.shownUnder.change}` : ''}\n`);
  return `Spec-mutant catalogue (${SPEC_MUTANTS.length} design bugs; guillotine check --mutant NAME must refute each):\n${entries.join('')}`;
}
