import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { startVizServer, type VizServer } from '../../viz/server.ts';
import type { Section } from '../../viz/section.ts';
import { feedOf } from '../../viz/sectionFeed.ts';

/** One request written by hand (no client library fixes up its Host or its URL), and the status line and headers of the answer. */
function rawRequest(port: number, lines: readonly string[]): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write([...lines, 'Connection: close', '', ''].join('\r\n')));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body });
    });
  });
}

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

  it('serves_the_page_with_the_levels_view_the_statechart_and_no_external_reference', async () => {
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const html = await res.text();
    assert.equal(html.match(/data-level="[a-z]+" tabindex="0"/g)?.length, 6, 'the six levels of the statechart');
    assert.equal(html.match(/<tr data-level="[a-z]+"/g)?.length, 6, 'the six rows of the levels view');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
    assert.doesNotMatch(html, /http-equiv="Content-Security-Policy"/, 'the live page gets its CSP as a header');
  });

  it('sends_a_content_security_policy_header_allowing_exactly_its_inline_scripts_and_styles_by_hash', async () => {
    const res = await fetch(server.url);
    const csp = res.headers.get('content-security-policy') ?? '';
    const html = await res.text();
    assert.match(csp, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+' 'sha256-[A-Za-z0-9+/=]+'; style-src .*; connect-src 'self'; frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    assert.equal(scripts.length, 2);
    for (const s of scripts) assert.ok(csp.includes(hash(s)), 'each inline script is allowed by its hash');
    for (const m of html.matchAll(/<style>([\s\S]*?)<\/style>/g)) assert.ok(csp.includes(hash(m[1]!)), 'each inline style sheet is allowed by its hash');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });

  it('answers_only_requests_whose_host_names_this_server', async () => {
    const port = server.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      const r = await rawRequest(port, ['GET /api/model HTTP/1.1', `Host: ${host}`]);
      assert.equal(r.status, 200, `Host ${host}`);
    }
    // A DNS-rebinding page names its own domain; a wrong port or no Host at all is refused too.
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `127.0.0.1.evil.example:${port}`]) {
      const r = await rawRequest(port, ['GET /api/model HTTP/1.1', `Host: ${host}`]);
      assert.equal(r.status, 403, `Host ${host}`);
      assert.doesNotMatch(r.body, /"policy"/, 'nothing of the model is in the refusal');
    }
    const none = await rawRequest(port, ['GET /api/model HTTP/1.0']);
    assert.equal(none.status, 403, 'no Host header');
  });

  it('refuses_cross_origin_requests_with_403', async () => {
    const port = server.port;
    const host = `Host: 127.0.0.1:${port}`;
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`]) {
      const r = await rawRequest(port, ['GET /api/model HTTP/1.1', host, `Origin: ${origin}`]);
      assert.equal(r.status, 403, `Origin ${origin}`);
    }
    assert.equal((await rawRequest(port, ['GET /api/model HTTP/1.1', host, `Origin: http://127.0.0.1:${port}`])).status, 200, 'its own origin');
    assert.equal((await rawRequest(port, ['GET /api/model HTTP/1.1', host, 'Sec-Fetch-Site: cross-site'])).status, 403, 'a cross-site fetch without an Origin');
    assert.equal((await rawRequest(port, ['GET / HTTP/1.1', host, 'Sec-Fetch-Site: none'])).status, 200, 'the reviewer typing the URL');
  });

  it('answers_a_malformed_request_url_with_400', async () => {
    const port = server.port;
    const host = `Host: 127.0.0.1:${port}`;
    for (const target of ['/%', '/api/trace?path=%E0%A4%A', '//evil.example/', 'http://evil.example/', '*', '/%zz']) {
      const r = await rawRequest(port, [`GET ${target} HTTP/1.1`, host]);
      assert.equal(r.status, 400, `GET ${target}`);
    }
    const garbage = await rawRequest(port, ['GET /\u0000 HTTP/1.1', host]);
    assert.equal(garbage.status, 400, 'a request line the parser cannot read');
  });

  it('replays_a_path_as_json', async () => {
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

  it('serves_the_model_with_the_policy_and_the_levels_view', async () => {
    const model = (await (await fetch(`${server.url}api/model`)).json()) as { version: number; policy: unknown; ladderHtml: string; summary: string };
    assert.equal(model.version, 0);
    assert.deepEqual(model.policy, DEFAULT_POLICY);
    assert.match(model.ladderHtml, /<table class="ladder"/);
    assert.match(model.summary, /^7 admins · escalate 3 of 7/);
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

  it('tells_the_open_pages_when_the_policy_changes_and_serves_the_new_model', async () => {
    const events = await fetch(`${server.url}api/events`);
    assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = events.body!.getReader();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the event stream ended before ${pattern}: ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await until(/event: hello\ndata: \{"version":0\}/);
    const before = sectionCalls;
    await server.update({ ...DEFAULT_POLICY, quorum: { ...DEFAULT_POLICY.quorum, escalate: 2 } });
    await until(/event: policy\ndata: \{"version":1\}/);
    const model = (await (await fetch(`${server.url}api/model`)).json()) as { version: number; summary: string };
    assert.equal(model.version, 1);
    assert.match(model.summary, /escalate 2 of 7/);
    await fetch(`${server.url}api/sections`);
    assert.equal(sectionCalls, before + 1, 'the sections are built again for the new policy');
    server.reportError('bad policy: quorum.escalate: 9 is larger than the number of admins (7)');
    await until(/event: policy-error\ndata: \{"version":1,"message":"bad policy: quorum\.escalate/);
    await reader.cancel();
  });
});
