#!/usr/bin/env node
// Entry point of the `guillotine` CLI. The workbench is written in TypeScript and run through tsx,
// so there is no build step between editing a spec and checking it.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
