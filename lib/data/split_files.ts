/**
 * Split files: `train.csv`, `val.csv`, `test.csv` (manifest columns) and `summary.json`, the
 * form a run directory keeps its split in.
 *
 * @module
 */
import { join } from "node:path";
import { CxrError } from "../errors.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";
import { readManifest, writeManifest, writeSkipped } from "./manifest.ts";
import type { PatientKeyKind } from "./patient_id.ts";
import { type Split, type SplitSummary, splitSummary } from "./split.ts";
import { OFFICIAL_SPLITS, type SkippedFile } from "./types.ts";

/** What is recorded beside a split in `summary.json` (and `skipped.csv`). */
export interface SplitInfo {
  strategy?: string;
  seed?: number;
  /** What the patient-level split kept together (and the summary counts as one patient). */
  patientKey?: PatientKeyKind;
  /** Where the `official` split validates ("carved" from train/, or Kaggle's "kaggle" val/). */
  officialVal?: string;
  /** Requested train/val/test fractions (the summary's `fractions` are the achieved ones). */
  targetFractions?: readonly number[];
  dataRoot?: string;
  /** Number of exact-duplicate groups in the data. */
  duplicateGroups?: number;
  /** Inputs left out of the manifest; written to `skipped.csv` when given. */
  skipped?: readonly SkippedFile[];
}

/** The content of `summary.json`. */
export type SplitFileSummary = SplitSummary & Omit<SplitInfo, "skipped"> & { skipped?: number };

/** Writes `train.csv`, `val.csv`, `test.csv` and `summary.json` (and `skipped.csv`) into `dir`. */
export async function writeSplit(
  dir: string,
  split: Split,
  info: SplitInfo = {},
): Promise<SplitFileSummary> {
  const { skipped, ...rest } = info;
  for (const s of OFFICIAL_SPLITS) await writeManifest(join(dir, `${s}.csv`), split[s]);
  if (skipped) await writeSkipped(join(dir, "skipped.csv"), skipped);
  const summary: SplitFileSummary = {
    ...rest,
    ...(skipped ? { skipped: skipped.length } : {}),
    ...splitSummary(split, info.patientKey),
  };
  await writeJsonAtomic(join(dir, "summary.json"), summary);
  return summary;
}

/**
 * Reads the split CSVs written by {@linkcode writeSplit}; a missing one is a
 * {@linkcode CxrError} naming it and `fix` (default: how to write the split again).
 */
export async function readSplit(
  dir: string,
  fix = "write the split again with 'deno task cxr split' (same strategy and seed)",
): Promise<Split> {
  for (const s of OFFICIAL_SPLITS) {
    const path = join(dir, `${s}.csv`);
    if (!(await exists(path))) {
      throw new CxrError(
        `split file ${path} is missing (a split has train.csv, val.csv and test.csv); ${fix}`,
      );
    }
  }
  const [train, val, test] = await Promise.all(
    OFFICIAL_SPLITS.map((s) => readManifest(join(dir, `${s}.csv`))),
  );
  return { train, val, test };
}
