/**
 * A value quoted as one word for a POSIX shell, for the commands the CLI prints to copy and run
 * (`replay: guillotine replay --policy '…' --path '…'`). A file name may hold a quote, a space or a
 * control character: `'it'\''s.json'` keeps the quote, and a control character, which must never
 * reach the terminal raw, is written in bash's `$'…'` quoting (`$'a\x1b'`), which the shell turns
 * back into the same byte, so the printed command still names the file.
 */

import { terminalActivePattern } from '../spec/terminalText.ts';

/** `'text'`, or `$'…'` with escapes when the text holds characters a terminal must not see raw. */
export function shellWord(text: string): string {
  // The same characters terminalSafe escapes (controls, bidirectional marks, separators, lone surrogates).
  const active = terminalActivePattern();
  if (!active.test(text)) return `'${text.replace(/'/g, `'\\''`)}'`;
  const escaped = text.replace(/[\\']/g, (c) => `\\${c}`).replace(active, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return `$'${escaped}'`;
}

/** `text` bare when the shell would read it as is (letters, digits and `_ . / : @ % + = , -`), else {@link shellWord}. */
export function shellArgument(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : shellWord(text);
}
