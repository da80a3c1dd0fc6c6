/**
 * The local server behind `guillotine viz`: the review page and its JSON endpoints, on
 * 127.0.0.1 only. The page runs the policy's machine itself (`bundle.ts`); the server lays out
 * the statechart, explores the levels view, and builds the sections below on a worker thread.
 *
 * - `GET /` — the page;
 * - `GET /api/model` — the policy, the statechart picture, the levels view (what `--watch` swaps in);
 * - `GET /api/trace?path=…&cycle=…` — a replay (`TraceView`), or `{ok: false, message}` with 400;
 * - `GET /api/sections` — the ids and titles of the sections below (the first ask starts
 *   computing them, once per policy version);
 * - `GET /api/section?id=…` — one section, answered as soon as it is ready;
 * - `GET /api/log` — the log opened as the trace (`--log`): its view and panel, and the hash to open it at;
 * - `GET /api/events` — server-sent events: `policy` when the policy file changed and the new
 *   model is ready, `policy-error` when the saved file is not a policy, `log` when the followed
 *   log was validated again.
 *
 * A web page the reviewer visits must not read any of it (DNS rebinding, cross-site requests):
 * every request must name this server in its `Host` (`127.0.0.1:PORT`, `localhost:PORT` or
 * `[::1]:PORT`), a request with another `Origin` or from another site is refused with 403, and a
 * request URL that cannot be parsed is refused with 400. The page's Content-Security-Policy is a
 * header with the hashes of its inline scripts and style sheets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Policy } from '../spec/policy.ts';
import { explorerBundle } from './bundle.ts';
import { clientModel, reviewPage, type Page } from './page.ts';
import { statechartModel, traceViewOfPath, type StatechartModel } from './reviewModel.ts';
import type { SectionFeed } from './sectionFeed.ts';
import { isSectionId, SECTION_TITLES } from './section.ts';
import { logHash, logPanelHtml, type LogView } from './logView.ts';

export interface VizServerOptions {
  readonly policy: Policy;
  readonly policySource: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The hash the page opens at (a `--trace` file's path). */
  readonly initialHash?: string | null;
  /**
   * Starts building the sections below the statechart for a policy; called the first time the page
   * asks, and again after each {@link VizServer.update}. A feed with `stop` is stopped when it is
   * replaced or the server closes.
   */
  readonly sections: (policy: Policy) => SectionFeed & { stop?: () => Promise<void> };
  /** `--watch`: the page listens for policy updates. */
  readonly watch?: boolean;
  /** `--log FILE`: the log opened as the trace (the page opens at its behaviour). */
  readonly log?: LogView | null;
  /** `--log FILE --watch`: the page listens for the log validated again ({@link VizServer.updateLog}). */
  readonly watchLog?: boolean;
}

export interface VizServer {
  readonly url: string;
  readonly port: number;
  /** The current model (it changes with {@link update}). */
  readonly model: StatechartModel;
  /** The current policy version: 0 at start, one more per update. */
  readonly version: number;
  /** Replaces the policy (the file was saved): new model, new sections, and the open pages told. */
  update(policy: Policy): Promise<void>;
  /** Tells the open pages the saved file could not be used (they keep the last good policy). */
  reportError(message: string): void;
  /** Replaces the log view (the followed log grew, or was validated under a new policy) and tells the open pages. */
  updateLog(log: LogView): void;
  /** Stops the sections, ends every connection and closes the server. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, ...SECURITY_HEADERS, ...extra });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, 'application/json', JSON.stringify(value));

/** The names this server answers to, as a `Host` header gives them (the port included). */
export function allowedHosts(port: number): readonly string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

/**
 * Why a request is refused before it is routed, or null: a URL that cannot be parsed (400), a
 * `Host` that is not this server (403: a DNS-rebinding page names its own domain there), an
 * `Origin` or `Sec-Fetch-Site` of another site (403: another page's script).
 */
export function refusal(req: IncomingMessage, port: number): { status: 400 | 403; message: string } | null {
  const target = req.url ?? '';
  if (!target.startsWith('/') || target.startsWith('//')) return { status: 400, message: `malformed request URL; ask for a path on this server, such as /` };
  try {
    // Every `%` must start an escape of UTF-8 (URLSearchParams would quietly decode a bad one to U+FFFD).
    decodeURIComponent(target);
    new URL(target, 'http://127.0.0.1');
  } catch {
    return { status: 400, message: 'malformed request URL; ask for a path on this server, such as /' };
  }
  const hosts = allowedHosts(port);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.includes(host)) return { status: 403, message: `this server answers only to ${hosts.join(', ')}; open http://127.0.0.1:${port}/` };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) return { status: 403, message: 'cross-origin requests are refused' };
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return { status: 403, message: 'requests from another site are refused' };
  return null;
}

/**
 * Lays out the statechart, explores the levels view, bundles the page's model, then listens on
 * 127.0.0.1. Resolves once listening; a port in use rejects with the system's `EADDRINUSE` error
 * (the CLI turns it into a message).
 */
export async function startVizServer(options: VizServerOptions): Promise<VizServer> {
  const bundle = await explorerBundle();
  const build = async (policy: Policy) => {
    const model = await statechartModel(policy);
    return { policy, model, page: null as Page | null };
  };
  let current = await build(options.policy);
  let version = 0;
  let log = options.log ?? null;
  let logVersion = 0;
  let feed: (SectionFeed & { stop?: () => Promise<void> }) | null = null;
  const listeners = new Set<ServerResponse>();
  const pageOf = () =>
    (current.page ??= reviewPage({ mode: 'server', policySource: options.policySource, model: current.model, bundle, sections: [], initialHash: log === null ? options.initialHash ?? null : logHash(log), generated: null, watch: options.watch === true, watchLog: options.watchLog === true, version, log }));
  const sections = () => (feed ??= options.sections(current.policy));
  const broadcast = (event: string, data: unknown) => {
    for (const res of listeners) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, port: number) => {
    const refused = refusal(req, port);
    if (refused !== null) return json(res, refused.status, { ok: false, message: refused.message });
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { ok: false, message: `${req.method} is not allowed; the viz server only answers GET` });
    const url = new URL(req.url!, 'http://127.0.0.1');
    switch (url.pathname) {
      case '/':
      case '/index.html': {
        const page = pageOf();
        return send(res, 200, 'text/html', page.html, { 'content-security-policy': page.csp });
      }
      case '/api/model':
        return json(res, 200, clientModel(options.policySource, current.model, version));
      case '/api/trace': {
        const path = url.searchParams.get('path');
        if (path === null) return json(res, 400, { ok: false, message: 'missing ?path=…, e.g. /api/trace?path=propose:a1:severed,approve:a2' });
        const view = traceViewOfPath(current.policy, path, url.searchParams.get('cycle') ?? '');
        return json(res, view.ok ? 200 : 400, view);
      }
      case '/api/log':
        if (log === null) return json(res, 404, { ok: false, message: 'no log is open; start viz with --log FILE' });
        return json(res, 200, { version: logVersion, log, html: logPanelHtml(log), hash: logHash(log) });
      case '/api/sections': {
        const f = sections();
        return json(res, 200, { version, sections: f.ids.map((id) => ({ id, title: SECTION_TITLES[id] })) });
      }
      case '/api/section': {
        const id = url.searchParams.get('id') ?? '';
        const f = sections();
        if (!isSectionId(id) || !f.ids.includes(id)) return json(res, 404, { ok: false, message: `no section ${JSON.stringify(id)}; the sections are ${f.ids.join(', ')}` });
        return json(res, 200, await f.section(id));
      }
      case '/api/events':
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', ...SECURITY_HEADERS });
        res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ version })}\n\n`);
        listeners.add(res);
        req.on('close', () => listeners.delete(res));
        return;
      default:
        return json(res, 404, { ok: false, message: `no such page ${url.pathname}; the page is at /` });
    }
  };

  let port = 0;
  const server = createServer((req, res) => {
    handle(req, res, port).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { ok: false, message: `internal error: ${(error as Error).message}` });
      else res.end();
    });
  });
  // A request line the HTTP parser cannot read at all gets a plain 400 rather than a reset.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  let updating: Promise<void> = Promise.resolve();
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    get model() {
      return current.model;
    },
    get version() {
      return version;
    },
    update(policy) {
      // Saves in quick succession are applied in order, each once.
      updating = updating.then(async () => {
        const next = await build(policy);
        const old = feed;
        feed = null;
        current = next;
        version++;
        await old?.stop?.();
        broadcast('policy', { version });
      });
      return updating;
    },
    reportError(message) {
      broadcast('policy-error', { version, message });
    },
    updateLog(next) {
      log = next;
      logVersion++;
      current.page = null;
      broadcast('log', { version: logVersion });
    },
    async close() {
      for (const res of listeners) res.end();
      listeners.clear();
      await feed?.stop?.();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
