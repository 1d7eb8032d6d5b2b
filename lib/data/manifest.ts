/**
 * The manifest: one row per image with label, official split, patient key, size and content
 * hash, built by scanning a data root; as an arquero table and as CSV.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as aq from "arquero";
import sharp from "sharp";
import { CxrError } from "../errors.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { progress } from "../util/progress.ts";
import { csvRowWhere, formatCsv, parseCsvRecords } from "../util/csv.ts";
import { mapPool } from "./_pool.ts";
import { discoverImages, type Layout } from "./discover.ts";
import { patientKey } from "./patient_id.ts";
import {
  type Label,
  LABELS,
  type ManifestRow,
  OFFICIAL_SPLITS,
  type OfficialSplit,
  type SkippedFile,
} from "./types.ts";

/** Options for {@linkcode scanDataset}. */
export interface ScanOptions {
  /** Files read at once. Default: 4. */
  concurrency?: number;
  /** Show progress. Default: true. */
  progress?: boolean;
}

/** What {@linkcode scanDataset} found. */
export interface ScanResult {
  root: string;
  layout: Layout;
  /** Readable images, sorted by path. */
  rows: ManifestRow[];
  /** Inputs left out (unreadable files, empty folders, other extensions), sorted by path. */
  skipped: SkippedFile[];
  /** How many file names matched no known patient pattern (their stem became the key). */
  unrecognisedPatientIds: number;
}

/**
 * Scans a data root: discovers images, hashes each file and reads its size from the header.
 * Zero-byte and unreadable files are skipped with a reason; a missing root, an unknown layout
 * or no images at all throw a {@linkcode CxrError}.
 *
 * @example
 * ```ts
 * import { dataRoot } from "../paths.ts";
 * const { rows, skipped } = await scanDataset(dataRoot(), { progress: false });
 * console.log(rows.length, skipped.length);
 * ```
 */
export async function scanDataset(root: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const found = await discoverImages(root);
  const bar = opts.progress === false ? null : progress("scan", found.images.length);
  const skipped = [...found.skipped];
  let unrecognised = 0;
  const scanned = await mapPool(found.images, opts.concurrency ?? 4, async (img) => {
    try {
      const bytes = await readFile(join(root, img.path));
      if (bytes.length === 0) {
        skipped.push({ path: img.path, reason: "empty file (0 bytes)" });
        return null;
      }
      const meta = await sharp(bytes).metadata().catch((e: Error) => {
        skipped.push({ path: img.path, reason: `not a readable image: ${oneLine(e.message)}` });
        return null;
      });
      if (!meta?.width || !meta.height) return null;
      const key = patientKey(img.path);
      if (!key.recognised) unrecognised++;
      const row: ManifestRow = {
        path: img.path,
        label: img.label,
        officialSplit: img.officialSplit,
        patientId: key.patientId,
        width: meta.width,
        height: meta.height,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      };
      return row;
    } finally {
      bar?.tick();
    }
  });
  bar?.done();
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    root,
    layout: found.layout,
    rows: scanned.filter((r): r is ManifestRow => r !== null),
    skipped,
    unrecognisedPatientIds: unrecognised,
  };
}

/** First line of an error message, so skip reasons stay one CSV line. */
function oneLine(message: string): string {
  return message.split(/\r?\n/)[0].trim();
}

/** Manifest CSV columns, in order (the {@linkcode ManifestRow} field names). */
export const MANIFEST_COLUMNS = [
  "path",
  "label",
  "officialSplit",
  "patientId",
  "width",
  "height",
  "sha256",
] as const;

/** The manifest as an arquero table (one row per image, columns {@linkcode MANIFEST_COLUMNS}). */
export function manifestTable(rows: readonly ManifestRow[]): aq.ColumnTable {
  return aq.from(rows.map((r) => ({ ...r })));
}

/** Formats rows as manifest CSV text. */
export function formatManifest(rows: readonly ManifestRow[]): string {
  return formatCsv(MANIFEST_COLUMNS, rows);
}

/**
 * Parses manifest CSV text; `source` names the file in error messages, with the row (1 = the
 * first data row) and its line, as the predictions CSV errors do. Manifests have no blank lines.
 */
export function parseManifest(text: string, source: string): ManifestRow[] {
  return parseCsvRecords(text, source, MANIFEST_COLUMNS).map((r, k) => {
    const where = csvRowWhere(source, k);
    const label = r.label as Label;
    if (!LABELS.includes(label)) {
      throw new CxrError(`${where}: label '${r.label}' must be NORMAL or PNEUMONIA`);
    }
    const split = r.officialSplit === "" ? null : r.officialSplit as OfficialSplit;
    if (split !== null && !OFFICIAL_SPLITS.includes(split)) {
      throw new CxrError(
        `${where}: officialSplit '${r.officialSplit}' must be train, val, test or empty`,
      );
    }
    const width = Number(r.width);
    const height = Number(r.height);
    if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
      throw new CxrError(
        `${where}: width/height '${r.width}x${r.height}' must be positive integers`,
      );
    }
    if (!/^[0-9a-f]{64}$/.test(r.sha256)) {
      throw new CxrError(`${where}: sha256 '${r.sha256}' must be 64 lower-case hex digits`);
    }
    return {
      path: r.path,
      label,
      officialSplit: split,
      patientId: r.patientId,
      width,
      height,
      sha256: r.sha256,
    };
  });
}

/** Writes rows as a manifest CSV, atomically. */
export function writeManifest(path: string, rows: readonly ManifestRow[]): Promise<void> {
  return writeFileAtomic(path, formatManifest(rows));
}

/** Reads a manifest CSV written by {@linkcode writeManifest}. */
export async function readManifest(path: string): Promise<ManifestRow[]> {
  const text = await readFile(path, "utf8").catch(() => {
    throw new CxrError(`manifest ${path} not found; create it with 'deno task cxr manifest'`);
  });
  return parseManifest(text, path);
}

/** Writes `skipped.csv` (columns path, reason), atomically; always written, even when empty. */
export function writeSkipped(path: string, skipped: readonly SkippedFile[]): Promise<void> {
  return writeFileAtomic(path, formatCsv(["path", "reason"], skipped));
}
