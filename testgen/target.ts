/**
 * Which implementation a generated suite runs against, chosen by name (`GUILLOTINE_SUT` in the
 * generated runner, `--target` for the CLI):
 *
 * - `simulator` (the default when `simulator/sut.ts` exists): the reference simulator;
 * - `reference`: the statechart's own adapter ({@link referenceSut}), which passes by construction;
 * - `<module path>#<export>`: any other implementation: the module's export is a
 *   {@link SystemUnderTest}, or a function of no arguments that returns one (a path relative to the
 *   current directory, or absolute; `#<export>` defaults to `default`). The simulator's
 *   deliberately broken variants, which are test code, are run this way
 *   (`test/simulator/mutants.ts#severedServicesNetwork`).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { referenceSut } from './referenceSut.ts';
import type { SystemUnderTest } from './systemUnderTest.ts';

const SIMULATOR_MODULE = fileURLToPath(new URL('../simulator/sut.ts', import.meta.url));
/** The export of `simulator/sut.ts` that builds the simulator's adapter: `() => SystemUnderTest`. */
const SIMULATOR_EXPORT = 'createSimulatorSut';

/** The target used when none is named: the simulator once it exists, else the statechart's own adapter. */
export function defaultTarget(): string {
  return existsSync(SIMULATOR_MODULE) ? 'simulator' : 'reference';
}

function isSut(value: unknown): value is SystemUnderTest {
  const v = value as Partial<SystemUnderTest> | null;
  return v !== null && typeof v === 'object' && typeof v.reset === 'function' && typeof v.send === 'function' && typeof v.observe === 'function';
}

/**
 * Loads the named implementation. Throws an error naming the module or export and what was expected,
 * so a generated runner fails once, clearly, before any test runs.
 */
export async function loadSystemUnderTest(target: string = defaultTarget()): Promise<SystemUnderTest> {
  if (target === 'reference') return referenceSut();
  const simulator = target === 'simulator';
  const [path, name] = simulator ? [SIMULATOR_MODULE, SIMULATOR_EXPORT] : splitTarget(target);
  if (!existsSync(path)) {
    throw new Error(
      simulator
        ? `the simulator adapter ${path} does not exist yet; run against the statechart's own adapter with GUILLOTINE_SUT=reference`
        : `no module at ${path}; a target is "simulator", "reference" or "<module path>#<export>"`,
    );
  }
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const exported = module[name];
  if (exported === undefined) throw new Error(`${path} has no export "${name}"; exports: ${Object.keys(module).join(', ') || 'none'}`);
  const sut = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  if (!isSut(sut)) throw new Error(`${path}#${name} is not a SystemUnderTest (an object with reset, send and observe, or a function of no arguments returning one)`);
  return sut;
}

function splitTarget(target: string): [string, string] {
  const hash = target.lastIndexOf('#');
  const file = hash < 0 ? target : target.slice(0, hash);
  const name = hash < 0 ? 'default' : target.slice(hash + 1);
  return [isAbsolute(file) ? file : resolve(process.cwd(), file), name];
}
