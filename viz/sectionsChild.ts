/**
 * Child-process entry of {@link sectionsInChildProcess}: receives a policy over IPC, builds the
 * review sections one after the other (the checker, Z3 and the simulator run here, off the
 * server's event loop) and sends each back as soon as it is ready.
 */
import type { Policy } from '../spec/policy.ts';
import type { Section } from './section.ts';
import { reviewSections, type SectionOptions } from './sections.ts';

/** What the child sends: each section as it is built, then `done`. */
export type ChildMessage = { readonly kind: 'section'; readonly section: Section } | { readonly kind: 'done' } | { readonly kind: 'error'; readonly message: string };

const send = (message: ChildMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

process.once('message', (message: { policy: Policy; options: SectionOptions }) => {
  let sent = Promise.resolve();
  reviewSections(message.policy, message.options, (section) => {
    sent = sent.then(() => send({ kind: 'section', section }));
  }).then(
    () => sent.then(() => send({ kind: 'done' })),
    (error: unknown) => sent.then(() => send({ kind: 'error', message: (error as Error).message })),
  ).finally(() => process.disconnect());
});
