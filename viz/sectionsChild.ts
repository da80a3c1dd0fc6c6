/**
 * Child-process entry of {@link sectionsInChildProcess}: receives a policy over IPC, builds the
 * review sections (the checker runs here, off the server's event loop) and sends them back.
 */
import type { Policy } from '../spec/policy.ts';
import { reviewSections, type SectionOptions } from './sections.ts';

process.once('message', (message: { policy: Policy; options: SectionOptions }) => {
  reviewSections(message.policy, message.options).then(
    (sections) => process.send!({ ok: true, sections }, () => process.disconnect()),
    (error: unknown) => process.send!({ ok: false, message: (error as Error).message }, () => process.disconnect()),
  );
});
