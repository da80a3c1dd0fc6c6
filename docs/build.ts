/**
 * `npm run docs [-- --fast] [-- PAGE...]`: runs the command of every output block in README.md and
 * docs/*.md (see `outputBlocks.ts`) and rewrites the block with what the command prints now.
 * A block that differs only in durations and dates is left as it is, so a re-run changes only what
 * changed. `--fast` leaves the `output(slow)` blocks as they are; pages given by name limit the run to them.
 * A command that several blocks show runs once per `npm run docs`, and they all show that run: the
 * README's benchmark table and benchmarks.md's are the same measurement.
 * Prints one line per block to stderr, and which pages changed; exit 0, or 2 for a bad block.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadBlock, blockIsCurrent, findBlocks, renderBlock, REPOSITORY_ROOT, runCommand } from './outputBlocks.ts';
import { shutdownProver } from '../proofs/index.ts';

/** The pages whose blocks `npm run docs` keeps current. */
export function documentationPages(): string[] {
  const docs = join(REPOSITORY_ROOT, 'docs');
  return [join(REPOSITORY_ROOT, 'README.md'), ...readdirSync(docs).filter((f) => f.endsWith('.md')).sort().map((f) => join(docs, f))];
}

type Run = Awaited<ReturnType<typeof runCommand>>;

/** Rewrites every block of one page; returns how many blocks changed (timings aside). `runs` holds the commands already run. */
async function rebuildPage(path: string, fast: boolean, runs: Map<string, Run>, log: (line: string) => void): Promise<number> {
  const page = readFileSync(path, 'utf8');
  const name = relative(REPOSITORY_ROOT, path);
  let rebuilt = '';
  let from = 0;
  let changed = 0;
  for (const block of findBlocks(page)) {
    rebuilt += page.slice(from, block.start);
    from = block.end;
    if (block.slow && fast) {
      rebuilt += block.text;
      log(`${name}:${block.line}: ${block.command} (slow, left as it is)`);
      continue;
    }
    const started = performance.now();
    const run = runs.get(block.command) ?? (await runCommand(block.command));
    runs.set(block.command, run);
    const current = blockIsCurrent(block, run);
    if (!current) changed++;
    // A block that differs only in timings is left as it is: a re-run should not rewrite every page.
    rebuilt += current ? block.text : renderBlock(run, block.slow);
    log(`${name}:${block.line}: ${block.command} → exit ${run.code}, ${((performance.now() - started) / 1000).toFixed(1)} s${current ? '' : ', CHANGED'}`);
  }
  rebuilt += page.slice(from);
  if (rebuilt !== page) writeFileSync(path, rebuilt);
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const fast = args.includes('--fast');
  const named = args.filter((a) => a !== '--fast');
  const unknown = named.filter((a) => a.startsWith('-'));
  if (unknown.length > 0) {
    process.stderr.write(`docs: unknown option ${unknown.join(', ')}; allowed: --fast, and page paths\n`);
    process.exitCode = 2;
  } else {
    // Block commands name files relative to the repository root, as a reader runs them there.
    process.chdir(REPOSITORY_ROOT);
    const pages = named.length > 0 ? named.map((p) => join(REPOSITORY_ROOT, p)) : documentationPages();
    try {
      const runs = new Map<string, Run>();
      for (const page of pages) {
        const changed = await rebuildPage(page, fast, runs, (line) => process.stderr.write(line + '\n'));
        process.stdout.write(`${relative(REPOSITORY_ROOT, page)}: ${changed === 0 ? 'current' : `${changed} block(s) rewritten`}\n`);
      }
    } catch (error) {
      if (!(error instanceof BadBlock)) throw error;
      process.stderr.write(`docs: ${error.message}\n`);
      process.exitCode = 2;
    } finally {
      await shutdownProver();
    }
  }
}
