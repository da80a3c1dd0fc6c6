import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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
  // Node refuses a path with a NUL character before the file system sees it.
  ERR_INVALID_ARG_VALUE: 'a file name cannot contain a NUL character',
  ERR_INVALID_ARG_TYPE: 'not a file name',
};

export function fileErrorWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // Own keys only: `code` comes from the error, and "toString" must not find Object.prototype's.
  if (code !== undefined && Object.hasOwn(WORDS, code)) return WORDS[code]!;
  return code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * `mkdir -p` that always returns. Node's `mkdirSync(path, { recursive: true })` spins forever when a
 * parent exists but cannot hold the child and says ENOENT for it (any path under /proc, measured on
 * Node 20: `guillotine gen-tests --out /proc/x` hung; nodejs/node's recursive mkdir reads ENOENT as
 * "create the parent first"). Here each missing directory is made once, from the top down, so such
 * a path fails with the file system's own error, which callers turn into words.
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let at = resolve(path); !existsSync(at); at = dirname(at)) {
    missing.push(at);
    // Stryker disable next-line ConditionalExpression: on Linux '/' always exists, so the walk up stops there first; this guards a missing root such as an absent Windows drive
    if (dirname(at) === at) break;
  }
  // An existing file where the directory should be: the error a plain mkdir gives for it (EEXIST).
  if (missing.length === 0 && !statSync(path).isDirectory()) mkdirSync(path);
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Made meanwhile by someone else: fine if it is a directory.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
    }
  }
}
