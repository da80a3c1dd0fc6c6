/**
 * The generated suite as data: the states and transitions it uses (with what the statechart
 * prescribes after each), and its walks split into named tests. A suite is plain JSON, written to
 * `suite.json` by `guillotine gen-tests` and run by `runSuite.ts` against any {@link SystemUnderTest}.
 */
import { encodeEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import type { AdminSelection } from './alphabet.ts';
import type { ReachableGraph } from './reachableGraph.ts';
import type { Walk } from './coveringWalks.ts';
import { prescribedObservation, stateLabel } from './prescribedState.ts';
import type { ObservedState } from './systemUnderTest.ts';

/** The coverage criteria `--coverage` accepts. */
export const CRITERIA = ['state', 'transition', 'path'] as const;
export type Criterion = (typeof CRITERIA)[number];

export const SUITE_FORMAT = 'guillotine-transition-suite/1';

export interface SuiteState {
  /** `S<id>` in test names: the state's position in exploration order. */
  readonly id: number;
  readonly label: string;
  /** What an implementation must show in this state. */
  readonly expect: ObservedState;
}

export interface SuiteTransition {
  /** `T<id>` in test names. */
  readonly id: number;
  readonly from: number;
  /** The event in the compact path encoding (`approve:a2`). */
  readonly event: string;
  readonly to: number;
  readonly accepted: boolean;
  /** The statechart's reason, for a rejected event (informative; implementations may word it differently). */
  readonly reason: string | null;
}

/** One named test: the steps (transition ids) it sends, continuing its walk; the last one is what it is named after. */
export interface SuiteTest {
  readonly name: string;
  readonly steps: readonly number[];
}

/** A walk starts with a reset; its tests run in order, each continuing from where the last stopped. */
export interface SuiteWalk {
  readonly name: string;
  readonly tests: readonly SuiteTest[];
}

export interface GeneratedSuite {
  readonly format: typeof SUITE_FORMAT;
  readonly criterion: Criterion;
  readonly admins: AdminSelection;
  readonly depth: number | null;
  readonly policy: Policy;
  readonly states: readonly SuiteState[];
  readonly transitions: readonly SuiteTransition[];
  readonly walks: readonly SuiteWalk[];
}

/** The name of the test that covers transition `t`: `T12 severed, proposal severed→offline by a1: approve:a2 → offline`. */
export function transitionName(graph: ReachableGraph, t: number): string {
  const tr = graph.transitions[t]!;
  const from = stateLabel(graph.states[tr.from]!);
  const outcome = !tr.accepted ? 'is rejected' : tr.to === tr.from ? '→ unchanged' : `→ ${stateLabel(graph.states[tr.to]!)}`;
  return `T${tr.id} ${from}: ${encodeEvent(tr.event)} ${outcome}`;
}

/**
 * Splits walks into named tests and collects the states and transitions they use.
 * - transition coverage: one test per transition, named after it, holding the steps that lead to it;
 * - state coverage: one test per newly reached state (`S<id> reach …`);
 * - path coverage: one test per walk (each walk is one maximal simple path), named by its path.
 */
export function buildSuite(policy: Policy, graph: ReachableGraph, walks: readonly Walk[], criterion: Criterion, depth: number | null): GeneratedSuite {
  const usedStates = new Set<number>([0]);
  const usedTransitions = new Set<number>();
  const suiteWalks: SuiteWalk[] = walks.map((walk, w) => {
    const tests: SuiteTest[] = [];
    let pending: number[] = [];
    for (const [i, t] of walk.steps.entries()) {
      usedTransitions.add(t);
      usedStates.add(graph.transitions[t]!.from).add(graph.transitions[t]!.to);
      pending.push(t);
      if (criterion === 'path' ? i === walk.steps.length - 1 : walk.covers[i]) {
        tests.push({ name: testName(graph, criterion, pending, walk.steps, i), steps: pending });
        pending = [];
      }
    }
    if (pending.length > 0) {
      // Steps after the last covering one (none with the walks we build, but keep them if a caller's walk has some).
      const last = tests.pop();
      tests.push(last === undefined ? { name: `walk ${w + 1} steps`, steps: pending } : { name: last.name, steps: [...last.steps, ...pending] });
    }
    const steps = walk.steps.length;
    return { name: `walk ${w + 1} of ${walks.length} (${steps} step${steps === 1 ? '' : 's'})`, tests };
  });
  const states = [...usedStates].sort((a, b) => a - b).map((id) => ({ id, label: stateLabel(graph.states[id]!), expect: prescribedObservation(graph.states[id]!) }));
  const transitions = [...usedTransitions].sort((a, b) => a - b).map((id) => {
    const t = graph.transitions[id]!;
    return { id, from: t.from, event: encodeEvent(t.event), to: t.to, accepted: t.accepted, reason: t.reason };
  });
  return { format: SUITE_FORMAT, criterion, admins: graph.admins, depth, policy, states, transitions, walks: suiteWalks };
}

function testName(graph: ReachableGraph, criterion: Criterion, steps: readonly number[], walk: readonly number[], at: number): string {
  const last = steps[steps.length - 1]!;
  switch (criterion) {
    case 'transition':
      return transitionName(graph, last);
    case 'state': {
      const to = graph.transitions[last]!.to;
      return `S${to} reach ${stateLabel(graph.states[to]!)} (by ${encodeEvent(graph.transitions[last]!.event)})`;
    }
    case 'path':
      return `path ${walk.slice(0, at + 1).map((t) => encodeEvent(graph.transitions[t]!.event)).join(',')}`;
  }
}

/**
 * The suite as JSON text: fixed key order, one state, transition or test per line, so that the same
 * input gives the same bytes and a diff between two generations is readable.
 */
export function renderSuiteJson(suite: GeneratedSuite): string {
  const lines: string[] = ['{'];
  lines.push(`  "format": ${JSON.stringify(suite.format)},`);
  lines.push(`  "criterion": ${JSON.stringify(suite.criterion)},`);
  lines.push(`  "admins": ${JSON.stringify(suite.admins)},`);
  lines.push(`  "depth": ${JSON.stringify(suite.depth)},`);
  lines.push(`  "policy": ${JSON.stringify(suite.policy)},`);
  const list = (key: string, items: readonly unknown[], last = false) => {
    lines.push(`  ${JSON.stringify(key)}: [`);
    items.forEach((item, i) => lines.push(`    ${JSON.stringify(item)}${i === items.length - 1 ? '' : ','}`));
    lines.push(`  ]${last ? '' : ','}`);
  };
  list('states', suite.states.map((s) => ({ id: s.id, label: s.label, expect: s.expect })));
  list('transitions', suite.transitions.map((t) => ({ id: t.id, from: t.from, event: t.event, to: t.to, accepted: t.accepted, reason: t.reason })));
  lines.push('  "walks": [');
  suite.walks.forEach((walk, w) => {
    lines.push(`    {"name": ${JSON.stringify(walk.name)}, "tests": [`);
    walk.tests.forEach((test, i) => lines.push(`      ${JSON.stringify({ name: test.name, steps: test.steps })}${i === walk.tests.length - 1 ? '' : ','}`));
    lines.push(`    ]}${w === suite.walks.length - 1 ? '' : ','}`);
  });
  lines.push('  ]');
  lines.push('}');
  return lines.join('\n') + '\n';
}
