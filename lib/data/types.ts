/**
 * The record types shared by the data area: one manifest row per image, and skipped inputs.
 *
 * @module
 */

/** Class label, as the Kaggle folder names spell it. */
export type Label = "NORMAL" | "PNEUMONIA";
/** The Kaggle folder an image came from. */
export type OfficialSplit = "train" | "val" | "test";

/** All class labels, in class-index order (NORMAL = 0, PNEUMONIA = 1). */
export const LABELS: readonly Label[] = ["NORMAL", "PNEUMONIA"];
/** All official splits, in order. */
export const OFFICIAL_SPLITS: readonly OfficialSplit[] = ["train", "val", "test"];

/** One image of the dataset. */
export interface ManifestRow {
  /** Relative to the data root, POSIX separators, e.g. "train/NORMAL/IM-0115-0001.jpeg". */
  path: string;
  label: Label;
  /** The Kaggle folder; null in the flat layout. */
  officialSplit: OfficialSplit | null;
  /** e.g. "person123_bacteria", "IM-0115", "NORMAL2-IM-1427". */
  patientId: string;
  width: number;
  height: number;
  /** sha256 of the file bytes, lower-case hex. */
  sha256: string;
}

/** An input left out, with why; written to `skipped.csv`. */
export interface SkippedFile {
  /** Relative to the data root (a folder ends with "/"). */
  path: string;
  reason: string;
}
