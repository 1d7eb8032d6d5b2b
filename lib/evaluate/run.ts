/**
 * Evaluation of a training run's best checkpoint on one split: predictions, metrics (with
 * bootstrap intervals), a Markdown report, the figures and a Grad-CAM grid, all written into
 * `<run-dir>/eval-<split>/`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { checkpointBasename, type ExperimentConfig } from "../config.ts";
import { fail } from "../errors.ts";
import {
  camClassOf,
  camGrid,
  disposeGradCam,
  gradCam,
  type GridTile,
  OUTCOMES,
  overlayHeatmap,
  pickExamples,
} from "../explain/mod.ts";
import { loadModel, toModelInput } from "../models/mod.ts";
import {
  type ImageCache,
  type ManifestRow,
  prepareCache,
  readSplit,
  scanDataset,
} from "../data/mod.ts";
import {
  confusionMatrix,
  type MetricsSummary,
  type OperatingPoint,
  precisionRecallCurve,
  predictAt,
  type PredictionRow,
  reliabilityCurve,
  rocCurve,
  sensitivity,
  specificity,
  summarizeMetrics,
  thresholdForRecall,
  writePredictionsCsv,
  youdenThreshold,
} from "../metrics/mod.ts";
import {
  classBalanceSpec,
  confusionMatrixSpec,
  type HistoryPoint,
  prSpec,
  reliabilitySpec,
  rocSpec,
  type SplitCounts,
  trainingCurvesSpec,
  type VegaLiteSpec,
  writeFigure,
} from "../plots/mod.ts";
import { dataRoot as defaultDataRoot } from "../paths.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";
import { predictProbabilities } from "./predict.ts";
import { evaluationReport } from "./report.ts";

/** Which images to evaluate: a split of the run, or the Kaggle test folder. */
export type EvalSplit = "test" | "val" | "official-test";
/** Accepted `split` values. */
export const EVAL_SPLITS: readonly EvalSplit[] = ["test", "val", "official-test"];

/** Options for {@linkcode evaluateRun}. */
export interface EvaluateOptions {
  runDir: string;
  /** Default "test" (the run's own held-out split). */
  split?: EvalSplit;
  /** Dataset root. Default: the run's config.dataRoot if it exists, else `CXR_DATA_DIR`, else data/chest_xray. */
  dataRoot?: string;
  /** Image cache root. Default: the data area's default (`CXR_CACHE_DIR`, else outputs/cache). */
  cacheDir?: string;
  /** prob_pneumonia >= threshold predicts PNEUMONIA. Default 0.5. */
  threshold?: number;
  /** Bootstrap replicates for the intervals; 0 = none. Default 1000. */
  bootstrap?: number;
  /** Bootstrap seed. Default: the run's seed. */
  seed?: number;
  /**
   * Also choose a threshold on the run's validation split (Youden's J) and report this split's
   * sensitivity and specificity at it: an operating point not tuned on the evaluated images.
   * Costs a pass over the validation images. Default false.
   */
  tuneOnVal?: boolean;
  /** Grad-CAM examples per outcome (TP, FP, TN, FN); 0 = no grid. Default 4. */
  gradcamPerOutcome?: number;
  /** Layer for Grad-CAM. Default: the model's last convolutional cut point ("out_relu"). */
  camLayer?: string;
  /** Images per forward pass. Default 32. */
  batchSize?: number;
  /** Progress and status lines. Default console.log. */
  print?: (line: string) => void;
}

/** What {@linkcode evaluateRun} wrote and measured. */
export interface EvaluateResult {
  outDir: string;
  metrics: MetricsSummary;
  predictions: PredictionRow[];
  /** Paths of everything written. */
  files: string[];
}

async function readJson<T>(path: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (err) {
    fail(`cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The checkpoint folder: `<best>`, or `<best>.old` when a crash interrupted its replacement. */
export async function checkpointDir(runDir: string, config: ExperimentConfig): Promise<string> {
  const best = join(runDir, checkpointBasename(config));
  for (const dir of [best, `${best}.old`]) if (await exists(join(dir, "model.json"))) return dir;
  fail(
    `no best checkpoint in ${best} (model.json missing); train the run first: deno task cxr train --run-dir ${runDir}`,
  );
}

async function splitRows(
  split: EvalSplit,
  runDir: string,
  root: string,
  print: (line: string) => void,
): Promise<{ rows: ManifestRow[]; counts: SplitCounts; val: ManifestRow[] }> {
  const run = await readSplit(join(runDir, "splits")).catch((err) =>
    fail(`cannot read the run's split in ${join(runDir, "splits")}: ${(err as Error).message}`, {
      cause: err,
    })
  );
  const count = (rows: ManifestRow[]) => ({
    NORMAL: rows.filter((r) => r.label === "NORMAL").length,
    PNEUMONIA: rows.filter((r) => r.label === "PNEUMONIA").length,
  });
  const counts: SplitCounts = {
    train: count(run.train),
    val: count(run.val),
    test: count(run.test),
  };
  if (split !== "official-test") return { rows: run[split], counts, val: run.val };
  print(`scanning ${root} for the official test folder`);
  const scan = await scanDataset(root, { progress: false });
  const rows = scan.rows.filter((r) => r.officialSplit === "test");
  if (rows.length === 0) {
    fail(
      `no official test images in ${root} (layout ${scan.layout}); official-test needs the Kaggle test/ folder`,
    );
  }
  return { rows, counts: { ...counts, "official test": count(rows) }, val: run.val };
}

/** Grad-CAM overlays of the most confident examples per outcome, as one grid PNG. */
async function gradcamGrid(
  model: tf.LayersModel,
  images: ImageCache,
  rows: ManifestRow[],
  predictions: PredictionRow[],
  opts: { threshold: number; perOutcome: number; layerName?: string; title: string },
): Promise<Uint8Array> {
  const picked = pickExamples(predictions, opts.threshold, opts.perOutcome);
  const order = OUTCOMES.flatMap((o) => picked[o].map((i) => ({ outcome: o, i })));
  const size = images.size;
  const tiles: GridTile[] = [];
  // Small batches: the backward pass through the base holds every activation.
  for (let start = 0; start < order.length; start += 4) {
    const chunk = order.slice(start, start + 4);
    const gray = chunk.map(({ i }) => images.pixels(rows[i].sha256));
    const x = toModelInput(gray, size, chunk.length);
    const classIndex = chunk.map(({ outcome }) => camClassOf(outcome));
    let heats: Float32Array[];
    try {
      heats = await gradCam(model, x, { layerName: opts.layerName, classIndex });
    } finally {
      x.dispose();
    }
    for (const [k, { outcome, i }] of chunk.entries()) {
      tiles.push({
        outcome,
        png: await overlayHeatmap(gray[k], heats[k], size),
        caption: `p=${predictions[i].prob.toFixed(3)}\n${rows[i].patientId}`,
      });
    }
  }
  return camGrid(tiles, { tile: Math.min(224, Math.max(size, 128)), title: opts.title });
}

/**
 * Youden's threshold on the validation images, and the evaluated split's rates at it (null
 * when validation lacks a class).
 */
async function tunedOnVal(
  model: tf.LayersModel,
  images: ImageCache,
  valRows: ManifestRow[],
  y: number[],
  p: number[],
  batchSize?: number,
): Promise<OperatingPoint | null> {
  const rows = valRows.filter((r) => images.has(r.sha256));
  const pv = await predictProbabilities(
    model,
    rows.length,
    (i) => images.pixels(rows[i].sha256),
    images.size,
    {
      batchSize,
      label: "predict val (threshold)",
    },
  );
  const chosen = youdenThreshold(rows.map((r) => (r.label === "PNEUMONIA" ? 1 : 0)), pv);
  if (!chosen) return null;
  const cm = confusionMatrix(y, predictAt(p, chosen.threshold));
  return {
    threshold: chosen.threshold,
    sensitivity: sensitivity(cm),
    specificity: specificity(cm),
  };
}

/** Evaluates `<runDir>`'s best checkpoint on a split and writes everything into `<runDir>/eval-<split>/`. */
export async function evaluateRun(opts: EvaluateOptions): Promise<EvaluateResult> {
  const { runDir } = opts;
  const split = opts.split ?? "test";
  const print = opts.print ?? ((line: string) => console.log(line));
  const config = await readJson<ExperimentConfig>(join(runDir, "config.json"), "run config");
  // The run's own data root, unless it has moved (another machine): then the default.
  const root = opts.dataRoot ??
    (config.dataRoot && await exists(config.dataRoot) ? config.dataRoot : defaultDataRoot());
  const modelDir = await checkpointDir(runDir, config);
  const { rows: allRows, counts, val } = await splitRows(split, runDir, root, print);
  const tune = (opts.tuneOnVal ?? false) && split !== "val";
  if (allRows.length === 0) fail(`split '${split}' of ${runDir} is empty; nothing to evaluate`);

  const images = await prepareCache({
    dataRoot: root,
    size: config.inputSize,
    cacheDir: opts.cacheDir,
    rows: tune ? [...allRows, ...val] : allRows,
    progress: false,
  });
  const rows = allRows.filter((r) => images.has(r.sha256));
  const skipped = allRows.length - rows.length;
  if (rows.length === 0) {
    fail(`no decodable images in split '${split}' under ${root}; check --data`);
  }
  const model = await loadModel(modelDir);
  try {
    const inputSize = (model.inputs[0].shape as number[])[1];
    if (inputSize !== config.inputSize) {
      fail(
        `checkpoint ${modelDir} takes ${inputSize}px input but config.json says inputSize ${config.inputSize}`,
      );
    }
    print(`evaluating ${modelDir} on ${rows.length} ${split} images at ${config.inputSize}px`);
    const probs = await predictProbabilities(
      model,
      rows.length,
      (i) => images.pixels(rows[i].sha256),
      config.inputSize,
      {
        batchSize: opts.batchSize,
        label: `predict ${split}`,
      },
    );
    const predictions: PredictionRow[] = rows.map((r, i) => ({
      path: r.path,
      label: r.label === "PNEUMONIA" ? 1 : 0,
      prob: probs[i],
      patientId: r.patientId,
    }));
    const y = predictions.map((p) => p.label);
    const p = predictions.map((r) => r.prob);
    const threshold = opts.threshold ?? 0.5;
    const bootstrap = opts.bootstrap ?? 1000;
    const seed = opts.seed ?? config.seed;
    const metrics = summarizeMetrics(y, p, { threshold, bootstrap, seed });
    const youden = youdenThreshold(y, p);
    const recall95 = thresholdForRecall(y, p, 0.95);
    const reliability = reliabilityCurve(y, p);
    const valYouden = tune ? await tunedOnVal(model, images, val, y, p, opts.batchSize) : undefined;

    const outDir = join(runDir, `eval-${split}`);
    const files: string[] = [];
    const file = (name: string) => {
      const path = join(outDir, name);
      files.push(path);
      return path;
    };
    await writePredictionsCsv(file("predictions.csv"), predictions);
    await writeJsonAtomic(file("metrics.json"), {
      ...metrics,
      split,
      checkpoint: modelDir,
      skipped,
      bootstrap: { replicates: bootstrap, seed },
      youden,
      threshold_for_recall_0_95: recall95,
      ...(valYouden === undefined ? {} : { val_youden: valYouden }),
      reliability,
    });

    const name = config.model === "baseline" ? "baseline CNN" : "MobileNetV2";
    const figures: [string, VegaLiteSpec][] = [
      [
        "confusion_matrix",
        confusionMatrixSpec(metrics.confusion_matrix, { title: `Confusion matrix (${split})` }),
      ],
      [
        "roc",
        rocSpec([{ name, curve: rocCurve(y, p), auc: metrics.roc_auc }], {
          title: `ROC curve (${split})`,
          markers: [
            {
              label: `threshold ${threshold}`,
              sensitivity: metrics.sensitivity,
              specificity: metrics.specificity,
            },
            ...(youden ? [{ label: `Youden ${youden.threshold.toFixed(3)}`, ...youden }] : []),
          ],
        }),
      ],
      [
        "pr",
        prSpec([{ name, curve: precisionRecallCurve(y, p), ap: metrics.average_precision }], {
          title: `Precision-recall curve (${split})`,
          prevalence: metrics.per_class.PNEUMONIA.support / metrics.n,
        }),
      ],
      [
        "reliability",
        reliabilitySpec(reliability, { ece: metrics.ece, title: `Reliability diagram (${split})` }),
      ],
      ["class_balance", classBalanceSpec(counts)],
    ];
    const historyPath = join(runDir, "history.json");
    if (await exists(historyPath)) {
      const history = await readJson<HistoryPoint[]>(historyPath, "training history");
      if (history.length > 0) {
        figures.unshift([
          "training_curves",
          trainingCurvesSpec(history, { monitor: config.monitor }),
        ]);
      }
    }
    for (const [base, spec] of figures) {
      const fig = await writeFigure(spec, join(outDir, base));
      files.push(fig.files!.vl, fig.files!.svg, fig.files!.png);
    }

    let gradcam: string | undefined;
    const perOutcome = opts.gradcamPerOutcome ?? 4;
    if (perOutcome > 0) {
      print(`Grad-CAM: up to ${perOutcome} examples per outcome`);
      const png = await gradcamGrid(model, images, rows, predictions, {
        threshold,
        perOutcome,
        layerName: opts.camLayer,
        title: `Grad-CAM, ${name}, ${split} (heat for the predicted class)`,
      });
      gradcam = "gradcam_grid.png";
      await writeFileAtomic(file(gradcam), png);
    }

    await writeFileAtomic(
      file("report.md"),
      evaluationReport({
        runDir,
        split,
        checkpoint: modelDir,
        model: name,
        metrics,
        youden,
        recall95,
        valYouden,
        skipped,
        figures: figures.map(([base]) => base),
        gradcam,
        bootstrap,
        seed,
      }),
    );
    return { outDir, metrics, predictions, files };
  } finally {
    disposeGradCam(model);
    model.dispose();
  }
}
