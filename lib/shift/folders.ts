/**
 * Image statistics of the Kaggle folders (train / val / test, by class) and shift classifiers
 * between groups of them: is a test-folder NORMAL image told apart from a train-folder one by
 * brightness, contrast, border, body share or marker alone?
 *
 * @module
 */
import * as aq from "arquero";
import {
  type Label,
  type ManifestRow,
  type OfficialSplit,
  prepareCache,
  sampleRows,
  scanDataset,
} from "../data/mod.ts";
import { fail } from "../errors.ts";
import { crossValidatedAuc, type CrossValidation } from "./logistic.ts";
import { type ImageStats, imageStats, STAT_NAMES, type StatName } from "./stats.ts";

/** One image's statistics with where it comes from. */
export interface StatsRow extends ImageStats {
  path: string;
  sha256: string;
  folder: OfficialSplit;
  label: Label;
  /** e.g. "train NORMAL". */
  group: string;
  /** Stored as a 224x224 copy (resized elsewhere) rather than at original resolution. */
  storedCopy: boolean;
}

/** Options for {@linkcode folderStats}. */
export interface FolderStatsOptions {
  dataRoot: string;
  /** Side the images are decoded to (the image cache's). Default 224. */
  size?: number;
  /** Image cache root. Default: the data area's default. */
  cacheDir?: string;
  /** At most this many images per folder and class, a seeded draw; 0 = all. Default 0. */
  perGroup?: number;
  /** Seed of the draw. Default 0. */
  seed?: number;
  /** Manifest rows. Default: a scan of `dataRoot`. */
  rows?: readonly ManifestRow[];
}

/** The Kaggle folders' rows, at most `perGroup` per folder and class (0 = all). */
export function folderSample(
  rows: readonly ManifestRow[],
  perGroup: number,
  seed: number,
): ManifestRow[] {
  const folders = [...new Set(rows.map((r) => r.officialSplit))];
  if (folders.includes(null)) {
    fail("image statistics per folder need the Kaggle layout (train/, val/, test/ folders)");
  }
  if (perGroup <= 0) return [...rows];
  return folders.flatMap((f) =>
    sampleRows(rows.filter((r) => r.officialSplit === f), perGroup, seed)
  );
}

/** Statistics of every image of the sample (see lib/shift/stats.ts for their definitions). */
export async function folderStats(opts: FolderStatsOptions): Promise<StatsRow[]> {
  const size = opts.size ?? 224;
  const all = opts.rows ?? (await scanDataset(opts.dataRoot, { progress: false })).rows;
  const rows = folderSample(all, opts.perGroup ?? 0, opts.seed ?? 0);
  const images = await prepareCache({
    dataRoot: opts.dataRoot,
    size,
    cacheDir: opts.cacheDir,
    rows,
    progress: false,
  });
  return rows.filter((r) => images.has(r.sha256)).map((r) => ({
    path: r.path,
    sha256: r.sha256,
    folder: r.officialSplit!,
    label: r.label,
    group: `${r.officialSplit} ${r.label}`,
    storedCopy: r.width === 224 && r.height === 224,
    ...imageStats(images.pixels(r.sha256), size),
  }));
}

/** Per folder and class: images and the mean of each statistic (an arquero table). */
export function statsSummary(rows: readonly StatsRow[]): aq.ColumnTable {
  const groups = new Map<string, StatsRow[]>();
  for (const r of rows) {
    if (!groups.has(r.group)) groups.set(r.group, []);
    groups.get(r.group)!.push(r);
  }
  return aq.from(
    [...groups].map(([group, g]) => ({
      folder: g[0].folder,
      label: g[0].label,
      group,
      images: g.length,
      "224x224 copies": `${(100 * g.filter((r) => r.storedCopy).length / g.length).toFixed(0)}%`,
      ...Object.fromEntries(STAT_NAMES.map((s) => [s, round(mean(g.map((r) => r[s])), 3)])),
    })).sort(byGroup),
  );
}

/** train, val, test within NORMAL, then PNEUMONIA. */
const FOLDER_ORDER = ["train", "val", "test"];
const byGroup = (a: { folder: string; label: string }, b: { folder: string; label: string }) =>
  a.label.localeCompare(b.label) || FOLDER_ORDER.indexOf(a.folder) - FOLDER_ORDER.indexOf(b.folder);

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const round = (v: number, d: number) => Number(v.toFixed(d));

/** A shift classifier's result for two groups. */
export interface ShiftResult extends CrossValidation {
  /** Class 0 and class 1 of the classifier, e.g. "train NORMAL" and "test NORMAL". */
  groups: [string, string];
  counts: [number, number];
}

/** Options for {@linkcode shiftClassifier}. */
export interface ShiftOptions {
  /** Statistics used as features. Default: all of {@linkcode STAT_NAMES}. */
  features?: readonly StatName[];
  /** Folds. Default 5. */
  folds?: number;
  /** Seed of the folds. Default 0. */
  seed?: number;
}

/**
 * Logistic regression telling group `a` (class 0) from group `b` (class 1) on the images'
 * statistics, with its stratified cross-validated AUC (0.5: no difference the statistics show).
 */
export function shiftClassifier(
  rows: readonly StatsRow[],
  a: string,
  b: string,
  opts: ShiftOptions = {},
): ShiftResult {
  const features = opts.features ?? STAT_NAMES;
  const picked = rows.filter((r) => r.group === a || r.group === b);
  const y = picked.map((r) => (r.group === b ? 1 : 0));
  const counts: [number, number] = [y.length - y.filter(Boolean).length, y.filter(Boolean).length];
  if (Math.min(...counts) === 0) {
    fail(`shift classifier: no images in group '${counts[0] ? b : a}'`);
  }
  const x = picked.map((r) => features.map((f) => r[f]));
  const cv = crossValidatedAuc(x, y, { folds: opts.folds ?? 5, seed: opts.seed ?? 0 });
  return { ...cv, groups: [a, b], counts };
}

/** Group names of a folder and class, e.g. `group("test", "NORMAL")`. */
export const group = (folder: OfficialSplit, label: Label): string => `${folder} ${label}`;

/** The comparisons notebook 06 makes: the shift within each class, and the class difference. */
export const SHIFT_PAIRS: readonly [string, string, string][] = [
  [group("train", "NORMAL"), group("test", "NORMAL"), "shift of NORMAL (train vs test folder)"],
  [group("train", "PNEUMONIA"), group("test", "PNEUMONIA"), "shift of PNEUMONIA"],
  [group("test", "NORMAL"), group("test", "PNEUMONIA"), "class difference within test"],
  [group("train", "NORMAL"), group("train", "PNEUMONIA"), "class difference within train"],
];

/** A shift classifier's result with what it compares. */
export type NamedShift = ShiftResult & { what: string };

/**
 * Every comparison of {@linkcode SHIFT_PAIRS}, plus the NORMAL shift among images stored as
 * 224x224 copies only (every test image is one; about 70% of train images are), so a
 * difference that only the originals' resampling makes is not read as the shift.
 */
export function shiftComparisons(rows: readonly StatsRow[], opts: ShiftOptions = {}): NamedShift[] {
  const out = SHIFT_PAIRS.map(([a, b, what]) => ({ ...shiftClassifier(rows, a, b, opts), what }));
  const copies = rows.filter((r) => r.storedCopy);
  const [a, b] = SHIFT_PAIRS[0];
  if (copies.some((r) => r.group === a) && copies.some((r) => r.group === b)) {
    out.splice(1, 0, {
      ...shiftClassifier(copies, a, b, opts),
      what: "shift of NORMAL, 224x224 copies only",
    });
  }
  return out;
}

/** One row per comparison: the groups, images, pooled AUC and the folds' range. */
export function shiftTable(results: readonly NamedShift[]): aq.ColumnTable {
  return aq.from(results.map((r) => ({
    comparison: r.what,
    "class 0": `${r.groups[0]} (${r.counts[0]})`,
    "class 1": `${r.groups[1]} (${r.counts[1]})`,
    "CV ROC AUC": round(r.auc, 3),
    "fold AUCs": `${round(Math.min(...r.foldAuc), 3)}–${round(Math.max(...r.foldAuc), 3)}`,
  })));
}

/**
 * Each statistic's standardised weight in a classifier fitted on all its images (largest
 * first), beside the statistic's mean in each of the two groups.
 */
export function weightTable(
  rows: readonly StatsRow[],
  result: ShiftResult,
  features: readonly StatName[] = STAT_NAMES,
): aq.ColumnTable {
  const [a, b] = result.groups;
  const meanOf = (g: string, f: StatName) =>
    round(mean(rows.filter((r) => r.group === g).map((r) => r[f])), 3);
  const out = features.map((f, j) => ({
    statistic: f,
    weight: round(result.model.weights[j], 3),
    [`mean, ${a}`]: meanOf(a, f),
    [`mean, ${b}`]: meanOf(b, f),
  }));
  return aq.from(out.sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight)));
}
