/**
 * Worker-thread entry of {@link sectionsInWorker} (`sectionsThread.ts`): builds the review
 * sections one after the other (the checker, Z3 and the simulator run here, off the server's
 * event loop) and posts each back as soon as it is ready. Started through `viz/tsWorker.js`,
 * which registers tsx first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Policy } from '../spec/policy.ts';
import type { Section, SectionId } from './section.ts';
import { buildSection, type SectionOptions } from './sections.ts';

/** What the worker posts: that a section started, each section as it is built, then `done`. */
export type WorkerMessage = { readonly kind: 'started'; readonly id: SectionId } | { readonly kind: 'section'; readonly section: Section } | { readonly kind: 'done' };

const { policy, ids, options } = workerData as { policy: Policy; ids: readonly SectionId[]; options: SectionOptions };
const post = (message: WorkerMessage) => parentPort!.postMessage(message);
for (const id of ids) {
  post({ kind: 'started', id });
  post({ kind: 'section', section: await buildSection(id, policy, options) });
}
post({ kind: 'done' });
