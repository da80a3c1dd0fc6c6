/**
 * An event as the CLI's tables show it (`propose a1 → severed`), safe for a terminal: an admin id
 * from `--path` or a trace file is any string of up to 256 characters, and
 * `approve:\e]0;PWN\a` set the terminal's title before; now it shows as `approve \u001b]0;PWN\u0007`,
 * and a long id is cut to 40 characters so the table stays readable.
 */
import { describeEvent, type GuillotineEvent } from '../spec/events.ts';
import { terminalSafe } from '../spec/terminalText.ts';

export function eventLabel(event: GuillotineEvent): string {
  return terminalSafe(describeEvent(event), { longestRun: 40 });
}
