/**
 * Reading a file a user named (a policy, a trace, a policy named by a trace), bounded by the bytes
 * actually read. A size from `stat` is no bound: procfs and sysfs report 0 for files that stream
 * without end (`guillotine check --policy /proc/self/pagemap` read 7 GB in 190 s before this), and a
 * device or a pipe has no size at all. So only a regular file outside the kernel's pseudo file
 * systems is read, and never more than {@link MAX_FILE_BYTES} of it, whatever stat said.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statfsSync } from 'node:fs';
import { fileErrorWords } from './fileError.ts';

/** The largest policy or trace file read (a trace of 10^5 events is a few megabytes). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * File systems whose files are made up by the kernel as they are read (statfs `f_type`): their sizes
 * mean nothing and some never end. None holds a user's JSON file.
 */
const PSEUDO_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs (/proc)'],
  [0x62656572, 'sysfs (/sys)'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0xcafe4a11, 'bpf'],
  [0x73636673, 'securityfs'],
  [0x6165676c, 'pstore'],
  [0x1cd1, 'devpts'],
  [0xde5e81e4, 'efivarfs'],
  [0x42494e4d, 'binfmt_misc'],
  [0xf97cff8c, 'selinuxfs'],
]);

export type UserFile = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly why: string };

const CHUNK = 1 << 16;

/**
 * Reads a file a user named, as UTF-8 text, or says in words why it cannot. Opened without blocking
 * (a named pipe with no writer would block the open) and checked on the open descriptor, so the file
 * checked is the file read. Refused: a directory, a device, a pipe or a socket, a file of a kernel
 * pseudo file system, and more than {@link MAX_FILE_BYTES} bytes, counted as they are read.
 * Always closes what it opened.
 */
export function readUserFile(path: string, maxBytes = MAX_FILE_BYTES): UserFile {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, why: fileErrorWords(error) };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, why: fileErrorWords({ code: 'EISDIR' }) };
    if (!stat.isFile()) return { ok: false, why: `it is not a regular file (${stat.isFIFO() ? 'a named pipe' : stat.isSocket() ? 'a socket' : 'a device'}); give a JSON file` };
    const pseudo = pseudoFileSystem(path);
    if (pseudo !== null) return { ok: false, why: `it is a file the kernel makes up as it is read (${pseudo}), not a JSON file; give a JSON file` };
    // A size stat states honestly is refused at once; the count of bytes read is the real bound.
    if (stat.size > maxBytes) return { ok: false, why: `it holds ${stat.size} bytes; at most ${maxBytes} are read` };
    return readBounded(fd, maxBytes);
  } catch (error) {
    return { ok: false, why: fileErrorWords(error) };
  } finally {
    closeSync(fd);
  }
}

/**
 * At most `maxBytes` from an open descriptor, in chunks, as UTF-8 text; reading one byte more means
 * the file is too large, however large stat said it was. Reads at most `maxBytes + 1` bytes.
 */
export function readBounded(fd: number, maxBytes: number): UserFile {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) break;
    chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
    total += read;
    if (total > maxBytes) return { ok: false, why: `it holds more than ${maxBytes} bytes (counted as read); at most ${maxBytes} are read` };
  }
  return { ok: true, text: Buffer.concat(chunks, total).toString('utf8') };
}

/** The name of the kernel pseudo file system holding `path`, or null (also when statfs is unavailable). */
function pseudoFileSystem(path: string): string | null {
  try {
    return PSEUDO_FILE_SYSTEMS.get(Number(statfsSync(path).type)) ?? null;
  } catch {
    return null;
  }
}
