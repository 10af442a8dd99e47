/**
 * The directory watches of one file discoverer (file.md 5): one node:fs watcher per directory part of a
 * pattern, (re-)added after every refresh. A watch whose directory vanished or was replaced (new inode)
 * is closed and added again, as fsnotify drops a watch when inotify reports the directory gone.
 */
import type { FSWatcher, watch as fsWatch } from "node:fs";
import { stat } from "node:fs/promises";
import type { Counter } from "prom-client";
import type { Logger } from "../../logging.js";
import { goErrno } from "./file-reader.js";

/** The directory Prometheus 3.x watches for a pattern: the part up to and including the last `/`, else `./`. */
export function watchedDirectory(pattern: string): string {
  const slash = pattern.lastIndexOf("/");
  return slash < 0 ? "./" : pattern.slice(0, slash + 1);
}

export interface DirectoryWatchesOptions {
  /** Called for every event that names a file; the discoverer marks itself dirty. */
  readonly onChange: () => void;
  readonly logger: Logger;
  readonly watcherErrors: Counter;
  readonly watch: typeof fsWatch;
}

/** errno codes meaning the kernel ran out of watch resources: Prometheus's "cannot create watcher" case. */
const RESOURCE_ERRORS: ReadonlySet<string> = new Set(["EMFILE", "ENFILE", "ENOSPC", "ENOMEM"]);

export class DirectoryWatches {
  readonly #watchers = new Map<string, { watcher: FSWatcher; ino: number | undefined }>();
  #isClosed = false;

  constructor(readonly options: DirectoryWatchesOptions) {}

  /** Makes sure every directory in `dirs` is watched; failures are logged and retried on the next call. */
  async ensure(dirs: readonly string[]): Promise<void> {
    for (const dir of new Set(dirs)) {
      const ino = await inodeOf(dir);
      if (this.#isClosed) return;
      const current = this.#watchers.get(dir);
      if (current !== undefined && current.ino === ino && ino !== undefined) continue;
      if (current !== undefined) this.#drop(dir);
      this.#add(dir, ino);
    }
  }

  close(): void {
    this.#isClosed = true;
    for (const dir of [...this.#watchers.keys()]) this.#drop(dir);
  }

  #add(dir: string, ino: number | undefined): void {
    const { logger, watcherErrors, onChange } = this.options;
    try {
      // Like fsnotify, an event without a file name is ignored; every other one (even a chmod, which
      // node:fs reports as "change" like a write) asks for a refresh.
      const watcher = this.options.watch(dir, { persistent: true }, (_event, filename) => {
        if (filename) onChange();
      });
      watcher.on("error", (error: Error) => {
        logger.error({ path: dir, err: error.message }, "Error watching file");
        watcherErrors.inc();
        this.#drop(dir); // added again after the next refresh
        onChange();
      });
      this.#watchers.set(dir, { watcher, ino });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code; // node:fs errors carry an errno code
      logger.error({ path: dir, err: goErrno(error) }, "Error adding file watch");
      if (code !== undefined && RESOURCE_ERRORS.has(code)) watcherErrors.inc();
    }
  }

  #drop(dir: string): void {
    const current = this.#watchers.get(dir);
    if (current === undefined) return;
    this.#watchers.delete(dir);
    current.watcher.close();
  }
}

async function inodeOf(dir: string): Promise<number | undefined> {
  try {
    return (await stat(dir)).ino;
  } catch {
    return undefined;
  }
}
