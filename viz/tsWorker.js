// Starts a worker thread on a TypeScript module: worker threads do not inherit tsx's loader
// hooks from the main thread, so each registers them before importing its module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
