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
  if (code !== undefined && WORDS[code] !== undefined) return WORDS[code]!;
  return code ?? (error instanceof Error ? error.message : String(error));
}
