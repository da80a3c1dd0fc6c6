/**
 * Debian's Chromium for the visualizer's browser tests, driven by playwright-core (browser
 * downloads do not work here; `.ci/run` installs the `chromium` package). Without it the tests
 * skip with a message, except under CI, where a missing browser is a failure.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile, or skips (fails under CI) when it is not installed. */
export async function launchChromium(test: Mocha.Context, viewport = { width: 1600, height: 1000 }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const message = `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`;
    if (process.env.CI) throw new Error(`${message}; under CI the browser tests must run`);
    console.log(`      skipped: ${message}`);
    test.skip();
  }
  const profile = mkdtempSync(join(tmpdir(), 'guillotine-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where screenshots go (outside the repository); look at them, the picture must be legible. */
export const SHOTS = process.env.GUILLOTINE_SHOTS ?? join(tmpdir(), 'guillotine-viz-shots');
