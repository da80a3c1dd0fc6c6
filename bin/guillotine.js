#!/usr/bin/env node
// Entry point of the `guillotine` CLI. The workbench is written in TypeScript and run through tsx,
// so there is no build step between editing a spec and checking it.
import { register } from 'tsx/esm/api';

// A reader that goes away (`guillotine check | head -3`) closes the pipe: the next write fails with
// EPIPE, which Node raises as an unhandled 'error' event and a stack trace. Nobody reads what is
// left, so end quietly, as `git log | head` does: with the command's verdict when it already has
// one (the output is written last), else with 141, the status a shell reports for SIGPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 141);
  });
}

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
