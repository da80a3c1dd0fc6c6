/**
 * `runSpin(promela, options)`: SPIN's exhaustive search of an exported Promela model, in a
 * temporary directory: `spin -a`, `gcc -O2 -DNOREDUCE -DSAFETY -DNOCLAIM pan.c`, then
 * `pan -c0` (never stop at an error, so every assertion's verdict comes out of one run; pan
 * prints each assertion's message at least once, since it only suppresses a repeat of the
 * previous message). With `liveness`, a second pan is built with the never claims and run with
 * `-a` per claim, under weak fairness (`-f`) when the model has a FAIR_EVENTS variant. The
 * outcome is data (a tagged union); a failure of SPIN, gcc or pan is a result, not a throw.
 *
 * Known limits: `seconds` is pan's own search time (it prints two decimals; `panWallSeconds` is
 * the whole pan process, measured here), not compilation; a depth-limited search is retried once
 * with ten times the depth before it counts as incomplete.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROPERTIES, type PropertyId } from '../properties/index.ts';
import { propertyFlag } from './promela.ts';

export interface SpinOptions {
  /** Also check the ltl claims (a second compile and one `pan -a` per claim). Default false. */
  readonly liveness?: boolean;
  /**
   * Check the claims under weak fairness of every event when the model offers it (default true).
   * False checks them without fairness: a "holds" then still transfers, a violation may be unfair.
   */
  readonly fairness?: boolean;
  /** pan's -m: the DFS stack depth. Default 200,000 (retried once ×10 if too small). */
  readonly depth?: number;
  /** pan's -w: log2 of the hash table's slots. Default 22 (32 MB). */
  readonly hashBits?: number;
  /**
   * gcc's optimisation level for pan. Default 2, for throughput figures; 0 compiles pan.c about
   * four times faster and searches about three times slower, which suits small models in tests.
   */
  readonly optimisation?: 0 | 1 | 2;
  /**
   * SPIN's multi-core search for the safety run (spin -DMULTICORE, gcc -DNCORE=n): the model's
   * scratch variables are then stored but zeroed after every step, so the counts do not change.
   * Default 1.
   */
  readonly cores?: number;
  /** Extra gcc flags for the safety pan. */
  readonly ccFlags?: readonly string[];
  /** Keep the temporary directory (its path is in the result) for reading pan's files. */
  readonly keep?: boolean;
}

export type Verdict = 'holds' | 'violated';

/** One pan run's figures. */
export interface PanRun {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly stateVectorBytes: number;
  readonly seconds: number;
  readonly memoryMegabytes: number;
  readonly errors: number;
  /** The distinct error messages, first occurrence order ("assertion violated flag", "invalid end state"). */
  readonly messages: readonly string[];
}

export type SpinResult =
  | {
      readonly kind: 'complete';
      /** The safety run: states stored, transitions (stored + matched), seconds of pan's search. */
      readonly states: number;
      readonly transitions: number;
      readonly seconds: number;
      /** Wall-clock seconds of the safety pan process: start-up and hash-table allocation included, and not rounded. */
      readonly panWallSeconds: number;
      /** Processor seconds (user + system) of the safety pan process, when bash could measure them. */
      readonly panCpuSeconds?: number;
      readonly safety: PanRun;
      /** Flags named in "assertion violated <flag>" messages: the properties SPIN refuted. */
      readonly violatedAssertions: readonly string[];
      /** Whether pan found an invalid end state (a deadlock). */
      readonly deadlock: boolean;
      /** Per ltl claim, when `liveness` was asked for. */
      readonly claims: Readonly<Record<string, Verdict>>;
      /** Whether the claims were checked under weak fairness of every event (the model's FAIR_EVENTS variant, pan -f). */
      readonly fairness: boolean;
      readonly compileSeconds: number;
      readonly directory?: string;
    }
  | { readonly kind: 'incomplete'; readonly reason: string; readonly output: string }
  | { readonly kind: 'error'; readonly stage: 'spin' | 'gcc' | 'pan'; readonly message: string }
  | { readonly kind: 'missing'; readonly message: string };

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly missing: boolean;
}

/**
 * Runs a program and measures the processor time it used (user + system), through bash's `times`,
 * which reports what the shell's children used: Node gives no resource usage of a child. Without
 * bash the program runs untimed.
 */
async function runTimed(command: string, args: readonly string[], cwd: string): Promise<Ran & { readonly cpuSeconds?: number }> {
  const ran = await run('bash', ['-c', '"$@"; status=$?; times >&2; exit $status', 'bash', command, ...args], cwd);
  if (ran.missing) return run(command, args, cwd);
  // `times` prints two lines, the shell's times and its children's: "0m1.234s 0m0.010s".
  const lines = ran.stderr.trimEnd().split('\n');
  const children = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines.at(-1) ?? '');
  if (children === null || lines.length < 2) return ran;
  const [, um, us, sm, ss] = children.map(Number) as [number, number, number, number, number];
  const stderr = lines.slice(0, -2).join('\n');
  return { ...ran, stderr: stderr === '' ? '' : stderr + '\n', cpuSeconds: um * 60 + us + sm * 60 + ss };
}

function run(command: string, args: readonly string[], cwd: string): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000, missing: error?.code === 'ENOENT' });
    });
  });
}

const number = (text: string, pattern: RegExp): number | undefined => {
  const m = pattern.exec(text);
  return m ? Number(m[1]) : undefined;
};

/** Reads pan's report. */
export function parsePan(output: string): PanRun | { readonly incomplete: string } {
  if (/max search depth too small/.test(output)) return { incomplete: 'max search depth too small' };
  if (/Search not completed|search not completed/.test(output)) return { incomplete: 'search not completed' };
  const states = number(output, /^\s*(\d+(?:e\+\d+)?) states, stored/m);
  const matched = number(output, /^\s*(\d+(?:e\+\d+)?) states, matched/m);
  const transitions = number(output, /^\s*(\d+(?:e\+\d+)?) transitions \(= (?:stored|visited)\+matched\)/m);
  if (states === undefined || matched === undefined || transitions === undefined) return { incomplete: 'pan printed no state counts' };
  const messages: string[] = [];
  for (const m of output.matchAll(/^(?:cpu\d+: )?pan:\d+: (.*?) \(at depth \d+\)$/gm)) if (!messages.includes(m[1]!)) messages.push(m[1]!);
  return {
    states,
    transitions,
    depth: number(output, /depth reached (\d+)/) ?? 0,
    stateVectorBytes: number(output, /State-vector (\d+) byte/) ?? 0,
    seconds: number(output, /(?:pan|cpu0): elapsed time ([\d.e+-]+) seconds/) ?? 0,
    memoryMegabytes: number(output, /^\s*([\d.]+)\s+total actual memory usage/m) ?? 0,
    errors: number(output, /errors: (\d+)/) ?? 0,
    messages,
  };
}

/** Room for the state vector of large policies (two arrays of one byte per voter); pan's default is 1024 bytes. */
const VECTOR = '-DVECTORSZ=8192';

const MISSING = 'spin is not on PATH: install it (Debian/Ubuntu: apt-get install spin; CI does this in .ci/run)';

/** Runs SPIN's exhaustive search on a Promela model. */
export async function runSpin(promela: string, options: SpinOptions = {}): Promise<SpinResult> {
  const dir = mkdtempSync(join(tmpdir(), 'guillotine-spin-'));
  try {
    writeFileSync(join(dir, 'model.pml'), promela);
    const cores = options.cores ?? 1;
    const spin = await run('spin', [...(cores > 1 ? ['-DMULTICORE'] : []), '-a', 'model.pml'], dir);
    if (spin.missing) return { kind: 'missing', message: MISSING };
    if (spin.code !== 0 || /error/i.test(spin.stdout + spin.stderr)) return { kind: 'error', stage: 'spin', message: (spin.stdout + spin.stderr).trim() };
    const optimise = `-O${options.optimisation ?? 2}`;
    const gcc = await run('gcc', [optimise, '-DNOREDUCE', '-DSAFETY', '-DNOCLAIM', VECTOR, ...(cores > 1 ? [`-DNCORE=${cores}`] : []), ...(options.ccFlags ?? []), '-o', 'pan', 'pan.c'], dir);
    if (gcc.missing) return { kind: 'missing', message: 'gcc is not on PATH: SPIN compiles its verifier with it (apt-get install gcc)' };
    if (gcc.code !== 0) return { kind: 'error', stage: 'gcc', message: gcc.stderr.trim() };
    let compileSeconds = spin.seconds + gcc.seconds;

    const hash = `-w${options.hashBits ?? 22}`;
    let depth = options.depth ?? 200_000;
    let pan = await runTimed('./pan', ['-c0', `-m${depth}`, hash], dir);
    let parsed = parsePan(pan.stdout);
    if ('incomplete' in parsed && parsed.incomplete === 'max search depth too small') {
      depth *= 10;
      pan = await runTimed('./pan', ['-c0', `-m${depth}`, hash], dir);
      parsed = parsePan(pan.stdout);
    }
    if ('incomplete' in parsed) return { kind: 'incomplete', reason: parsed.incomplete, output: pan.stdout + pan.stderr };
    if (pan.code !== 0) return { kind: 'error', stage: 'pan', message: (pan.stdout + pan.stderr).trim() };
    const safety = parsed;

    const claims: Record<string, Verdict> = {};
    let fairness = false;
    if (options.liveness) {
      const names = [...promela.matchAll(/^ltl (\w+)\s*\{/gm)].map((m) => m[1]!);
      if (names.length > 0) {
        // A model with a FAIR_EVENTS variant (one process per event) is checked under SPIN's weak
        // fairness, which is then the checker's weak fairness of every event.
        fairness = options.fairness !== false && /^#ifn?def FAIR_EVENTS$/m.test(promela);
        const processes = (promela.match(/^\s*run event\(/gm) ?? []).length + 2;
        const spinLtl = await run('spin', [...(fairness ? ['-DFAIR_EVENTS'] : []), '-a', 'model.pml'], dir);
        if (spinLtl.code !== 0 || /error/i.test(spinLtl.stdout + spinLtl.stderr)) return { kind: 'error', stage: 'spin', message: (spinLtl.stdout + spinLtl.stderr).trim() };
        const nfair = fairness ? [`-DNFAIR=${Math.ceil((processes + 4) / 4) + 1}`] : [];
        const gccLtl = await run('gcc', [optimise, '-DNOREDUCE', VECTOR, ...nfair, '-o', 'pan-ltl', 'pan.c'], dir);
        if (gccLtl.code !== 0) return { kind: 'error', stage: 'gcc', message: gccLtl.stderr.trim() };
        compileSeconds += spinLtl.seconds + gccLtl.seconds;
        for (const name of names) {
          const ltl = await run('./pan-ltl', ['-a', ...(fairness ? ['-f'] : []), '-A', `-m${depth}`, hash, '-N', name], dir);
          // pan stops at the first acceptance cycle ("search not completed"): the claim is refuted.
          if (/^pan:\d+: acceptance cycle/m.test(ltl.stdout)) {
            claims[name] = 'violated';
            continue;
          }
          const result = parsePan(ltl.stdout);
          if ('incomplete' in result) return { kind: 'incomplete', reason: `${name}: ${result.incomplete}`, output: ltl.stdout };
          claims[name] = 'holds';
        }
      }
    }

    const violatedAssertions = safety.messages.flatMap((m) => {
      const flag = /^assertion violated (\w+)$/.exec(m);
      return flag ? [flag[1]!] : [];
    });
    const other = safety.messages.filter((m) => !/^assertion violated \w+$/.test(m) && !/^invalid end state$/.test(m));
    if (other.length > 0) return { kind: 'error', stage: 'pan', message: `pan reported what the model does not name as a property: ${other.join('; ')}` };
    return {
      kind: 'complete',
      states: safety.states,
      transitions: safety.transitions,
      seconds: safety.seconds,
      panWallSeconds: pan.seconds,
      ...(pan.cpuSeconds === undefined ? {} : { panCpuSeconds: pan.cpuSeconds }),
      safety,
      violatedAssertions,
      deadlock: safety.messages.includes('invalid end state'),
      claims,
      fairness,
      compileSeconds,
      ...(options.keep ? { directory: dir } : {}),
    };
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each property of docs/protocol.md §4 as SPIN judged it in a complete run of a `promelaModel`
 * export: assertions by their flags, no-deadlock by invalid end states, eventually-properties by
 * their ltl claims (absent when the run did not check liveness).
 */
export function propertyVerdicts(result: Extract<SpinResult, { kind: 'complete' }>): Partial<Record<PropertyId, 'pass' | 'fail'>> {
  const verdicts: Partial<Record<PropertyId, 'pass' | 'fail'>> = {};
  for (const p of PROPERTIES) {
    const flag = propertyFlag(p.id);
    switch (p.check.on) {
      case 'progress':
        verdicts[p.id] = result.deadlock ? 'fail' : 'pass';
        break;
      case 'eventually': {
        const claim = result.claims[flag];
        if (claim !== undefined) verdicts[p.id] = claim === 'holds' ? 'pass' : 'fail';
        break;
      }
      default:
        verdicts[p.id] = result.violatedAssertions.includes(flag) ? 'fail' : 'pass';
    }
  }
  return verdicts;
}
