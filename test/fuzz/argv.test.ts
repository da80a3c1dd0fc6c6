/**
 * Fuzzing the command line: random argv over the real command and option names with random
 * values, good and bad. Every run ends in exit 0, 1 or 2 with no crash; exit 2 comes with one
 * clear message. Commands that do minutes of work on valid input (prove, viz, report, review,
 * simulate) get one bad option appended last, which they must refuse before any work — so a
 * command that starts working before validating shows up here as a timeout.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../cli/runCli.ts';
import { assertNoCrash, assertRefusedClearly, runs, scratchDirectory, SEED, withinBudget } from './campaign.ts';
import { hostileString } from './policyFileArbitraries.ts';

const COMMANDS = ['check', 'prove', 'replay', 'viz', 'report', 'gen-tests', 'simulate', 'review', 'export'] as const;
type CommandName = (typeof COMMANDS)[number];

const OPTIONS = [
  '--policy', '--json', '--traces', '--engine', '--no-symmetry', '--no-findings', '--max-states', '--only', '--controls', '--emit-smt2', '--timeout-ms',
  '--path', '--cycle', '--trace', '--port', '--seed', '--out', '--sections', '--coverage', '--depth', '--admins', '--run', '--target', '--scenario', '--hours',
  '--format',
  '--help', '-h', '--version', '--nope', '-x', '--', '-',
];

/**
 * Each command's own options (from its --help), and which of them take no value. Left out:
 * `check --workers`, whose every accepted value starts that many worker threads (64 take over a
 * minute to start on a 2-core box), and `check --mutant`, whose refusal prints the whole catalogue
 * before its message and whose `list` exits 2 (both reported to check.ts's owner, not fuzzed here).
 */
const OWN: Readonly<Record<CommandName, readonly string[]>> = {
  check: ['--policy', '--json', '--traces', '--engine', '--no-symmetry', '--no-findings', '--max-states'],
  prove: ['--policy', '--only', '--controls', '--json', '--emit-smt2', '--timeout-ms'],
  replay: ['--path', '--cycle', '--policy', '--json', '--engine'],
  viz: ['--policy', '--trace', '--port', '--seed'],
  report: ['--policy', '--trace', '--out', '--sections', '--seed', '--max-states'],
  'gen-tests': ['--policy', '--coverage', '--depth', '--out', '--admins', '--run', '--target', '--json'],
  simulate: ['--scenario', '--seed', '--hours', '--policy', '--json'],
  review: ['--policy', '--json', '--seed'],
  export: ['--format', '--policy', '--out', '--json'],
};
const FLAGS = new Set(['--json', '--no-symmetry', '--no-findings', '--controls', '--run']);

describe(`fuzz: random command lines over the real commands and options (fast-check seed ${SEED})`, () => {
  const dir = scratchDirectory('argv');
  const files: Record<string, string> = {};
  // Relative values ("NaN", "check,proofs") are paths to options like `check --traces`: run from the
  // scratch directory so that what the commands create lands there, not in the working tree.
  let previousDirectory = process.cwd();
  before(() => {
    previousDirectory = process.cwd();
    process.chdir(dir.path);
    const at = (name: string) => join(dir.path, name);
    writeFileSync(at('policy.json'), JSON.stringify({ admins: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }], quorum: { escalate: 1, deescalate: 2 } }));
    writeFileSync(at('bad-policy.json'), '{"admins": []}');
    // An unsafe policy, so that check finds counterexamples and writes them where --traces says.
    writeFileSync(at('unsafe-policy.json'), JSON.stringify({ admins: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }], quorum: { escalate: 1, deescalate: 2 }, irreversible: [] }));
    writeFileSync(at('trace.json'), JSON.stringify({ events: [{ type: 'propose', admin: 'a1', target: 'severed' }, { type: 'mce' }] }));
    writeFileSync(at('bad-trace.json'), '{"events": [{"type": "tick"}]}');
    mkdirSync(at('a-directory'), { recursive: true });
    Object.assign(files, {
      policy: at('policy.json'), unsafePolicy: at('unsafe-policy.json'), badPolicy: at('bad-policy.json'), trace: at('trace.json'), badTrace: at('bad-trace.json'),
      directory: at('a-directory'), missing: at('missing/none.json'), fresh: at('fresh-dir'), html: at('out.html'),
    });
  });

  after(() => process.chdir(previousDirectory));

  /** Option values: the right ones for some option, wrong ones for every option, and hostile strings. Paths are all inside the scratch directory. */
  const value = (): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('0', '1', '2', '-1', '3', '2000', '65535', '65536', '4294967295', '4294967296', '1e3', '0x10', '1.5', '', ' ', 'NaN', 'Infinity', '9'.repeat(400)) },
      { weight: 4, arbitrary: fc.constantFrom('compiled', 'xstate', 'state', 'transition', 'path', 'representative', 'every', 'simulator', 'reference', 'simulator:nope', 'nope#x', 'side-channel', 'soak', 'port-resilience', 'chaos', 'promela', 'tla') },
      { weight: 3, arbitrary: fc.constantFrom('check', 'proofs', 'coverage', 'experiments', 'check,proofs', ',', 'descriptor-bounds', 'quorum-arithmetic', 'a,,b', 'nope') },
      { weight: 3, arbitrary: fc.constantFrom('propose:a1:severed,approve:a2', 'heartbeat', 'timeout,mce,reboot-complete', ':::', ',,,', 'alarm:doom', 'propose:a1', 'x'.repeat(10_000)) },
      { weight: 4, arbitrary: fc.constantFrom('policy', 'unsafePolicy', 'badPolicy', 'trace', 'badTrace', 'directory', 'missing', 'fresh', 'html').map((k) => files[k]!) },
      { weight: 2, arbitrary: hostileString.filter((s) => !s.includes('/') && !s.includes('\\')).map((s) => join(dir.path, 'x', s)) },
      { weight: 1, arbitrary: hostileString.filter((s) => !/^[./\\]|[/\\]/.test(s)).map((s) => `--${s}`) },
    );

  /** Random tokens anywhere: options of any command, values, hostile strings. */
  const anyTokens = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...OPTIONS) }, { weight: 4, arbitrary: value() }), { maxLength: 10 });
  /** A plausible command line: the command's own options, each flag alone and each other option with a value. */
  const ownTokens = (command: CommandName | null) =>
    command === null
      ? anyTokens
      : fc
          .array(fc.constantFrom(...OWN[command]), { maxLength: 5 })
          .chain((names) => fc.tuple(...names.map((n) => (FLAGS.has(n) ? fc.constant([n]) : value().map((v) => [n, v])))))
          .map((pairs) => pairs.flat());
  const tokens = (command: CommandName | null) => fc.oneof({ weight: 2, arbitrary: anyTokens }, { weight: 3, arbitrary: ownTokens(command) });

  /**
   * What keeps a run cheap: a bound on the work of the commands that are fast when bounded, and for
   * the slow ones a bad option they validate before any work. Appended last, so it wins over a
   * random occurrence of the same option, and output paths always land in the scratch directory.
   */
  const guard = (command: CommandName): { readonly argv: readonly string[]; readonly refuses: boolean } => {
    switch (command) {
      case 'check': return { argv: ['--max-states', '2000'], refuses: false };
      case 'replay': return { argv: [], refuses: false };
      case 'gen-tests': return { argv: ['--depth', '2', '--out', join(dir.path, 'suite')], refuses: false };
      case 'prove': return { argv: ['--timeout-ms', '0'], refuses: true };
      case 'viz': return { argv: ['--port', '70000'], refuses: true };
      case 'report': return { argv: ['--out', files.missing!], refuses: true };
      case 'review': return { argv: ['--seed', 'x'], refuses: true };
      case 'simulate': return { argv: ['--seed', '-1'], refuses: true };
      case 'export': return { argv: [], refuses: false };
    }
  };

  it(`answers every command line with exit 0, 1 or 2 and no crash, and exit 2 with one clear message; slow commands refuse a bad option before any work (seed ${SEED}, ${runs(300)} runs)`, async () => {
    const codes = { 0: 0, 1: 0, 2: 0, 3: 0 };
    await fc.assert(
      fc.asyncProperty(fc.option(fc.constantFrom(...COMMANDS), { freq: 12 }).chain((command) => fc.tuple(fc.constant(command), tokens(command))), async ([command, middle]) => {
        const g = command === null ? { argv: [], refuses: false } : guard(command);
        const argv = [...(command === null ? [] : [command]), ...middle, ...g.argv];
        const context = `$ guillotine ${argv.map((a) => JSON.stringify(a)).join(' ')}`;
        // An option that takes a value swallows the next token, so a help flag may be a value: either answer is fine then.
        const asksHelp = middle.some((t) => t === '--help' || t === '-h');
        const run = await withinBudget(30_000, context, () => runCli(argv));
        codes[run.code]++;
        assertNoCrash(run, context);
        if (run.code === 2) assertRefusedClearly(run, context);
        if (g.refuses && !asksHelp) assert.equal(run.code, 2, `${context}\nexpected the appended bad option to be refused:\n${run.err.slice(0, 1000)}`);
      }),
      { seed: SEED, numRuns: runs(300) },
    );
    if (process.env.FUZZ_VERBOSE) console.log(codes);
    assert.ok(codes[0] > 0 && codes[1] > 0 && codes[2] > 0, `the campaign must see accepted, failing and refused command lines (${JSON.stringify(codes)})`);
  });

  // Regression examples the campaign found.
  it('says that no command was given, after the usage on stderr, for a bare "guillotine" and for "guillotine --"', async () => {
    for (const argv of [[], ['--']]) {
      const run = await runCli(argv);
      assertRefusedClearly(run, `guillotine ${argv.join(' ')}`);
      assert.match(run.err, /^Usage: guillotine [\s\S]*\nguillotine: no command given; pick one of the commands above/);
    }
  });

  it('cuts a 100,000-character value echoed by commander or by a command to a readable message, and escapes control characters', async () => {
    const long = 'x'.repeat(100_000);
    for (const argv of [['check', `--${long}`], ['replay', '--path', long], ['gen-tests', '--run', '--target', `--${long}`, '--out', join(dir.path, 'suite')], ['check', '--a\u001b[2J']]) {
      const run = await runCli(argv);
      assertRefusedClearly(run, argv.join(' ').slice(0, 80));
    }
  });
});
