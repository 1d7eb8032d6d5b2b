/**
 * Crash-safe file and folder writes: write to a temporary file (or folder) beside the target,
 * flush it to disk, then rename.
 *
 * A rename within one directory is atomic on POSIX file systems, so readers see either the old
 * file or the complete new one, never a torn write. The file is fsync'd before the rename and
 * its folder after it, so a power cut cannot leave an empty or short file under the good name.
 * Temporary names end in `.tmp-<pid>` or `.tmp-<pid>-<n>`; {@linkcode removeTempFiles} clears
 * what a killed writer left.
 *
 * @module
 */
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { exists } from "./fs.ts";
import { noteTarget, writingTo } from "./disk_error.ts";
import { processAlive } from "./pid.ts";

let counter = 0;

/** Writes `data` to `path` atomically and durably, creating parent folders. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
): Promise<void> {
  await writingTo(path, () => mkdir(dirname(path), { recursive: true }));
  const tmp = `${path}.tmp-${Deno.pid}-${counter++}`;
  try {
    const file = await open(tmp, "w");
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw noteTarget(err, path);
  }
  await syncDir(dirname(path));
}

/** Flushes a folder's entries (a rename into it) to disk; a no-op where folders cannot be opened. */
export async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
  } catch {
    return; // Windows cannot open folders; its renames are durable without this
  }
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the rename itself is still atomic.
  } finally {
    await handle.close();
  }
}

/** Writes `value` as pretty JSON (with a final newline) to `path` atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/** Options of {@linkcode removeTempFiles}. */
export interface RemoveTempOptions {
  /** Folder levels below `dir` to search too. Default 2 (a run folder's checkpoints). */
  depth?: number;
  /** Where the one-line notice goes when something was removed. Default: console.error. */
  warn?: (line: string) => void;
}

const TEMP_NAME = /\.tmp-(\d+)(-\d+)?$/;

/**
 * Removes temporary files and folders (`<name>.tmp-<pid>[-<n>]`) that writers no longer running
 * left in `dir` (a kill between writing and renaming). Call it holding the folder's lock. Lock
 * attempts (`*.lock.tmp-*`) and temp files of live processes are kept. Returns what it removed.
 */
export async function removeTempFiles(
  dir: string,
  options: RemoveTempOptions = {},
): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (folder: string, depth: number) => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const path = join(folder, e.name);
      const m = TEMP_NAME.exec(e.name);
      if (m && !e.name.includes(".lock.tmp-") && !processAlive(Number(m[1]))) {
        await rm(path, { recursive: true, force: true });
        removed.push(path);
      } else if (!m && e.isDirectory() && depth > 0) await walk(path, depth - 1);
    }
  };
  await walk(dir, options.depth ?? 2);
  if (removed.length > 0) {
    (options.warn ?? ((l: string) => console.error(l)))(
      `removed ${removed.length} temporary file(s) an interrupted run left: ${removed.join(", ")}`,
    );
  }
  return removed;
}

/** Options of {@linkcode replaceDir}. */
export interface ReplaceDirOptions {
  /**
   * Keep the replaced folder as `<dir>.prev` (a previous good checkpoint to fall back to).
   * Default false: it is deleted.
   */
  keepPrevious?: boolean;
}

/**
 * Replaces folder `dir` by what `write(tmp)` puts into a fresh temporary folder beside it.
 * Between the two renames a crash leaves `<dir>.old` (or `<dir>.prev`), which
 * {@linkcode resolveDir} falls back to. A failed write removes its temporary folder.
 */
export async function replaceDir(
  dir: string,
  write: (tmp: string) => Promise<void>,
  options: ReplaceDirOptions = {},
): Promise<void> {
  const tmp = `${dir}.tmp-${Deno.pid}`;
  const old = options.keepPrevious ? `${dir}.prev` : `${dir}.old`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // Name the file as it was to be: <dir>/weights.bin, not the temporary folder's.
    const e = err as { target?: string };
    if (e.target?.startsWith(tmp)) e.target = dir + e.target.slice(tmp.length);
    throw noteTarget(err, dir);
  }
  await rm(old, { recursive: true, force: true });
  if (await exists(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await syncDir(dirname(dir));
  if (!options.keepPrevious) await rm(old, { recursive: true, force: true });
}

/**
 * `dir` if it exists, else `<dir>.old` or `<dir>.prev` if a crash left one mid-replace, else
 * null.
 */
export async function resolveDir(dir: string): Promise<string | null> {
  for (const d of [dir, `${dir}.old`, `${dir}.prev`]) if (await exists(d)) return d;
  return null;
}
