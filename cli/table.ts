/**
 * Terminal tables for the CLI's human output, through cli-table3 with colours off so the bytes
 * are the same on a terminal, in a pipe and in CI logs.
 */
import Table from 'cli-table3';
import { terminalSafe } from '../spec/terminalText.ts';

/**
 * Above this many rows cli-table3 slows down quadratically and, near 200,000, overflows the stack;
 * a long replay is printed as aligned columns instead, in linear time.
 */
const BOXED_ROWS_LIMIT = 500;

/**
 * Rows under a head, boxed (or as plain columns past {@link BOXED_ROWS_LIMIT} rows). Every cell is
 * made terminal-safe first: cli-table3 reads an escape sequence in a cell as a colour, measures the
 * cell without it and appends a reset, so an admin id holding `\x1b[31m` reached the terminal and
 * broke the column widths.
 */
export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map((cell) => terminalSafe(String(cell))));
  if (cells.length > BOXED_ROWS_LIMIT) return columns(head, cells);
  const t = new Table({ head: [...head], style: { head: [], border: [], compact: true }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const row of cells) t.push(row);
  return t.toString() + '\n';
}

/** The same rows as aligned plain columns (two spaces apart), for tables too long to box. */
function columns(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [head, ...rows].map((row) => row.map(String));
  const widths = head.map((_, i) => cells.reduce((w, row) => Math.max(w, (row[i] ?? '').length), 0));
  const lines = cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
  return lines.join('\n') + '\n';
}

/** 12,345 — thousands separated, locale-independent. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
