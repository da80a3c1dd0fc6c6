import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { getSystemErrorMap } from 'node:util';

/**
 * A file-system error said in words, for messages that name a user's file: "no such file", not
 * "ENOENT". One wording for the policy and trace loaders and every CLI option that writes.
 */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file of that name is in the way',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open on the system',
  // The two the hardening probe met bare: a failing disk, and a file system that refuses the operation.
  EIO: 'an input/output error (the disk, the device or the network file system failed)',
  EINVAL: 'the file system refused the operation as invalid (a file name or a kind of file it does not support)',
  EBUSY: 'the file or device is busy',
  ETXTBSY: 'the file is a program that is running',
  EXDEV: 'the file is on another file system',
  EFBIG: 'the file would be too large for the file system',
  EDQUOT: 'the disk quota is exhausted',
  ENXIO: 'no such device or address (a named pipe with no reader, or a device that is gone)',
  ENODEV: 'no such device',
  ENOTEMPTY: 'the directory is not empty',
  EAGAIN: 'the file is not ready (a pipe or a device with nothing to read); try again',
  EOPNOTSUPP: 'the file system does not support the operation',
  ENOTSUP: 'the file system does not support the operation',
  ESTALE: 'a stale network file handle; mount the file system again',
  // Node refuses a path with a NUL character before the file system sees it.
  ERR_INVALID_ARG_VALUE: 'a file name cannot contain a NUL character',
  ERR_INVALID_ARG_TYPE: 'not a file name',
};

/** What libuv calls each error code (`EHOSTDOWN` → "host is down"), for the codes not worded above. */
let systemWords: ReadonlyMap<string, string> | undefined;

/**
 * A file-system error in words: ours for the common codes, the system's for any other code it
 * knows (never a bare `EIO`), else the code and the error's message.
 */
export function fileErrorWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // Own keys only: `code` comes from the error, and "toString" must not find Object.prototype's.
  if (code !== undefined && Object.hasOwn(WORDS, code)) return WORDS[code]!;
  if (typeof code === 'string') {
    systemWords ??= new Map([...getSystemErrorMap().values()].map(([name, words]) => [name, words]));
    const words = systemWords.get(code);
    if (words !== undefined) return `${words} (${code})`;
    return code;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * `mkdir -p` that always returns. Node's `mkdirSync(path, { recursive: true })` spins forever when a
 * parent exists but cannot hold the child and says ENOENT for it (any path under /proc, measured on
 * Node 20: `guillotine gen-tests --out /proc/x` hung; nodejs/node's recursive mkdir reads ENOENT as
 * "create the parent first"). Here each missing directory is made once, from the top down, so such
 * a path fails with the file system's own error, which callers turn into words. Returns the
 * directories it made, outermost first, so a command that fails later can remove them again.
 */
export function makeDirectory(path: string): readonly string[] {
  const missing: string[] = [];
  for (let at = resolve(path); !existsSync(at); at = dirname(at)) {
    missing.push(at);
    // Stryker disable next-line ConditionalExpression: on Linux '/' always exists, so the walk up stops there first; this guards a missing root such as an absent Windows drive
    if (dirname(at) === at) break;
  }
  // An existing file where the directory should be: the error a plain mkdir gives for it (EEXIST).
  if (missing.length === 0 && !statSync(path).isDirectory()) mkdirSync(path);
  const made: string[] = [];
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
      made.push(dir);
    } catch (error) {
      // Made meanwhile by someone else: fine if it is a directory.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
    }
  }
  return made;
}
