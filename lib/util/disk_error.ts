/**
 * Disk and permission errors (`ENOSPC`, `EDQUOT`, `EACCES`, `EPERM`, `EROFS`) as one line that
 * names the path, what was being done and the fix. Writers note their target on the error
 * ({@linkcode noteTarget}): a failed `write()` on an open file carries no path of its own.
 *
 * @module
 */
import { dirname } from "node:path";

/** The error codes this module explains. */
export const DISK_ERROR_CODES = ["ENOSPC", "EDQUOT", "EACCES", "EPERM", "EROFS"] as const;
/** One of {@linkcode DISK_ERROR_CODES}. */
export type DiskErrorCode = typeof DISK_ERROR_CODES[number];

interface FsError {
  code?: string;
  path?: string;
  syscall?: string;
  /** The file a writer was writing when it failed (see noteTarget). */
  target?: string;
}

/** The disk error code of `err`, or null when it is not one. */
export function diskErrorCode(err: unknown): DiskErrorCode | null {
  const code = (err as FsError | null)?.code;
  return DISK_ERROR_CODES.find((c) => c === code) ?? null;
}

/**
 * Records on a disk error that it happened writing `path` (unless a writer closer to the failure
 * recorded one already), and returns it for rethrowing.
 */
export function noteTarget(err: unknown, path: string): unknown {
  if (diskErrorCode(err) && !(err as FsError).target) (err as FsError).target = path;
  return err;
}

/** Runs `fn`, noting `path` on a disk error it throws (see {@linkcode noteTarget}). */
export async function writingTo<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw noteTarget(err, path);
  }
}

/** One line for a disk or permission error: what failed, where, and the fix; null otherwise. */
export function diskErrorMessage(err: unknown): string | null {
  const code = diskErrorCode(err);
  if (!code) return null;
  const e = err as FsError;
  const path = e.target ?? e.path;
  const where = path ? ` ${path}` : "";
  const doing = e.target || e.syscall === "write" ? "writing" : e.syscall ?? "writing";
  const folder = path ? dirname(path) : "the output folder";
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return `no space left on the disk (${code}) ${doing}${where}; free space there (or ` +
        `point --run-dir, --out or CXR_CACHE_DIR at another disk) and rerun the same command: ` +
        `what was already written is kept`;
    case "EROFS":
      return `read-only file system (EROFS) ${doing}${where}; write somewhere writable ` +
        `(--run-dir, --out, --cache or CXR_CACHE_DIR)`;
    default:
      return `permission denied (${code}) ${doing}${where}; make ${folder} writable for this ` +
        `user, or choose another folder (--run-dir, --out, --cache or CXR_CACHE_DIR)`;
  }
}
