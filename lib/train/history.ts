/**
 * Per-epoch training history, written as `history.csv` and `history.json` in the run folder.
 *
 * The rows live in the run's resumable state and both files are rewritten atomically from it
 * after every epoch, so a crash never leaves a half-written row, and a resumed run has neither
 * a gap nor a duplicate epoch.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";

/** One epoch of training. */
export interface HistoryRow {
  /** 1-based, counted over both stages. */
  epoch: number;
  stage: 1 | 2;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  /** Learning rate used in this epoch. */
  lr: number;
  /** Wall time of the epoch (training and validation). */
  seconds: number;
  /** Training throughput: training images per second of training steps. */
  img_per_s: number;
}

/** Column order of `history.csv`. */
export const HISTORY_COLUMNS: readonly (keyof HistoryRow)[] = [
  "epoch",
  "stage",
  "loss",
  "accuracy",
  "val_loss",
  "val_accuracy",
  "lr",
  "seconds",
  "img_per_s",
];

/** `rows` as CSV text with a header line. */
export function historyCsv(rows: readonly HistoryRow[]): string {
  const lines = [HISTORY_COLUMNS.join(",")];
  for (const row of rows) lines.push(HISTORY_COLUMNS.map((c) => String(row[c])).join(","));
  return lines.join("\n") + "\n";
}

/** Writes `history.csv` and `history.json` into `runDir`. */
export async function writeHistory(runDir: string, rows: readonly HistoryRow[]): Promise<void> {
  await writeFileAtomic(join(runDir, "history.csv"), historyCsv(rows));
  await writeJsonAtomic(join(runDir, "history.json"), rows);
}
