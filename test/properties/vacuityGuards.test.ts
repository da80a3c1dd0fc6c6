import assert from 'node:assert/strict';
import { witnessed } from '../../properties/judge.ts';
import { guillotineModel } from '../../checker/guillotineModel.ts';
import { referenceEngine } from '../../machines/engine.ts';
import type { CheckState } from '../../properties/history.ts';
import { PROPERTIES } from '../../properties/index.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';

/**
 * A vacuity guard is worth something only if it can be false: every guard names something that
 * happens (a level reached, a quorum gathered, a fail-safe fired), so none may be witnessed by the
 * initial state, or by a step that does none of those things.
 */
describe('properties: vacuity guards witness only what they name', () => {
  const model = guillotineModel(referenceEngine(DEFAULT_POLICY, undefined, { effects: false }), PROPERTIES);
  const init = model.initialStates()[0]!;
  const step = (from: CheckState, event: GuillotineEvent) => ({ from, event, to: model.next(from, event)! });
  // Steps that reach nothing a guard names: a heartbeat, a proposal opened.
  const quiet = [
    step(init, { type: 'heartbeat' }),
    step(init, { type: 'propose', admin: 'a1', target: 'probation' }),
  ];
  const guards = PROPERTIES.flatMap((p) => (p.vacuity ?? []).map((g) => ({ id: p.id, ...g })));

  it('has a guard for every property a pass could hold vacuously', () => {
    assert.ok(guards.length >= 9, `${guards.length} guards`);
  });

  for (const g of guards) {
    it(`is not witnessed by the initial state or a quiet step: ${g.id}: ${g.name}`, () => {
      assert.equal(witnessed(g, DEFAULT_POLICY, init, undefined), false, 'the initial state');
      for (const s of quiet) assert.equal(witnessed(g, DEFAULT_POLICY, s.to, { from: s.from, event: s.event }), false, `after ${s.event.type}`);
    });
  }
});
