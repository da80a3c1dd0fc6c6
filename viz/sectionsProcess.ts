/**
 * Builds the review sections in a child Node process, so that the viz server stays responsive
 * (trace replays, the page itself) while the checker explores the state space, Z3 proves and the
 * simulator soaks: synchronous CPU work that would otherwise hold the event loop for seconds.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Policy } from '../spec/policy.ts';
import { SECTION_IDS } from './section.ts';
import type { SectionOptions } from './sections.ts';
import type { ChildMessage } from './sectionsChild.ts';
import { PendingSections, type SectionFeed } from './sectionFeed.ts';

/**
 * The sections `reviewSections(policy, options)` builds, computed in a child process run through
 * tsx and delivered one by one as the child finishes each. If the child dies, every section not yet
 * delivered becomes unavailable with the child's last words as the reason.
 */
export function sectionsInChildProcess(policy: Policy, options: SectionOptions = {}): SectionFeed {
  const feed = new PendingSections(SECTION_IDS.filter((id) => options.only === undefined || options.only.includes(id)));
  const child = fork(fileURLToPath(new URL('./sectionsChild.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('message', (m: ChildMessage) => {
    if (m.kind === 'section') feed.deliver(m.section);
  });
  child.on('error', (error) => feed.fail(`the sections process could not run: ${error.message}`));
  child.on('exit', (code) => {
    if (!feed.complete) feed.fail(`the sections process exited with code ${code}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`);
  });
  child.send({ policy, options });
  return feed;
}
