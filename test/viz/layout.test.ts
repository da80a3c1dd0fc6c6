import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { statechartView } from '../../viz/statechart.ts';
import { layoutStatechart, type Box } from '../../viz/layout.ts';
import { statechartSvg } from '../../viz/svg.ts';

const inside = (inner: Box, outer: Box) => inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const near = (p: { x: number; y: number }, b: Box) => p.x >= b.x - 1 && p.x <= b.x + b.width + 1 && p.y >= b.y - 1 && p.y <= b.y + b.height + 1;

describe('viz/layout', () => {
  it('nests_every_state_and_label_inside_its_region_box_without_overlaps', async () => {
    const layout = await layoutStatechart(statechartView(DEFAULT_POLICY));
    for (const r of layout.regions) {
      for (const s of r.states) assert.ok(inside(s, r), `${s.id} lies outside region ${r.id}`);
      for (const [i, a] of r.states.entries()) for (const b of r.states.slice(i + 1)) assert.ok(!overlap(a, b), `${a.id} overlaps ${b.id}`);
    }
    for (const [i, a] of layout.regions.entries()) for (const b of layout.regions.slice(i + 1)) assert.ok(!overlap(a, b), `region ${a.id} overlaps ${b.id}`);
    for (const e of layout.edges) {
      const region = layout.regions.find((r) => r.id === e.transition.region)!;
      assert.ok(inside(e.label, region), `label of ${e.transition.id} lies outside its region`);
      for (const s of region.states) assert.ok(!overlap(e.label, s), `label of ${e.transition.id} covers state ${s.id}`);
    }
  });

  it('routes_every_edge_from_its_source_box_to_its_target_box', async () => {
    const layout = await layoutStatechart(statechartView(DEFAULT_POLICY));
    const boxes = new Map(layout.regions.flatMap((r) => r.states.map((s) => [s.id, s] as const)));
    assert.equal(layout.edges.length, 30);
    for (const e of layout.edges) {
      assert.ok(near(e.points[0]!, boxes.get(e.transition.source)!), `${e.transition.id} does not start at its source`);
      assert.ok(near(e.points.at(-1)!, boxes.get(e.transition.target!)!), `${e.transition.id} does not end at its target`);
    }
  });

  it('lays_out_the_same_view_to_the_same_svg_bytes', async () => {
    const view = statechartView(DEFAULT_POLICY);
    const [a, b] = await Promise.all([layoutStatechart(view), layoutStatechart(view)]);
    assert.equal(statechartSvg(a, 't'), statechartSvg(b, 't'));
  });

  it('draws_an_svg_with_a_clickable_group_for_each_level_and_escaped_text', async () => {
    const svg = statechartSvg(await layoutStatechart(statechartView(DEFAULT_POLICY)), 'a <title> & "quotes"');
    assert.equal(svg.match(/<g class="[^"]*" data-state="isolation\.[a-z]+" data-level="/g)?.length, 6);
    assert.match(svg, /aria-label="a &lt;title&gt; &amp; &quot;quotes&quot;"/);
    assert.doesNotMatch(svg, /(href|src)="https?:/);
  });
});
