/**
 * `npm run bench [-- --json] [-- --only check,prove]`: every area's benchmark, each its own
 * script run in a fresh process (`bench/<area>.ts`), printed one after another, or as one JSON
 * object keyed by area. Speed and memory targets live here, not in timed tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const AREAS = ['check', 'prove', 'protocol-proofs', 'simulate', 'gen-tests', 'viz', 'validate'] as const;
const json = process.argv.includes('--json');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : [...AREAS];
const unknown = only.filter((a) => !(AREAS as readonly string[]).includes(a));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown area ${unknown.join(', ')}; allowed: ${AREAS.join(', ')}\n`);
  process.exit(2);
}

const results: Record<string, unknown> = {};
for (const area of AREAS.filter((a) => only.includes(a))) {
  const script = fileURLToPath(new URL(`./${area}.ts`, import.meta.url));
  if (!existsSync(script)) continue;
  process.stderr.write(`\n== bench ${area} ==\n`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, ...(json ? ['--json'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (json) results[area] = JSON.parse(out);
  else process.stdout.write(`\n== ${area} ==\n${out}`);
}
if (json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
