/**
 * `deno task cxr evaluate --run-dir DIR [--split test|val|official-test] [--data DIR] ...`:
 * the run's best checkpoint on a split -> predictions.csv, metrics.json, report.md, figures and
 * a Grad-CAM grid in `<run-dir>/eval-<split>/`.
 *
 * @module
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { initBackend, parseBackendName } from "../backend.ts";
import { fail } from "../errors.ts";
import { EVAL_SPLITS, type EvalSplit, evaluateRun } from "../evaluate/mod.ts";
import { formatMetricsTable } from "../metrics/mod.ts";
import { bootstrapFlag, isCount, isUnit, numberFlag, requiredFlag } from "./_flags.ts";

const HELP = `usage: deno task cxr evaluate --run-dir DIR [flags]

Loads DIR's best checkpoint (config.json names it), predicts a split and writes
DIR/eval-<split>/: predictions.csv, metrics.json, report.md, figures (.vl.json, .svg, .png:
training_curves, confusion_matrix, roc, pr, reliability, class_balance) and gradcam_grid.png.

  --run-dir DIR      run folder written by 'cxr train' (required)
  --split NAME       test (default: the run's own test split) | val | official-test (Kaggle test/)
  --data DIR         dataset root (default: the run's config.dataRoot if present, else CXR_DATA_DIR)
  --threshold T      prob_pneumonia >= T predicts PNEUMONIA (default: the run config's
                     threshold rule: 0.5, or chosen on validation by youden | sens95)
  --bootstrap N      bootstrap replicates for 95% intervals (default 1000; 0 = none)
  --seed S           bootstrap seed (default: the run's seed)
  --tune-threshold   also pick Youden's threshold on the run's validation split and report
                     this split's sensitivity/specificity at it
  --gradcam N        Grad-CAM examples per outcome TP/FP/TN/FN (default 4; 0 = none)
  --cam-layer NAME   Grad-CAM layer (default: last convolutional block, out_relu for MobileNetV2)
  --batch-size N     images per forward pass (default 32)
  --backend NAME     tensorflow | webgpu | wasm | cpu (default: CXR_BACKEND, else the fastest)`;

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      "run-dir": { type: "string" },
      split: { type: "string" },
      data: { type: "string" },
      threshold: { type: "string" },
      bootstrap: { type: "string" },
      seed: { type: "string" },
      gradcam: { type: "string" },
      "tune-threshold": { type: "boolean", default: false },
      "cam-layer": { type: "string" },
      "batch-size": { type: "string" },
      backend: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const runDir = requiredFlag("--run-dir DIR", values["run-dir"]);
  const split = (values.split ?? "test") as EvalSplit;
  if (!EVAL_SPLITS.includes(split)) {
    fail(`--split ${values.split}: expected one of ${EVAL_SPLITS.join(", ")}`, { exitCode: 2 });
  }
  const seedText = values.seed;
  const options = {
    runDir: resolve(runDir),
    split,
    dataRoot: values.data ? resolve(values.data) : undefined,
    // Without --threshold, the run config's `threshold` rule applies (0.5 unless set).
    threshold: values.threshold === undefined
      ? undefined
      : numberFlag("threshold", values.threshold, 0.5, isUnit, "a number in [0, 1]"),
    bootstrap: bootstrapFlag(values.bootstrap, 1000),
    seed: seedText === undefined
      ? undefined
      : numberFlag("seed", seedText, 0, Number.isInteger, "an integer"),
    gradcamPerOutcome: numberFlag(
      "gradcam",
      values.gradcam,
      4,
      isCount,
      "a whole number of examples",
    ),
    camLayer: values["cam-layer"],
    tuneOnVal: values["tune-threshold"],
    batchSize: numberFlag(
      "batch-size",
      values["batch-size"],
      32,
      (v) => isCount(v) && v > 0,
      "a positive integer",
    ),
  };
  await initBackend({ backend: parseBackendName(values.backend) });
  const { outDir, metrics, files } = await evaluateRun(options);
  console.log(formatMetricsTable(metrics));
  console.log(`\nwrote ${files.length} files to ${outDir}`);
}
