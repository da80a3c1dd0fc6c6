// The review page's script: a thin client. Everything it shows about the protocol (the picture,
// the capability rows, each replayed frame with its effects and violations, the sections) was
// computed by the workbench's library on the server or at report-build time; this file only
// routes on the URL hash, toggles classes on the SVG and fills the side panel.
// Plain ES2020, no dependencies, no network access except `/api/*` on the page's own origin.
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('review-data').textContent);
  const live = data.mode === 'server';
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else if (v !== false || k.startsWith('data-')) node.setAttribute(k, String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
    return node;
  };
  const svg = $('svg.statechart');

  // ------------------------------------------------------------------ zoom
  let zoom = 1;
  function setZoom(z) {
    zoom = Math.max(0.2, Math.min(2, z));
    svg.setAttribute('width', String(Math.round(data.width * zoom)));
    svg.setAttribute('height', String(Math.round(data.height * zoom)));
    $('#zoom-level').textContent = `${Math.round(zoom * 100)}%`;
  }
  $('#zoom-in').addEventListener('click', () => setZoom(zoom * 1.25));
  $('#zoom-out').addEventListener('click', () => setZoom(zoom / 1.25));
  $('#zoom-fit').addEventListener('click', () => setZoom(($('#canvas').clientWidth - 8) / data.width));
  $('#zoom-one').addEventListener('click', () => setZoom(1));
  // Open at a scale where the whole height of the picture fits, but never below 60% (legibility).
  setZoom(Math.max(0.6, Math.min(1, ($('#canvas').clientHeight - 8) / data.height)));

  // ------------------------------------------------------------------ levels
  const levelPanel = $('#level-panel');
  function showLevel(name) {
    const row = data.levels.find((l) => l.level === name);
    if (!row) return;
    $$('.state.selected', svg).forEach((g) => g.classList.remove('selected'));
    $(`[data-level="${name}"]`, svg)?.classList.add('selected');
    levelPanel.replaceChildren(
      el('h3', {}, `Level ${row.index}: ${row.level}`, row.irreversible ? el('span', { class: 'badge irreversible' }, 'irreversible') : null),
      el('table', { class: 'kv', id: 'capabilities', 'data-level': row.level },
        el('tbody', {}, row.described.map((c) => el('tr', { 'data-capability': c.key }, el('th', {}, c.label), el('td', {}, c.value))))),
      el('p', { class: 'muted' }, 'Kill switches at this level: ', Object.entries(row.actuators).map(([a, p]) => `${a} ${p}`).join(', '), '.'),
    );
    levelPanel.hidden = false;
  }
  svg.addEventListener('click', (e) => {
    const g = e.target.closest('[data-level]');
    if (g) showLevel(g.getAttribute('data-level'));
  });
  svg.addEventListener('keydown', (e) => {
    const g = e.target.closest('[data-level]');
    if (g && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); showLevel(g.getAttribute('data-level')); }
  });
  $$('#level-strip button').forEach((b) => b.addEventListener('click', () => showLevel(b.dataset.level)));

  // ------------------------------------------------------------------ traces
  let trace = null;
  let frame = 0;
  const traceBox = $('#trace');

  function parseHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const step = params.get('step');
    return { path: params.get('path'), cycle: params.get('cycle') || '', step: step === null ? null : Number(step) };
  }

  async function fetchTrace(path, cycle) {
    if (live) {
      const q = new URLSearchParams({ path });
      if (cycle) q.set('cycle', cycle);
      const res = await fetch(`/api/trace?${q}`);
      return res.json();
    }
    const key = cycle ? `${path}|${cycle}` : path;
    return data.traces[key] ?? { ok: false, message: `this report carries the replays of its own counterexamples only; to replay another path run: guillotine viz${data.policyArg} and open #path=${path}` };
  }

  async function route() {
    const { path, cycle, step } = parseHash();
    if (path === null) { trace = null; renderTrace(); return; }
    $('#path-input').value = cycle ? `${path} ↻ ${cycle}` : path;
    if (!trace || trace.path !== path || (trace.cycle ?? '') !== cycle) {
      traceBox.setAttribute('aria-busy', 'true');
      trace = await fetchTrace(path, cycle);
      traceBox.removeAttribute('aria-busy');
    }
    if (!trace.ok) { renderTrace(); return; }
    const last = trace.frames.length - 1;
    frame = step === null ? last : Math.max(0, Math.min(last, step));
    renderTrace();
  }

  function go(to) {
    if (!trace || !trace.ok) return;
    frame = Math.max(0, Math.min(trace.frames.length - 1, to));
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    params.set('step', String(frame));
    history.replaceState(null, '', `#${params.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',')}`);
    renderTrace();
  }

  function effectText(x) {
    switch (x.kind) {
      case 'level': return `level ${x.from} → ${x.to} (cause: ${x.cause})`;
      case 'reject': return `rejected: ${x.reason}`;
      case 'alert': return `ALERT: ${x.text}`;
      default: return x.text;
    }
  }

  /** Scrolls the canvas (only) so that an element of the picture is in view. */
  function reveal(node) {
    const canvas = $('#canvas');
    const c = canvas.getBoundingClientRect();
    const r = node.getBoundingClientRect();
    if (r.left < c.left || r.right > c.right) canvas.scrollLeft += r.left - c.left - Math.max(16, (c.width - r.width) / 2);
    if (r.top < c.top || r.bottom > c.bottom) canvas.scrollTop += r.top - c.top - Math.max(16, (c.height - r.height) / 2);
  }

  function highlight(f, prev) {
    $$('.active', svg).forEach((n) => n.classList.remove('active'));
    $$('.taken', svg).forEach((n) => n.classList.remove('taken'));
    if (!f) return;
    for (const id of f.active) $(`[data-state="${CSS.escape(id)}"]`, svg)?.classList.add('active');
    const level = $(`[data-state="${CSS.escape(f.active[0])}"]`, svg);
    if (level) reveal(level);
    if (!prev) return;
    // The edges this step moved along: in each region it changed, from the old state to the new.
    f.changed.forEach((region) => {
      const from = prev.active.find((a) => a.startsWith(region + '.'));
      const to = f.active.find((a) => a.startsWith(region + '.'));
      $$(`path.edge[data-source="${CSS.escape(from)}"][data-target="${CSS.escape(to)}"]`, svg).forEach((p) => {
        p.classList.add('taken');
        $(`.edge-label[data-transition="${CSS.escape(p.dataset.transition)}"]`, svg)?.classList.add('taken');
      });
    });
  }

  function renderTrace() {
    const controls = $('#trace-controls');
    if (!trace) {
      traceBox.replaceChildren(el('p', { class: 'muted' }, 'No trace loaded. Enter a path above (for example ', el('code', {}, 'propose:a1:severed,approve:a2,approve:a3'), '), load a trace file with --trace, or follow a counterexample link below.'));
      controls.hidden = true;
      highlight(null);
      return;
    }
    if (!trace.ok) {
      traceBox.replaceChildren(el('p', { class: 'error', role: 'alert' }, trace.message));
      controls.hidden = true;
      highlight(null);
      return;
    }
    controls.hidden = false;
    const f = trace.frames[frame];
    const prev = frame > 0 ? trace.frames[frame - 1] : null;
    highlight(f, prev);
    $('#step-counter').textContent = `step ${frame} of ${trace.frames.length - 1}`;
    $('#first').disabled = $('#prev').disabled = frame === 0;
    $('#last').disabled = $('#next').disabled = frame === trace.frames.length - 1;
    if (trace.firstViolation !== null) $('#to-violation').hidden = false; else $('#to-violation').hidden = true;

    const ctx = f.state.context;
    const p = ctx.proposal;
    const current = el('div', { id: 'frame', 'data-step': frame, 'data-level': f.level, 'data-accepted': f.accepted },
      f.event === null
        ? el('p', { class: 'event' }, el('strong', {}, 'initial state'))
        : el('p', { class: 'event' }, el('strong', {}, `${frame}. ${f.event.label}`), ' ', el('code', {}, f.event.encoded), f.inCycle ? el('span', { class: 'badge' }, '↻ cycle') : null,
            f.accepted ? el('span', { class: 'badge accepted' }, 'accepted') : el('span', { class: 'badge rejected' }, 'rejected')),
      f.effects.length ? el('ul', { class: 'effects' }, f.effects.map((x) => el('li', { class: `effect-${x.kind}` }, effectText(x)))) : null,
      f.violations.length ? el('ul', { class: 'violations', role: 'alert' }, f.violations.map((v) => el('li', {}, el('strong', {}, `✗ ${v.property}`), `: ${v.reason}`))) : null,
      el('h4', {}, 'State after this step'),
      el('table', { class: 'kv', id: 'state-after' }, el('tbody', {},
        f.active.map((id) => {
          const [region, name] = [id.slice(0, id.indexOf('.')), id.slice(id.indexOf('.') + 1)];
          return el('tr', { class: f.changed.includes(region) ? 'changed' : '', 'data-region': region }, el('th', {}, region), el('td', {}, name));
        }),
        el('tr', { 'data-field': 'proposal' }, el('th', {}, 'open proposal'), el('td', {}, p === null ? 'none open' : `${p.from} → ${p.to}: ${p.approvals.length} of ${f.quorum} approvals (${p.approvals.join(', ')})`)),
        el('tr', {}, el('th', {}, 'missed heartbeats'), el('td', {}, String(ctx.missedHeartbeats))),
        el('tr', {}, el('th', {}, 'awaiting confirmation'), el('td', {}, ctx.pendingActuators.join(', ') || 'none')),
        el('tr', {}, el('th', {}, 'outputs'), el('td', {}, `model cores ${ctx.outputs.modelCores}, ports ${ctx.outputs.ports}, relay ${ctx.outputs.networkRelay}, power ${ctx.outputs.modelPower}`)),
      )),
    );
    const list = el('ol', { class: 'steps', start: '0' }, trace.frames.map((g, i) =>
      el('li', { class: [i === frame ? 'current' : '', g.accepted ? '' : 'rejected', g.violations.length ? 'violating' : '', g.inCycle ? 'cycle' : ''].join(' '), 'data-step': i },
        el('button', { type: 'button', onclick: () => go(i) }, g.event === null ? 'initial' : g.event.label, g.accepted ? '' : ` — rejected: ${g.effects.find((x) => x.kind === 'reject')?.reason ?? ''}`, g.violations.length ? ` ✗ ${g.violations.map((v) => v.property).join(', ')}` : ''))));
    traceBox.replaceChildren(current, el('h4', {}, `All steps (${trace.rejected} rejected)`), list);
    list.querySelector('.current')?.scrollIntoView({ block: 'nearest' });
  }

  $('#first').addEventListener('click', () => go(0));
  $('#prev').addEventListener('click', () => go(frame - 1));
  $('#next').addEventListener('click', () => go(frame + 1));
  $('#last').addEventListener('click', () => go(Infinity));
  // The next step after this one that violates a property, wrapping round to the first.
  $('#to-violation').addEventListener('click', () => {
    if (!trace || !trace.ok) return;
    const violating = trace.frames.filter((f) => f.violations.length > 0).map((f) => f.index);
    if (violating.length > 0) go(violating.find((i) => i > frame) ?? violating[0]);
  });
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.altKey || e.ctrlKey || e.metaKey) return;
    const keys = { ArrowRight: () => go(frame + 1), ArrowLeft: () => go(frame - 1), Home: () => go(0), End: () => go(Infinity), j: () => go(frame + 1), k: () => go(frame - 1) };
    const f = keys[e.key];
    if (f && trace && trace.ok) { e.preventDefault(); f(); }
  });
  $('#path-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const [path, cycle] = $('#path-input').value.split('↻').map((s) => s.trim().replace(/\s+/g, ''));
    location.hash = `path=${path}${cycle ? `&cycle=${cycle}` : ''}`;
  });
  window.addEventListener('hashchange', () => { route(); });

  // ------------------------------------------------------------------ coverage overlay
  // The coverage section carries, per transition id of the picture, covered / uncovered /
  // unreachable; the toggle puts those as classes on every element of that transition.
  let overlay = null;
  const coverageBox = $('#coverage');
  function paintCoverage() {
    const on = Boolean(overlay) && coverageBox.checked;
    svg.classList.toggle('coverage', on);
    $('#coverage-legend').hidden = !on;
    $$('[data-transition]', svg).forEach((n) => {
      n.classList.remove('cov-covered', 'cov-uncovered', 'cov-unreachable');
      const status = on ? overlay[n.getAttribute('data-transition')] : undefined;
      if (status) n.classList.add(`cov-${status}`);
    });
  }
  function useOverlay(o) {
    overlay = o;
    const counts = { covered: 0, uncovered: 0, unreachable: 0 };
    Object.values(o).forEach((v) => { counts[v] = (counts[v] ?? 0) + 1; });
    $$('#coverage-legend .count').forEach((n) => { n.textContent = `(${counts[n.dataset.status]})`; });
    coverageBox.disabled = false;
    $('#coverage-status').textContent = '';
  }
  coverageBox.addEventListener('change', paintCoverage);
  // The coverage section's own button: tick the box and bring the picture into view.
  document.addEventListener('click', (e) => {
    if (!(e.target instanceof Element) || !e.target.closest('.show-coverage') || !overlay) return;
    coverageBox.checked = true;
    paintCoverage();
    $('#canvas-wrap').scrollIntoView({ block: 'start' });
  });

  // ------------------------------------------------------------------ sections
  function sectionBox(s) {
    const box = el('section', { class: `report-section ${s.status}`, id: `section-${s.id}`, 'data-status': s.status }, el('h2', {}, s.title));
    if (s.status === 'ready') { const body = el('div', { class: 'section-body' }); body.innerHTML = s.html; box.append(body); }
    else if (s.status === 'unavailable') box.append(el('p', { class: 'unavailable' }, `Not available: ${s.reason}`));
    else box.append(el('p', { class: 'muted pending' }, 'Computing… (the check, Z3 and the simulator run in a separate process; each section appears as soon as it is ready)'));
    return box;
  }
  // The header lists the sections with their verdicts (✔ holds, ✘ does not, … still computing);
  // a click scrolls to the section (a button, not a #link: the URL hash is the trace's).
  function navEntry(s) {
    const state = s.status === 'pending' ? 'pending' : s.status === 'unavailable' ? 'unavailable' : s.holds === true ? 'holds' : s.holds === false ? 'fails' : 'ready';
    const mark = { pending: ' …', unavailable: ' —', holds: ' ✔', fails: ' ✘', ready: '' }[state];
    const title = { pending: 'still computing', unavailable: 'not available', holds: 'everything holds', fails: 'something does not hold', ready: 'ready' }[state];
    return el('button', { type: 'button', class: `nav-${state}`, 'data-section': s.id, title: `${s.title}: ${title}`, onclick: () => document.getElementById(`section-${s.id}`)?.scrollIntoView({ block: 'start' }) }, s.id, mark);
  }
  function showNav(s) {
    const entry = navEntry(s);
    const old = $(`#section-nav [data-section="${CSS.escape(s.id)}"]`);
    if (old) old.replaceWith(entry); else $('#section-nav').append(entry);
  }
  function showSection(s) {
    showNav(s);
    const box = sectionBox(s);
    const old = document.getElementById(`section-${s.id}`);
    if (old) old.replaceWith(box); else $('#sections').append(box);
    if (s.id === 'coverage') {
      if (s.status === 'ready' && s.overlay) useOverlay(s.overlay);
      else $('#coverage-status').textContent = '(not available)';
    }
  }
  if (live) {
    $('#sections').replaceChildren(el('p', { class: 'muted', id: 'sections-loading' }, 'Checking the policy, proving and running the experiments…'));
    $('#coverage-status').textContent = '(computing…)';
    fetch('/api/sections').then((r) => r.json()).then(({ sections }) => {
      $('#sections').replaceChildren(...sections.map((s) => sectionBox({ ...s, status: 'pending' })));
      sections.forEach((s) => showNav({ ...s, status: 'pending' }));
      return Promise.all(sections.map((s) => fetch(`/api/section?id=${encodeURIComponent(s.id)}`).then((r) => r.json()).then(showSection)));
    }).catch((err) => {
      $('#sections').append(el('p', { class: 'error' }, `could not load the sections: ${err}`));
    });
  } else {
    data.sections.forEach(showSection);
    if (!data.sections.some((s) => s.id === 'coverage')) $('#coverage-status').textContent = '(not in this report)';
  }

  if (!location.hash && data.initialHash) history.replaceState(null, '', data.initialHash);
  route();
  // How long the page took from navigation start to a drawn, routed statechart (read by the tests).
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
})();
