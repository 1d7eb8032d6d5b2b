/**
 * Resumable HTTP download with size and sha256 verification: bytes go to `<dest>.part`, a rerun
 * continues it with a Range request, and only a verified file is renamed to `dest`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { CxrError } from "../errors.ts";
import { progress } from "../util/progress.ts";

/** Options for {@linkcode download}. */
export interface DownloadOptions {
  url: string;
  /** Where the verified file goes; bytes arrive in `<dest>.part` first. */
  dest: string;
  /** Expected sha256 (hex). Default: not checked (the computed hash is returned). */
  sha256?: string;
  /** Expected size in bytes. Default: the server's Content-Length, when it sends one. */
  size?: number;
  /** Extra request headers (e.g. Authorization). */
  headers?: Record<string, string>;
  /** Show progress. Default: true. */
  progress?: boolean;
}

/** A finished download. */
export interface Downloaded {
  path: string;
  size: number;
  sha256: string;
  /** Bytes reused from an earlier interrupted download. */
  resumedFrom: number;
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}

const sizeOf = (path: string) => stat(path).then((s) => s.size, () => -1);

/**
 * Downloads `url` to `dest`, resuming `<dest>.part` when a server honours Range requests.
 * An interruption keeps the partial file (rerun to resume); a size or checksum mismatch
 * deletes it and throws a {@linkcode CxrError}. An existing `dest` with the expected sha256
 * is kept without a request.
 */
export async function download(opts: DownloadOptions): Promise<Downloaded> {
  const { url, dest } = opts;
  const expected = opts.sha256?.toLowerCase();
  if (expected && !/^[0-9a-f]{64}$/.test(expected)) {
    throw new CxrError(`sha256 '${opts.sha256}' must be 64 hex digits`, { exitCode: 2 });
  }
  if (expected && (await sizeOf(dest)) >= 0 && (await sha256File(dest)) === expected) {
    return { path: dest, size: await sizeOf(dest), sha256: expected, resumedFrom: 0 };
  }
  await mkdir(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  let have = Math.max(0, await sizeOf(part));
  const headers: Record<string, string> = { ...opts.headers };
  if (have > 0) headers.Range = `bytes=${have}-`;
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch (err) {
    throw new CxrError(
      `cannot reach ${url}: ${(err as Error).message}; check the URL and network`,
      {
        cause: err,
      },
    );
  }
  if (res.status === 416 && have > 0) {
    // Range past the end: the part file is already complete (or longer); verify it below.
    await res.body?.cancel();
  } else if (!res.ok) {
    await res.body?.cancel();
    throw new CxrError(`download of ${url} failed: HTTP ${res.status} ${res.statusText}`);
  }
  const resumedFrom = res.status === 206 ? have : res.status === 416 ? have : 0;
  let total = opts.size;
  if (res.status === 206) {
    const m = /bytes (\d+)-\d+\/(\d+|\*)/.exec(res.headers.get("content-range") ?? "");
    if (!m || Number(m[1]) !== have) {
      await res.body?.cancel();
      await rm(part, { force: true });
      throw new CxrError(
        `server answered ${url} with an unexpected range; partial file deleted, rerun`,
      );
    }
    if (m[2] !== "*") total ??= Number(m[2]);
  } else if (res.ok) {
    have = 0; // server ignored the Range: start over
    const length = res.headers.get("content-length");
    if (length !== null) total ??= Number(length);
  }

  if (res.ok && res.body) {
    const file = await Deno.open(part, {
      write: true,
      create: true,
      append: have > 0,
      truncate: have === 0,
    });
    const bar = opts.progress === false ? null : progress("download (bytes)", total ?? 0);
    bar?.tick(have);
    try {
      for await (const chunk of res.body) {
        for (let off = 0; off < chunk.length;) off += await file.write(chunk.subarray(off));
        have += chunk.length;
        bar?.tick(chunk.length);
      }
    } catch (err) {
      throw new CxrError(
        `download of ${url} interrupted after ${have} bytes (${(err as Error).message}); ` +
          `rerun to resume from ${part}`,
        { cause: err },
      );
    } finally {
      file.close();
    }
    bar?.done();
  }

  const size = await sizeOf(part);
  if (total !== undefined && size !== total) {
    if (size < total) {
      throw new CxrError(
        `download of ${url} stopped at ${size} of ${total} bytes; rerun to resume`,
      );
    }
    await rm(part, { force: true });
    throw new CxrError(
      `download of ${url} has ${size} bytes, expected ${total}; partial file deleted, rerun`,
    );
  }
  const sha256 = await sha256File(part);
  if (expected && sha256 !== expected) {
    await rm(part, { force: true });
    throw new CxrError(
      `checksum mismatch for ${url}: expected sha256 ${expected}, got ${sha256}; the file was ` +
        `deleted. Rerun, or pass --sha256 with the publisher's current hash`,
    );
  }
  await rename(part, dest);
  return { path: dest, size, sha256, resumedFrom };
}
