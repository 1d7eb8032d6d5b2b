/**
 * A trained run opened for use: its config, best checkpoint and the decision threshold.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExperimentConfig } from "../config.ts";
import { fail } from "../errors.ts";
import { checkpointDir } from "../evaluate/mod.ts";
import { loadModel } from "../models/mod.ts";
import { exists } from "../util/fs.ts";

/** Threshold used when the run has no evaluation to take one from. */
export const DEFAULT_THRESHOLD = 0.5;

/** A run's model and what is needed to use it. */
export interface RunModel {
  runDir: string;
  config: ExperimentConfig;
  /** Folder of the best checkpoint (model.json + weights.bin). */
  modelDir: string;
  model: tf.LayersModel;
  /** Square input side in pixels. */
  inputSize: number;
  /** `prob_pneumonia >= threshold` predicts PNEUMONIA. */
  threshold: number;
  /** Where the threshold came from (a metrics.json, or "default"). */
  thresholdSource: string;
}

async function readJson<T>(path: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") {
      fail(`${path} not found: ${what}; pass a run folder written by 'cxr train'`);
    }
    fail(`cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The run's decision threshold: the one its test evaluation used (`eval-test/metrics.json`,
 * written by `cxr evaluate`), else {@linkcode DEFAULT_THRESHOLD}.
 */
export async function runThreshold(runDir: string): Promise<{ threshold: number; source: string }> {
  const path = join(runDir, "eval-test", "metrics.json");
  if (!(await exists(path))) return { threshold: DEFAULT_THRESHOLD, source: "default" };
  const metrics = await readJson<{ threshold?: number }>(path, "evaluation metrics");
  const t = metrics.threshold;
  if (typeof t !== "number" || !(t >= 0 && t <= 1)) {
    fail(`${path}: "threshold" is missing or not in [0, 1]; rerun 'cxr evaluate'`);
  }
  return { threshold: t, source: path };
}

/** Loads `runDir`'s config and best checkpoint; `threshold` overrides the run's. */
export async function openRun(runDir: string, threshold?: number): Promise<RunModel> {
  const config = await readJson<ExperimentConfig>(join(runDir, "config.json"), "run config");
  const modelDir = await checkpointDir(runDir, config);
  const chosen = threshold === undefined
    ? await runThreshold(runDir)
    : { threshold, source: "--threshold" };
  const model = await loadModel(modelDir);
  const inputSize = (model.inputs[0].shape as number[])[1];
  if (inputSize !== config.inputSize) {
    model.dispose();
    fail(
      `checkpoint ${modelDir} takes ${inputSize}px input but ${
        join(runDir, "config.json")
      } says inputSize ${config.inputSize}; retrain or fix the config`,
    );
  }
  return {
    runDir,
    config,
    modelDir,
    model,
    inputSize,
    threshold: chosen.threshold,
    thresholdSource: chosen.source,
  };
}
