/**
 * Simulator benchmark (issue 4): wall time of each experiment at its defaults (the 72-hour soak at
 * a 1 s heartbeat, side-channel, port-resilience), and the soak's simulated events per second.
 * One warm-up run, then the median of the timed runs, all in this process (the experiments are
 * synchronous and allocate little that survives a run).
 * Usage: node --import tsx bench/simulate.ts [--json] [--repeat N]
 */
import { fileURLToPath } from 'node:url';
import { table } from '../cli/table.ts';
import { DEFAULT_SEED, runScenario, SCENARIO_NAMES, type ScenarioName } from '../simulator/index.ts';
import { median } from './median.ts';

interface Row {
  readonly scenario: ScenarioName;
  readonly settings: string;
  readonly runs: number;
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  /** The soak only: events the event queue ran, and per wall-clock second (median run). */
  readonly simulatedEvents: number | null;
  readonly eventsPerSecond: number | null;
  readonly holds: boolean;
}


export function benchSimulate(log: (line: string) => void, repeat = 5): Row[] {
  return SCENARIO_NAMES.map((scenario) => {
    const runs = scenario === 'port-resilience' ? Math.max(1, Math.min(repeat, 3)) : repeat;
    log(`bench simulate: ${scenario} (1 warm-up + ${runs} runs)…`);
    runScenario(scenario, { seed: DEFAULT_SEED });
    const seconds: number[] = [];
    let events: number | null = null;
    let holds = true;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const result = runScenario(scenario, { seed: DEFAULT_SEED });
      seconds.push((performance.now() - start) / 1000);
      holds &&= result.holds;
      if (result.scenario === 'soak') events = result.simulatedEvents;
    }
    const m = median(seconds);
    return {
      scenario,
      settings: scenario === 'soak' ? '72 h, 1 s heartbeat' : 'defaults',
      runs,
      medianSeconds: round(m),
      minSeconds: round(Math.min(...seconds)),
      maxSeconds: round(Math.max(...seconds)),
      simulatedEvents: events,
      eventsPerSecond: events === null ? null : Math.round(events / m),
      holds,
    };
  });
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function formatSimulate(rows: readonly Row[]): string {
  return table(
    ['scenario', 'settings', 'runs', 'median s', 'min s', 'max s', 'simulated events', 'events/s', 'verdict'],
    rows.map((r) => [r.scenario, r.settings, r.runs, r.medianSeconds.toFixed(3), r.minSeconds.toFixed(3), r.maxSeconds.toFixed(3), r.simulatedEvents ?? '—', r.eventsPerSecond ?? '—', r.holds ? 'holds' : 'FAILS']),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--repeat');
  const repeat = at > 0 ? Math.max(1, Number(process.argv[at + 1]) || 5) : 5;
  const rows = benchSimulate((l) => process.stderr.write(l + '\n'), repeat);
  process.stdout.write(process.argv.includes('--json') ? JSON.stringify(rows, null, 2) + '\n' : formatSimulate(rows));
}
