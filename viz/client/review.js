// The review page's glue: it routes on the URL hash, fills the views and the side panel, and
// fires events on clicks. Everything it shows about the protocol comes from the workbench's
// library: the policy's machine runs in the page from the bundled model (`GuillotineExplorer`,
// built from viz/explorerModel.ts over the compiled engine, and viz/sequenceChart.ts); the
// statechart picture, the levels view and the sections were computed by the server or at
// report-build time. This file decides nothing about the protocol.
// Plain ES2020, no dependencies, no network access except `/api/*` on the page's own origin.
(() => {
  'use strict';
  let data = JSON.parse(document.getElementById('review-data').textContent);
  const G = window.GuillotineExplorer;
  let X = G.createExplorer(data.policy);
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
  let svg = $('svg.statechart');

  /** Scrolls `box` (only it, never the window) so that `node` is in view. */
  function scrollWithin(box, node, center = true) {
    const c = box.getBoundingClientRect();
    const r = node.getBoundingClientRect();
    if (r.left < c.left || r.right > c.right) box.scrollLeft += r.left - c.left - (center ? Math.max(16, (c.width - r.width) / 2) : 16);
    if (r.top < c.top || r.bottom > c.bottom) box.scrollTop += r.top - c.top - (center ? Math.max(16, (c.height - r.height) / 2) : 16);
  }

  // ------------------------------------------------------------------ views
  let view = 'levels';
  function showView(name) {
    view = name;
    $$('#view-tabs [role="tab"]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.view === name)));
    for (const v of ['levels', 'statechart', 'sequence']) $(`#view-${v}`).hidden = v !== name;
    $('#statechart-tools').hidden = name !== 'statechart';
    $('#coverage-legend').hidden = name !== 'statechart' || !(overlay && $('#coverage').checked);
    document.body.dataset.view = name;
    if (name === 'sequence') renderSequence(true);
    if (name === 'statechart') highlight();
  }
  $$('#view-tabs [role="tab"]').forEach((b) => b.addEventListener('click', () => showView(b.dataset.view)));

  // ------------------------------------------------------------------ zoom (statechart)
  let zoom = 1;
  function setZoom(z) {
    zoom = Math.max(0.1, Math.min(2, z));
    svg.setAttribute('width', String(Math.round(data.width * zoom)));
    svg.setAttribute('height', String(Math.round(data.height * zoom)));
    $('#zoom-level').textContent = `${Math.round(zoom * 100)}%`;
  }
  // "fit" fits the height: the isolation region runs top to bottom, and the page scrolls sideways.
  const fitHeight = () => Math.min(1, ($('#view-statechart').clientHeight || $('main').clientHeight - 50) / data.height);
  $('#zoom-in').addEventListener('click', () => setZoom(zoom * 1.25));
  $('#zoom-out').addEventListener('click', () => setZoom(zoom / 1.25));
  $('#zoom-fit').addEventListener('click', () => { setZoom(fitHeight()); highlight(); });
  $('#zoom-one').addEventListener('click', () => { setZoom(1); highlight(); });
  setZoom(Math.max(0.35, fitHeight()));

  // ------------------------------------------------------------------ trace state
  // The trace is always there: the empty path is the initial state. `frames[0]` is the initial frame.
  let trace = { path: '', cycle: '', frames: [X.initial()], firstViolation: null, rejected: 0 };
  let frame = 0;
  let built = 0; // bumped when the frames change, so lists and charts are rebuilt only then
  let pinnedLevel = null; // a level the reader clicked, shown until the next step

  function setTrace(view) {
    trace = { path: view.path, cycle: view.cycle ?? '', frames: view.frames.slice(), firstViolation: view.firstViolation, rejected: view.rejected };
    built++;
  }
  function recount() {
    const first = trace.frames.findIndex((f) => f.violations.length > 0);
    trace.firstViolation = first === -1 ? null : first;
    trace.rejected = trace.frames.filter((f) => !f.accepted).length;
    trace.path = X.pathOf(trace.frames.filter((f) => !f.inCycle));
    built++;
  }

  /** The URL hash of a trace position, in the compact path encoding (`:` and `,` left readable). */
  function hashOf(path, cycle, step) {
    const p = new URLSearchParams();
    p.set('path', path);
    if (cycle) p.set('cycle', cycle);
    if (step !== null) p.set('step', String(step));
    return `#${p.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',')}`;
  }
  function parseHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const step = params.get('step');
    return { path: params.get('path') ?? '', cycle: params.get('cycle') ?? '', step: step === null || step === '' ? null : Number(step) };
  }

  let message = null; // an error to show instead of the trace (a path that does not decode)
  function route() {
    const { path, cycle, step } = parseHash();
    if (path !== trace.path || cycle !== trace.cycle) {
      const replayed = X.replay(path, cycle);
      if (!replayed.ok) { message = replayed.message; $('#path-input').value = cycle ? `${path} ↻ ${cycle}` : path; render(); return; }
      setTrace(replayed);
    }
    message = null;
    const last = trace.frames.length - 1;
    frame = step === null ? last : Math.max(0, Math.min(last, Number.isFinite(step) ? step : last));
    pinnedLevel = null;
    render();
  }

  /** Moves to another step of the same trace (no new history entry: stepping is not editing). */
  function go(to) {
    if (message) return;
    frame = Math.max(0, Math.min(trace.frames.length - 1, to));
    pinnedLevel = null;
    history.replaceState(null, '', hashOf(trace.path, trace.cycle, frame));
    render();
  }

  /** Fires an event in the current step's state: the path is cut there and extended (a new history entry). */
  function fire(event) {
    if (message) return;
    const started = performance.now();
    const base = trace.frames.slice(0, frame + 1).filter((f) => !f.inCycle);
    const next = X.next(base[base.length - 1], event);
    trace.frames = [...base, next];
    trace.cycle = '';
    recount();
    frame = trace.frames.length - 1;
    pinnedLevel = null;
    history.pushState(null, '', hashOf(trace.path, '', frame));
    render();
    document.body.dataset.lastClickMs = String(Math.round((performance.now() - started) * 10) / 10);
  }

  function undo() {
    if (message || trace.frames.length <= 1) return;
    const base = trace.frames.filter((f) => !f.inCycle);
    trace.frames = base.slice(0, Math.max(1, base.length - 1));
    trace.cycle = '';
    recount();
    frame = trace.frames.length - 1;
    history.pushState(null, '', hashOf(trace.path, '', frame));
    render();
  }

  function walk(steps, seed) {
    if (message) return;
    const started = performance.now();
    const base = trace.frames.slice(0, frame + 1).filter((f) => !f.inCycle);
    const result = X.randomWalk(base[base.length - 1], steps, seed);
    trace.frames = [...base, ...result.frames];
    trace.cycle = '';
    recount();
    frame = trace.frames.length - 1;
    pinnedLevel = null;
    history.pushState(null, '', hashOf(trace.path, '', frame));
    render();
    const ms = Math.round(performance.now() - started);
    const end = result.end;
    const text = end.kind === 'violation'
      ? `stopped at step ${end.step}: ✗ ${end.properties.join(', ')}`
      : end.kind === 'dead-end' ? `stopped at step ${end.step}: no event is accepted there` : 'no property violated';
    $('#walk-result').textContent = `random walk (seed ${seed}): ${result.frames.length} step${result.frames.length === 1 ? '' : 's'}, ${text} (${ms} ms)`;
    $('#walk-result').className = end.kind === 'violation' ? 'error' : 'muted';
    document.body.dataset.walkMs = String(ms);
  }

  // ------------------------------------------------------------------ rendering
  function effectText(x) {
    switch (x.kind) {
      case 'level': return `level ${x.from} → ${x.to} (cause: ${x.cause})`;
      case 'reject': return `rejected: ${x.reason}`;
      case 'alert': return `ALERT: ${x.text}`;
      default: return x.text;
    }
  }

  function render() {
    const box = $('#trace');
    if (message) {
      box.replaceChildren(el('p', { class: 'error', role: 'alert' }, message));
      $('#trace-controls').hidden = true;
      $('#explore').replaceChildren();
      return;
    }
    $('#trace-controls').hidden = false;
    const f = trace.frames[frame];
    const prev = frame > 0 ? trace.frames[frame - 1] : null;
    $('#path-input').value = trace.cycle ? `${trace.path} ↻ ${trace.cycle}` : trace.path;
    $('#step-counter').textContent = `step ${frame} of ${trace.frames.length - 1}`;
    $('#first').disabled = $('#prev').disabled = frame === 0;
    $('#last').disabled = $('#next').disabled = frame === trace.frames.length - 1;
    $('#undo').disabled = trace.frames.length <= 1;
    $('#to-violation').hidden = trace.firstViolation === null;
    box.replaceChildren(el('div', { id: 'frame', 'data-step': frame, 'data-level': f.level, 'data-accepted': f.accepted },
      f.event === null
        ? el('p', { class: 'event' }, el('strong', {}, 'initial state'), ` — ${f.level}`)
        : el('p', { class: 'event' }, el('strong', {}, `${frame}. ${f.event.label}`), ' ', el('code', {}, f.event.encoded), f.inCycle ? el('span', { class: 'badge' }, '↻ cycle') : null,
            f.accepted ? el('span', { class: 'badge accepted' }, 'accepted') : el('span', { class: 'badge rejected' }, 'rejected')),
      f.effects.length ? el('ul', { class: 'effects' }, f.effects.map((x) => el('li', { class: `effect-${x.kind}` }, effectText(x)))) : null,
      f.violations.length ? el('ul', { class: 'violations', role: 'alert' }, f.violations.map((v) => el('li', {}, el('strong', {}, `✗ ${v.property}`), `: ${v.reason}`))) : null,
    ));
    renderLogSource(frame);
    renderOptions(f);
    renderNow(f, prev);
    highlight();
    showLevel(pinnedLevel ?? f.level, pinnedLevel !== null);
    renderSteps();
    renderSequence(false);
  }

  /** The events of the alphabet as buttons, grouped; rejected ones greyed with the machine's reason. */
  function renderOptions(f) {
    const options = X.options(f);
    const button = (entry, text) => {
      const o = options[entry.index];
      return el('button', {
        type: 'button', class: `fire ${o.accepted ? 'accepted' : 'rejected'}`, 'data-event': entry.encoded, 'data-accepted': String(o.accepted),
        title: o.accepted ? `${entry.label}: accepted here` : `${entry.label}: rejected here — ${o.reason} (click to record the refusal)`,
        'aria-label': o.accepted ? `fire ${entry.label}` : `fire ${entry.label}, rejected here: ${o.reason}`,
        onclick: () => fire(entry.event),
      }, text);
    };
    const groups = [];
    for (const g of G.EVENT_GROUPS) {
      const entries = X.alphabet.filter((e) => e.group === g.id);
      if (entries.length === 0) continue;
      let body;
      if (g.id === 'votes') {
        // One row per voter: approve, then propose to each level (short names; the title says all).
        const voters = [...new Set(entries.map((e) => e.event.admin))];
        const levels = data.levels.map((l) => l.level);
        const short = shortNames(levels);
        body = el('table', { class: 'buttons votes' },
          el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', {}, ''), el('th', { colspan: levels.length, class: 'muted' }, 'propose →'))),
          el('tbody', {}, voters.map((admin) => {
            const mine = entries.filter((e) => e.event.admin === admin);
            const approve = mine.find((e) => e.event.type === 'approve');
            const isAdmin = data.policy.admins.some((a) => a.id === admin);
            return el('tr', { 'data-admin': admin },
              el('th', { title: isAdmin ? `admin ${admin}` : `${admin}: not an admin of this policy (every vote of it is refused)`, class: isAdmin ? '' : 'outsider' }, admin),
              el('td', {}, approve ? button(approve, 'approve') : null),
              levels.map((level) => { const e = mine.find((x) => x.event.type === 'propose' && x.event.target === level); return el('td', {}, e ? button(e, short[level]) : null); }));
          })));
      } else if (g.id === 'actuators') {
        // One row per actuator: its confirmation and its fault.
        const actuators = [...new Set(entries.map((e) => e.event.actuator))];
        body = el('table', { class: 'buttons actuators' }, el('tbody', {}, actuators.map((a) => el('tr', { 'data-actuator': a }, el('th', {}, a),
          entries.filter((e) => e.event.actuator === a).map((e) => el('td', {}, button(e, e.event.type === 'actuator-confirm' ? 'confirm' : 'fault')))))));
      } else {
        // Alarms on one line (by the level they ask for), then the other events by name.
        const alarms = entries.filter((e) => e.event.type === 'alarm');
        const short = shortNames(data.levels.map((l) => l.level));
        body = el('div', { class: 'fire-row' },
          alarms.length ? el('span', { class: 'fire-label' }, 'alarm →') : null,
          alarms.map((e) => button(e, short[e.event.level])),
          entries.filter((e) => e.event.type !== 'alarm').map((e) => button(e, e.label)));
      }
      groups.push(el('div', { class: `group group-${g.id}`, 'data-group': g.id }, el('h3', {}, g.title), body));
    }
    $('#explore').replaceChildren(...groups);
  }
  /** The shortest prefixes (at least 3 letters) that tell the levels apart. */
  function shortNames(levels) {
    const out = {};
    for (const l of levels) {
      let n = 3;
      while (levels.some((m) => m !== l && m.startsWith(l.slice(0, n))) && n < l.length) n++;
      out[l] = l.slice(0, n);
    }
    return out;
  }

  /** The levels view: the current level's row, the step just taken, and every region's state now. */
  function renderNow(f, prev) {
    $$('#ladder .current').forEach((n) => n.classList.remove('current'));
    $$('#ladder .taken').forEach((n) => n.classList.remove('taken'));
    $(`#ladder tr[data-level="${f.level}"]`)?.classList.add('current');
    $(`#ladder th[data-to="${f.level}"]`)?.classList.add('current');
    const change = f.effects.find((x) => x.kind === 'level');
    if (prev && change) {
      const cell = $(`#ladder td[data-from="${change.from}"][data-to="${change.to}"]`);
      cell?.classList.add('taken');
      const kind = { quorum: 'quorum', timeout: 'timeout', alarm: 'alarm', heartbeat: 'heartbeat', mce: 'fault', 'assertion-failure': 'fault', 'actuator-fault': 'actuator' }[change.cause];
      cell?.querySelector(`.chip[data-kind="${kind}"]`)?.classList.add('taken');
    }
    const ctx = f.state.context;
    const p = ctx.proposal;
    const changed = new Set(f.changed);
    const row = (region, label, value) => el('tr', { class: changed.has(region) ? 'changed' : '', 'data-region': region }, el('th', {}, label), el('td', {}, value));
    $('#now').replaceChildren(
      el('h3', {}, frame === 0 ? 'The machine now (initial state)' : `The machine after step ${frame}`),
      el('table', { class: 'kv', id: 'state-after' }, el('tbody', {},
        f.active.map((id) => {
          const region = id.slice(0, id.indexOf('.'));
          return row(region, region, id.slice(id.indexOf('.') + 1));
        }),
        el('tr', { 'data-field': 'proposal', class: prev && JSON.stringify(prev.state.context.proposal) !== JSON.stringify(p) ? 'changed' : '' }, el('th', {}, 'open proposal'), el('td', {}, p === null ? 'none open' : `${p.from} → ${p.to}: ${p.approvals.length} of ${f.quorum} approvals (${p.approvals.join(', ')})`)),
        el('tr', { 'data-field': 'missed' }, el('th', {}, 'missed heartbeats'), el('td', {}, `${ctx.missedHeartbeats} of ${data.policy.heartbeat.missLimit}`)),
        el('tr', { 'data-field': 'pending' }, el('th', {}, 'awaiting confirmation'), el('td', {}, ctx.pendingActuators.join(', ') || 'none')),
        el('tr', { 'data-field': 'outputs' }, el('th', {}, 'outputs'), el('td', {}, `model cores ${ctx.outputs.modelCores}, ports ${ctx.outputs.ports}, relay ${ctx.outputs.networkRelay}, power ${ctx.outputs.modelPower}`)),
      )),
    );
  }

  /** The statechart: active states, the edges the step moved along, and the changed region in view. */
  function highlight() {
    $$('.active', svg).forEach((n) => n.classList.remove('active'));
    $$('.taken', svg).forEach((n) => n.classList.remove('taken'));
    if (message) return;
    const f = trace.frames[frame];
    const prev = frame > 0 ? trace.frames[frame - 1] : null;
    for (const id of f.active) $(`[data-state="${CSS.escape(id)}"]`, svg)?.classList.add('active');
    if (prev) {
      f.changed.forEach((region) => {
        const from = prev.active.find((a) => a.startsWith(region + '.'));
        const to = f.active.find((a) => a.startsWith(region + '.'));
        $$(`path.edge[data-source="${CSS.escape(from)}"][data-target="${CSS.escape(to)}"]`, svg).forEach((p) => {
          p.classList.add('taken');
          $(`.edge-label[data-transition="${CSS.escape(p.dataset.transition)}"]`, svg)?.classList.add('taken');
        });
      });
    }
    if (view !== 'statechart') return;
    // Keep in view the state this step changed (the isolation level when several did, or none).
    const focus = f.changed.includes('isolation') || f.changed.length === 0 ? f.active[0] : f.active.find((a) => a.startsWith(f.changed[0] + '.'));
    const node = $(`[data-state="${CSS.escape(focus)}"]`, svg);
    if (node) scrollWithin($('#canvas'), node);
  }

  const levelPanel = $('#level-panel');
  function showLevel(name, pinned) {
    const row = data.levels.find((l) => l.level === name);
    if (!row) return;
    $$('.state.selected', svg).forEach((g) => g.classList.remove('selected'));
    $(`[data-level="${name}"]`, svg)?.classList.add('selected');
    const current = trace.frames[frame]?.level;
    levelPanel.replaceChildren(
      el('h3', {}, `Level ${row.index}: ${row.level}`, row.irreversible ? el('span', { class: 'badge irreversible' }, 'irreversible') : null,
        name === current ? el('span', { class: 'badge' }, 'the level at this step') : el('button', { type: 'button', class: 'link', onclick: () => { pinnedLevel = null; showLevel(current, false); } }, `back to this step's level (${current})`)),
      el('table', { class: 'kv', id: 'capabilities', 'data-level': row.level },
        el('tbody', {}, row.described.map((c) => el('tr', { 'data-capability': c.key }, el('th', {}, c.label), el('td', {}, c.value))))),
      el('p', { class: 'muted' }, 'Kill switches at this level: ', Object.entries(row.actuators).map(([a, p]) => `${a} ${p}`).join(', '), '.'),
    );
    levelPanel.dataset.pinned = String(Boolean(pinned));
  }
  function pickLevel(name) {
    pinnedLevel = name;
    showLevel(name, true);
  }
  function wireStatechart() {
    svg.addEventListener('click', (e) => {
      const g = e.target.closest('[data-level]');
      if (g) pickLevel(g.getAttribute('data-level'));
    });
    svg.addEventListener('keydown', (e) => {
      const g = e.target.closest('[data-level]');
      if (g && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); pickLevel(g.getAttribute('data-level')); }
    });
  }
  wireStatechart();
  // The levels view: a row header shows that level's capabilities; a chip replays a shortest path taking it.
  $('#ladder').addEventListener('click', (e) => {
    const chip = e.target.closest('.chip[data-path]');
    if (chip) { location.hash = hashOf(chip.dataset.path, '', null); return; }
    const head = e.target.closest('th[data-level]');
    if (head) pickLevel(head.dataset.level);
  });

  let stepsBuilt = -1;
  function renderSteps() {
    const list = $('#steps');
    if (stepsBuilt !== built) {
      stepsBuilt = built;
      list.replaceChildren(...trace.frames.map((g, i) =>
        el('li', { class: [g.accepted ? '' : 'rejected', g.violations.length ? 'violating' : '', g.inCycle ? 'cycle' : ''].join(' '), 'data-step': i },
          el('button', { type: 'button', 'data-go': i }, g.event === null ? 'initial' : g.event.label, g.accepted ? '' : ` — rejected: ${g.effects.find((x) => x.kind === 'reject')?.reason ?? ''}`, g.violations.length ? ` ✗ ${g.violations.map((v) => v.property).join(', ')}` : ''))));
      $('#steps-section h2').textContent = `All steps (${trace.frames.length - 1}, ${trace.rejected} rejected)`;
      annotateLogSteps(list);
    }
    list.querySelector('.current')?.classList.remove('current');
    const current = list.children[frame];
    if (current) { current.classList.add('current'); scrollWithin(list, current, false); }
  }
  $('#steps').addEventListener('click', (e) => { const b = e.target.closest('[data-go]'); if (b) go(Number(b.dataset.go)); });

  let sequenceBuilt = -1;
  function renderSequence(force) {
    if (view !== 'sequence') return;
    const box = $('#sequence');
    if (sequenceBuilt !== built || force) {
      sequenceBuilt = built;
      box.innerHTML = G.sequenceChartSvg(data.policy, trace.frames, { width: $('#view-sequence').clientWidth - 4 });
    }
    box.querySelector('.step.current')?.classList.remove('current');
    const row = box.querySelector(`.step[data-step="${frame}"]`);
    if (row) { row.classList.add('current'); scrollWithin($('#view-sequence'), row); }
  }
  $('#sequence').addEventListener('click', (e) => { const g = e.target.closest('.step[data-step]'); if (g) go(Number(g.dataset.step)); });

  // ------------------------------------------------------------------ a log opened as the trace (viz --log)
  // `data.log` is what `guillotine validate` concluded (viz/logView.ts): the matched behaviour, and
  // for each of its events the record it was the stimulus of ({line, t}) or null when the search
  // supplied it. The steps of the trace that follow that behaviour say so; the divergence is
  // marked after its last step. Steps the reader fires beyond it are the reader's own.
  let logTokens = null;
  let logBuilt = -1;
  let logCount = 0;
  let shownAt = new Map(); // step → the records matched in its state that are not its own stimulus
  function useLog(log) {
    data.log = log;
    logTokens = log && log.path !== null ? (log.path === '' ? [] : log.path.split(',')) : null;
    shownAt = new Map();
    for (const r of (log && log.explained) || []) {
      const own = r.after > 0 && log.sources && log.sources[r.after - 1] && log.sources[r.after - 1].line === r.line;
      if (own) continue;
      if (!shownAt.has(r.after)) shownAt.set(r.after, []);
      shownAt.get(r.after).push(r);
    }
    logBuilt = -1;
    document.body.dataset.log = log ? log.verdict : '';
  }
  useLog(data.log ?? null);
  /** How many leading steps of the trace are the log's behaviour. */
  function logMatched() {
    if (logBuilt === built) return logCount;
    logBuilt = built;
    logCount = 0;
    if (!logTokens) return 0;
    while (logCount < logTokens.length && logCount + 1 < trace.frames.length) {
      const f = trace.frames[logCount + 1];
      if (f.inCycle || f.event === null || f.event.encoded !== logTokens[logCount]) break;
      logCount++;
    }
    return logCount;
  }
  /** The record of step `i` (1-based), null when supplied, undefined when the step is not the log's. */
  function logSource(i) {
    const log = data.log;
    if (!log || !log.sources || i < 1 || i > logMatched()) return undefined;
    return log.sources[i - 1];
  }
  const logWords = (src) => (src ? `observed: log line ${src.line}, t = ${src.t} ms` : 'supplied by the search: the log does not show it');
  /** Whether the trace is the matched behaviour and nothing more, so the divergence follows its last step. */
  const divergesAfter = () => Boolean(data.log && data.log.divergence && logTokens && logMatched() === logTokens.length && trace.frames.length - 1 === logTokens.length);
  function showDivergence() {
    const d = $('#log-divergence');
    if (!d) return;
    d.open = true;
    scrollWithin($('#panel'), d, false);
    d.classList.add('flash');
    setTimeout(() => d.classList.remove('flash'), 900);
  }
  function renderLogSource(i) {
    const box = $('#frame');
    if (!box || !data.log) return;
    const src = logSource(i);
    if (src !== undefined) box.append(el('p', { class: `log-source ${src ? 'observed' : 'supplied'}`, 'data-source': src ? 'observed' : 'supplied', 'data-line': src ? src.line : null }, el('span', { class: `badge ${src ? 'observed' : 'supplied'}` }, src ? 'observed' : 'supplied'), ' ', logWords(src)));
    else if (i > 0) box.append(el('p', { class: 'log-source muted', 'data-source': 'none' }, 'not in the log\'s behaviour (fired here)'));
    const shown = i <= logMatched() ? shownAt.get(i) : undefined;
    if (shown) box.append(el('p', { class: 'log-shown muted', 'data-lines': shown.map((r) => r.line).join(',') }, `the log's ${shown.length === 1 ? 'record' : 'records'} at ${shown.map((r) => `line ${r.line} (t = ${r.t} ms)`).join(', ')} ${shown.length === 1 ? 'shows' : 'show'} this state, with no event of ${shown.length === 1 ? 'its' : 'their'} own`));
    if (divergesAfter() && i === logTokens.length) {
      const d = data.log.divergence;
      box.append(el('p', { class: 'diverges', role: 'alert', 'data-line': d.line }, el('strong', {}, `✗ ${data.log.verdict === 'incomplete' ? 'not explained (search bound reached)' : 'the log diverges'} after this step at line ${d.line}`), ` (t = ${d.t} ms): ${d.summary} `, el('button', { type: 'button', class: 'link', onclick: showDivergence }, 'details')));
    }
  }
  function annotateLogSteps(list) {
    if (!data.log) return;
    const n = logMatched();
    for (let i = 1; i <= n && i < list.children.length; i++) {
      const src = logSource(i);
      const li = list.children[i];
      li.classList.add(src ? 'observed' : 'supplied');
      li.dataset.source = src ? 'observed' : 'supplied';
      li.querySelector('button')?.append(el('span', { class: 'src' }, src ? `line ${src.line}` : 'supplied'));
    }
    for (let i = 0; i <= n && i < list.children.length; i++) {
      const shown = shownAt.get(i);
      if (shown) list.children[i].querySelector('button')?.append(el('span', { class: 'src shown', title: 'records that show the state after this step, with no event of their own' }, `+ line ${shown.map((r) => r.line).join(', ')}`));
    }
    if (divergesAfter()) {
      const d = data.log.divergence;
      list.append(el('li', { class: 'divergence', 'data-line': d.line }, el('button', { type: 'button', onclick: () => { go(n); showDivergence(); } }, `✗ line ${d.line}: ${data.log.verdict === 'incomplete' ? 'not explained within the bounds' : 'the log diverges'}`)));
    }
  }

  // ------------------------------------------------------------------ controls
  $('#first').addEventListener('click', () => go(0));
  $('#prev').addEventListener('click', () => go(frame - 1));
  $('#next').addEventListener('click', () => go(frame + 1));
  $('#last').addEventListener('click', () => go(Infinity));
  $('#undo').addEventListener('click', undo);
  // The next step after this one that violates a property, wrapping round to the first.
  $('#to-violation').addEventListener('click', () => {
    const violating = trace.frames.filter((f) => f.violations.length > 0).map((f) => f.index);
    if (violating.length > 0) go(violating.find((i) => i > frame) ?? violating[0]);
  });
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.altKey || e.ctrlKey || e.metaKey) return;
    const keys = { ArrowRight: () => go(frame + 1), ArrowLeft: () => go(frame - 1), Home: () => go(0), End: () => go(Infinity), j: () => go(frame + 1), k: () => go(frame - 1) };
    const f = keys[e.key];
    if (f && !message) { e.preventDefault(); f(); }
  });
  $('#path-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const [path, cycle] = $('#path-input').value.split('↻').map((s) => s.trim().replace(/\s+/g, ''));
    location.hash = hashOf(path ?? '', cycle ?? '', null);
  });
  $('#walk-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const steps = Math.max(1, Math.min(100000, Math.floor(Number($('#walk-steps').value) || 1)));
    const seed = Math.max(0, Math.min(4294967295, Math.floor(Number($('#walk-seed').value) || 0)));
    walk(steps, seed);
  });
  // Back and forward go through every change of the path (each click is a history entry).
  window.addEventListener('hashchange', route);

  // ------------------------------------------------------------------ coverage overlay
  // The coverage section carries, per transition id of the picture, covered / uncovered /
  // unreachable; the toggle puts those as classes on every element of that transition.
  let overlay = null;
  const coverageBox = $('#coverage');
  function paintCoverage() {
    const on = Boolean(overlay) && coverageBox.checked;
    svg.classList.toggle('coverage', on);
    $('#coverage-legend').hidden = !on || view !== 'statechart';
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
  // The coverage section's own button: open the statechart, tick the box and bring the picture into view.
  document.addEventListener('click', (e) => {
    if (!(e.target instanceof Element) || !e.target.closest('.show-coverage') || !overlay) return;
    showView('statechart');
    coverageBox.checked = true;
    paintCoverage();
    $('#canvas-wrap').scrollIntoView({ block: 'start' });
  });

  // ------------------------------------------------------------------ sections
  function sectionBox(s) {
    const box = el('section', { class: `report-section ${s.status}`, id: `section-${s.id}`, 'data-status': s.status }, el('h2', {}, s.title));
    if (s.status === 'ready') { const body = el('div', { class: 'section-body' }); body.innerHTML = s.html; box.append(body); }
    else if (s.status === 'unavailable') box.append(el('p', { class: 'unavailable' }, `Not available: ${s.reason}`));
    else box.append(el('p', { class: 'muted pending' }, 'Computing… (the check, Z3 and the simulator run on a worker thread; each section appears as soon as it is ready)'));
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
  function loadSections() {
    const version = data.version;
    $('#section-nav').replaceChildren();
    $('#sections').replaceChildren(el('p', { class: 'muted', id: 'sections-loading' }, 'Checking the policy, proving and running the experiments…'));
    overlay = null;
    coverageBox.checked = false;
    coverageBox.disabled = true;
    paintCoverage();
    $('#coverage-status').textContent = '(computing…)';
    fetch('/api/sections').then((r) => r.json()).then(({ sections }) => {
      if (version !== data.version) return;
      $('#sections').replaceChildren(...sections.map((s) => sectionBox({ ...s, status: 'pending' })));
      sections.forEach((s) => showNav({ ...s, status: 'pending' }));
      return Promise.all(sections.map((s) => fetch(`/api/section?id=${encodeURIComponent(s.id)}`).then((r) => r.json()).then((section) => { if (version === data.version) showSection(section); })));
    }).catch((err) => {
      $('#sections').append(el('p', { class: 'error' }, `could not load the sections: ${err}`));
    });
  }

  // ------------------------------------------------------------------ --watch: the policy file changed
  /** Swaps in the new policy's model and keeps the path up to its first step the new policy takes differently. */
  async function reload() {
    const m = await (await fetch('/api/model')).json();
    data = { ...data, version: m.version, policy: m.policy, policySource: m.policySource, width: m.width, height: m.height, levels: m.levels };
    X = G.createExplorer(m.policy);
    $('#policy-line').textContent = m.summary;
    $('#policy-summary').title = `policy ${m.policySource}: ${m.summary}`;
    $('#ladder').innerHTML = m.ladderHtml;
    $('#canvas').innerHTML = m.svg;
    svg = $('svg.statechart');
    wireStatechart();
    setZoom(Math.max(0.35, fitHeight()));
    const old = trace.frames;
    const replayed = X.replay(trace.path, trace.cycle);
    let note = '';
    if (replayed.ok) {
      const differs = replayed.frames.findIndex((f, i) => i > 0 && old[i] && old[i].accepted !== f.accepted);
      if (differs === -1) setTrace(replayed);
      else {
        const kept = X.replay(X.pathOf(old.slice(0, differs).filter((f) => !f.inCycle)));
        const was = old[differs];
        note = `the path is kept up to step ${differs - 1}: step ${differs} (${was.event.encoded}) was ${was.accepted ? 'accepted' : 'rejected'} and now is ${was.accepted ? 'rejected' : 'accepted'}`;
        setTrace(kept);
      }
    } else setTrace(X.replay(''));
    frame = Math.min(frame, trace.frames.length - 1);
    history.replaceState(null, '', hashOf(trace.path, trace.cycle, frame));
    render();
    watchStatus(`policy updated (version ${m.version}) at ${new Date().toLocaleTimeString()}${note ? `; ${note}` : ''}`, false);
    document.body.dataset.version = String(m.version);
    loadSections();
  }
  function watchStatus(text, bad) {
    const s = $('#watch-status');
    s.hidden = false;
    s.textContent = text;
    s.title = text;
    s.className = bad ? 'error' : 'ok';
  }
  /** The followed log was validated again: a new panel, and the new behaviour opened if the reader was at the old one's end. */
  async function reloadLog() {
    const m = await (await fetch('/api/log')).json();
    const atEnd = logTokens !== null && logMatched() === logTokens.length && trace.frames.length - 1 === logTokens.length && frame === trace.frames.length - 1;
    $('#log-panel').innerHTML = m.html;
    $('#log-section').dataset.verdict = m.log.verdict;
    useLog(m.log);
    built++;
    watchStatus(`following ${m.log.file}: ${m.log.records} record(s), ${m.log.verdict} (${new Date().toLocaleTimeString()})`, m.log.verdict !== 'consistent');
    document.body.dataset.logVersion = String(m.version);
    if (atEnd && m.hash && m.hash !== location.hash) location.hash = m.hash;
    else render();
  }
  if (live && (data.watch || data.watchLog)) {
    if (data.watch) watchStatus(`watching ${data.policySource}`, false);
    if (data.watchLog && data.log) watchStatus(`following ${data.log.file}${data.watch ? ` and ${data.policySource}` : ''}`, false);
    const events = new EventSource('/api/events');
    events.addEventListener('log', () => reloadLog().catch((err) => watchStatus(`could not load the log: ${err}`, true)));
    // The policy may have changed between the page's load and the stream's start.
    events.addEventListener('hello', (e) => { if (JSON.parse(e.data).version !== data.version) reload().catch((err) => watchStatus(`could not load the new policy: ${err}`, true)); });
    events.addEventListener('policy', (e) => {
      const { version } = JSON.parse(e.data);
      if (version !== data.version) reload().catch((err) => watchStatus(`could not load the new policy: ${err}`, true));
    });
    events.addEventListener('policy-error', (e) => watchStatus(`${data.policySource} was saved but is not a policy: ${JSON.parse(e.data).message} — still showing the last good one`, true));
  }

  // ------------------------------------------------------------------ start
  if (live) loadSections();
  else {
    data.sections.forEach(showSection);
    if (!data.sections.some((s) => s.id === 'coverage')) $('#coverage-status').textContent = '(not in this report)';
  }
  // A counterexample link of a section opens in the levels view unless another view is open.
  document.addEventListener('click', (e) => {
    const link = e.target instanceof Element ? e.target.closest('a.trace-link') : null;
    if (link) $('#canvas-wrap').scrollIntoView({ block: 'start' });
  });

  if (!location.hash && data.initialHash) history.replaceState(null, '', data.initialHash);
  route();
  showView('levels');
  document.body.dataset.version = String(data.version);
  // How long the page took from navigation start to an interactive, routed page (read by the tests and the bench).
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
})();
