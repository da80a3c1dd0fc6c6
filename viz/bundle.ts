/**
 * Bundles the page's own model (`browserEntry.ts`: the explorer over the compiled engine, and the
 * sequence chart) into one script with esbuild, when `guillotine viz` starts or `guillotine report`
 * writes its file: the page then fires events with no server round trip, and the report works
 * from `file://`. The script is the library's own code, so the page can never disagree with the
 * checker about what an event does.
 *
 * zod is imported by the policy and event schemas (`decodePath` validates a path's fields with
 * it). Its package entry re-exports every locale and the JSON Schema tools, which would more than
 * double the bundle; the page gets the schemas module with the English messages the CLI prints
 * instead (a test checks the bundle decodes a bad path into the very message Node gives).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const require = createRequire(import.meta.url);

/** Resolves `zod` to its classic schemas plus the English error map, nothing else. */
const leanZod: Plugin = {
  name: 'lean-zod',
  setup(b) {
    const root = dirname(require.resolve('zod/package.json'));
    b.onResolve({ filter: /^zod$/ }, () => ({ path: 'zod-for-the-page', namespace: 'lean-zod' }));
    b.onLoad({ filter: /.*/, namespace: 'lean-zod' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents:
        `import { config } from ${JSON.stringify(join(root, 'v4/core/index.js'))};\n` +
        `import en from ${JSON.stringify(join(root, 'v4/locales/en.js'))};\n` +
        `config(en());\n` +
        `export * as z from ${JSON.stringify(join(root, 'v4/classic/schemas.js'))};\n`,
    }));
  },
};

let cached: Promise<string> | null = null;

/**
 * The page's script: an IIFE that defines `globalThis.GuillotineExplorer`. Built once per process
 * (about 0.2 s) and reused; deterministic for a given source tree.
 * @throws Error with esbuild's messages when the sources do not bundle (a Node import crept in).
 */
export function explorerBundle(): Promise<string> {
  cached ??= build({
    entryPoints: [fileURLToPath(new URL('./browserEntry.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'GuillotineExplorer',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    plugins: [leanZod],
  }).then((result) => {
    const text = result.outputFiles[0]?.text;
    if (text === undefined) throw new Error('explorerBundle: esbuild produced no output');
    // Inline in a <script> element: nothing in it may close the element.
    return text.replace(/<\/script/gi, '<\\/script');
  });
  cached.catch(() => (cached = null));
  return cached;
}
