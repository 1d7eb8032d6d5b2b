/**
 * The end of an evaluation: everything written into `<run-dir>/eval-<split>/` (predictions,
 * metrics.json, figures, a Grad-CAM grid and report.md).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { join, relative } from "node:path";
import { type ImageCache, type ManifestRow, writeSkipped } from "../data/mod.ts";
import {
  camClassOf,
  camGrid,
  gradCam,
  type GridTile,
  OUTCOMES,
  overlayHeatmap,
  pickExamples,
} from "../explain/mod.ts";
import {
  precisionRecallCurve,
  type PredictionRow,
  rocCurve,
  writePredictionsCsv,
} from "../metrics/mod.ts";
import { MODEL_DISPLAY_NAMES, toModelInput } from "../models/mod.ts";
import {
  classBalanceSpec,
  confusionMatrixSpec,
  type HistoryPoint,
  prSpec,
  reliabilitySpec,
  rocSpec,
  trainingCurvesSpec,
  type VegaLiteSpec,
  writeFigure,
} from "../plots/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";
import { type EvaluationInputs, leftOutSummary, readJson } from "./inputs.ts";
import type { Measured } from "./measure.ts";
import { evaluationReport } from "./report.ts";

/** What {@linkcode writeEvaluation} adds to the measurements. */
export interface WriteArgs {
  /** Grad-CAM examples per outcome; 0 = no grid. */
  gradcamPerOutcome: number;
  /** Grad-CAM layer. Default: the model's last convolutional cut point. */
  camLayer?: string;
  print: (line: string) => void;
}

/** Writes the evaluation's files; returns its folder and every path written, in order. */
export async function writeEvaluation(
  model: tf.LayersModel,
  inputs: EvaluationInputs,
  predictions: PredictionRow[],
  measured: Measured,
  args: WriteArgs,
): Promise<{ outDir: string; files: string[] }> {
  const { runDir, split, modelDir, skipped } = inputs;
  const { metrics, youden, recall95, valYouden, bootstrap, seed } = measured;
  const outDir = join(runDir, `eval-${split}`);
  // Relative to the run folder, so the files read the same wherever the workspace lives.
  const checkpoint = relative(runDir, modelDir);
  const files: string[] = [];
  const file = (name: string) => {
    const path = join(outDir, name);
    files.push(path);
    return path;
  };
  await writePredictionsCsv(file("predictions.csv"), predictions);
  await writeSkipped(file("skipped.csv"), inputs.leftOut);
  await writeJsonAtomic(file("metrics.json"), {
    ...metrics,
    split,
    checkpoint,
    skipped,
    skipped_reasons: leftOutSummary(inputs.leftOut),
    bootstrap: { replicates: bootstrap, seed },
    youden,
    threshold_for_recall_0_95: recall95,
    ...(valYouden === undefined ? {} : { val_youden: valYouden }),
    operating_point: measured.operating ??
      { rule: "given", threshold: metrics.threshold, chosenOn: "given", valImages: 0 },
    tta: inputs.config.tta,
    border_mask: inputs.config.borderMask,
    reliability: measured.reliability,
  });
  const name = MODEL_DISPLAY_NAMES[inputs.config.model];
  const figures = await figureSpecs(inputs, measured, name);
  for (const [base, spec] of figures) {
    const fig = await writeFigure(spec, join(outDir, base));
    files.push(fig.files!.vl, fig.files!.svg, fig.files!.png);
  }
  let gradcam: string | undefined;
  if (args.gradcamPerOutcome > 0) {
    args.print(`Grad-CAM: up to ${args.gradcamPerOutcome} examples per outcome`);
    const png = await gradcamGrid(model, inputs.images, inputs.rows, predictions, {
      threshold: measured.threshold,
      perOutcome: args.gradcamPerOutcome,
      layerName: args.camLayer,
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
      checkpoint,
      model: name,
      metrics,
      youden,
      recall95,
      valYouden,
      skipped,
      skippedReasons: leftOutSummary(inputs.leftOut),
      figures: figures.map(([base]) => base),
      gradcam,
      bootstrap,
      seed,
    }),
  );
  return { outDir, files };
}

/** The figures of an evaluation, by file base name (training curves first, when there are any). */
async function figureSpecs(
  inputs: EvaluationInputs,
  measured: Measured,
  name: string,
): Promise<[string, VegaLiteSpec][]> {
  const { split } = inputs;
  const { metrics, y, p, youden, threshold } = measured;
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
      reliabilitySpec(measured.reliability, {
        ece: metrics.ece,
        title: `Reliability diagram (${split})`,
      }),
    ],
    ["class_balance", classBalanceSpec(inputs.counts)],
  ];
  const historyPath = join(inputs.runDir, "history.json");
  if (await exists(historyPath)) {
    const history = await readJson<HistoryPoint[]>(historyPath, "training history");
    if (history.length > 0) {
      const spec = trainingCurvesSpec(history, { monitor: inputs.config.monitor });
      figures.unshift(["training_curves", spec]);
    }
  }
  return figures;
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
