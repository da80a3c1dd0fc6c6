/**
 * The JSON the review page is a thin client of: the statechart picture (laid out and drawn on
 * the server), the six levels with their capability rows, and trace replays. Both `guillotine viz`
 * (over HTTP) and `guillotine report` (embedded in the file) serve exactly these objects.
 */
import { CAPABILITIES, LEVELS, actuatorPositions, type Actuator, type Capabilities, type Level, type PortService } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';
import { statechartView } from './statechart.ts';
import { layoutStatechart } from './layout.ts';
import { statechartSvg } from './svg.ts';
import { levelLadder, type LevelLadder } from './levelLadder.ts';

export interface LevelRow {
  readonly level: Level;
  readonly index: number;
  /** The statechart state that stands for this level, e.g. `isolation.severed`. */
  readonly state: string;
  readonly irreversible: boolean;
  readonly capabilities: Capabilities;
  readonly actuators: Readonly<Record<Actuator, 'engaged' | 'released'>>;
  /** The capability row as the page prints it: a label and a reading of each column of §2's table. */
  readonly described: readonly { readonly key: keyof Capabilities; readonly label: string; readonly value: string }[];
}

const COLUMN_LABELS: Readonly<Record<keyof Capabilities, string>> = {
  modelCores: 'model cores', ports: 'ports serviced', networkRelay: 'network relay', modelPower: 'model power', modelHardware: 'model hardware', facility: 'facility',
};

/** The meaning of each port-service rule, as `spec/levels.ts` documents `PortService`. */
const PORT_SERVICE: Readonly<Record<PortService, string>> = {
  all: 'all ports granted to the model',
  allowlist: 'an allowlist, rate-limited; every output held for human review',
  local: 'local ports only (storage, console), no network port',
  none: 'no port is serviced',
};

function described(row: Capabilities): LevelRow['described'] {
  return (Object.keys(COLUMN_LABELS) as (keyof Capabilities)[]).map((key) => ({
    key,
    label: COLUMN_LABELS[key],
    value: key === 'ports' ? `${row.ports}: ${PORT_SERVICE[row.ports]}` : row[key],
  }));
}

export interface StatechartModel {
  readonly policy: Policy;
  readonly svg: string;
  readonly levels: readonly LevelRow[];
  /** Size of the picture in pixels. */
  readonly width: number;
  readonly height: number;
  /** Milliseconds ELK took to lay the composed machine out (reported by the bench and the page footer). */
  readonly layoutMs: number;
  readonly counts: { readonly regions: number; readonly states: number; readonly edges: number; readonly internal: number };
  /** The levels view: every way from each level to each other, found by exploring the machine. */
  readonly ladder: LevelLadder;
}

/** The capability rows of the six levels, with the policy's irreversibility (docs/protocol.md §2). */
export function levelRows(policy: Policy): LevelRow[] {
  return LEVELS.map((level, index) => ({
    level,
    index,
    state: `isolation.${level}`,
    irreversible: policy.irreversible.includes(level),
    capabilities: CAPABILITIES[level],
    actuators: actuatorPositions(level),
    described: described(CAPABILITIES[level]),
  }));
}

/** Lays out and draws the statechart of a policy, collects the level rows, and explores the levels view's ways between levels. */
export async function statechartModel(policy: Policy): Promise<StatechartModel> {
  const view = statechartView(policy);
  const started = performance.now();
  const layout = await layoutStatechart(view);
  const layoutMs = performance.now() - started;
  const states = view.regions.reduce((sum, r) => sum + r.states.length, 0);
  const internal = view.regions.reduce((sum, r) => sum + r.states.reduce((s, st) => s + st.internal.length, 0), 0);
  return {
    policy,
    svg: statechartSvg(layout, `Guillotine statechart: ${view.regions.length} parallel regions, ${states} states, ${view.edges.length} transitions between states`),
    levels: levelRows(policy),
    width: layout.width,
    height: layout.height,
    layoutMs: Math.round(layoutMs * 10) / 10,
    counts: { regions: view.regions.length, states, edges: view.edges.length, internal },
    ladder: levelLadder(policy),
  };
}

/** Trace replays for the page live in `trace.ts` (which the browser bundle runs too). */
export { traceView, traceViewOfPath, type Frame as FrameView, type TraceView } from './trace.ts';
