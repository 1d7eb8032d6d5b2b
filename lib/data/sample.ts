/**
 * Seeded per-class samples of manifest rows: small balanced subsets for quick runs, previews
 * and sample grids.
 *
 * @module
 */
import { Rng } from "../util/rng.ts";
import { LABELS, type ManifestRow } from "./types.ts";

/** `perClass` rows of each class, drawn with a seeded shuffle (NORMAL first, then PNEUMONIA). */
export function sampleRows(
  rows: readonly ManifestRow[],
  perClass: number,
  seed: number,
): ManifestRow[] {
  const rng = new Rng(seed);
  return LABELS.flatMap((label) =>
    rng.shuffle(rows.filter((r) => r.label === label)).slice(0, perClass)
  );
}

/**
 * A balanced subset sorted by path: `perClass` rows of each class (seeded, as
 * {@linkcode sampleRows}); all rows when `perClass` is 0.
 */
export function stratifiedSubset(
  rows: readonly ManifestRow[],
  perClass: number,
  seed: number,
): ManifestRow[] {
  if (perClass <= 0) return [...rows];
  return sampleRows(rows, perClass, seed).sort((a, b) => a.path.localeCompare(b.path));
}
