/**
 * Runs a generated suite against a {@link SystemUnderTest}: each walk starts with `reset(policy)`,
 * then each of its tests sends its events in order and, after every one, asserts what the statechart
 * prescribes: the event accepted or rejected, then the level, the open proposal and its approvals, the
 * hypervisor's state and the capability row. A test that fails skips the rest of its walk (they start
 * from a state the implementation never reached). Every failure ends with its replay path, in the
 * compact encoding `guillotine replay` and the visualizer read.
 *
 * Two front ends share one step checker: {@link runSuite} returns a tagged result (for the CLI, the
 * benchmark and tests of the generator), {@link registerMochaSuite} declares one mocha `it` per test
 * (what a generated `transitions.test.ts` calls).
 */
import { decodePath, encodePath, type GuillotineEvent } from '../spec/events.ts';
import { SUITE_FORMAT, type GeneratedSuite, type SuiteState, type SuiteTest, type SuiteTransition } from './suite.ts';
import { observationDiff } from './prescribedState.ts';
import type { ObservedState, SystemUnderTest } from './systemUnderTest.ts';
import { LOG_FORMAT, LOG_KINDS, type LogHeaderInput, type LogRecord } from '../spec/log.ts';

/** One failing test: where, what diverged, and the paths that reproduce it from a reset. */
export interface TestFailure {
  readonly walk: string;
  readonly test: string;
  readonly message: string;
  /** Every event sent since the walk's reset, the failing one last: reproduces the failure exactly. */
  readonly replay: string;
  /**
   * Only the events that change the statechart's state, then the failing one: the same statechart
   * state in far fewer events (a walk tries many rejected events on its way), but it can miss a
   * bug that needs one of the events the statechart ignores.
   */
  readonly shortReplay: string;
}

export type SuiteOutcome =
  | { readonly kind: 'passed'; readonly walks: number; readonly tests: number; readonly steps: number }
  | { readonly kind: 'failed'; readonly walks: number; readonly tests: number; readonly passed: number; readonly skipped: number; readonly steps: number; readonly failures: readonly TestFailure[] };

/** A suite with its transitions' events decoded and its states and transitions indexed by id. */
interface Indexed {
  readonly suite: GeneratedSuite;
  readonly states: ReadonlyMap<number, SuiteState>;
  readonly transitions: ReadonlyMap<number, SuiteTransition & { readonly decoded: GuillotineEvent }>;
}

/**
 * Checks that parsed JSON is a generated suite this runner understands; throws an error naming the
 * problem and suggesting regeneration otherwise.
 */
export function asGeneratedSuite(json: unknown, source = 'suite'): GeneratedSuite {
  const record = json as Partial<GeneratedSuite> | null;
  if (record === null || typeof record !== 'object' || record.format !== SUITE_FORMAT) {
    throw new Error(`${source} is not a ${SUITE_FORMAT} suite (format ${JSON.stringify(record?.format)}); regenerate it with guillotine gen-tests`);
  }
  if (!Array.isArray(record.states) || !Array.isArray(record.transitions) || !Array.isArray(record.walks) || typeof record.policy !== 'object') {
    throw new Error(`${source} lacks states, transitions, walks or policy; regenerate it with guillotine gen-tests`);
  }
  return record as GeneratedSuite;
}

function index(suite: GeneratedSuite): Indexed {
  const states = new Map(suite.states.map((s) => [s.id, s]));
  const transitions = new Map(
    suite.transitions.map((t) => {
      const decoded = decodePath(t.event);
      if (!decoded.ok || decoded.events.length !== 1) throw new Error(`suite transition T${t.id}: bad event ${JSON.stringify(t.event)}${decoded.ok ? '' : `: ${decoded.message}`}`);
      return [t.id, { ...t, decoded: decoded.events[0]! }];
    }),
  );
  return { suite, states, transitions };
}

/** The events sent since the last reset, and whether each changes the statechart's state: the replay handles of a failure. */
type Trail = { readonly event: GuillotineEvent; readonly moves: boolean }[];

function replayPaths(trail: Trail): { replay: string; shortReplay: string } {
  return {
    replay: encodePath(trail.map((s) => s.event)),
    shortReplay: encodePath(trail.filter((s, i) => s.moves || i === trail.length - 1).map((s) => s.event)),
  };
}

function describeObservation(o: ObservedState): string {
  const proposal = o.proposal === null ? 'no proposal' : `proposal ${o.proposal.from}→${o.proposal.to} by ${o.proposal.approvals.join('+')}`;
  return `${o.level}, ${proposal}, hypervisor ${o.hypervisor}`;
}

/**
 * What the implementation did in one walk, in the log format of `spec/log.ts` (docs/log-format.md):
 * a header, then per event sent a record of it and of what the implementation showed after it.
 * The runner drives every timer itself, so the log says `timed: false`; it sends every event, and
 * every record shows the level, so every kind is complete. `guillotine validate` then checks the
 * walk against the statechart on its own, away from the suite.
 */
class WalkLog {
  private steps = 0;
  constructor(private readonly write: (line: string) => void) {}

  start(policy: GeneratedSuite['policy'], walk: string): void {
    const header: LogHeaderInput = { format: LOG_FORMAT, complete: [...LOG_KINDS], policy, timed: false, source: `the generated suite's runner, ${walk}` };
    this.write(JSON.stringify(header));
  }

  step(event: GuillotineEvent, observed: ObservedState): void {
    const proposal = observed.proposal === null ? null : { from: observed.proposal.from, to: observed.proposal.to, approvals: [...observed.proposal.approvals] };
    const record: LogRecord = { t: ++this.steps, event, level: observed.level, proposal, hypervisor: observed.hypervisor, capabilities: observed.capabilities };
    this.write(JSON.stringify(record));
  }
}

async function resetWalk(ix: Indexed, sut: SystemUnderTest, trail: Trail, log: WalkLog | null = null, walk = ''): Promise<string | null> {
  trail.length = 0;
  await sut.reset(ix.suite.policy);
  log?.start(ix.suite.policy, walk);
  const initial = ix.states.get(0);
  if (initial === undefined) return 'the suite has no initial state S0; regenerate it';
  const diff = observationDiff(initial.expect, await sut.observe());
  return diff.length === 0 ? null : `after reset the state differs from the statechart's initial state (${initial.label}):\n  ${diff.join('\n  ')}`;
}

/** Runs one test's steps, continuing the walk; returns null when every step matched, else why not. */
async function runTest(ix: Indexed, sut: SystemUnderTest, test: SuiteTest, trail: Trail, log: WalkLog | null = null): Promise<string | null> {
  for (const [i, id] of test.steps.entries()) {
    const t = ix.transitions.get(id);
    const from = t && ix.states.get(t.from);
    const to = t && ix.states.get(t.to);
    if (t === undefined || from === undefined || to === undefined) return `the suite refers to a missing transition or state (T${id}); regenerate it`;
    trail.push({ event: t.decoded, moves: t.from !== t.to });
    const where = `step ${i + 1} of ${test.steps.length} (T${t.id}): sent ${t.event} in ${from.label}`;
    const result = await sut.send(t.decoded);
    // With a log, what the implementation shows is read after every event, whatever the verdict.
    const shown = log === null ? null : await sut.observe();
    if (shown !== null) log!.step(t.decoded, shown);
    if (result.accepted !== t.accepted) {
      const observed = result.accepted ? 'it was accepted' : `it was rejected (${result.reason})`;
      return `${where}\n  expected the event to be ${t.accepted ? 'accepted' : `rejected (${t.reason ?? 'refused'})`}, but ${observed}`;
    }
    const observed = shown ?? (await sut.observe());
    const diff = observationDiff(to.expect, observed);
    if (diff.length > 0) return `${where}\n  expected ${describeObservation(to.expect)}; the state differs:\n  ${diff.join('\n  ')}`;
  }
  return null;
}

function failureMessage(test: string, why: string, trail: Trail): string {
  const { replay, shortReplay } = replayPaths(trail);
  if (replay === shortReplay) return `${test}\n  ${why}\n  replay from reset: ${replay}`;
  return `${test}\n  ${why}\n  replay from reset: ${shortReplay}\n  (the events that change the statechart's state; all ${trail.length} events sent since the reset, should the bug need the others: ${replay})`;
}

export interface RunOptions {
  /** Stop after this many failing tests; the tests not run count as skipped (default: run everything). */
  readonly maxFailures?: number;
  /** Called after each walk with how many walks have run, for progress on stderr. */
  readonly onWalk?: (done: number, total: number) => void;
  /**
   * Records what the implementation did, one log per walk (docs/log-format.md): called at each
   * walk's reset with its name, it returns where that walk's lines go (each without its newline).
   */
  readonly log?: (walk: string) => (line: string) => void;
}

/**
 * Runs every walk of `suite` against `sut`, in order. Never throws for a failing implementation
 * (an exception thrown by the adapter counts as that test's failure); returns the tally.
 */
export async function runSuite(suite: GeneratedSuite, sut: SystemUnderTest, options: RunOptions = {}): Promise<SuiteOutcome> {
  const maxFailures = options.maxFailures ?? Infinity;
  const ix = index(suite);
  const failures: TestFailure[] = [];
  let tests = 0;
  let passed = 0;
  let skipped = 0;
  let steps = 0;
  let walksRun = 0;
  const trail: Trail = [];
  let log: WalkLog | null = null;
  for (const walk of suite.walks) {
    let broken: string | null = failures.length >= maxFailures ? 'stopped' : null;
    try {
      if (broken === null) {
        log = options.log === undefined ? null : new WalkLog(options.log(walk.name));
        broken = await resetWalk(ix, sut, trail, log, walk.name);
      }
    } catch (error) {
      broken = `reset threw: ${(error as Error).message}`;
    }
    if (broken !== null && broken !== 'stopped') failures.push({ walk: walk.name, test: 'reset', message: broken, replay: '', shortReplay: '' });
    for (const test of walk.tests) {
      tests++;
      if (broken !== null || failures.length >= maxFailures) {
        skipped++;
        continue;
      }
      let why: string | null;
      try {
        why = await runTest(ix, sut, test, trail, log);
      } catch (error) {
        why = `the adapter threw: ${(error as Error).message}`;
      }
      steps += test.steps.length;
      if (why === null) passed++;
      else {
        broken = test.name;
        failures.push({ walk: walk.name, test: test.name, message: failureMessage(test.name, why, trail), ...replayPaths(trail) });
      }
    }
    options.onWalk?.(++walksRun, suite.walks.length);
  }
  if (failures.length === 0) return { kind: 'passed', walks: suite.walks.length, tests, steps };
  return { kind: 'failed', walks: suite.walks.length, tests, passed, skipped, steps, failures };
}

/**
 * What a generated `transitions.test.mts` calls: reads the suite and loads the implementation, then
 * declares the suite with {@link registerMochaSuite}. When either cannot be loaded (a missing
 * `GUILLOTINE_SUT` module, a `suite.json` that is not a suite), it declares one failing test whose
 * message is the runner's own and nothing else. Throwing instead would fail the runner's module
 * load, and mocha, which first tries `require()` on a `.mts` file, then reports the require's error
 * ("Top-level await is currently not supported with the cjs output format", with an esbuild stack)
 * in place of the real one.
 */
export async function registerGeneratedSuite(readSuite: () => unknown, source: string, loadSut: () => Promise<SystemUnderTest>, target: string): Promise<void> {
  let suite: GeneratedSuite;
  let sut: SystemUnderTest;
  try {
    suite = asGeneratedSuite(readSuite(), source);
  } catch (error) {
    registerLoadFailure(`cannot read the generated suite ${source}: ${(error as Error).message}`);
    return;
  }
  try {
    sut = await loadSut();
  } catch (error) {
    registerLoadFailure(`cannot load the system under test ${JSON.stringify(target)} (GUILLOTINE_SUT): ${(error as Error).message}`);
    return;
  }
  registerMochaSuite(suite, sut);
}

/** One failing mocha test carrying `message` alone (no stack: the message is the whole story). */
function registerLoadFailure(message: string): void {
  describe('Guillotine generated suite', function () {
    it('loads the suite and the system under test', function () {
      const error = new Error(message);
      error.stack = `Error: ${message}`;
      throw error;
    });
  });
}

/**
 * Declares the suite with mocha's `describe`/`it` (call it from a mocha test file): one `describe`
 * per walk, whose `before` resets the implementation, and one `it` per test, named by the transition
 * (or state, or path) it covers. After a failing `it`, the rest of its walk is skipped (pending).
 */
export function registerMochaSuite(suite: GeneratedSuite, sut: SystemUnderTest, title = `Guillotine ${suite.criterion} coverage`): void {
  const ix = index(suite);
  describe(title, function () {
    for (const walk of suite.walks) {
      describe(walk.name, function () {
        const trail: Trail = [];
        let broken: string | null = null;
        before(async function () {
          broken = null;
          const problem = await resetWalk(ix, sut, trail);
          if (problem !== null) throw new Error(problem);
        });
        for (const test of walk.tests) {
          it(test.name, async function () {
            if (broken !== null) this.skip();
            const why = await runTest(ix, sut, test, trail).catch((error: unknown) => `the adapter threw: ${(error as Error).message}`);
            if (why !== null) {
              broken = test.name;
              throw new Error(failureMessage(test.name, why, trail));
            }
          });
        }
      });
    }
  });
}
