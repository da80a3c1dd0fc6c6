/**
 * The model the review page runs itself, to explore by clicking: the policy's machine (the
 * compiled engine, `machines/engine.ts`), the event alphabet the checker tries (`eventAlphabet`),
 * and for a state which events are accepted or rejected (with the machine's reason), the next
 * frame, and the properties a step violates (`trace.ts`, over `PROPERTIES` and `advanceHistory`).
 * Nothing about the protocol is decided here: every answer is the engine's.
 *
 * `bundle.ts` bundles this module (with `sequenceChart.ts`) for the browser, so the page needs no
 * server round trip per click and works from `file://`. It must import nothing from Node.
 */
import { eventAlphabet } from '../machines/alphabet.ts';
import { referenceEngine, type Engine } from '../machines/engine.ts';
import { decodePath, describeEvent, encodeEvent, encodePath, type GuillotineEvent } from '../spec/events.ts';
import type { Policy } from '../spec/policy.ts';
import { Prng } from '../simulator/prng.ts';
import { initialFrame, nextFrame, traceView, type Frame, type TraceView } from './trace.ts';

/** How the page groups the event buttons. */
export type EventGroup = 'votes' | 'failsafes' | 'time' | 'actuators';

export const EVENT_GROUPS: readonly { readonly id: EventGroup; readonly title: string }[] = [
  { id: 'votes', title: "admins' votes" },
  { id: 'failsafes', title: 'fail-safes' },
  { id: 'time', title: 'hypervisor and time' },
  { id: 'actuators', title: 'kill-switch actuators' },
];

/** The group of an event: votes (propose, approve), fail-safe triggers, time and the hypervisor, actuators. */
export function eventGroup(event: GuillotineEvent): EventGroup {
  switch (event.type) {
    case 'propose':
    case 'approve':
      return 'votes';
    case 'alarm':
    case 'heartbeat-missed':
    case 'mce':
    case 'assertion-failure':
      return 'failsafes';
    case 'timeout':
    case 'heartbeat':
    case 'reboot-complete':
      return 'time';
    case 'actuator-confirm':
    case 'actuator-fault':
      return 'actuators';
  }
}

/** One event of the alphabet, as a button shows it. */
export interface AlphabetEntry {
  /** Position in the alphabet (the order `eventAlphabet` gives, which the checker also uses). */
  readonly index: number;
  /** The compact encoding, e.g. `propose:a1:severed`: what a click appends to the URL's path. */
  readonly encoded: string;
  readonly label: string;
  readonly group: EventGroup;
  readonly event: GuillotineEvent;
}

/** Whether an event is accepted in a state, and the machine's reason when it is not. */
export interface EventOption {
  readonly accepted: boolean;
  readonly reason: string | null;
}

/** Why a random walk stopped. */
export type WalkEnd =
  | { readonly kind: 'violation'; readonly step: number; readonly properties: readonly string[] }
  | { readonly kind: 'dead-end'; readonly step: number }
  | { readonly kind: 'steps' };

export interface Walk {
  readonly seed: number;
  /** The frames the walk added, after the one it started from. */
  readonly frames: readonly Frame[];
  readonly end: WalkEnd;
}

export interface Explorer {
  readonly policy: Policy;
  readonly alphabet: readonly AlphabetEntry[];
  initial(): Frame;
  /** The frame after sending `event` in `frame`'s state (rejected events are frames too). */
  next(frame: Frame, event: GuillotineEvent): Frame;
  /** For each entry of the alphabet, in order: accepted, or rejected with the machine's reason. */
  options(frame: Frame): readonly EventOption[];
  /** Decodes and replays a compact path (and a liveness counterexample's cycle). */
  replay(path: string, cycle?: string): TraceView;
  /**
   * Takes up to `steps` random steps from `from`, each drawn uniformly among the events accepted
   * in the current state by a seeded generator (the same seed and start give the same walk), and
   * stops at the first step that violates a property, or where no event is accepted.
   */
  randomWalk(from: Frame, steps: number, seed: number): Walk;
  /** The compact encoding of the events that led to the frames (the first frame is the initial one). */
  pathOf(frames: readonly Frame[]): string;
  decode(path: string): ReturnType<typeof decodePath>;
}

/** The explorer of a policy's machine. */
export function createExplorer(policy: Policy): Explorer {
  const engine: Engine = referenceEngine(policy);
  // Acceptance alone, without building reasons: what the random walk asks in every state.
  const quiet: Engine = referenceEngine(policy, undefined, { effects: false });
  const events = eventAlphabet(policy);
  const alphabet = events.map((event, index): AlphabetEntry => ({ index, encoded: encodeEvent(event), label: describeEvent(event), group: eventGroup(event), event }));
  return {
    policy,
    alphabet,
    initial: () => initialFrame(engine),
    next: (frame, event) => nextFrame(engine, frame, event),
    options(frame) {
      return events.map((event) => {
        const step = engine.step(frame.state, event);
        const rejection = step.effects.find((e) => e.kind === 'reject');
        return { accepted: step.accepted, reason: step.accepted ? null : rejection?.kind === 'reject' ? rejection.reason : 'rejected' };
      });
    },
    replay(path, cycle = '') {
      const decoded = decodePath(path);
      if (!decoded.ok) return { ok: false, message: `path: ${decoded.message}` };
      const loop = decodePath(cycle);
      if (!loop.ok) return { ok: false, message: `cycle: ${loop.message}` };
      return traceView(policy, decoded.events, loop.events, engine);
    },
    randomWalk(from, steps, seed) {
      const prng = new Prng(seed);
      const frames: Frame[] = [];
      let current = from;
      for (let i = 1; i <= steps; i++) {
        const enabled = events.filter((event) => quiet.step(current.state, event).accepted);
        if (enabled.length === 0) return { seed, frames, end: { kind: 'dead-end', step: current.index } };
        current = nextFrame(engine, current, prng.pick(enabled));
        frames.push(current);
        if (current.violations.length > 0) return { seed, frames, end: { kind: 'violation', step: current.index, properties: current.violations.map((v) => v.property) } };
      }
      return { seed, frames, end: { kind: 'steps' } };
    },
    pathOf: (frames) => encodePath(frames.flatMap((f) => (f.event === null ? [] : [f.event.json]))),
    decode: decodePath,
  };
}
