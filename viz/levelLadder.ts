/**
 * The levels view: the six levels as a matrix (from-level by to-level), each cell listing what
 * takes the system from one level to the other — "3 approvals", "600 s timeout", "alarm ≥ offline",
 * "3rd missed heartbeat", "mce / assertion-failure → reboot", "actuator fault" — with irreversible
 * levels marked. Nothing here is a hand-written table: the cells are found by exploring the
 * policy's machine (the compiled engine over the checker's event alphabet), breadth first, and
 * every label comes with the shortest path that takes it, so a click replays it.
 *
 * Admins are interchangeable in the protocol, so the exploration lets only as many admins act as
 * the larger quorum: a level change by quorum needs exactly that many distinct approvals, at most
 * one proposal is open at a time and approvals never carry over, so any run of the full console
 * is matched, level change for level change, by a run of that many admins (the labels count
 * approvals, not names). That keeps the exploration to a few thousand states.
 */
import { eventAlphabet } from '../machines/alphabet.ts';
import { referenceEngine, levelOf, type SystemState } from '../machines/engine.ts';
import { encodePath, type GuillotineEvent } from '../spec/events.ts';
import { LEVELS, levelIndex, type Level } from '../spec/levels.ts';
import { adminIds, isIrreversible, type Policy } from '../spec/policy.ts';
import { xml } from './escape.ts';

/** Who moves the level: administrators (a quorum, or one admin and the quorum timeout) or a fail-safe. */
export type CauseKind = 'quorum' | 'timeout' | 'alarm' | 'heartbeat' | 'fault' | 'actuator';

/** One way from a level to another, as a chip of the matrix shows it. */
export interface LadderCause {
  readonly kind: CauseKind;
  /** Short label, e.g. `3 approvals`. */
  readonly label: string;
  /** The longer reading, shown on hover. */
  readonly title: string;
  /** A shortest path from the initial state whose last step takes this way (the compact encoding). */
  readonly path: string;
}

export interface LadderEdge {
  readonly from: Level;
  readonly to: Level;
  readonly direction: 'raise' | 'lower';
  readonly causes: readonly LadderCause[];
}

export interface LevelLadder {
  readonly levels: readonly { readonly level: Level; readonly index: number; readonly irreversible: boolean }[];
  readonly edges: readonly LadderEdge[];
  /** How many states the exploration visited, and with how many acting admins. */
  readonly explored: { readonly states: number; readonly admins: number; readonly complete: boolean };
}

const ORDINAL = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;

/** What a level-changing step says about its cause: its kind, and the detail its label needs. */
function causeOf(policy: Policy, before: SystemState, event: GuillotineEvent): { kind: CauseKind; key: string; detail: string } | null {
  switch (event.type) {
    case 'propose':
    case 'approve': {
      const approvals = (before.context.proposal?.approvals.length ?? 0) + 1;
      return { kind: 'quorum', key: `quorum:${approvals}`, detail: String(approvals) };
    }
    case 'timeout':
      return { kind: 'timeout', key: 'timeout', detail: String(policy.quorum.timeoutSeconds) };
    case 'alarm':
      return { kind: 'alarm', key: 'alarm', detail: event.level };
    case 'heartbeat-missed':
      return { kind: 'heartbeat', key: `heartbeat:${before.context.missedHeartbeats + 1}`, detail: String(before.context.missedHeartbeats + 1) };
    case 'mce':
    case 'assertion-failure':
      return { kind: 'fault', key: 'fault', detail: event.type };
    case 'actuator-fault':
      return { kind: 'actuator', key: 'actuator', detail: event.actuator };
    default:
      return null;
  }
}

/** The label of a group of steps of one cause between two levels. */
function label(policy: Policy, kind: CauseKind, details: readonly string[]): { label: string; title: string } {
  switch (kind) {
    case 'quorum': {
      const n = Number(details[0]);
      return n === 1
        ? { label: '1 approval', title: 'the proposer alone is a quorum' }
        : { label: `${n} approvals`, title: `a proposal approved by ${n} distinct admins (the proposer's counts)` };
    }
    case 'timeout':
      return { label: `${details[0]} s timeout`, title: `a proposal short of its quorum expires after ${details[0]} s and is applied (onTimeout: ${policy.quorum.onTimeout}): one admin is enough` };
    case 'alarm': {
      const asked = LEVELS.filter((l) => details.includes(l));
      const suffix = asked.length > 1 && asked.every((l, i) => levelIndex(l) === levelIndex(asked[0]!) + i) && asked[asked.length - 1] === 'immolation';
      return {
        label: suffix ? `alarm ≥ ${asked[0]}` : `alarm ${asked.join(' | ')}`,
        title: `a detector alarm asking for ${asked.join(', ')} (the detector is capped at ${policy.detector.maxLevel})`,
      };
    }
    case 'heartbeat': {
      const n = Number(details[0]);
      return { label: `${ORDINAL(n)} missed heartbeat`, title: `the physical hypervisor forces offline after ${n} consecutive missed heartbeats` };
    }
    case 'fault': {
      const faults = ['mce', 'assertion-failure'].filter((f) => details.includes(f));
      return { label: `${faults.join(' / ')} → reboot`, title: `a ${faults.join(' or ')} reboots the hypervisor, which comes back in ${policy.faults.rebootLevel} or higher` };
    }
    case 'actuator':
      return { label: 'actuator fault', title: `a commanded kill switch (${[...new Set(details)].join(', ')}) missed its deadline: one level up, up to ${policy.actuators.escalateOnFailureUpTo}` };
  }
}

const KIND_ORDER: readonly CauseKind[] = ['quorum', 'timeout', 'alarm', 'heartbeat', 'fault', 'actuator'];

export interface LadderOptions {
  /** Bound of the exploration (default 200,000 states): past it `explored.complete` is false and some ways may be missing. */
  readonly maxStates?: number;
  /** How many admins act (default: as many as the larger quorum; the tests compare with every admin). */
  readonly admins?: number;
}

/**
 * Explores the policy's machine breadth first and collects every level change it can make, by
 * cause. Deterministic: the alphabet's order and BFS fix which shortest path each label keeps.
 */
export function levelLadder(policy: Policy, options: LadderOptions = {}): LevelLadder {
  const maxStates = options.maxStates ?? 200_000;
  const engine = referenceEngine(policy, undefined, { effects: false });
  const ids = adminIds(policy);
  const acting = Math.min(ids.length, options.admins ?? Math.max(policy.quorum.escalate, policy.quorum.deescalate));
  const alphabet = eventAlphabet(policy, { admins: ids.slice(0, acting), outsider: false });
  // A state's key is its JSON: the engine builds states the same way every time, and this module
  // must not depend on the checker's packed codec (which the engine's internals may change).
  const key = (s: SystemState) => JSON.stringify(s);
  const initial = engine.initial();
  const parent = new Map<string, { from: string | null; event: GuillotineEvent | null }>([[key(initial), { from: null, event: null }]]);
  const pathTo = (k: string): GuillotineEvent[] => {
    const out: GuillotineEvent[] = [];
    for (let at: string | null = k; at !== null; ) {
      const p: { from: string | null; event: GuillotineEvent | null } = parent.get(at)!;
      if (p.event !== null) out.push(p.event);
      at = p.from;
    }
    return out.reverse();
  };
  // (from, to, cause key) → the details seen and the first (shortest) path.
  const found = new Map<string, { from: Level; to: Level; kind: CauseKind; details: Set<string>; path: string }>();
  const queue: SystemState[] = [initial];
  let complete = true;
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const k = key(state);
    for (const event of alphabet) {
      const step = engine.step(state, event);
      if (!step.accepted) continue;
      const from = levelOf(state);
      const to = levelOf(step.state);
      if (from !== to) {
        const cause = causeOf(policy, state, event);
        if (cause !== null) {
          const id = `${from}>${to}>${cause.key}`;
          const entry = found.get(id);
          if (entry === undefined) found.set(id, { from, to, kind: cause.kind, details: new Set([cause.detail]), path: encodePath([...pathTo(k), event]) });
          else entry.details.add(cause.detail);
        }
      }
      const next = key(step.state);
      if (parent.has(next)) continue;
      if (parent.size >= maxStates) {
        complete = false;
        continue;
      }
      parent.set(next, { from: k, event });
      queue.push(step.state);
    }
  }
  const edges: LadderEdge[] = [];
  for (const from of LEVELS) {
    for (const to of LEVELS) {
      const causes = [...found.values()]
        .filter((f) => f.from === from && f.to === to)
        .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.path.length - b.path.length)
        .map((f): LadderCause => ({ kind: f.kind, ...label(policy, f.kind, [...f.details]), path: f.path }));
      if (causes.length > 0) edges.push({ from, to, direction: levelIndex(to) > levelIndex(from) ? 'raise' : 'lower', causes });
    }
  }
  return {
    levels: LEVELS.map((level, index) => ({ level, index, irreversible: isIrreversible(policy, level) })),
    edges,
    explored: { states: parent.size, admins: acting, complete },
  };
}

const KIND_CLASS: Readonly<Record<CauseKind, string>> = { quorum: 'admins', timeout: 'admins timeout', alarm: 'failsafe', heartbeat: 'failsafe', fault: 'failsafe', actuator: 'failsafe' };

/**
 * The matrix as HTML: a row per level the system is at, a column per level it goes to; raises
 * above the diagonal, lowers below it. Each cause is a button carrying its path (`data-path`), so
 * the page replays it on a click. Rows and cells carry `data-from` / `data-to` for the page to
 * mark the trace's current level and the step just taken.
 */
export function ladderHtml(ladder: LevelLadder): string {
  const head = `<tr><th class="corner" scope="col">from ↓ &nbsp; to →</th>${ladder.levels.map((l) => `<th scope="col" data-to="${l.level}">${l.index} ${l.level}${l.irreversible ? ' <span class="irr" title="irreversible: nothing lowers it">■</span>' : ''}</th>`).join('')}</tr>`;
  const rows = ladder.levels.map((from) => {
    const cells = ladder.levels.map((to) => {
      if (to.level === from.level) return `<td class="diagonal" data-from="${from.level}" data-to="${to.level}"></td>`;
      const edge = ladder.edges.find((e) => e.from === from.level && e.to === to.level);
      const dir = levelIndex(to.level) > levelIndex(from.level) ? 'raise' : 'lower';
      if (edge === undefined) return `<td class="${dir} none" data-from="${from.level}" data-to="${to.level}" title="no reachable state moves ${from.level} → ${to.level}${from.irreversible && dir === 'lower' ? ` (${from.level} is irreversible)` : ''}"></td>`;
      const chips = edge.causes
        .map((c) => `<button type="button" class="chip ${KIND_CLASS[c.kind]}" data-kind="${c.kind}" data-path="${xml(c.path)}" title="${xml(`${c.title}. Click to replay a shortest path: ${c.path}`)}">${xml(c.label)}</button>`)
        .join('');
      return `<td class="${dir}" data-from="${from.level}" data-to="${to.level}">${chips}</td>`;
    });
    const mark = from.irreversible ? ' <span class="irr" title="irreversible: nothing lowers it">■</span>' : '';
    return `<tr data-level="${from.level}"${from.irreversible ? ' class="irreversible"' : ''}><th scope="row" data-level="${from.level}">${from.index} ${from.level}${mark}</th>${cells.join('')}</tr>`;
  });
  const x = ladder.explored;
  return (
    `<table class="ladder" aria-label="isolation levels: what moves the system from each level (rows) to each other level (columns)"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>` +
    `<p class="ladder-legend muted"><span class="chip admins">admins</span> a quorum of votes · <span class="chip admins timeout">timeout</span> one admin and the quorum timeout · <span class="chip failsafe">fail-safe</span> automatic, only raises · <span class="irr">■</span> irreversible. ` +
    `Found by exploring the machine (${x.states.toLocaleString('en-US')} states, ${x.admins} acting admins${x.complete ? '' : ', stopped early: some ways may be missing'}); click a label to replay a shortest path that takes it.</p>`
  );
}
