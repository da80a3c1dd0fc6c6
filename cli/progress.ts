/**
 * Progress on stderr for anything slower than a second, in Stateright's words:
 * `Checking. states=…, transitions=…, depth=…`. On a terminal the line is redrawn in place;
 * elsewhere (CI logs) one line is written per report.
 */
import type { Output } from './command.ts';
import { count } from './table.ts';

export function checkingProgress(io: Output, label = 'Checking') {
  let drew = false;
  return {
    report(p: { states: number; transitions: number; depth: number; seconds: number }) {
      const line = `${label}. states=${count(p.states)}, transitions=${count(p.transitions)}, depth=${p.depth}, ${p.seconds.toFixed(1)}s`;
      if (io.interactive) {
        io.err(`\r${line}\x1b[K`);
        drew = true;
      } else io.err(line + '\n');
    },
    done() {
      if (drew) io.err('\r\x1b[K');
      drew = false;
    },
  };
}
