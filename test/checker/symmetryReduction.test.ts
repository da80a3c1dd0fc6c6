import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkedModel } from '../../checker/checkedModel.ts';
import { guillotineModel } from '../../checker/guillotineModel.ts';
import { eventAlphabet } from '../../machines/alphabet.ts';
import { sameState, type Model } from '../../checker/model.ts';
import { canonicalCheckState, canonicalMachineState, concretize, representativeAdmins, symmetric } from '../../checker/symmetry.ts';
import { referenceEngine, type SystemState } from '../../machines/engine.ts';
import type { CheckState } from '../../properties/history.ts';
import { PROPERTIES } from '../../properties/index.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { adminIds, type Policy } from '../../spec/policy.ts';
import { parsedPolicy } from '../parsedPolicy.ts';
import { SEED } from '../seed.ts';

/** A policy with these admin ids, in this order (quorums of 1 so any number of admins loads). */
function policyOf(ids: readonly string[]): Policy {
  return parsedPolicy({ admins: ids.map((id) => ({ id })), quorum: { escalate: 1, deescalate: 1 } });
}

/** The machine's initial state: every state below differs from it only in the proposal and the history. */
const BASE: SystemState = referenceEngine(policyOf(['a1'])).initial();

/** Who approved the open proposal, who voted for it, and which non-admin ids the books carry. */
interface Books {
  readonly approvals: readonly string[];
  readonly votes: readonly string[];
  readonly proposal: boolean;
}

function stateOf(b: Books): CheckState {
  const proposal = b.proposal ? { from: 'standard' as const, to: 'offline' as const, approvals: b.approvals } : null;
  return { machine: { value: BASE.value, context: { ...BASE.context, proposal } }, history: { votes: b.votes, misses: 2, awaiting: null, rebootFloor: null } };
}

const booksOf = (s: CheckState): Books => ({ approvals: s.machine.context.proposal?.approvals ?? [], votes: s.history.votes, proposal: s.machine.context.proposal !== null });

/** The class of an admin in a state: 0 approved and voted, 1 approved only, 2 voted only, 3 neither. */
const classOf = (b: Books, id: string) => (b.approvals.includes(id) ? 0 : 2) + (b.votes.includes(id) ? 0 : 1);

/**
 * A policy (admin ids deliberately not in sorted order, so policy order and string order differ)
 * and a state over it: each admin in one of the four classes, lists kept in policy order as the
 * machine and the history keep them, an id that is no admin (an outsider) sometimes at the end —
 * or no proposal at all, with or without stray votes (a buggy machine's books).
 */
const POOL = ['m', 'b', 'z', 'a1', 'c', 'k9', 'x'];
const arbitraryCase = fc
  .record({
    n: fc.integer({ min: 1, max: POOL.length }),
    classes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: POOL.length, maxLength: POOL.length }),
    proposal: fc.boolean(),
    outsiderApproved: fc.boolean(),
    outsiderVoted: fc.boolean(),
    seedPermutation: fc.array(fc.nat(), { minLength: POOL.length, maxLength: POOL.length }),
  })
  .map(({ n, classes, proposal, outsiderApproved, outsiderVoted, seedPermutation }) => {
    const ids = POOL.slice(0, n);
    const cls = ids.map((_, i) => (proposal ? classes[i]! : classes[i]! | 2)); // no proposal: nobody approved
    const approvals = [...ids.filter((_, i) => cls[i]! < 2), ...(proposal && outsiderApproved ? ['outsider'] : [])];
    const votes = [...ids.filter((_, i) => cls[i] === 0 || cls[i] === 2), ...(outsiderVoted ? ['outsider'] : [])];
    // A renaming of the admins: sort them by a random key.
    const order = ids.map((id, i) => [id, seedPermutation[i]!] as const).sort((x, y) => x[1] - y[1] || ids.indexOf(x[0]) - ids.indexOf(y[0]));
    const rename = new Map(ids.map((id, i) => [id, order[i]![0]]));
    return { policy: policyOf(ids), ids, books: { approvals, votes, proposal }, rename };
  });

/** The same state with admins renamed (outsiders kept), lists back in policy order as the machine keeps them. */
function renamed(ids: readonly string[], b: Books, rename: ReadonlyMap<string, string>): Books {
  const map = (list: readonly string[]) => {
    const admins = new Set(list.filter((id) => rename.has(id)).map((id) => rename.get(id)!));
    return [...ids.filter((id) => admins.has(id)), ...list.filter((id) => !rename.has(id))];
  };
  return { approvals: map(b.approvals), votes: map(b.votes), proposal: b.proposal };
}

/** Sizes of the four classes among the admins, and the outsiders of each list: what a renaming keeps. */
function orbitInvariant(ids: readonly string[], b: Books) {
  const sizes = [0, 0, 0, 0];
  for (const id of ids) sizes[classOf(b, id)]!++;
  const outsiders = (list: readonly string[]) => list.filter((id) => !ids.includes(id));
  return { sizes, approvalsOutsiders: outsiders(b.approvals), votesOutsiders: outsiders(b.votes), proposal: b.proposal };
}

describe(`checker/symmetry: representatives of orbits under renaming of admins (fast-check seed ${SEED})`, () => {
  it('maps every renaming of a state to one representative, itself a renaming of the state that changes nothing else', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ policy, ids, books, rename }) => {
        const s = stateOf(books);
        const c = canonicalCheckState(policy, s);
        // One representative per orbit: a renamed state has the same one.
        assert.deepEqual(canonicalCheckState(policy, stateOf(renamed(ids, books, rename))), c);
        // In the orbit: same class sizes, outsiders untouched, admins distinct and in policy order.
        const cb = booksOf(c);
        assert.deepEqual(orbitInvariant(ids, cb), orbitInvariant(ids, books));
        for (const list of [cb.approvals, cb.votes]) {
          const admins = list.filter((id) => ids.includes(id));
          assert.deepEqual(admins, ids.filter((id) => admins.includes(id)), `${list} in policy order, each once`);
        }
        // Nothing but the names changes.
        assert.deepEqual({ ...c.machine.context, proposal: null }, { ...s.machine.context, proposal: null });
        assert.deepEqual(c.machine.value, s.machine.value);
        assert.equal(c.history.misses, s.history.misses);
        if (c.machine.context.proposal !== null) assert.deepEqual([c.machine.context.proposal.from, c.machine.context.proposal.to], ['standard', 'offline']);
        // A representative is its own.
        assert.deepEqual(canonicalCheckState(policy, c), c);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('renames the approvers of a bare machine state to the first admins in policy order', () => {
    const policy = policyOf(['m', 'b', 'z', 'a1']);
    const s = stateOf({ approvals: ['b', 'a1'], votes: [], proposal: true }).machine;
    assert.deepEqual(canonicalMachineState(policy, s).context.proposal?.approvals, ['m', 'b']);
    assert.deepEqual(canonicalMachineState(policy, stateOf({ approvals: ['m', 'z'], votes: [], proposal: true }).machine), canonicalMachineState(policy, s));
  });

  it('tries in a representative exactly the first admin of each class of admins, in policy order', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ policy, ids, books }) => {
        const expected = ids.filter((id, i) => ids.findIndex((other) => classOf(books, other) === classOf(books, id)) === i);
        assert.deepEqual(representativeAdmins(policy, stateOf(books)), expected);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('still tries one admin when every admin has approved and voted, or none has', () => {
    const ids = ['m', 'b', 'z'];
    const policy = policyOf(ids);
    assert.deepEqual(representativeAdmins(policy, stateOf({ approvals: ids, votes: ids, proposal: true })), ['m']);
    assert.deepEqual(representativeAdmins(policy, stateOf({ approvals: [], votes: [], proposal: false })), ['m']);
    assert.deepEqual(representativeAdmins(policy, stateOf({ approvals: ['m'], votes: ['m'], proposal: true })), ['m', 'b']);
  });

  describe('the reduced model', () => {
    const alphabetFor = (policy: Policy) => (admins: readonly string[]) => eventAlphabet(policy, { admins });
    const admin = (a: GuillotineEvent) => (a.type === 'propose' || a.type === 'approve' ? a.admin : undefined);

    it('offers the representatives\' actions even when admin ids run together ("b", "c" and "bc")', () => {
      // [p, b, c] and [p, bc] are the representatives of two states; glued without a separator
      // both read "pbc", and the second state would get the first one's actions.
      const ids = ['p', 'b', 'c', 'bc'];
      const policy = policyOf(ids);
      const reduced = symmetric(policy, guillotineModel(referenceEngine(policy), PROPERTIES), alphabetFor(policy));
      const first = stateOf({ approvals: ['p', 'b', 'bc'], votes: ['p'], proposal: true });
      const second = stateOf({ approvals: ['p', 'b', 'c'], votes: ['p', 'b', 'c'], proposal: true });
      const admins = (s: CheckState) => [...new Set(reduced.actions(s).map(admin).filter((a) => a !== undefined && ids.includes(a)))];
      assert.deepEqual(admins(first), ['p', 'b', 'c']);
      assert.deepEqual(admins(second), ['p', 'bc']);
    });

    it('names actions without their admin (fairness is per kind of action), and other events as the model does', () => {
      const policy = policyOf(['m', 'b', 'z']);
      const full = guillotineModel(referenceEngine(policy), PROPERTIES);
      const reduced = symmetric(policy, full, alphabetFor(policy));
      for (const id of ['m', 'z']) {
        assert.equal(reduced.actionName({ type: 'propose', admin: id, target: 'offline' }), 'propose:offline');
        assert.equal(reduced.actionName({ type: 'propose', admin: id, target: 'severed' }), 'propose:severed');
        assert.equal(reduced.actionName({ type: 'approve', admin: id }), 'approve');
      }
      for (const event of [{ type: 'timeout' }, { type: 'alarm', level: 'severed' }] as const) assert.equal(reduced.actionName(event), full.actionName(event));
    });

    /**
     * A toy protocol over the Guillotine's books, symmetric in the admins, on which a path over
     * representatives cannot be replayed literally (on the catalogue's machines it always can):
     * "approve X" records X's approval, which the history counts as a vote only when an even number
     * had approved; "propose X" stands for "X confirms": an approver without a vote gets one. After
     * a1, a2, a3 approve, a3 has voted and a2 has not, which the representative renames (a2 ↔ a3);
     * a3's confirmation there is a2's in the concrete state. `confirmer` breaks the symmetry.
     */
    function toyModel(policy: Policy, confirmer?: string): Model<CheckState, GuillotineEvent> {
      const ids = adminIds(policy);
      const inOrder = (list: readonly string[], extra: string) => ids.filter((id) => id === extra || list.includes(id));
      return {
        initialStates: () => [stateOf({ approvals: [], votes: [], proposal: true })],
        actions: () => ids.flatMap((admin): GuillotineEvent[] => [{ type: 'approve', admin }, { type: 'propose', admin, target: 'offline' }]),
        next(s, a) {
          const { approvals, votes } = booksOf(s);
          if (a.type === 'approve' && !approvals.includes(a.admin)) {
            return stateOf({ approvals: inOrder(approvals, a.admin), votes: approvals.length % 2 === 0 ? inOrder(votes, a.admin) : votes, proposal: true });
          }
          if (a.type === 'propose' && approvals.includes(a.admin) && !votes.includes(a.admin) && (confirmer === undefined || a.admin === confirmer)) {
            return stateOf({ approvals, votes: inOrder(votes, a.admin), proposal: true });
          }
          return undefined;
        },
        codec: guillotineModel(referenceEngine(policy), []).codec,
        actionName: (a) => (a.type === 'propose' ? `confirm:${a.admin}` : `${a.type}:${'admin' in a ? a.admin : ''}`),
        properties: [],
      };
    }
    const approve = (admin: string): GuillotineEvent => ({ type: 'approve', admin });
    const confirm = (admin: string): GuillotineEvent => ({ type: 'propose', admin, target: 'offline' });

    it('explores representatives only, and rebuilds a concrete path where the literal one would not replay', () => {
      const policy = policyOf(['a1', 'a2', 'a3', 'a4']);
      const toy = toyModel(policy);
      const reduced = symmetric(policy, toy, (admins) => admins.flatMap((a) => [approve(a), confirm(a)]));
      const path = [approve('a1'), approve('a2'), approve('a3'), confirm('a3')];
      let s = reduced.initialStates()[0]!;
      for (const a of path) s = reduced.next(s, a)!;
      // The reduced model renamed a3's vote to a2's after the third approval, so there a3 confirms.
      assert.deepEqual(booksOf(reduced.next(reduced.next(reduced.next(reduced.initialStates()[0]!, path[0]!)!, path[1]!)!, path[2]!)!).votes, ['a1', 'a2']);
      assert.deepEqual(booksOf(s), { approvals: ['a1', 'a2', 'a3'], votes: ['a1', 'a2', 'a3'], proposal: true });
      assert.equal(toy.next(toy.next(toy.next(toy.next(toy.initialStates()[0]!, path[0]!)!, path[1]!)!, path[2]!)!, path[3]!), undefined, 'literally, a3 has already voted');
      const concrete = concretize(policy, toy, path);
      assert.deepEqual(concrete, [approve('a1'), approve('a2'), approve('a3'), confirm('a2')]);
      let c = toy.initialStates()[0]!;
      for (const a of concrete) c = toy.next(c, a)!;
      assert.ok(sameState(toy.codec, canonicalCheckState(policy, c), s), 'the concrete path ends in the orbit the reduced one reached');
    });

    it('reports a broken reduction (a protocol that names an admin) instead of returning a path that does not replay', () => {
      const policy = policyOf(['a1', 'a2', 'a3', 'a4']);
      const path = [approve('a1'), approve('a2'), approve('a3'), confirm('a3')];
      assert.throws(() => concretize(policy, toyModel(policy, 'a3'), path), (e: unknown) => e instanceof Error && /no concrete step matches confirm:a3/.test(e.message));
    });

    // Mutants whose books make representatives rename admins mid-path (stale approvals kept across
    // a level change), or whose counterexample hinges on an outsider's approval.
    for (const mutant of [undefined, 'approvals-survive-level-change', 'outsider-vote-counted']) {
      it(`turns any path over representatives into a replayable concrete path through the same orbits (${mutant ?? 'correct machine'})`, () => {
        const fourAdmins = parsedPolicy({ admins: ['a1', 'a2', 'a3', 'a4'].map((id) => ({ id })), quorum: { escalate: 2, deescalate: 3 } });
        const { policy, explored, unreduced } = checkedModel({ policy: fourAdmins, engine: 'compiled', symmetry: true, mutant, properties: [] });
        const admins = new Set(adminIds(policy));
        fc.assert(
          fc.property(fc.array(fc.nat(), { maxLength: 14 }), (choices) => {
            // A random walk on the reduced model, as the search would find it.
            let state = explored.initialStates()[0]!;
            const path: GuillotineEvent[] = [];
            const visited: CheckState[] = [];
            for (const choice of choices) {
              const enabled = explored.actions(state).filter((a) => explored.next(state, a) !== undefined);
              if (enabled.length === 0) break;
              const action = enabled[choice % enabled.length]!;
              state = explored.next(state, action)!;
              path.push(action);
              visited.push(state);
            }
            const concrete = concretize(policy, unreduced, path);
            assert.equal(concrete.length, path.length);
            let s = unreduced.initialStates()[0]!;
            concrete.forEach((event, i) => {
              const next = unreduced.next(s, event);
              assert.ok(next !== undefined, `step ${i} (${unreduced.actionName(event)}) is taken`);
              assert.ok(sameState(unreduced.codec, canonicalCheckState(policy, next), visited[i]!), `step ${i} reaches the orbit the reduced path reached`);
              // An event naming no admin (or an outsider) is kept as found: it is the same in every state of an orbit.
              const named = path[i]!.type === 'propose' || path[i]!.type === 'approve' ? (path[i] as { admin: string }).admin : undefined;
              if (named === undefined || !admins.has(named)) assert.deepEqual(event, path[i]);
              s = next;
            });
          }),
          { seed: SEED, numRuns: 60 },
        );
      });
    }
  });
});
