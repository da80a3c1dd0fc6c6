/**
 * The shortest trace two policies' machines disagree on: a sequence of events every one of which
 * both machines accept, except the last, which one accepts and the other rejects. Found by a
 * breadth-first search of the product of the two machines (each run by the compiled engine) over
 * the union of their event alphabets (every admin of either policy, an outsider, every target,
 * every alarm level, the fail-safes, the actuators), so the first disagreement found is a shortest
 * one. When none exists within the bound, the two machines accept exactly the same traces of the
 * alphabet (`complete: true`), or the search stopped at its bound (`complete: false`).
 */
import { eventAlphabet } from '../machines/alphabet.ts';
import { referenceEngine, levelOf, type SystemState } from '../machines/engine.ts';
import { encodeEvent, type GuillotineEvent } from '../spec/events.ts';
import type { Level } from '../spec/levels.ts';
import type { Policy } from '../spec/policy.ts';

/** How one machine takes the last event of a distinguishing trace. */
export interface Outcome {
  readonly accepted: boolean;
  /** The machine's reason, when it rejects. */
  readonly reason: string | null;
  /** The level after the event. */
  readonly level: Level;
}

export type Distinguishing =
  | {
      readonly kind: 'found';
      /** The events, the last being the one the machines disagree on. */
      readonly events: readonly GuillotineEvent[];
      readonly a: Outcome;
      readonly b: Outcome;
      /** Product states explored before it was found. */
      readonly explored: number;
    }
  | { readonly kind: 'none'; readonly explored: number; readonly complete: boolean };

export interface DistinguishOptions {
  /** Stop after this many pairs of states (default 500,000). */
  readonly maxPairs?: number;
  /** Called now and then with the pairs explored so far. */
  readonly onProgress?: (explored: number) => void;
}

function outcome(step: { accepted: boolean; state: SystemState; effects: readonly { kind: string; reason?: string }[] }): Outcome {
  const rejection = step.effects.find((e) => e.kind === 'reject');
  return { accepted: step.accepted, reason: step.accepted ? null : (rejection?.reason ?? 'rejected'), level: levelOf(step.state) };
}

/**
 * Searches for a shortest trace accepted by one policy's machine and rejected by the other's.
 * Deterministic: the alphabet is policy A's, then the events only B has, each in `eventAlphabet`'s
 * order, so the same two policies always give the same trace.
 */
export function distinguishingTrace(a: Policy, b: Policy, options: DistinguishOptions = {}): Distinguishing {
  const maxPairs = options.maxPairs ?? 500_000;
  const quietA = referenceEngine(a, undefined, { effects: false });
  const quietB = referenceEngine(b, undefined, { effects: false });
  const seen = new Set<string>();
  const alphabet: GuillotineEvent[] = [];
  for (const e of [...eventAlphabet(a), ...eventAlphabet(b)]) {
    const k = encodeEvent(e);
    if (!seen.has(k)) (seen.add(k), alphabet.push(e));
  }
  // A pair's key is its JSON: this search must not depend on the checker's packed state codec.
  const key = (x: SystemState, y: SystemState) => `${JSON.stringify(x)}|${JSON.stringify(y)}`;
  type Node = { readonly a: SystemState; readonly b: SystemState; readonly parent: number; readonly event: GuillotineEvent | null };
  const nodes: Node[] = [{ a: quietA.initial(), b: quietB.initial(), parent: -1, event: null }];
  const visited = new Set<string>([key(nodes[0]!.a, nodes[0]!.b)]);
  const pathTo = (index: number): GuillotineEvent[] => {
    const out: GuillotineEvent[] = [];
    for (let i = index; i > 0; i = nodes[i]!.parent) out.push(nodes[i]!.event!);
    return out.reverse();
  };
  let complete = true;
  for (let head = 0; head < nodes.length; head++) {
    if (head % 5000 === 0) options.onProgress?.(head);
    const node = nodes[head]!;
    for (const event of alphabet) {
      const sa = quietA.step(node.a, event);
      const sb = quietB.step(node.b, event);
      if (sa.accepted !== sb.accepted) {
        // Rerun the last step with reasons: the quiet engines do not build them.
        const events = [...pathTo(head), event];
        return { kind: 'found', events, a: outcome(referenceEngine(a).step(node.a, event)), b: outcome(referenceEngine(b).step(node.b, event)), explored: head + 1 };
      }
      if (!sa.accepted) continue;
      const k = key(sa.state, sb.state);
      if (visited.has(k)) continue;
      if (visited.size >= maxPairs) {
        complete = false;
        continue;
      }
      visited.add(k);
      nodes.push({ a: sa.state, b: sb.state, parent: head, event });
    }
  }
  return { kind: 'none', explored: nodes.length, complete };
}
