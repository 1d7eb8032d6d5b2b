/**
 * Finds the images of a dataset folder in the Kaggle layout
 * `<root>/{train,val,test}/{NORMAL,PNEUMONIA}/*` or the flat layout `<root>/{NORMAL,PNEUMONIA}/*`
 * (folder names case-insensitive; `.jpeg`, `.jpg`, `.png`). Symbolic links to files and folders
 * are followed; loops and links to nothing are listed as skipped.
 *
 * @module
 */
import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { CxrError } from "../errors.ts";
import {
  type Label,
  LABELS,
  OFFICIAL_SPLITS,
  type OfficialSplit,
  type SkippedFile,
} from "./types.ts";

/** The folder layout of a dataset root. */
export type Layout = "kaggle" | "flat";

/** An image file found by {@linkcode discoverImages}, before it is read. */
export interface DiscoveredImage {
  /** Relative to the root, POSIX separators. */
  path: string;
  label: Label;
  officialSplit: OfficialSplit | null;
}

/** What {@linkcode discoverImages} found. */
export interface Discovery {
  layout: Layout;
  images: DiscoveredImage[];
  /** Empty or missing class folders and files without an image extension. */
  skipped: SkippedFile[];
}

/** The layouts this workspace reads, for error messages. */
export const EXPECTED_LAYOUT =
  "expected <root>/{train,val,test}/{NORMAL,PNEUMONIA}/*.jpeg (Kaggle layout) or " +
  "<root>/{NORMAL,PNEUMONIA}/*.jpeg (flat layout)";

const IMAGE_EXT = /\.(jpe?g|png)$/i;

/** What a folder entry is, symbolic links followed (as most dataset tools do). */
type EntryKind = "dir" | "file" | "other" | "loop" | "broken";

async function entryKind(path: string, e: Dirent): Promise<EntryKind> {
  if (!e.isSymbolicLink()) return e.isDirectory() ? "dir" : e.isFile() ? "file" : "other";
  try {
    const target = await stat(path);
    return target.isDirectory() ? "dir" : target.isFile() ? "file" : "other";
  } catch (err) {
    return (err as { code?: string }).code === "ELOOP" ? "loop" : "broken";
  }
}

/** Why an entry that is not a usable file or folder was left out. */
const KIND_REASON: Record<EntryKind, string> = {
  dir: "not a regular file",
  other: "not a regular file",
  file: "",
  loop: "symbolic link loop",
  broken: "broken symbolic link (its target does not exist)",
};

/** Entries of `dir`, symbolic links followed. */
async function entries(dir: string): Promise<{ name: string; kind: EntryKind }[]> {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    out.push({ name: e.name, kind: await entryKind(join(dir, e.name), e) });
  }
  return out;
}

/** Sub-folders (links to folders included): lower-case name -> real name. */
async function subdirs(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await entries(dir)) if (e.kind === "dir") out.set(e.name.toLowerCase(), e.name);
  return out;
}

/** Class-folder names that are symbolic links going nowhere (loops, missing targets). */
async function badLinks(dir: string): Promise<Map<string, { name: string; kind: EntryKind }>> {
  const out = new Map<string, { name: string; kind: EntryKind }>();
  for (const e of await entries(dir)) {
    if (e.kind === "loop" || e.kind === "broken") out.set(e.name.toLowerCase(), e);
  }
  return out;
}

/** Whether folder `dir` resolves to `ancestor` or a folder above it (a link back up: a loop). */
async function pointsUp(dir: string, ancestor: string): Promise<boolean> {
  const [d, a] = await Promise.all([realpath(dir), realpath(ancestor)]);
  return a === d || a.startsWith(d.endsWith(sep) ? d : d + sep);
}

function hasClassFolders(dirs: Map<string, string>): boolean {
  return LABELS.some((l) => dirs.has(l.toLowerCase()));
}

/**
 * Lists the images under `root`. Throws a one-line {@linkcode CxrError} naming the root and the
 * expected layout when the root is missing, matches neither layout, or holds no images.
 */
export async function discoverImages(root: string): Promise<Discovery> {
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) {
    throw new CxrError(
      `data root ${root} ${info ? "is not a folder" : "does not exist"}; ${EXPECTED_LAYOUT}. ` +
        `Pass --data DIR, set CXR_DATA_DIR, or run 'deno task cxr data fetch'`,
    );
  }
  const top = await subdirs(root);
  const splitDirs = OFFICIAL_SPLITS.filter((s) => top.has(s));
  const kaggle: { split: OfficialSplit | null; dir: string; rel: string }[] = [];
  for (const split of splitDirs) {
    const name = top.get(split)!;
    if (hasClassFolders(await subdirs(join(root, name)))) {
      kaggle.push({ split, dir: join(root, name), rel: `${name}/` });
    }
  }
  let layout: Layout;
  let groups: { split: OfficialSplit | null; dir: string; rel: string }[];
  if (kaggle.length > 0) {
    layout = "kaggle";
    groups = kaggle;
  } else if (hasClassFolders(top)) {
    layout = "flat";
    groups = [{ split: null, dir: root, rel: "" }];
  } else {
    const found = [...top.values()].sort().slice(0, 8).join(", ") || "no folders";
    throw new CxrError(
      `data root ${root} has an unknown layout (found: ${found}); ${EXPECTED_LAYOUT}`,
    );
  }

  const images: DiscoveredImage[] = [];
  const skipped: SkippedFile[] = [];
  for (const g of groups) {
    const classes = await subdirs(g.dir);
    const links = await badLinks(g.dir);
    for (const label of LABELS) {
      const name = classes.get(label.toLowerCase());
      const bad = links.get(label.toLowerCase());
      if (!name) {
        const reason = bad ? KIND_REASON[bad.kind] : "missing class folder";
        skipped.push({ path: `${g.rel}${bad?.name ?? label}/`, reason });
        continue;
      }
      if (await pointsUp(join(g.dir, name), root)) {
        skipped.push({ path: `${g.rel}${name}/`, reason: "symbolic link loop (links back up)" });
        continue;
      }
      let count = 0;
      for (const e of await entries(join(g.dir, name))) {
        const path = `${g.rel}${name}/${e.name}`;
        if (e.name.startsWith(".")) continue; // .DS_Store and friends
        if (e.kind !== "file") skipped.push({ path, reason: KIND_REASON[e.kind] });
        else if (!IMAGE_EXT.test(e.name)) {
          skipped.push({ path, reason: "not an image extension (.jpeg, .jpg, .png)" });
        } else {
          images.push({ path, label, officialSplit: g.split });
          count++;
        }
      }
      if (count === 0) skipped.push({ path: `${g.rel}${name}/`, reason: "empty class folder" });
    }
  }
  if (images.length === 0) {
    throw new CxrError(`no images found under ${root} (${layout} layout); ${EXPECTED_LAYOUT}`);
  }
  const byPath = (a: { path: string }, b: { path: string }) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  images.sort(byPath);
  skipped.sort(byPath);
  return { layout, images, skipped };
}
