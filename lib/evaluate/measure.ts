/**
 * The middle of an evaluation: the checkpoint's predictions on the split, then every metric
 * (with bootstrap intervals), the chosen operating points and, optionally, a threshold chosen
 * on the validation images.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import {
  confusionMatrix,
  type MetricsSummary,
  type OperatingPoint,
  predictAt,
  type PredictionRow,
  type ReliabilityBin,
  reliabilityCurve,
  sensitivity,
  specificity,
  summarizeMetrics,
  thresholdForRecall,
  youdenThreshold,
} from "../metrics/mod.ts";
import type { EvaluationInputs } from "./inputs.ts";
import type { OperatingPointRecord } from "./operating_point.ts";
import { predictProbabilities } from "./predict.ts";

/** The PNEUMONIA probability of each row of the split, in order. */
export async function predictRows(
  model: tf.LayersModel,
  inputs: EvaluationInputs,
  batchSize?: number,
): Promise<PredictionRow[]> {
  const { rows, images, split } = inputs;
  const probs = await predictProbabilities(
    model,
    rows.length,
    (i) => images.pixels(rows[i].sha256),
    inputs.config.inputSize,
    { batchSize, label: `predict ${split}`, tta: inputs.config.tta },
  );
  return rows.map((r, i) => ({
    path: r.path,
    label: r.label === "PNEUMONIA" ? 1 : 0,
    prob: probs[i],
    patientId: r.patientId,
  }));
}

/** How {@linkcode measure} summarises predictions. */
export interface MeasureArgs {
  /** prob_pneumonia >= threshold predicts PNEUMONIA. */
  threshold: number;
  /** Bootstrap replicates; 0 = none. */
  bootstrap: number;
  seed: number;
  /** Choose a threshold on the validation images too (needs them in `inputs.images`). */
  tuneOnVal: boolean;
  /** Images per forward pass. Default 32. */
  batchSize?: number;
  /** How `threshold` was set (stored in metrics.json). Default: given. */
  operating?: OperatingPointRecord;
}

/** Metrics of an evaluation and the operating points it reports. */
export interface Measured extends MeasureArgs {
  /** Labels and probabilities of the predictions, in order. */
  y: number[];
  p: number[];
  metrics: MetricsSummary;
  /** Youden's J threshold on the evaluated split (descriptive: chosen on these images). */
  youden: OperatingPoint | null;
  /** The highest threshold with recall at least 0.95 on the evaluated split. */
  recall95: OperatingPoint | null;
  reliability: ReliabilityBin[];
  /** The split's rates at the threshold chosen on validation; undefined when not asked. */
  valYouden: OperatingPoint | null | undefined;
}

/** Metrics, operating points and reliability of `predictions`. */
export async function measure(
  model: tf.LayersModel,
  inputs: EvaluationInputs,
  predictions: readonly PredictionRow[],
  args: MeasureArgs,
): Promise<Measured> {
  const y = predictions.map((p) => p.label);
  const p = predictions.map((r) => r.prob);
  const { threshold, bootstrap, seed } = args;
  return {
    ...args,
    y,
    p,
    metrics: summarizeMetrics(y, p, { threshold, bootstrap, seed }),
    youden: youdenThreshold(y, p),
    recall95: thresholdForRecall(y, p, 0.95),
    reliability: reliabilityCurve(y, p),
    valYouden: args.tuneOnVal ? await tunedOnVal(model, inputs, y, p, args.batchSize) : undefined,
  };
}

/** Labels and probabilities of the run's validation images (same TTA and masking as the split). */
export async function valPredictions(
  model: tf.LayersModel,
  inputs: EvaluationInputs,
  batchSize?: number,
): Promise<{ y: number[]; p: number[] }> {
  const { images } = inputs;
  const rows = inputs.val.filter((r) => images.has(r.sha256));
  const p = await predictProbabilities(
    model,
    rows.length,
    (i) => images.pixels(rows[i].sha256),
    images.size,
    { batchSize, label: "predict val (threshold)", tta: inputs.config.tta },
  );
  return { y: rows.map((r) => (r.label === "PNEUMONIA" ? 1 : 0)), p: [...p] };
}

/**
 * Youden's threshold on the validation images, and the evaluated split's rates at it (null
 * when validation lacks a class).
 */
async function tunedOnVal(
  model: tf.LayersModel,
  inputs: EvaluationInputs,
  y: number[],
  p: number[],
  batchSize?: number,
): Promise<OperatingPoint | null> {
  const val = await valPredictions(model, inputs, batchSize);
  const chosen = youdenThreshold(val.y, val.p);
  if (!chosen) return null;
  const cm = confusionMatrix(y, predictAt(p, chosen.threshold));
  return {
    threshold: chosen.threshold,
    sensitivity: sensitivity(cm),
    specificity: specificity(cm),
  };
}
