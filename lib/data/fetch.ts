/**
 * Fetches the Kermany chest X-ray set for users with internet: download the archive
 * (resumable, verified), unpack it, find the dataset folder inside and move it into place.
 *
 * @module
 */
import { readdir, rename, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { CxrError } from "../errors.ts";
import { exists } from "../util/fs.ts";
import { progress } from "../util/progress.ts";
import { unzip } from "./_zip.ts";
import { discoverImages } from "./discover.ts";
import { download, type Downloaded } from "./download.ts";

/** Where an archive comes from. */
export interface ArchiveSource {
  url: string;
  /** File name of the archive on disk. */
  fileName: string;
  /** Expected sha256; omit to accept any (the computed hash is reported). */
  sha256?: string;
  headers?: Record<string, string>;
}

/**
 * Mendeley Data, doi 10.17632/rscbjbr9sj.2, `ChestXRay2017.zip` (about 1.2 GB; train and test
 * folders, no val). The sha256 is the one published with other open-source fetch scripts for
 * this file (not yet verified against a download by this project).
 */
export const MENDELEY_SOURCE: ArchiveSource = {
  url: "https://data.mendeley.com/public-files/datasets/rscbjbr9sj/files/" +
    "f12eaf6d-6023-432f-acc9-80c9d7393433/file_downloaded",
  fileName: "ChestXRay2017.zip",
  sha256: "13efc055629733dbab07877f8b3c9f81097840dbcdaa326a8542322c2281ce36",
};

/** The Kaggle dataset `paultimothymooney/chest-xray-pneumonia`, via its API with basic auth. */
export function kaggleSource(username: string, key: string): ArchiveSource {
  return {
    url: "https://www.kaggle.com/api/v1/datasets/download/paultimothymooney/chest-xray-pneumonia",
    fileName: "chest-xray-pneumonia.zip",
    headers: { Authorization: `Basic ${btoa(`${username}:${key}`)}` },
  };
}

/** Options for {@linkcode fetchDataset}. */
export interface FetchOptions {
  source: ArchiveSource;
  /** Where the dataset folder goes (e.g. data/chest_xray); must not hold a dataset yet. */
  out: string;
  /** Where the archive is kept. Default: `<parent of out>/downloads`. */
  downloadsDir?: string;
  /** Expected archive size in bytes. Default: the server's Content-Length. */
  size?: number;
  /** Show progress. Default: true. */
  progress?: boolean;
}

/** What {@linkcode fetchDataset} did. */
export interface Fetched {
  root: string;
  archive: Downloaded;
  files: number;
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  return (await readdir(path).catch(() => [])).length > 0;
}

/** The shallowest folder (depth <= 3, not `__MACOSX`) that holds a dataset layout. */
async function findDatasetRoot(dir: string, depth = 0): Promise<string | null> {
  const found = await discoverImages(dir).then(() => true, (e) => {
    if (e instanceof CxrError) return false;
    throw e;
  });
  if (found) return dir;
  if (depth >= 3) return null;
  const subdirs = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && e.name !== "__MACOSX")
    .map((e) => e.name)
    .sort();
  for (const name of subdirs) {
    const root = await findDatasetRoot(join(dir, name), depth + 1);
    if (root) return root;
  }
  return null;
}

async function unpack(archive: string, dest: string, showProgress: boolean): Promise<number> {
  const fh = await Deno.open(archive);
  const magic = new Uint8Array(512);
  await fh.read(magic);
  fh.close();
  if (magic[0] === 0x50 && magic[1] === 0x4b) {
    let bar: ReturnType<typeof progress> | null = null;
    return await unzip(archive, dest, (done, total) => {
      if (showProgress) (bar ??= progress("unpack (files)", total)).tick();
      if (done === total) bar?.done();
    });
  }
  const gzip = magic[0] === 0x1f && magic[1] === 0x8b;
  const tar = new TextDecoder().decode(magic.subarray(257, 262)) === "ustar";
  if (!gzip && !tar) {
    throw new CxrError(
      `${archive} is neither a zip nor a tar(.gz) archive; delete it and fetch again`,
    );
  }
  await Deno.mkdir(dest, { recursive: true });
  const out = await new Deno.Command("tar", { args: ["-xf", archive, "-C", dest], stderr: "piped" })
    .output()
    .catch(() => {
      throw new CxrError(
        `unpacking ${archive} needs the 'tar' command; install it or unpack by hand`,
      );
    });
  if (!out.success) {
    throw new CxrError(
      `tar could not unpack ${archive}: ${
        new TextDecoder().decode(out.stderr).trim().split("\n")[0]
      }`,
    );
  }
  return -1; // tar does not report a count
}

/**
 * Downloads (or resumes) the archive of `source`, verifies it, unpacks it next to `out` and
 * moves the dataset folder found inside to `out`.
 *
 * @example
 * ```ts
 * // `deno task cxr data fetch` calls
 * //   await fetchDataset({ source: MENDELEY_SOURCE, out: "data/chest_xray" });
 * // which downloads (resumably, checking the SHA-256), unpacks and scans. A folder that already
 * // holds files is refused before anything is downloaded:
 * const out = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${out}/notes.txt`, "mine");
 * await fetchDataset({ source: MENDELEY_SOURCE, out }).catch((e) => console.log(e.message));
 * ```
 */
export async function fetchDataset(opts: FetchOptions): Promise<Fetched> {
  const out = resolve(opts.out);
  if (await isNonEmptyDir(out)) {
    throw new CxrError(`${out} is not empty; delete it or pass another --out`);
  }
  const downloads = opts.downloadsDir ?? join(dirname(out), "downloads");
  const archive = await download({
    url: opts.source.url,
    dest: join(downloads, opts.source.fileName),
    sha256: opts.source.sha256,
    size: opts.size,
    headers: opts.source.headers,
    progress: opts.progress,
  });
  const staging = `${out}.unpacking-${Deno.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    const files = await unpack(archive.path, staging, opts.progress !== false);
    const root = await findDatasetRoot(staging);
    if (!root) {
      throw new CxrError(
        `no chest X-ray folders found in ${archive.path} (expected {train,test}/{NORMAL,PNEUMONIA} ` +
          `inside); is it the right archive?`,
      );
    }
    if (await exists(out)) await rmdir(out); // empty, checked above
    await Deno.mkdir(dirname(out), { recursive: true });
    await rename(root, out);
    return { root: out, archive, files };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The archive file name for a custom URL (its last path segment, or "dataset.zip"). */
export function archiveNameOf(url: string): string {
  const last = basename(new URL(url).pathname);
  return /\.(zip|tar|tgz|tar\.gz)$/i.test(last) ? last : "dataset.zip";
}
