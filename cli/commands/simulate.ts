/**
 * `guillotine simulate --scenario side-channel|port-resilience|soak [--seed N] [--hours H] [--policy FILE] [--json]`:
 * runs one experiment of the reference simulator and prints its figures and claims. `--json`
 * prints exactly the object `runScenario` returns (no wall-clock time in it: the same seed gives
 * the same bytes). Exit 0 when every claim holds, 1 when one does not, 2 for bad input.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Option } from 'commander';
import { LOG_KINDS, type LogKind } from '../../spec/log.ts';
import { fileErrorWords } from '../../spec/fileError.ts';
import { parseLogKinds } from '../../simulator/log.ts';
import { DEFAULT_SEED, DEFAULT_SOAK_HOURS, runScenario, ScenarioInputError, SCENARIO_NAMES, SCENARIOS, type PortResilienceResult, type ScenarioName, type ScenarioResult, type SideChannelResult, type SoakResult } from '../../simulator/index.ts';
import { action, BadInput, integerOption, jsonOption, policyFrom, policyOption, printJson, type Output, type RegisterCommand } from '../command.ts';
import { count, table } from '../table.ts';
import { progressLine } from '../progress.ts';
import { shellWord } from '../shellWord.ts';
import { terminalSafe } from '../../spec/terminalText.ts';

interface SimulateFlags {
  readonly scenario: ScenarioName;
  readonly seed?: string;
  readonly hours?: string;
  readonly policy?: string;
  readonly json?: boolean;
  readonly log?: string;
  readonly logKinds?: string;
}

/** The longest soak the CLI accepts: a simulated year (about 10 s of wall time per 72 h). */
const MAX_HOURS = 8_760;

export const registerSimulate: RegisterCommand = (command, io, exit) => {
  command
    .addOption(new Option('--scenario <name>', 'the experiment to run').choices([...SCENARIO_NAMES]).makeOptionMandatory())
    .addOption(new Option('--seed <n>', `seed of the run, a whole number from 0 to 4294967295 (default ${DEFAULT_SEED})`))
    .addOption(new Option('--hours <h>', `soak only: simulated hours, a positive number up to ${MAX_HOURS} (default ${DEFAULT_SOAK_HOURS})`))
    .addOption(policyOption())
    .addOption(jsonOption())
    .addOption(new Option('--log <file>', 'soak only: write the machine\'s log (JSON Lines, docs/log-format.md) to FILE, for guillotine validate'))
    .addOption(new Option('--log-kinds <list>', 'with --log: what it records completely, comma-separated: all (the default), votes, level, or event types (e.g. votes,level); the other events and the observations are left out'))
    .addHelpText(
      'after',
      `\nScenarios:\n${SCENARIOS.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n')}\n\n` +
        'Exit status: 0 every claim of the experiment holds; 1 a claim does not hold; 2 bad input\n' +
        '(unknown scenario, bad --seed, --hours or --policy). The same seed gives the same output.\n',
    )
    .action(
      action(exit, (flags: SimulateFlags) => {
        const seed = integerOption('--seed', flags.seed, 0, 2 ** 32 - 1) ?? DEFAULT_SEED;
        const hours = hoursOption(flags.hours, flags.scenario);
        const policy = policyFrom(flags.policy);
        const log = logOption(flags, seed, hours);
        const progress = simulationProgress(io, flags.scenario);
        const started = performance.now();
        let result: ScenarioResult;
        try {
          result = runScenario(flags.scenario, { seed, policy, ...(hours === undefined ? {} : { hours }), onProgress: progress.report, ...(log ? { log: log.sink } : {}) });
        } catch (error) {
          if (error instanceof ScenarioInputError) throw new BadInput(error.message);
          throw error;
        } finally {
          progress.done();
          log?.close();
        }
        const wallSeconds = (performance.now() - started) / 1000;
        if (flags.json) printJson(io, result);
        else {
          printResult(io, result, { source: flags.policy, hours, wallSeconds });
          if (log) io.out(`Log: ${count(log.records())} records written to ${flags.log}; check it with guillotine validate '${flags.log}'\n`);
        }
        return result.holds ? 0 : 1;
      }),
    );
};

/**
 * `--log FILE` (and `--log-kinds`): a sink writing the log's lines to FILE, buffered, and its options.
 * The file is created before the run, so a path that cannot be written is bad input at once.
 */
function logOption(flags: SimulateFlags, seed: number, hours: number | undefined) {
  if (flags.log === undefined) {
    if (flags.logKinds !== undefined) throw new BadInput('--log-kinds goes with --log FILE');
    return null;
  }
  if (flags.scenario !== 'soak') throw new BadInput(`--log applies only to --scenario soak (got --scenario ${flags.scenario})`);
  let kinds: LogKind[] | undefined;
  if (flags.logKinds !== undefined) {
    const parsed = parseLogKinds(flags.logKinds);
    if (!parsed.ok) throw new BadInput(`--log-kinds: ${parsed.message}`);
    kinds = parsed.kinds;
  }
  let fd: number;
  try {
    fd = openSync(flags.log, 'w');
  } catch (error) {
    throw new BadInput(`--log: cannot write ${JSON.stringify(flags.log)}: ${fileErrorWords(error)}`);
  }
  let buffered: string[] = [];
  let size = 0;
  let lines = 0;
  const flush = () => {
    if (buffered.length === 0) return;
    writeSync(fd, buffered.join(''));
    buffered = [];
    size = 0;
  };
  const all = kinds === undefined || kinds.length === LOG_KINDS.length;
  const source = `guillotine simulate --scenario soak --seed ${seed}${hours === undefined ? '' : ` --hours ${hours}`}${flags.policy === undefined ? '' : ` --policy '${flags.policy}'`} --log FILE${flags.logKinds === undefined ? '' : ` --log-kinds ${flags.logKinds}`}`;
  return {
    sink: {
      write: (line: string) => {
        buffered.push(line, '\n');
        lines++;
        size += line.length + 1;
        if (size >= 1 << 20) flush();
      },
      // A log that records everything also shows the state after every record; a thinner one shows only the level changes.
      options: { ...(kinds === undefined ? {} : { kinds }), observations: all, source },
    },
    close: () => {
      flush();
      closeSync(fd);
    },
    /** Records written (the header not counted). */
    records: () => Math.max(0, lines - 1),
  };
}

function hoursOption(raw: string | undefined, scenario: ScenarioName): number | undefined {
  if (raw === undefined) return undefined;
  if (scenario !== 'soak') throw new BadInput(`--hours applies only to --scenario soak (got --scenario ${scenario})`);
  const hours = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(hours > 0 && hours <= MAX_HOURS)) throw new BadInput(`--hours takes a positive number of hours up to ${MAX_HOURS}, got ${JSON.stringify(raw)}`);
  return hours;
}

/** Progress on stderr once a run has taken a second: redrawn in place on a terminal, else at most one line a second. */
function simulationProgress(io: Output, scenario: ScenarioName) {
  const start = performance.now();
  let lastLine = start;
  const line = progressLine(io);
  return {
    report(done: number, total: number, what: string) {
      const now = performance.now();
      if (now - start < 1_000 || (!io.interactive && now - lastLine < 1_000)) return;
      lastLine = now;
      line.show(`Simulating ${scenario}. ${done}/${total}: ${what}, ${((now - start) / 1000).toFixed(1)}s`);
    },
    done: line.done,
  };
}

const ms = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 1 }));
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function printResult(io: Output, r: ScenarioResult, context: { source: string | undefined; hours: number | undefined; wallSeconds: number }) {
  const p = r.policy;
  const replay = `guillotine simulate --scenario ${r.scenario} --seed ${r.seed}${context.hours !== undefined ? ` --hours ${context.hours}` : ''}${context.source !== undefined ? ` --policy ${shellWord(context.source)}` : ''}`;
  io.out(`Scenario ${r.scenario}, seed ${r.seed}, policy ${context.source === undefined ? '(embedded default)' : terminalSafe(context.source)}: ${p.admins} admins, escalate ${p.escalate}, de-escalate ${p.deescalate}, timeout ${p.timeoutSeconds}s (${p.onTimeout}), heartbeat ${p.heartbeatPeriodMs} ms × ${p.missLimit}\n\n`);
  switch (r.scenario) {
    case 'side-channel':
      printSideChannel(io, r);
      break;
    case 'port-resilience':
      printPortResilience(io, r);
      break;
    case 'soak':
      printSoak(io, r);
      break;
  }
  io.out('\nClaims:\n');
  for (const c of r.claims) io.out(`  ${c.holds ? '✔' : '✘'} ${c.id}: ${c.statement}\n      ${c.evidence}\n`);
  const failed = r.claims.filter((c) => !c.holds).length;
  io.out(failed === 0 ? `\nEvery claim holds (${r.claims.length}/${r.claims.length}).\n` : `\n${failed} of ${r.claims.length} claim(s) FAIL.\n`);
  io.out(`Reproduce: ${replay}\n`);
  io.out(`Wall time: ${context.wallSeconds.toFixed(2)}s\n`);
}

function printSideChannel(io: Output, r: SideChannelResult) {
  io.out(`${r.bits}-bit hypervisor key, ${r.trials} Prime+Probe passes per layout; chance band (99.9 %): [${r.chanceBand.low}, ${r.chanceBand.high}]\n`);
  io.out(table(['cache layout', 'guesses', 'correct', 'accuracy', 'key bits by majority'], r.layouts.map((l) => [l.layout, count(l.guesses), count(l.correct), l.accuracy, `${l.keyBitsRecovered}/${r.bits}`])));
}

function printPortResilience(io: Output, r: PortResilienceResult) {
  io.out(`Each program ran ${r.durationMs} ms of virtual time on a fresh machine.\n`);
  const refusals = (refused: Readonly<Record<string, number>>) =>
    Object.entries(refused).filter(([, n]) => n > 0).sort(([, a], [, b]) => b - a).map(([k, n]) => `${k} ${count(n)}`).join(', ') || '—';
  io.out(table(
    ['program', 'tried', 'serviced', 'held', 'refused (by reason)', 'alarms', 'level after', 'invalid', 'above level'],
    r.programs.map((x) => [x.program, count(x.tried), count(x.serviced), count(x.heldForReview), refusals(x.refused), x.alarms.map((a) => a.rule).join(', ') || '—', x.levelAfter, x.invalidServiced, x.servicedAboveLevel]),
  ));
  io.out(`Totals: ${count(r.totals.tried)} tried, ${count(r.totals.serviced)} serviced, ${count(r.totals.invalidServiced)} invalid serviced, ${count(r.totals.servicedAboveLevel)} above the level\n`);
  io.out('Level sweep (valid requests to every port at each level):\n');
  const ports = Object.keys(r.levelSweep[0]?.servicedByPort ?? {});
  io.out(table(['level', ...ports], r.levelSweep.map((row) => [row.level, ...ports.map((port) => count(row.servicedByPort[port] ?? 0))])));
  io.out('Negative controls (broken hypervisors):\n');
  io.out(table(['program', 'hypervisor variant', 'invalid requests serviced'], r.controls.map((c) => [c.program, c.variant, count(c.invalidServiced)])));
}

function printSoak(io: Output, r: SoakResult) {
  io.out(`${r.hours} simulated hours at a ${r.heartbeatPeriodMs} ms heartbeat: ${count(r.simulatedEvents)} events\n`);
  io.out('Time to the required level, per trigger (ms):\n');
  io.out(table(
    ['trigger', 'fired', 'timed', 'already there', 'cancelled', 'p50', 'p99', 'max', 'deadline', 'missed'],
    r.triggers.map((t) => [t.trigger, t.fired, t.effective, t.absorbed, t.cancelled, ms(t.timeToLevelMs.p50), ms(t.timeToLevelMs.p99), ms(t.timeToLevelMs.max), ms(t.deadlineMs), t.missedDeadline]),
  ));
  const causes = Object.entries(r.levelChanges.byCause);
  io.out(`Level changes: ${r.levelChanges.total} (${causes.filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', ')})\n`);
  io.out(`Escapes: ${r.escapes.total} (${Object.entries(r.escapes.byKind).map(([k, n]) => `${k} ${n}`).join(', ')})\n`);
  io.out(`Time at each level: ${Object.entries(r.timeAtLevel).map(([l, f]) => `${l} ${pct(f)}`).join(', ')}\n`);
  io.out(`Heartbeats: ${count(r.heartbeats.sent)} sent, ${count(r.heartbeats.lost)} lost in ${r.outages.short} short and ${r.outages.long} long outages (${r.outages.falseTrips} false trips)\n`);
  io.out(`Statechart beside the simulation: ${count(r.statechart.steps)} stimuli stepped, ${r.statechart.divergences} disagreement(s)${r.statechart.first ? ` — first at ${r.statechart.first.atMicros / 1e6} s: ${r.statechart.first.what}` : ''}\n`);
  io.out(`Votes: ${count(r.votes.counted)} counted; ${r.votes.attacks} attack votes, ${r.votes.attacksCounted} counted; de-escalations ${r.recoveries.deescalations} (${r.recoveries.expired} left to expire); actuator jams ${r.actuatorJams}; alerts ${r.alerts}\n`);
}
