/**
 * Every file the workbench writes (`check --traces`, `report --out`, `export --out`, `gen-tests
 * --out`, `prove --emit-smt2`) goes through here, so that no output is lost or redirected:
 *
 * - each file is written whole to a temporary file in its own directory, flushed, and renamed over
 *   the destination. A rename within a directory is atomic: whoever reads the destination, or finds
 *   it after a Ctrl-C or a SIGKILL, sees the previous file or the new one, never an empty or half
 *   written one (writing in place left 0-byte files where good ones had been in 10 of 14 interrupts);
 * - an output *set* (a TLA+ module and its `.cfg`, a suite and its coverage report) is renamed into
 *   place only once every one of its files is written, so a failure to write one leaves all of them
 *   as they were;
 * - a destination that is a symbolic link is refused, never followed (`--out x.html` where `x.html`
 *   links elsewhere overwrote the link's target); so is a directory, a device, a pipe or a socket.
 *
 * Known limits: the renames of a set are one after the other, so a process killed between two of
 * them (microseconds) leaves a set of mixed generations, each file whole; a process killed while
 * writing leaves its temporary file (`.NAME.XXXXXXXX.tmp`) beside the destination.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, lstatSync, openSync, readlinkSync, renameSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileErrorWords } from './fileError.ts';
import { quoted } from './terminalText.ts';

export interface FileToWrite {
  readonly path: string;
  readonly text: string | Uint8Array;
}

/** The paths written, or the first file that could not be, with why in words. */
export type WriteOutcome = { readonly ok: true; readonly paths: readonly string[] } | { readonly ok: false; readonly path: string; readonly why: string };

/** The destination as it is now: absent, a regular file (whose mode the new one keeps), or a refusal. */
function destination(path: string): { kind: 'absent' } | { kind: 'file'; stat: Stats } | { kind: 'refused'; why: string } {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'refused', why: fileErrorWords(error) };
  }
  if (stat.isSymbolicLink()) {
    let target = '';
    try {
      target = ` to ${quoted(readlinkSync(path), 120)}`;
    } catch {
      // The link's target does not matter to the refusal.
    }
    return { kind: 'refused', why: `it is a symbolic link${target}, which is never followed; remove the link or write somewhere else` };
  }
  if (stat.isDirectory()) return { kind: 'refused', why: `${fileErrorWords({ code: 'EISDIR' })}; give a file name` };
  if (!stat.isFile()) return { kind: 'refused', why: 'it is not a regular file (a device, a named pipe or a socket); give a file name' };
  return { kind: 'file', stat };
}

/** A fresh name beside `path`: hidden, unguessable, and short enough for any file system. */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path).slice(0, 200)}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes `text` to a new file at `temp` (never an existing file, never through a link) and flushes it to the disk. */
function writeTemporary(temp: string, text: string | Uint8Array, mode: number | null): void {
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  try {
    if (mode !== null) fchmodSync(fd, mode);
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a directory's entries (the renames) to the disk; not every file system allows it, and none needs it for atomicity. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort: durability across a power cut, not correctness.
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or never made.
  }
}

/**
 * Writes a set of files so that each destination holds its previous content or the new one, whole,
 * and none is renamed until all are written. The directories must exist. Never throws for a file
 * system error: the outcome names the first destination that failed and why, in words (and then
 * no destination has changed, unless a rename itself failed midway through the set).
 */
export function writeFilesAtomically(files: readonly FileToWrite[]): WriteOutcome {
  const modes: (number | null)[] = [];
  for (const file of files) {
    const found = destination(file.path);
    if (found.kind === 'refused') return { ok: false, path: file.path, why: found.why };
    modes.push(found.kind === 'file' ? found.stat.mode & 0o7777 : null);
  }
  const temps: string[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const temp = temporaryName(file.path);
      try {
        writeTemporary(temp, file.text, modes[i]!);
      } catch (error) {
        removeQuietly(temp);
        return { ok: false, path: file.path, why: fileErrorWords(error) };
      }
      temps.push(temp);
    }
    for (const [i, file] of files.entries()) {
      // Looked at again just before: a link made meanwhile is refused too (and rename would replace it, not follow it).
      const found = destination(file.path);
      if (found.kind === 'refused') return { ok: false, path: file.path, why: found.why };
      try {
        renameSync(temps[i]!, file.path);
      } catch (error) {
        return { ok: false, path: file.path, why: fileErrorWords(error) };
      }
      temps[i] = '';
    }
  } finally {
    for (const temp of temps) if (temp !== '') removeQuietly(temp);
  }
  for (const dir of new Set(files.map((f) => dirname(f.path)))) syncDirectory(dir);
  return { ok: true, paths: files.map((f) => f.path) };
}

/**
 * A write that failed, for a library writer that cannot return an outcome (the SMT-LIB files `prove`
 * emits at the end of a proof run): the CLI turns it into bad input naming the file, exit 2.
 */
export class WriteFailed extends Error {
  override readonly name = 'WriteFailed';
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`cannot write ${quoted(path, 300)}: ${why}`);
  }
}

/** {@link writeFilesAtomically} for one file. */
export function writeFileAtomically(path: string, text: string | Uint8Array): WriteOutcome {
  return writeFilesAtomically([{ path, text }]);
}
