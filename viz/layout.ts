/**
 * Lays the statechart out with ELK (the Eclipse Layout Kernel, `elkjs`): each region is a
 * compound box laid out by ELK's layered (Sugiyama) algorithm with its states and labelled
 * edges inside; the region boxes are then packed into columns. The result is absolute
 * coordinates, ready for `svg.ts`; the page never runs a layout.
 */
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import { blockSize, edgeLines, stateLines, type Line } from './textBlock.ts';
import type { StatechartView, TransitionView } from './statechart.ts';
import type { Region } from '../machines/engine.ts';

// elkjs is CommonJS: its module object is the constructor, which also carries itself as `default`.
const ELK = elkModule.default;

export interface Box { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

export interface PlacedState extends Box {
  readonly id: string;
  readonly name: string;
  readonly level: string | null;
  readonly initial: boolean;
  readonly tags: readonly string[];
  readonly lines: readonly Line[];
}

export interface PlacedRegion extends Box {
  readonly id: Region;
  readonly states: readonly PlacedState[];
}

export interface PlacedEdge {
  readonly transition: TransitionView;
  /** The polyline from source to target, in absolute coordinates; the last point is the arrow tip. */
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly label: Box & { readonly lines: readonly Line[] };
}

export interface StatechartLayout {
  readonly width: number;
  readonly height: number;
  readonly regions: readonly PlacedRegion[];
  readonly edges: readonly PlacedEdge[];
}

/** Padding inside a state box, around its text. */
export const STATE_PAD = 8;
/** Room at the top of a region for its name. */
export const REGION_HEADER = 26;
/** Space between region boxes and around the picture. */
export const GAP = 16;
const LABEL_PAD = 3;

/** Options of ELK's layered algorithm for one region. */
export function regionOptions(direction: 'DOWN' | 'RIGHT'): LayoutOptions {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': direction,
    'elk.padding': `[top=${REGION_HEADER + 10},left=18,bottom=16,right=18]`,
    'elk.spacing.nodeNode': '28',
    'elk.layered.spacing.nodeNodeBetweenLayers': '40',
    'elk.spacing.edgeLabel': '4',
    'elk.spacing.edgeEdge': '12',
    'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
    'elk.layered.spacing.edgeNodeBetweenLayers': '14',
    'elk.edgeRouting': 'ORTHOGONAL',
    'elk.layered.edgeLabels.sideSelection': 'SMART_DOWN',
    // Keep the config's order: levels top to bottom in escalation order, so raises point down.
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
    'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
    'elk.randomSeed': '1',
  };
}

/**
 * Computes the layout of a statechart. Deterministic: ELK's layered algorithm is seeded, and the
 * packing is a pure function of the region sizes, so the same view gives the same coordinates.
 *
 * The isolation region (the levels) flows top to bottom in escalation order; the others flow left
 * to right, which keeps their bundles of parallel edges short. Regions are packed into columns no
 * taller than the tallest region.
 *
 * Known limit: label sizes assume the monospace font of `textBlock.ts`; with a much wider
 * fallback font, long labels could overrun their boxes slightly.
 */
export async function layoutStatechart(view: StatechartView): Promise<StatechartLayout> {
  const elk = new ELK();
  const local = await Promise.all(view.regions.map(async (region) => {
    const lines = new Map<string, readonly Line[]>();
    const transitions = view.edges.filter((e) => e.region === region.id);
    const graph: ElkNode = {
      id: `region:${region.id}`,
      layoutOptions: regionOptions(region.id === 'isolation' ? 'DOWN' : 'RIGHT'),
      children: region.states.map((state) => {
        const l = stateLines(state);
        lines.set(state.id, l);
        return { id: state.id, ...blockSize(l, STATE_PAD) };
      }),
      edges: transitions.map((t): ElkExtendedEdge => {
        const l = edgeLines(t);
        lines.set(t.id, l);
        return { id: t.id, sources: [t.source], targets: [t.target!], labels: [{ id: `${t.id}:label`, text: t.id, ...blockSize(l, LABEL_PAD) }] };
      }),
    };
    return { region, transitions, lines, laid: await elk.layout(graph) };
  }));

  // Column packing: keep config order, start a new column when the next region would overflow.
  const columnHeight = Math.max(...local.map((r) => r.laid.height ?? 0));
  const origins: { x: number; y: number }[] = [];
  let x = GAP;
  let y = GAP;
  let columnWidth = 0;
  for (const { laid } of local) {
    const h = laid.height ?? 0;
    if (y > GAP && y + h > GAP + columnHeight) {
      x += columnWidth + GAP;
      y = GAP;
      columnWidth = 0;
    }
    origins.push({ x, y });
    y += h + GAP;
    columnWidth = Math.max(columnWidth, laid.width ?? 0);
  }

  const regions: PlacedRegion[] = [];
  const edges: PlacedEdge[] = [];
  let width = 0;
  let height = 0;
  local.forEach(({ region, transitions, lines, laid }, i) => {
    const { x: ox, y: oy } = origins[i]!;
    const states = region.states.map((state, j): PlacedState => {
      const n = laid.children?.[j];
      if (n === undefined || n.id !== state.id) throw new Error(`layoutStatechart: ELK lost state ${state.id}`);
      return { id: state.id, name: state.name, level: state.level, initial: state.initial, tags: state.tags, lines: lines.get(state.id)!, x: ox + (n.x ?? 0), y: oy + (n.y ?? 0), width: n.width ?? 0, height: n.height ?? 0 };
    });
    regions.push({ id: region.id, x: ox, y: oy, width: laid.width ?? 0, height: laid.height ?? 0, states });
    width = Math.max(width, ox + (laid.width ?? 0) + GAP);
    height = Math.max(height, oy + (laid.height ?? 0) + GAP);
    for (const t of transitions) {
      const e = laid.edges?.find((candidate) => candidate.id === t.id);
      const section = e?.sections?.[0];
      if (e === undefined || section === undefined) throw new Error(`layoutStatechart: ELK returned no route for ${t.id}`);
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: ox + p.x, y: oy + p.y }));
      const l = e.labels?.[0];
      edges.push({
        transition: t,
        points,
        label: { x: ox + (l?.x ?? 0), y: oy + (l?.y ?? 0), width: l?.width ?? 0, height: l?.height ?? 0, lines: lines.get(t.id)! },
      });
    }
  });
  return { width, height, regions, edges };
}
