/**
 * The image files named on a command line: files as given, folders searched recursively for
 * JPEG and PNG files (sorted, so output order is stable).
 *
 * @module
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fail } from "../errors.ts";

/** File name endings taken from folders (case-insensitive). */
export const IMAGE_EXTENSIONS = [".jpeg", ".jpg", ".png"] as const;

const isImageName = (name: string) =>
  IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(path, out);
    else if (e.isFile() && isImageName(e.name)) out.push(path);
  }
}

/** What {@linkcode listImages} found. */
export interface ImageList {
  /** Every file, in argument order (each folder's files sorted). */
  files: string[];
  /** Whether any argument was a folder. */
  fromFolders: boolean;
}

/**
 * The image files of `paths`: a file is taken whatever its name (a bad one is reported when
 * it is decoded), a folder contributes its `.jpeg`/`.jpg`/`.png` files, recursively.
 */
export async function listImages(paths: string[]): Promise<ImageList> {
  if (paths.length === 0) fail("no image given: pass image files or folders", { exitCode: 2 });
  const files: string[] = [];
  let fromFolders = false;
  for (const path of paths) {
    const info = await stat(path).catch(() =>
      fail(`${path}: no such file or folder; check the path`, { exitCode: 2 })
    );
    if (info.isDirectory()) {
      fromFolders = true;
      const before = files.length;
      await walk(path, files);
      if (files.length === before) {
        fail(`${path}: folder holds no ${IMAGE_EXTENSIONS.join("/")} files`, { exitCode: 2 });
      }
    } else files.push(path);
  }
  return { files, fromFolders };
}
