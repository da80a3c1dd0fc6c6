/** `guillotine viz` as a child process, the way a user starts it, for the tests that drive one. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/guillotine.js', import.meta.url));

/** How the process ended, and when (`performance.now()`). */
export interface VizExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

/** A `guillotine viz` process: its URL once it listens, its stderr so far, how it ends, and a clean stop. */
export interface VizProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
  readonly exited: Promise<VizExit>;
  /** SIGINT, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `guillotine viz ARGS --port 0` and resolves when it prints its URL (rejects if it exits first). */
export async function startVizProcess(args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv } = {}): Promise<VizProcess> {
  const child = spawn(process.execPath, [BIN, 'viz', ...args, '--port', '0'], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<VizExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  const stop = async () => {
    child.kill('SIGINT');
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then(({ code }) => reject(new Error(`viz exited with ${code} before serving: ${err}`)));
    });
    return { child, url, stderr: () => err, exited, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
