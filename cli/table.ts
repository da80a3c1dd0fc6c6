/**
 * Terminal tables for the CLI's human output, through cli-table3 with colours off so the bytes
 * are the same on a terminal, in a pipe and in CI logs.
 */
import Table from 'cli-table3';

export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const t = new Table({ head: [...head], style: { head: [], border: [], compact: true }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const row of rows) t.push(row.map(String));
  return t.toString() + '\n';
}

/** 12,345 — thousands separated, locale-independent. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
