/**
 * Watching a file for saves, for `guillotine viz --watch`: the directory is watched (editors often
 * save by writing a new file and renaming it over the old one, which a watch on the file itself
 * loses), events for other names are ignored, and a burst of events from one save is one call.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/**
 * Calls `onSave` once per save of `file` (events closer than `settleMs` are one save). Returns a
 * function that stops watching. Known limit: on file systems without change notification (some
 * network mounts), no event ever comes.
 */
export function watchFile(file: string, onSave: () => void, settleMs = 120): () => void {
  const path = resolve(file);
  const name = basename(path);
  let timer: NodeJS.Timeout | null = null;
  const watcher: FSWatcher = watch(dirname(path), { persistent: true }, (_event, changed) => {
    if (changed !== null && changed.toString() !== name) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onSave();
    }, settleMs);
  });
  return () => {
    if (timer !== null) clearTimeout(timer);
    watcher.close();
  };
}
