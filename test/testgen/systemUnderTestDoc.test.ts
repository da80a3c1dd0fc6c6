/**
 * docs/system-under-test.md promises that its minimal adapter drives an implementation served over
 * HTTP. This test takes that very code block out of the page, serves the simulator behind the HTTP
 * API the page describes, and runs a generated suite through the adapter the way a team would:
 * `guillotine gen-tests --run --target <their module>#createSut`.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaledPolicy, type Policy } from '../../spec/policy.ts';
import type { GuillotineEvent } from '../../spec/events.ts';
import { createSimulatorSut } from '../../simulator/sut.ts';
import { mutantSut, type SimulatorMutantName } from '../simulator/mutants.ts';
import { runCli } from '../cli/runCli.ts';

const DOC = fileURLToPath(new URL('../../docs/system-under-test.md', import.meta.url));

/** The page's TypeScript block that defines `createSut`. */
function docAdapterSource(): string {
  const blocks = [...readFileSync(DOC, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const adapter = blocks.find((b) => b.includes('export function createSut'));
  assert.ok(adapter, 'docs/system-under-test.md has a ts block exporting createSut');
  return adapter;
}

async function body(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text === '' ? undefined : JSON.parse(text);
}

/** The HTTP API of the page's example, in front of the simulator (or one of its broken variants). */
function serveSimulator(bug?: SimulatorMutantName): Promise<Server> {
  const sut = bug === undefined ? createSimulatorSut() : mutantSut(bug);
  const server = createServer((request, response) => {
    const reply = (status: number, value?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(value === undefined ? undefined : JSON.stringify(value));
    };
    void (async () => {
      try {
        const input = await body(request);
        if (request.method === 'POST' && request.url === '/reset') {
          sut.reset((input as { policy: Policy }).policy);
          reply(204);
        } else if (request.method === 'POST' && request.url === '/events') reply(200, sut.send(input as GuillotineEvent));
        else if (request.method === 'GET' && request.url === '/state') reply(200, sut.observe());
        else reply(404, { error: `no route ${request.method} ${request.url}` });
      } catch (error) {
        reply(500, { error: (error as Error).message });
      }
    })();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe("docs/system-under-test.md: the page's minimal HTTP adapter runs the generated suite", function () {
  let root: string;
  let adapter: string;
  let policy: string;
  const savedUrl = process.env.GUILLOTINE_URL;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sut-doc-'));
    adapter = join(root, 'my-sut.ts');
    writeFileSync(adapter, docAdapterSource());
    policy = join(root, 'two-admins.json');
    // Two admins and state coverage keep the HTTP round trips few (257 events, every reachable state):
    // this checks the adapter and the API, the transition suite itself is tested against the simulator directly.
    writeFileSync(policy, JSON.stringify(scaledPolicy(2)));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    if (savedUrl === undefined) delete process.env.GUILLOTINE_URL;
    else process.env.GUILLOTINE_URL = savedUrl;
  });

  async function runThroughHttp(bug?: SimulatorMutantName) {
    const server = await serveSimulator(bug);
    try {
      process.env.GUILLOTINE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return await runCli(['gen-tests', '--policy', policy, '--coverage', 'state', '--out', join(root, 'suite'), '--run', '--target', `${adapter}#createSut`]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('passes against the simulator served over HTTP', async function () {
    this.timeout(120_000);
    const result = await runThroughHttp();
    assert.equal(result.code, 0, `${result.out.slice(-2000)}\n${result.err.slice(-2000)}`);
    assert.match(result.out, /Ran against \S+my-sut\.ts#createSut: [\d,]+ tests, [\d,]+ steps, all passed/);
  });

  it('fails on the test of the state a broken simulator behind it gets wrong', async function () {
    this.timeout(120_000);
    const result = await runThroughHttp('severed-services-network');
    assert.equal(result.code, 1, result.err);
    assert.match(result.out, /✗ walk \d+ of \d+ \(\d+ steps?\): S\d+ reach severed[^\n]*\n[\s\S]*capabilities\.ports: expected local, observed all/);
  });
});
