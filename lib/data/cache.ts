/**
 * On-disk cache of decoded images: uint8 grayscale size x size per image, keyed by content
 * hash, one binary file plus a JSON index per dataset and size:
 * `<cacheDir>/<dataset>-<hash of its path>/<size>/{pixels.bin,index.json,skipped.csv}`.
 *
 * Crash safety without rewriting the big file: `pixels.bin` only ever grows by whole records
 * (fsync'd before the index names them), and `index.json` is replaced atomically at each
 * checkpoint. Records past the last checkpoint (a crash's torn tail) are cut off on the next
 * build, so everything an index ever named stays valid and a rerun decodes only what is missing.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFile, stat, truncate, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { CxrError } from "../errors.ts";
import { cacheDir as defaultCacheDir } from "../paths.ts";
import { removeTempFiles, writeJsonAtomic } from "../util/atomic.ts";
import { writingTo } from "../util/disk_error.ts";
import { acquireLock } from "../util/lock.ts";
import { progress } from "../util/progress.ts";
import { mapPool } from "./_pool.ts";
import { decodeGray, type DecodeOptions, decoderId } from "./decode.ts";
import { scanDataset, writeSkipped } from "./manifest.ts";
import type { ManifestRow, SkippedFile } from "./types.ts";

/** Decoded images of one dataset at one size. */
export interface ImageCache {
  readonly size: number;
  /** Number of cached images. */
  readonly count: number;
  /** Images that could not be decoded: sha256 -> "path: reason". Not retried on rebuild. */
  readonly failed: ReadonlyMap<string, string>;
  has(sha256: string): boolean;
  /** size*size bytes, row-major grayscale (a view into the cache: do not modify); CxrError if absent. */
  pixels(sha256: string): Uint8Array;
}

/** Where the cache of a dataset lives. */
export interface CacheLocation {
  dataRoot: string;
  /** Image side in pixels. */
  size: number;
  /** Cache root. Default: {@linkcode defaultCacheDir} (`$CXR_CACHE_DIR`, else outputs/cache). */
  cacheDir?: string;
}

/** Options for {@linkcode prepareCache}. */
export interface PrepareOptions extends CacheLocation, DecodeOptions {
  /** Images to cache. Default: a scan of `dataRoot`. */
  rows?: readonly ManifestRow[];
  /** Inputs the caller's scan skipped, listed in `skipped.csv` with the undecodable ones. */
  skipped?: readonly SkippedFile[];
  /** Decodes in flight. Default: 4. */
  concurrency?: number;
  /**
   * Images between index checkpoints (a kill loses at most the images since the last one).
   * Default: 64.
   */
  checkpointEvery?: number;
  /** Seconds after which a checkpoint is due however few images it adds. Default: 5. */
  checkpointSeconds?: number;
  /** Show progress. Default: true. */
  progress?: boolean;
  /** Stops the build (after a checkpoint) and rejects with a CxrError. */
  signal?: AbortSignal;
  /** Called after each image is stored or recorded as undecodable. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Milliseconds to wait while another live process builds this cache (parallel sweep cells
   * need the same images) before giving up. Default: 2 hours.
   */
  lockWaitMs?: number;
}

interface CacheIndex {
  format: 1;
  decoder: string;
  size: number;
  dataRoot: string;
  /** Records in pixels.bin that the index vouches for. */
  count: number;
  /** sha256 -> record slot in pixels.bin. */
  slots: Record<string, number>;
  /** sha256 -> the file that could not be decoded, and why. */
  failed: Record<string, SkippedFile>;
}

/** The folder holding one dataset's cache at one size. */
export function cacheFolder(loc: CacheLocation): string {
  const root = resolve(loc.dataRoot);
  const tag = createHash("sha256").update(root).digest("hex").slice(0, 8);
  return join(loc.cacheDir ?? defaultCacheDir(), `${basename(root)}-${tag}`, String(loc.size));
}

async function readIndex(dir: string): Promise<CacheIndex | null> {
  const text = await readFile(join(dir, "index.json"), "utf8").catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as CacheIndex;
  } catch {
    return null; // unreadable index: rebuild (writes are atomic, so only a manual edit gets here)
  }
}

/**
 * Decodes and caches every image of `rows` (default: a scan of `dataRoot`) not cached yet, then
 * opens the cache. Undecodable files are recorded (index and `skipped.csv`), not fatal.
 *
 * @example
 * ```ts
 * import { scanDataset } from "./manifest.ts";
 * import { dataRoot } from "../paths.ts";
 * const { rows } = await scanDataset(dataRoot(), { progress: false });
 * const cache = await prepareCache({ dataRoot: dataRoot(), size: 64, rows: rows.slice(0, 4) });
 * console.log(cache.pixels(rows[0].sha256).length); // 64 * 64
 * ```
 */
export async function prepareCache(opts: PrepareOptions): Promise<ImageCache> {
  const dir = cacheFolder(opts);
  let scanSkipped = opts.skipped ?? [];
  let rows = opts.rows;
  if (!rows) {
    const scan = await scanDataset(opts.dataRoot, { progress: opts.progress });
    rows = scan.rows;
    scanSkipped = scan.skipped;
  }
  let index = await usableIndex(dir, opts);
  const unreadable: SkippedFile[] = [];
  let built = false;
  if (missing(rows, index).length > 0) {
    await Deno.mkdir(dir, { recursive: true });
    // One builder per cache: two processes never append to one pixels.bin at once. A second
    // one (parallel sweep cells) waits: the builder decodes what it needs too.
    const lock = await acquireLock(join(dir, "lock"), {
      what: `image cache ${dir}`,
      busy: "is being built by",
      waitMs: opts.lockWaitMs ?? 2 * 3600 * 1000,
    });
    try {
      await removeTempFiles(dir, { depth: 0 });
      index = await usableIndex(dir, opts); // another process may have built it meanwhile
      const todo = missing(rows, index);
      if (todo.length > 0) {
        unreadable.push(...await build(dir, index, todo, opts));
        built = true;
      }
    } finally {
      await lock.release();
    }
  }
  // Only a call that scanned, was told what its scan skipped, or decoded something has the full
  // picture; a call for a subset of rows must not overwrite the list with less.
  if (!opts.rows || opts.skipped || built) {
    await writeSkipped(join(dir, "skipped.csv"), [
      ...scanSkipped,
      ...Object.values(index.failed),
      ...unreadable,
    ]);
  }
  return openCache(opts);
}

/** The index on disk if it matches the decoder, size and pixel file; else a fresh one. */
async function usableIndex(dir: string, opts: PrepareOptions): Promise<CacheIndex> {
  const index = await readIndex(dir);
  const binSize = await stat(join(dir, "pixels.bin")).then((s) => s.size, () => 0);
  const ok = index?.format === 1 && index.decoder === decoderId(opts) &&
    index.size === opts.size && binSize >= index.count * opts.size * opts.size;
  if (ok) return index!;
  return {
    format: 1,
    decoder: decoderId(opts),
    size: opts.size,
    dataRoot: resolve(opts.dataRoot),
    count: 0,
    slots: {},
    failed: {},
  };
}

/** Rows whose image is neither cached nor known to be undecodable, one per hash. */
function missing(rows: readonly ManifestRow[], index: CacheIndex): ManifestRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const fresh = !(r.sha256 in index.slots) && !(r.sha256 in index.failed) && !seen.has(r.sha256);
    seen.add(r.sha256);
    return fresh;
  });
}

async function build(
  dir: string,
  index: CacheIndex,
  todo: readonly ManifestRow[],
  opts: PrepareOptions,
): Promise<SkippedFile[]> {
  const record = opts.size * opts.size;
  const binPath = join(dir, "pixels.bin");
  // Cut any torn tail past the last checkpoint (or everything, for a fresh index).
  if (index.count === 0) await writeFile(binPath, new Uint8Array(0));
  else await truncate(binPath, index.count * record);
  const file = await Deno.open(binPath, { write: true, append: true });
  const bar = opts.progress === false ? null : progress(`prepare ${opts.size}px`, todo.length);
  const every = opts.checkpointEvery ?? 64;
  const dueMs = 1000 * (opts.checkpointSeconds ?? 5);
  let last = performance.now();
  let pending: Record<string, number> = {};
  let pendingFailed: Record<string, SkippedFile> = {};
  const unreadable: SkippedFile[] = []; // not kept in the index: a later run retries them
  let written = index.count;
  let since = 0;
  let done = 0;
  // One serial queue for appends and checkpoints: records land whole, and a checkpoint never
  // runs beside an append.
  let queue = Promise.resolve();
  const enqueue = (step: () => Promise<void> | void) => (queue = queue.then(step));
  const checkpoint = async () => {
    await writingTo(binPath, () => file.sync()); // on disk before the index names them
    index.count = written;
    Object.assign(index.slots, pending);
    Object.assign(index.failed, pendingFailed);
    pending = {};
    pendingFailed = {};
    since = 0;
    last = performance.now();
    await writeJsonAtomic(join(dir, "index.json"), index);
  };

  try {
    await mapPool(todo, opts.concurrency ?? 4, async (row) => {
      if (opts.signal?.aborted) return;
      let pixels: Uint8Array | null = null;
      let reason = "";
      const bytes = await readFile(join(opts.dataRoot, row.path)).catch((err: Error) => {
        unreadable.push({ path: row.path, reason: `cannot read: ${err.message}` });
        return null;
      });
      if (bytes) {
        try {
          pixels = await decodeGray(bytes, opts.size, opts);
        } catch (err) {
          if (!(err instanceof CxrError)) throw err;
          reason = err.message;
        }
      }
      await enqueue(async () => {
        if (pixels) {
          await writingTo(binPath, async () => {
            for (let off = 0; off < pixels.length;) off += await file.write(pixels.subarray(off));
          });
          pending[row.sha256] = written++;
        } else if (bytes) pendingFailed[row.sha256] = { path: row.path, reason };
        bar?.tick();
        opts.onProgress?.(++done, todo.length);
        if (++since >= every || performance.now() - last >= dueMs) await checkpoint();
      });
    });
    await enqueue(checkpoint);
  } finally {
    file.close();
  }
  bar?.done();
  if (opts.signal?.aborted) {
    throw new CxrError(
      `image cache build interrupted after ${index.count} images; rerun to continue (nothing cached is lost)`,
    );
  }
  return unreadable;
}

/**
 * Opens the cache of a dataset at a size; throws a CxrError naming the command to build it
 * when it is missing.
 */
export async function openCache(loc: CacheLocation): Promise<ImageCache> {
  const dir = cacheFolder(loc);
  const index = await readIndex(dir);
  const hint = `run 'deno task cxr prepare --data ${loc.dataRoot} --size ${loc.size}'`;
  if (!index || index.size !== loc.size) {
    throw new CxrError(`no image cache for ${loc.dataRoot} at ${loc.size}px in ${dir}; ${hint}`);
  }
  const record = loc.size * loc.size;
  const file = await readFile(join(dir, "pixels.bin")).catch(() => new Uint8Array(0));
  const bin = new Uint8Array(file.buffer, file.byteOffset, file.length); // plain bytes, not a Buffer
  if (bin.length < index.count * record) {
    throw new CxrError(`image cache ${dir}/pixels.bin is shorter than its index; ${hint}`);
  }
  const slots = new Map(Object.entries(index.slots));
  const failed = new Map(
    Object.entries(index.failed).map(([sha, f]) => [sha, `${f.path}: ${f.reason}`]),
  );
  return {
    size: loc.size,
    count: slots.size,
    failed,
    has: (sha256) => slots.has(sha256),
    pixels(sha256) {
      const slot = slots.get(sha256);
      if (slot === undefined) {
        const why = failed.get(sha256);
        throw new CxrError(
          why
            ? `image ${why} (not in the cache)`
            : `image ${sha256} is not in the cache ${dir}; ${hint}`,
        );
      }
      return bin.subarray(slot * record, (slot + 1) * record);
    },
  };
}
