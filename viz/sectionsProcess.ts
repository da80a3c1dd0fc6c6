/**
 * Builds the review sections in a child Node process, so that the viz server stays responsive
 * (trace replays, the page itself) while the checker explores the state space, which is
 * synchronous CPU work that would otherwise hold the event loop for seconds.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Policy } from '../spec/policy.ts';
import type { Section } from './section.ts';
import type { SectionOptions } from './sections.ts';

/**
 * Same result as `reviewSections(policy, options)`, computed in a child process run through tsx.
 * Rejects if the child dies or reports an error; the caller shows that as a failed section.
 */
export function sectionsInChildProcess(policy: Policy, options: SectionOptions = {}): Promise<readonly Section[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./sectionsChild.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    let settled = false;
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('message', (m: { ok: true; sections: Section[] } | { ok: false; message: string }) => {
      settled = true;
      if (m.ok) resolve(m.sections);
      else reject(new Error(m.message));
    });
    child.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`the sections process exited with code ${code}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`));
      settled = true;
    });
    child.send({ policy, options });
  });
}
