/**
 * Builds the review sections on a worker thread, so that the viz server stays responsive (the
 * page, its model, the watch loop) and Ctrl-C is answered at once while the checker explores, Z3
 * proves and the simulator soaks: synchronous CPU work that would otherwise hold the event loop
 * for seconds. A thread, not a child process: it dies with the process, whatever kills it, so the
 * sections can never outlive `guillotine viz` (a child process orphaned on SIGKILL could).
 */
import { Worker } from 'node:worker_threads';
import type { Policy } from '../spec/policy.ts';
import type { SectionId } from './section.ts';
import { selectedSections, type SectionOptions } from './sections.ts';
import type { WorkerMessage } from './sectionsWorker.ts';
import { PendingSections, type SectionFeed } from './sectionFeed.ts';

/** A feed of sections being built on a thread, which can be stopped. */
export interface RunningSections extends SectionFeed {
  /** Stops the thread at once (mid-section too); sections not yet built become unavailable with `reason`. */
  stop(reason?: string): Promise<void>;
}

/** Hooks for progress lines: a section started, a section arrived. */
export interface SectionEvents {
  readonly onStart?: (id: SectionId) => void;
}

/**
 * The sections `reviewSections(policy, options)` builds, computed on a worker thread and delivered
 * one by one as the thread finishes each. If the thread fails, every section not yet delivered
 * becomes unavailable with its error as the reason.
 */
export function sectionsInWorker(policy: Policy, options: SectionOptions = {}, events: SectionEvents = {}): RunningSections {
  const ids = selectedSections(options);
  const feed = new PendingSections(ids);
  const worker = new Worker(new URL('./tsWorker.js', import.meta.url), {
    workerData: { module: new URL('./sectionsWorker.ts', import.meta.url).href, policy, ids, options },
    stderr: true,
  });
  let stderr = '';
  worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  worker.on('message', (m: WorkerMessage) => {
    if (m.kind === 'started') events.onStart?.(m.id);
    else if (m.kind === 'section') feed.deliver(m.section);
  });
  worker.on('error', (error) => feed.fail(`the sections thread failed: ${error.message}`));
  worker.on('exit', (code) => {
    if (!feed.complete) feed.fail(`the sections thread exited with code ${code}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`);
  });
  return {
    ids: feed.ids,
    section: (id) => feed.section(id),
    async stop(reason = 'stopped before it was built') {
      feed.fail(reason);
      await worker.terminate();
    },
  };
}
