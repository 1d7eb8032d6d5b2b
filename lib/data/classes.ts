/**
 * Both classes present: a model trained, validated or tested on one class reports a perfect
 * accuracy that means nothing, so a class with no usable image is an error, not a footnote in
 * `skipped.csv`.
 *
 * @module
 */
import { CxrError } from "../errors.ts";
import { EXPECTED_LAYOUT } from "./discover.ts";
import type { Split } from "./split.ts";
import { LABELS, type ManifestRow, type SkippedFile } from "./types.ts";

/** Rows per class label. */
export function classCounts(rows: readonly ManifestRow[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(LABELS.map((l) => [l, 0]));
  for (const r of rows) counts[r.label]++;
  return counts;
}

/**
 * Throws a one-line {@linkcode CxrError} when a class has no row in the scan of `root`, naming
 * why its images were left out (from `skipped`: a missing or empty folder, unreadable files).
 */
export function assertClassesPresent(
  rows: readonly ManifestRow[],
  root: string,
  skipped: readonly SkippedFile[] = [],
): void {
  const counts = classCounts(rows);
  for (const label of LABELS) {
    if (counts[label] > 0) continue;
    const mine = skipped.filter((s) =>
      s.path.split("/").some((part) => part.toLowerCase() === label.toLowerCase())
    );
    const why = mine.slice(0, 3).map((s) => `${s.path}: ${s.reason}`);
    if (mine.length > 3) why.push(`${mine.length - 3} more in skipped.csv`);
    throw new CxrError(
      `no usable ${label} images in ${root}${why.length ? ` (${why.join("; ")})` : ""}; ` +
        `both classes are needed: ${EXPECTED_LAYOUT}`,
    );
  }
}

/**
 * Throws a one-line {@linkcode CxrError} when a non-empty side of `split` lacks a class
 * (training, validation and testing each need both). `where` names the split (a folder, a
 * strategy) and `fix` says what to change.
 */
export function assertSplitClasses(
  split: Partial<Split>,
  where: string,
  fix: string,
): void {
  for (const [side, rows] of Object.entries(split)) {
    if (!rows || rows.length === 0) continue;
    const counts = classCounts(rows);
    const absent = LABELS.filter((l) => counts[l] === 0);
    if (absent.length > 0) {
      const has = LABELS.filter((l) => counts[l] > 0).map((l) => `${counts[l]} ${l}`);
      throw new CxrError(
        `the ${side} side of ${where} has no ${absent.join(" or ")} images (only ${
          has.join(", ")
        }); both classes are needed; ${fix}`,
      );
    }
  }
}

/** What to change when a side of a `strategy` split lacks a class. */
export function splitClassFix(strategy: string): string {
  return strategy === "official"
    ? "the official split uses the Kaggle train/, val/ and test/ folders as they are: add the " +
      "missing images there, or use --split patient or paper"
    : "add images of that class, or give that side more images (--fractions, --subset)";
}
