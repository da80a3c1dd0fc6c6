#!/usr/bin/env node
// Starts Stryker's own CLI (`stryker run ...`, same arguments) on the project's Node 20.
// Why: @stryker-mutator/core 10.0.0 refuses to start below Node 22 (a semver check on
// process.version when its CLI module loads), while this project targets Node >= 20.19 and its
// Stryker run works on Node 20 (measured: docs/mutation.md). No other Stryker module checks the
// version; this shows Node 22 to that one check only, for the duration of the import, then restores it.
// On Node >= 22, `npx stryker run stryker.config.mjs` is equivalent.
import { createRequire } from 'node:module';

// mocha 12 ships its CLI helpers as .cjs, which the mocha runner plugin requires without extension.
createRequire(import.meta.url)('./mocha12Compat.cjs');

const version = Object.getOwnPropertyDescriptor(process, 'version');
if (version === undefined) throw new Error('process.version is missing: cannot start Stryker');
const major = Number(/^v(\d+)/.exec(process.version)?.[1] ?? 0);
if (major < 22) Object.defineProperty(process, 'version', { ...version, value: 'v22.0.0' });
let StrykerCli;
try {
  ({ StrykerCli } = await import('@stryker-mutator/core'));
} finally {
  Object.defineProperty(process, 'version', version);
}
process.title = 'stryker';
new StrykerCli(process.argv).run();
