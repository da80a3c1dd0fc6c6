/**
 * Progress on stderr for anything slower than a second, in Stateright's words:
 * `Checking. states=…, transitions=…, depth=…`. On a terminal the line is redrawn in place;
 * elsewhere (CI logs) one line is written per report.
 */
import type { Output } from './command.ts';
import { count } from './table.ts';

/** One progress line on stderr: redrawn in place on a terminal, one line per update elsewhere. */
export function progressLine(io: Output) {
  let drew = false;
  return {
    show(line: string) {
      if (io.interactive) {
        io.err(`\r${line}\x1b[K`);
        drew = true;
      } else io.err(line + '\n');
    },
    /** Erases a line drawn in place, so the results start on a clean line. */
    done() {
      if (drew) io.err('\r\x1b[K');
      drew = false;
    },
  };
}

export function checkingProgress(io: Output, label = 'Checking') {
  const line = progressLine(io);
  return {
    report(p: { states: number; transitions: number; depth: number; seconds: number }) {
      line.show(`${label}. states=${count(p.states)}, transitions=${count(p.transitions)}, depth=${p.depth}, ${p.seconds.toFixed(1)}s`);
    },
    /** What the work is now, when it is no longer the search. */
    phase(what: string) {
      line.show(`${label}. ${what}…`);
    },
    done: line.done,
  };
}
