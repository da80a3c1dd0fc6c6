// Lets @stryker-mutator/mocha-runner 10.0.0 load mocha 12.0.3. The runner does
// `require('<mocha>/lib/cli/run-helpers')` and `require('<mocha>/lib/cli/collect-files')` without an
// extension, and mocha 12 ships those files as `.cjs`, which Node's CommonJS resolver does not probe
// (it tries .js, .json and .node only). Registering `.cjs` as a CommonJS extension makes the probe
// find them; nothing else changes, because an explicit `.cjs` path already loads as CommonJS.
// Preloaded with --require in Stryker's test-runner workers (stryker.config.mjs, testRunnerNodeArgs)
// and by mutation/run.mjs in Stryker's main process.
'use strict';
const Module = require('node:module');

if (!('.cjs' in Module._extensions)) Module._extensions['.cjs'] = Module._extensions['.js'];
