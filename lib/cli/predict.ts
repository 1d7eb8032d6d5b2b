/**
 * `deno task cxr predict --run-dir DIR IMAGE_OR_FOLDER...`: a run's best checkpoint scores new
 * images; table on stdout, CSV or JSON with `--out`, Grad-CAM overlays with `--gradcam`.
 *
 * @module
 */
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { initBackend, parseBackendName } from "../backend.ts";
import { disposeGradCam } from "../explain/mod.ts";
import { fail } from "../errors.ts";
import {
  formatPredictionTable,
  listImages,
  openRun,
  predictImages,
  predictionsCsv,
  predictionsJson,
  type PredictReport,
} from "../predict/mod.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { isUnit, numberFlag, requiredFlag } from "./_flags.ts";

const HELP = `usage: deno task cxr predict --run-dir DIR [flags] IMAGE_OR_FOLDER...

Scores JPEG/PNG X-rays with DIR's best checkpoint, decoding them exactly as training does (ICC
profile ignored, grey, fill-resize to the run's input size, x / 127.5 - 1). Folders are searched
recursively for .jpeg/.jpg/.png files. Files that cannot be decoded are listed and skipped.
Research use only: not a medical device.

  --run-dir DIR      run folder written by 'cxr train' (required)
  --threshold T      p(PNEUMONIA) >= T predicts PNEUMONIA (default: the threshold of the run's
                     test evaluation, DIR/eval-test/metrics.json, else 0.5)
  --out FILE         write the predictions as CSV (JSON when FILE ends in .json or with --json)
  --json             JSON instead of the table (on stdout unless --out is given)
  --gradcam DIR      write a Grad-CAM overlay PNG per image (heat for PNEUMONIA) into DIR
  --batch-size N     images per forward pass (default 32)
  --backend NAME     tensorflow | webgpu | wasm | cpu (default: CXR_BACKEND, else the fastest)`;

export async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      "run-dir": { type: "string" },
      threshold: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
      gradcam: { type: "string" },
      "batch-size": { type: "string" },
      backend: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const runDir = requiredFlag("--run-dir DIR", values["run-dir"]);
  const threshold = values.threshold === undefined
    ? undefined
    : numberFlag("threshold", values.threshold, 0.5, isUnit, "a number in [0, 1]");
  const batchSize = numberFlag(
    "batch-size",
    values["batch-size"],
    32,
    (v) => Number.isInteger(v) && v > 0,
    "a positive integer",
  );
  const { files, fromFolders } = await listImages(positionals);
  await initBackend({ backend: parseBackendName(values.backend) });
  const run = await openRun(resolve(runDir), threshold);
  const gradcamDir = values.gradcam ? resolve(values.gradcam) : undefined;
  if (gradcamDir) await mkdir(gradcamDir, { recursive: true });
  let report: PredictReport;
  try {
    const result = await predictImages(run.model, files, run.inputSize, {
      threshold: run.threshold,
      batchSize,
      progress: fromFolders,
      gradcamDir,
    });
    report = {
      runDir: run.runDir,
      checkpoint: run.modelDir,
      inputSize: run.inputSize,
      threshold: run.threshold,
      ...result,
    };
  } finally {
    disposeGradCam(run.model);
    run.model.dispose();
  }
  const asJson = values.json || (values.out?.toLowerCase().endsWith(".json") ?? false);
  if (values.out) {
    const text = asJson
      ? JSON.stringify(predictionsJson(report), null, 2) + "\n"
      : predictionsCsv(report);
    await writeFileAtomic(resolve(values.out), new TextEncoder().encode(text));
  }
  if (values.json && !values.out) console.log(JSON.stringify(predictionsJson(report), null, 2));
  else console.log(formatPredictionTable(report));
  if (values.out) console.log(`\nwrote ${resolve(values.out)}`);
  if (gradcamDir && report.predictions.length > 0) {
    console.log(`wrote ${report.predictions.length} Grad-CAM overlays to ${gradcamDir}`);
  }
  if (report.predictions.length === 0) {
    fail(`none of the ${files.length} file(s) could be decoded (see the list above)`);
  }
}
