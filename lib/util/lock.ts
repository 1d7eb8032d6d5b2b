/**
 * Exclusive lock files: one writer per folder (a run folder, a sweep cell, an image cache).
 *
 * The lock file holds the holder's pid, host and start time as JSON. It is created complete and
 * exclusively (written beside, then hard-linked into place, which fails if the name exists), so a
 * reader never sees a half-written lock. A lock whose process is gone (checked with signal 0 on
 * the same host: portable, no `/proc`) is stale and taken over with a message; a lock held on
 * another host cannot be checked and is respected.
 *
 * @module
 */
import { hostname } from "node:os";
import { link, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CxrError } from "../errors.ts";
import { removeTempFiles } from "./atomic.ts";
import { writingTo } from "./disk_error.ts";
import { processAlive } from "./pid.ts";

/** What a lock file records. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  started: string;
}

/** Options of {@linkcode acquireLock}. */
export interface LockOptions {
  /** What the lock protects, for messages ("run folder /x"). Default: the lock's folder. */
  what?: string;
  /** What the holder is doing, for messages. Default: "is in use by". */
  busy?: string;
  /** Where the stale-lock and waiting notices go. Default: console.error. */
  warn?: (line: string) => void;
  /**
   * How long to wait for a live holder to release the lock, polling, before throwing; for locks
   * whose holder does work the waiter needs too (another process building the same image
   * cache). Default 0: throw at once.
   */
  waitMs?: number;
}

/** A held lock; {@linkcode Lock.release} removes it (only if it is still this holder's). */
export interface Lock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): Promise<void>;
}

/** How often a waiting {@linkcode acquireLock} looks at the lock again. */
const LOCK_POLL_MS = 250;

/** Lock files this process holds: a lock naming this pid that is not here is a dead namesake's. */
const held = new Set<string>();

/** The holder recorded in a lock file's text; a bare pid (older cache locks) means this host. */
export function parseHolder(text: string): LockHolder | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { pid: Number(t), host: hostname(), started: "unknown" };
  try {
    const h = JSON.parse(t);
    if (Number.isInteger(h?.pid) && typeof h.host === "string") {
      return { pid: h.pid, host: h.host, started: String(h.started ?? "unknown") };
    }
  } catch { /* unreadable: treated as stale */ }
  return null;
}

function describe(h: LockHolder): string {
  return `process ${h.pid} on ${h.host} (since ${h.started})`;
}

/** Why `holder` still holds the lock at `path`, or null when the lock is stale. */
function liveReason(path: string, holder: LockHolder | null): string | null {
  if (!holder) return null;
  if (holder.host !== hostname()) {
    return `${describe(holder)}, which cannot be checked from ${hostname()}; if it is no ` +
      `longer running, delete ${path}`;
  }
  const self = holder.pid === Deno.pid;
  if (self ? held.has(path) : processAlive(holder.pid)) {
    return `${describe(holder)}; wait for it to finish, or stop it (if that process is not ` +
      `this tool, delete ${path})`;
  }
  return null;
}

/**
 * Takes the lock file `path` or throws a {@linkcode CxrError} naming the holder. A stale lock
 * (its process gone) is taken over with a notice.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<Lock> {
  const what = options.what ?? dirname(path);
  const warn = options.warn ?? ((line: string) => console.error(line));
  const holder: LockHolder = { pid: Deno.pid, host: hostname(), started: new Date().toISOString() };
  const tmp = `${path}.tmp-${Deno.pid}`;
  await writingTo(path, async () => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, JSON.stringify(holder) + "\n");
  });
  const deadline = Date.now() + (options.waitMs ?? 0);
  let waiting = false;
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await linked(tmp, path)) {
        held.add(path);
        return { path, holder, release: () => release(path, holder) };
      }
      const text = await readFile(path, "utf8").catch(() => null);
      if (text === null) continue; // released meanwhile: try again
      const current = parseHolder(text);
      const reason = liveReason(path, current);
      if (reason && Date.now() < deadline) {
        if (!waiting) warn(`waiting: ${what} ${options.busy ?? "is in use by"} ${reason}`);
        waiting = true;
        attempt--; // waiting on a live holder is not a failed attempt
        await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
        continue;
      }
      if (reason) throw new CxrError(`${what} ${options.busy ?? "is in use by"} ${reason}`);
      await takeOver(path, text, () =>
        warn(
          `taking over the lock ${path}: ` +
            (current ? `${describe(current)} is no longer running` : "its content is unreadable"),
        ));
    }
    throw new CxrError(`cannot take the lock ${path} (it keeps changing); retry`);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Hard-links `tmp` to `path`; false when `path` exists (the exclusive step). */
async function linked(tmp: string, path: string): Promise<boolean> {
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "EEXIST") return false;
    throw err;
  }
}

/**
 * Removes the stale lock at `path` if it still reads `staleText`. A guard file makes the
 * check-and-remove exclusive, so two processes taking over never remove each other's new lock.
 */
async function takeOver(path: string, staleText: string, notify: () => void): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    await writeFile(guard, String(Deno.pid), { flag: "wx" });
  } catch (err) {
    if ((err as { code?: string }).code !== "EEXIST") throw err;
    // Another process is taking over; a guard older than 10 s is a crash's leftover.
    const age = await stat(guard).then((s) => Date.now() - (s.mtime?.getTime() ?? 0), () => 0);
    if (age > 10_000) await rm(guard, { force: true });
    else await new Promise((r) => setTimeout(r, 20));
    return;
  }
  try {
    if ((await readFile(path, "utf8").catch(() => null)) === staleText) {
      notify();
      await rm(path, { force: true });
    }
  } finally {
    await rm(guard, { force: true });
  }
}

async function release(path: string, holder: LockHolder): Promise<void> {
  held.delete(path);
  const current = parseHolder(await readFile(path, "utf8").catch(() => ""));
  // A lock taken over meanwhile (this process was judged gone) belongs to its new holder.
  if (current && current.pid === holder.pid && current.started === holder.started) {
    await rm(path, { force: true });
  }
}

/** Runs `fn` holding the lock file `path` (see {@linkcode acquireLock}); releases it after. */
export async function withLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** Name of the lock file in a run folder or sweep cell. */
export const RUN_LOCK = "run.lock";

/**
 * Runs `fn` as the only writer of folder `dir` (a run folder or a sweep cell): holds
 * `<dir>/run.lock`, and first removes temporary files a crashed writer left (`*.tmp-*`, see
 * {@linkcode removeTempFiles}). A second caller gets a {@linkcode CxrError} naming the holder.
 * A folder this call had to create is removed again if `fn` leaves it empty.
 */
export async function withRunLock<T>(
  dir: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const existed = await stat(dir).then(() => true, () => false);
  const path = join(dir, RUN_LOCK);
  try {
    return await withLock(path, async () => {
      await removeTempFiles(dir, { warn: options.warn });
      return await fn();
    }, { what: `run folder ${dir}`, ...options });
  } finally {
    if (!existed) await Deno.remove(dir).catch(() => {}); // fails unless empty, as intended
  }
}
