/**
 * Child-process entry of {@link sectionsInChildProcess}: receives a policy over IPC, builds the
 * review sections one after the other (the checker, Z3 and the simulator run here, off the
 * server's event loop) and sends each back as soon as it is ready.
 */
import type { Policy } from '../spec/policy.ts';
import { SECTION_IDS, type Section } from './section.ts';
import { buildSection, type SectionOptions } from './sections.ts';

/** What the child sends: each section as it is built, then `done`. */
export type ChildMessage = { readonly kind: 'section'; readonly section: Section } | { readonly kind: 'done' };

/** Resolves once the message has been handed to the pipe. */
const send = (message: ChildMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

process.once('message', async (message: { policy: Policy; options: SectionOptions }) => {
  for (const id of SECTION_IDS) {
    if (message.options.only !== undefined && !message.options.only.includes(id)) continue;
    // buildSection never rejects. Waiting for each send before the next (synchronous, CPU-bound)
    // section starts is what lets the page show a section while the next is still being built.
    await send({ kind: 'section', section: await buildSection(id, message.policy, message.options) });
  }
  await send({ kind: 'done' });
  process.disconnect();
});
