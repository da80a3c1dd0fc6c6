/**
 * The local server behind `guillotine viz`: the review page and its JSON endpoints, on
 * 127.0.0.1 only. Everything is computed by the library in this process; the page loads nothing
 * from anywhere else (its Content-Security-Policy forbids it).
 *
 * - `GET /` — the page, statechart drawn;
 * - `GET /api/model` — the statechart model (SVG, level rows, layout time);
 * - `GET /api/trace?path=…&cycle=…` — a replay (`TraceView`), or `{ok: false, message}` with 400;
 * - `GET /api/sections` — the ids and titles of the sections below the statechart (the first ask
 *   starts computing them, once);
 * - `GET /api/section?id=…` — one section, answered as soon as it is ready.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Policy } from '../spec/policy.ts';
import { reviewPage } from './page.ts';
import { statechartModel, traceViewOfPath, type StatechartModel } from './reviewModel.ts';
import type { SectionFeed } from './sectionFeed.ts';
import { isSectionId, SECTION_TITLES } from './section.ts';

export interface VizServerOptions {
  readonly policy: Policy;
  readonly policySource: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The hash the page opens at (a `--trace` file's path). */
  readonly initialHash?: string | null;
  /** Starts building the sections below the statechart; called once, the first time the page asks. */
  readonly sections: () => SectionFeed;
}

export interface VizServer {
  readonly url: string;
  readonly port: number;
  readonly model: StatechartModel;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, 'application/json', JSON.stringify(value));

/**
 * Lays out the statechart, then listens on 127.0.0.1. Resolves once listening; a port in use
 * rejects with the system's `EADDRINUSE` error (the CLI turns it into a message).
 */
export async function startVizServer(options: VizServerOptions): Promise<VizServer> {
  const model = await statechartModel(options.policy);
  const page = reviewPage({ mode: 'server', policySource: options.policySource, model, traces: {}, sections: [], initialHash: options.initialHash ?? null, generated: null });
  let feed: SectionFeed | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { ok: false, message: `${req.method} is not allowed; the viz server only answers GET` });
    switch (url.pathname) {
      case '/':
      case '/index.html':
        return send(res, 200, 'text/html', page);
      case '/api/model':
        return json(res, 200, model);
      case '/api/trace': {
        const path = url.searchParams.get('path');
        if (path === null) return json(res, 400, { ok: false, message: 'missing ?path=…, e.g. /api/trace?path=propose:a1:severed,approve:a2' });
        const view = traceViewOfPath(options.policy, path, url.searchParams.get('cycle') ?? '');
        return json(res, view.ok ? 200 : 400, view);
      }
      case '/api/sections':
        feed ??= options.sections();
        return json(res, 200, { sections: feed.ids.map((id) => ({ id, title: SECTION_TITLES[id] })) });
      case '/api/section': {
        const id = url.searchParams.get('id') ?? '';
        feed ??= options.sections();
        if (!isSectionId(id) || !feed.ids.includes(id)) return json(res, 404, { ok: false, message: `no section ${JSON.stringify(id)}; the sections are ${feed.ids.join(', ')}` });
        return json(res, 200, await feed.section(id));
      }
      default:
        return json(res, 404, { ok: false, message: `no such page ${url.pathname}; the page is at /` });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { ok: false, message: `internal error: ${(error as Error).message}` });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    model,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
