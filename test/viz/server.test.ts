import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { startVizServer, type VizServer } from '../../viz/server.ts';
import type { Section } from '../../viz/section.ts';
import { feedOf } from '../../viz/sectionFeed.ts';

describe('viz/server', () => {
  let server: VizServer;
  let sectionCalls = 0;
  const sections: Section[] = [
    { id: 'check', title: 'Check results (docs/protocol.md §4)', status: 'ready', html: '<p>ok</p>', traces: [], holds: true },
    { id: 'proofs', title: 'Proofs (docs/protocol.md §5)', status: 'unavailable', reason: 'Z3 is not here' },
  ];
  before(async () => {
    server = await startVizServer({ policy: DEFAULT_POLICY, policySource: '(embedded default)', port: 0, sections: () => (sectionCalls++, feedOf(sections)) });
  });
  after(async () => {
    await server.close();
  });

  it('listens_on_127_0_0_1_at_a_free_port_when_asked_for_port_0', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(server.port > 0);
  });

  it('serves_the_page_with_the_statechart_drawn_and_no_external_reference', async () => {
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const html = await res.text();
    assert.equal(html.match(/data-level="[a-z]+" tabindex="0"/g)?.length, 6);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; connect-src 'self'/);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  });

  it('replays_a_path_from_the_url_hash_as_json', async () => {
    const res = await fetch(`${server.url}api/trace?path=${encodeURIComponent('propose:a1:severed,approve:a2,approve:a3')}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { ok: boolean; frames: { level: string }[] };
    assert.equal(body.ok, true);
    assert.deepEqual(body.frames.map((f) => f.level), ['standard', 'standard', 'standard', 'severed']);
  });

  it('answers_a_bad_path_with_400_and_the_decoders_message', async () => {
    const res = await fetch(`${server.url}api/trace?path=propose:a1`);
    assert.equal(res.status, 400);
    const body = (await res.json()) as { ok: boolean; message: string };
    assert.equal(body.ok, false);
    assert.match(body.message, /propose takes admin and target/);
    assert.equal((await fetch(`${server.url}api/trace`)).status, 400);
  });

  it('lists_the_sections_then_serves_each_one_and_computes_them_once_however_often_the_page_asks', async () => {
    const list = (await (await fetch(`${server.url}api/sections`)).json()) as { sections: { id: string; title: string }[] };
    assert.deepEqual(list.sections, [
      { id: 'check', title: 'Check results (docs/protocol.md §4)' },
      { id: 'proofs', title: 'Proofs (docs/protocol.md §5)' },
    ]);
    const [a, b, c] = await Promise.all([fetch(`${server.url}api/section?id=check`), fetch(`${server.url}api/section?id=check`), fetch(`${server.url}api/section?id=proofs`)]);
    assert.deepEqual(await a.json(), sections[0]);
    assert.deepEqual(await b.json(), sections[0]);
    assert.deepEqual(await c.json(), sections[1]);
    assert.equal(sectionCalls, 1);
  });

  it('answers_an_unknown_section_with_404_naming_the_sections_it_has', async () => {
    for (const id of ['nope', 'coverage']) {
      const res = await fetch(`${server.url}api/section?id=${id}`);
      assert.equal(res.status, 404);
      assert.match(((await res.json()) as { message: string }).message, new RegExp(`no section "${id}"; the sections are check, proofs`));
    }
  });

  it('answers_unknown_paths_with_404_and_other_methods_with_405', async () => {
    assert.equal((await fetch(`${server.url}nope`)).status, 404);
    assert.equal((await fetch(server.url, { method: 'POST', body: 'x' })).status, 405);
  });
});
