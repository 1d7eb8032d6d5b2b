/**
 * `cxr predict`'s outputs: a table for the terminal, CSV and JSON files.
 *
 * @module
 */
import { formatCsv } from "../util/csv.ts";
import type { ImageFailure, ImagePrediction } from "./predict_images.ts";

/** Everything a predict call reports. */
export interface PredictReport {
  runDir: string;
  checkpoint: string;
  inputSize: number;
  threshold: number;
  predictions: ImagePrediction[];
  failed: ImageFailure[];
}

/** CSV columns: one row per file, skipped files with an empty probability and their error. */
export const PREDICTION_COLUMNS = [
  "path",
  "prob_pneumonia",
  "decision",
  "threshold",
  "gradcam",
  "error",
] as const;

/** A fixed-width table: file, p(PNEUMONIA), decision; then the skipped files and why. */
export function formatPredictionTable(report: PredictReport): string {
  const width = Math.max(4, ...report.predictions.map((p) => p.path.length));
  const lines = [
    `${"file".padEnd(width)}  p(PNEUMONIA)  decision (threshold ${report.threshold})`,
    ...report.predictions.map((p) =>
      `${p.path.padEnd(width)}  ${p.prob.toFixed(4).padStart(12)}  ${p.decision}`
    ),
  ];
  if (report.failed.length > 0) {
    lines.push("", `skipped ${report.failed.length} file(s):`);
    for (const f of report.failed) lines.push(`  ${f.path}: ${f.error}`);
  }
  return lines.join("\n");
}

/** The report as CSV ({@linkcode PREDICTION_COLUMNS}). */
export function predictionsCsv(report: PredictReport): string {
  const rows = [
    ...report.predictions.map((p) => ({
      path: p.path,
      prob_pneumonia: p.prob,
      decision: p.decision,
      threshold: report.threshold,
      gradcam: p.gradcam ?? "",
      error: "",
    })),
    ...report.failed.map((f) => ({
      path: f.path,
      prob_pneumonia: "",
      decision: "",
      threshold: report.threshold,
      gradcam: "",
      error: f.error,
    })),
  ];
  return formatCsv(PREDICTION_COLUMNS, rows);
}

/** The report as a JSON-ready object (snake_case keys, as the other JSON outputs). */
export function predictionsJson(report: PredictReport): Record<string, unknown> {
  return {
    run_dir: report.runDir,
    checkpoint: report.checkpoint,
    input_size: report.inputSize,
    threshold: report.threshold,
    predictions: report.predictions.map((p) => ({
      path: p.path,
      prob_pneumonia: p.prob,
      decision: p.decision,
      ...(p.gradcam ? { gradcam: p.gradcam } : {}),
    })),
    failed: report.failed,
  };
}
