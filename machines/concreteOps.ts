/**
 * The concrete interpretation of {@link ProtocolOps}: truth values are booleans, integers numbers,
 * voters their ids and sets of voters arrays of ids in a canonical order (the policy's admins in
 * policy order, then any other id in code-point order), so that equal sets are equal arrays. This is
 * what XState, the reference engine and every reader of object states run; and the adaptors between
 * the machine's objects (`GuillotineContext`, `GuillotineEvent`) and the views the rules read.
 */
import { ACTUATORS, CAPABILITIES, LEVELS, type Level } from '../spec/levels.ts';
import { adminIds, type Policy } from '../spec/policy.ts';
import type { GuillotineEvent } from '../spec/events.ts';
import { ACTUATOR, knobsOf, LEVEL, type ContextUpdate, type ContextView, type EventView, type ProtocolOps, type RaisedEvent } from './protocolOps.ts';
import type { GuillotineContext, InternalEvent, MachineEvent } from './protocol.ts';
import { commandedLevel } from './rules.ts';

/** Voter sets as the concrete interpretation holds them: canonical arrays. */
export type VoterList = readonly string[];

/** The concrete operations for one policy. */
export type Concrete = ProtocolOps<boolean, number, string, VoterList>;

const cache = new WeakMap<Policy, Concrete>();

/** The concrete interpretation for a policy (cached: the reference engine asks for it on every step). */
export function concreteOps(policy: Policy): Concrete {
  let ops = cache.get(policy);
  if (ops === undefined) cache.set(policy, (ops = build(policy)));
  return ops;
}

function build(policy: Policy): Concrete {
  const ids = adminIds(policy);
  const rank = new Map(ids.map((id, i) => [id, i]));
  /** Admins in policy order first, then others in code-point order. */
  const before = (a: string, b: string) => {
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra !== undefined || rb !== undefined) return (ra ?? ids.length) - (rb ?? ids.length) || (a < b ? -1 : a > b ? 1 : 0);
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const knobs = knobsOf(policy);
  const EMPTY: VoterList = Object.freeze([]);
  /** How many admins a list holds, per list (lists are immutable; a vote's list inherits its count). */
  const adminCounts = new WeakMap<VoterList, number>();
  return {
    interpretation: 'concrete',
    bool: (value) => value,
    and: (...bs) => bs.every(Boolean),
    or: (...bs) => bs.some(Boolean),
    not: (b) => !b,
    int: (value) => value,
    add: (a, b) => a + b,
    sub: (a, b) => a - b,
    eq: (a, b) => a === b,
    lt: (a, b) => a < b,
    le: (a, b) => a <= b,
    ite: (c, a, b) => (c ? a : b),
    knob: (name) => knobs[name],
    isAdmin: (v) => rank.has(v),
    noVoters: () => EMPTY,
    onlyVoter: (v) => [v],
    withVoter: (s, v) => {
      if (s.includes(v)) return s;
      // A binary search in the sorted list: a sort (or a scan with look-ups) per vote made a quorum
      // of k votes cost k² look-ups, which 10,001 admins' counterexamples felt.
      let lo = 0;
      let hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (before(s[mid]!, v) < 0) lo = mid + 1;
        else hi = mid;
      }
      const out = [...s.slice(0, lo), v, ...s.slice(lo)];
      const known = adminCounts.get(s);
      if (known !== undefined) adminCounts.set(out, known + (rank.has(v) ? 1 : 0));
      return out;
    },
    iteSet: (c, a, b) => (c ? a : b),
    has: (s, v) => s.includes(v),
    size: (s) => s.length,
    countAdmins: (s) => {
      let n = adminCounts.get(s);
      if (n === undefined) adminCounts.set(s, (n = s.reduce((k, v) => k + (rank.has(v) ? 1 : 0), 0)));
      return n;
    },
    // Lists the rules build are in the one canonical order, so `a ⊆ b` is usually one pass over `b`;
    // a list read from outside (a log) may be in another order, hence the exact check when it fails.
    subset: (a, b) => {
      let j = 0;
      for (const v of a) {
        while (j < b.length && b[j] !== v) j++;
        if (j === b.length) {
          const members = new Set(b);
          return a.every((x) => members.has(x));
        }
        j++;
      }
      return true;
    },
  };
}

// ---------------------------------------------------------------- views of the machine's objects

const views = new WeakMap<GuillotineContext, ContextView<boolean, number, VoterList>>();

/** The context as the rules read it (one view per context object: contexts are immutable). */
export function contextView(ctx: GuillotineContext): ContextView<boolean, number, VoterList> {
  let view = views.get(ctx);
  if (view === undefined) views.set(ctx, (view = readContext(ctx)));
  return view;
}

function readContext(ctx: GuillotineContext): ContextView<boolean, number, VoterList> {
  const p = ctx.proposal;
  return {
    level: LEVEL[ctx.level],
    rebooting: ctx.rebooting,
    open: p !== null,
    from: p === null ? 0 : LEVEL[p.from],
    to: p === null ? 0 : LEVEL[p.to],
    approvals: p === null ? [] : p.approvals,
    missed: ctx.missedHeartbeats,
    commanded: commandedLevel(ctx.outputs),
    pending: ACTUATORS.map((a) => ctx.pendingActuators.includes(a)),
  };
}

/** The context after an update: only changed fields are rebuilt, and a closed proposal is none. */
export function applyUpdate(ctx: GuillotineContext, update: ContextUpdate<boolean, number, VoterList>): GuillotineContext {
  return contextOf({ ...contextView(ctx), ...update }, ctx);
}

/**
 * The machine's object for a view. Parts equal to those of `like` are that object's own (the
 * engines tell "unchanged" by identity), and `like` itself when nothing differs.
 */
export function contextOf(v: ContextView<boolean, number, VoterList>, like?: GuillotineContext): GuillotineContext {
  const level = LEVELS[v.level]!;
  const before = like?.proposal ?? null;
  const proposal = !v.open
    ? null
    : before !== null && LEVEL[before.from] === v.from && LEVEL[before.to] === v.to && sameList(before.approvals, v.approvals)
      ? before
      : { from: LEVELS[v.from]!, to: LEVELS[v.to]!, approvals: v.approvals };
  const likePending = like?.pendingActuators;
  const pendingActuators = likePending !== undefined && ACTUATORS.every((a, i) => likePending.includes(a) === v.pending[i]) ? likePending : ACTUATORS.filter((_, i) => v.pending[i]);
  const row = CAPABILITIES[LEVELS[v.commanded]!] as GuillotineContext['outputs'] | undefined;
  const outputs = like !== undefined && (like.outputs === row || commandedLevel(like.outputs) === v.commanded) ? like.outputs : row;
  // Only a context read from outside (a log) commands no row, and an update never makes one.
  if (outputs === undefined) throw new Error('a context update commanded outputs that are no row of §2\'s table');
  if (like !== undefined && like.level === level && like.rebooting === v.rebooting && like.proposal === proposal && like.missedHeartbeats === v.missed && like.outputs === outputs && like.pendingActuators === pendingActuators) return like;
  return { level, rebooting: v.rebooting, proposal, missedHeartbeats: v.missed, outputs, pendingActuators };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const eventViews = new WeakMap<MachineEvent, EventView<number, string>>();

/** An event as the rules read it (one view per event object: the alphabet's events are reused). */
export function eventView(event: MachineEvent): EventView<number, string> {
  let view = eventViews.get(event);
  if (view === undefined) eventViews.set(event, (view = readEvent(event)));
  return view;
}

function readEvent(event: MachineEvent): EventView<number, string> {
  switch (event.type) {
    case 'propose':
      return { type: 'propose', admin: event.admin, target: LEVEL[event.target] };
    case 'approve':
      return { type: 'approve', admin: event.admin };
    case 'alarm':
      return { type: 'alarm', level: LEVEL[event.level] };
    case 'actuator-confirm':
    case 'actuator-fault':
      return { type: event.type, actuator: ACTUATOR[event.actuator] };
    case 'isolation.set':
      return { type: 'isolation.set', to: LEVEL[event.to], cause: event.cause };
    default:
      return { type: event.type };
  }
}

/** A raised event as the machine's object. */
export function raisedEvent(raised: RaisedEvent<number>): InternalEvent {
  return raised.type === 'isolation.set' ? { type: 'isolation.set', to: LEVELS[raised.to] as Level, cause: raised.cause } : raised;
}

/** The external event of a view (for messages that quote the event). */
export function isExternal(event: MachineEvent): event is GuillotineEvent {
  return !event.type.includes('.');
}
