/**
 * The child process of `interruptedWrites.test.ts`: writes generation after generation of an output
 * set of two files (`a.json`, `b.json`) until it is killed. Each file holds its generation at both
 * ends and a few megabytes between, so a reader can tell a whole file from a cut one.
 *
 *   node --import tsx test/fuzz/writeUntilKilled.ts DIR atomic|in-place
 *
 * `in-place` writes as the workbench did before (truncate, then write), the control that shows the
 * test can see a cut file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFilesAtomically } from '../../spec/atomicWrite.ts';

/** Made once: the writer's time goes into writing, where a kill must find it, not into building text. */
const PAD = 'x'.repeat(4 * 1024 * 1024);

/** The bytes of generation `g` of one file of the set: parseable JSON, self-checking, about 4 MB. */
export function generationText(g: number): string {
  return `{"generation":${g},"pad":"${PAD.slice(g % 7)}","end":${g}}\n`;
}

/** Whether `text` is exactly some generation's file, whole: the generation it is, or null. */
export function wholeGeneration(text: string): number | null {
  try {
    const parsed = JSON.parse(text) as { generation: number; pad: string; end: number };
    return parsed.generation === parsed.end && text === generationText(parsed.generation) ? parsed.generation : null;
  } catch {
    return null;
  }
}

if (process.argv[1]?.endsWith('writeUntilKilled.ts')) {
  const [dir, how] = process.argv.slice(2);
  if (dir === undefined || (how !== 'atomic' && how !== 'in-place')) throw new Error('usage: writeUntilKilled.ts DIR atomic|in-place');
  const files = [join(dir, 'a.json'), join(dir, 'b.json')];
  process.stdout.write('ready\n');
  for (let g = 1; ; g++) {
    const text = generationText(g);
    if (how === 'atomic') {
      const r = writeFilesAtomically(files.map((path) => ({ path, text })));
      if (!r.ok) throw new Error(`${r.path}: ${r.why}`);
    } else for (const path of files) writeFileSync(path, text);
  }
}
