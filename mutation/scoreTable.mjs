#!/usr/bin/env node
// Reads Stryker JSON reports (the mutation-testing-elements schema) and prints the per-file score
// table of docs/mutation.md, then, with --survivors, every surviving or uncovered mutant with its
// place and replacement: the list a person goes through to write a test or to judge a mutant
// equivalent. Usage: node mutation/scoreTable.mjs reports/mutation/<area>.json ... [--survivors]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const showSurvivors = args.includes('--survivors');
const reports = args.filter((arg) => arg !== '--survivors');
if (reports.length === 0) {
  process.stderr.write('usage: node mutation/scoreTable.mjs REPORT.json ... [--survivors]\n');
  process.exit(2);
}

// Score as Stryker defines it: detected / (detected + undetected); compile errors, runtime errors
// and ignored (static, skipped) mutants are in neither.
const COLUMNS = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError', 'RuntimeError', 'Ignored', 'Pending'];

const rows = [];
const survivors = [];
for (const report of reports) {
  const { files } = JSON.parse(readFileSync(report, 'utf8'));
  for (const [path, file] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const counts = Object.fromEntries(COLUMNS.map((status) => [status, 0]));
    for (const mutant of file.mutants) {
      counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
      if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
        const { start } = mutant.location;
        const line = file.source.split('\n')[start.line - 1]?.trim() ?? '';
        survivors.push(`${path}:${start.line}:${start.column} ${mutant.status} ${mutant.mutatorName}` +
          ` → ${JSON.stringify(mutant.replacement ?? '')}\n    ${line.slice(0, 140)}`);
      }
    }
    rows.push({ path, counts });
  }
}

const score = ({ Killed, Timeout, Survived, NoCoverage }) => {
  const detected = Killed + Timeout;
  const valid = detected + Survived + NoCoverage;
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)}%`;
};
const total = Object.fromEntries(COLUMNS.map((status) => [status, rows.reduce((sum, row) => sum + row.counts[status], 0)]));
const header = ['file', 'score', 'killed', 'timeout', 'survived', 'no coverage', 'compile error', 'runtime error', 'static, not run', 'pending'];
const line = (cells) => `| ${cells.join(' | ')} |`;
console.log(line(header));
console.log(line(header.map(() => '---')));
for (const { path, counts } of rows) console.log(line([path, score(counts), ...COLUMNS.map((status) => counts[status])]));
console.log(line(['**all**', `**${score(total)}**`, ...COLUMNS.map((status) => total[status])]));
if (showSurvivors) console.log(`\n${survivors.join('\n')}`);
