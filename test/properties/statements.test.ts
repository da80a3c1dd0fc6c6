/**
 * Every property states what it guarantees in one sentence of its own: `check` reports it beside
 * each verdict (checker/index.ts), so a reviewer reads what was checked, not only an id.
 */
import assert from 'node:assert/strict';
import { PROPERTIES } from '../../properties/index.ts';

describe('properties: each one states what it guarantees', () => {
  it('has a sentence for every property, none shared between two', () => {
    for (const p of PROPERTIES) assert.match(p.statement, /^\S.{20,}\.$/, `${p.id}: "${p.statement}"`);
    assert.equal(new Set(PROPERTIES.map((p) => p.statement)).size, PROPERTIES.length);
  });

  it('names every vacuity guard, so a guard that is never witnessed can be reported by name', () => {
    const names = PROPERTIES.flatMap((p) => (p.vacuity ?? []).map((v) => v.name));
    assert.ok(names.length >= 9);
    for (const name of names) assert.match(name, /^[a-z].{8,}$/, name);
    assert.equal(new Set(names).size, names.length);
  });
});
