/**
 * `model-card.json`: what an exported model is, how it was trained and tested, how to feed it,
 * and what it is not for. A web page shows it beside every prediction.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExperimentConfig } from "../config.ts";
import { exists } from "../util/fs.ts";

/** The notice every surface that shows a prediction repeats. */
export const INTENDED_USE =
  "Research use only. Not a medical device: not for diagnosis, screening or any clinical " +
  "decision.";

/** Test-set numbers of the run, with 95% bootstrap intervals when the evaluation made them. */
export interface CardMetric {
  value: number;
  ci95?: [number, number];
}

/** Change from storing the weights as float16, measured on the run's test split. */
export interface Float16Check {
  images: number;
  max_abs_dprob: number;
  accuracy_float32: number;
  accuracy_float16: number;
  decisions_changed: number;
}

/** The card's fields (JSON, snake_case like the other outputs). */
export interface ModelCard {
  name: string;
  model: ExperimentConfig["model"];
  intended_use: string;
  input: { size: number; channels: "grey repeated to RGB"; preprocessing: string };
  output: string;
  threshold: number;
  threshold_source: string;
  training: {
    protocol: string;
    split: ExperimentConfig["split"];
    patient_key: ExperimentConfig["patientKey"];
    profile: ExperimentConfig["profile"];
    seed: number;
    data: string;
  };
  test_metrics: Record<string, CardMetric> | null;
  test_metrics_note: string;
  weights: { dtype: "float32" | "float16"; bytes: number };
  float16_check?: Float16Check;
  created: string;
}

const PROTOCOLS: Record<ExperimentConfig["split"], string> = {
  paper: "image-level stratified 80/10/10 split (the paper's; patients can be on both sides)",
  patient: "patient-level 80/10/10 split (no patient on two sides)",
  official: "the Kaggle folders (train / val / test)",
};

const METRIC_KEYS = ["accuracy", "sensitivity", "specificity", "roc_auc", "average_precision"];

/** The run's test metrics from `eval-test/metrics.json`, or null when it was not evaluated. */
async function testMetrics(runDir: string): Promise<Record<string, CardMetric> | null> {
  const path = join(runDir, "eval-test", "metrics.json");
  if (!(await exists(path))) return null;
  const m = JSON.parse(await readFile(path, "utf8"));
  const ci = m.ci ?? {};
  return Object.fromEntries(
    METRIC_KEYS.filter((k) => typeof m[k] === "number").map((k) => [
      k,
      ci[k] ? { value: m[k], ci95: ci[k] } : { value: m[k] },
    ]),
  );
}

/** Inputs of {@linkcode modelCard}. */
export interface ModelCardInput {
  runDir: string;
  config: ExperimentConfig;
  threshold: number;
  thresholdSource: string;
  dtype: "float32" | "float16";
  weightBytes: number;
  float16Check?: Float16Check;
}

/** The card of an exported run. */
export async function modelCard(input: ModelCardInput): Promise<ModelCard> {
  const { config } = input;
  const metrics = await testMetrics(input.runDir);
  return {
    name: `${config.model} ${config.split} seed ${config.seed} (${config.profile} profile)`,
    model: config.model,
    intended_use: INTENDED_USE,
    input: {
      size: config.inputSize,
      channels: "grey repeated to RGB",
      preprocessing: "decode ignoring any ICC profile, greyscale, resize to size x size " +
        "(fill, lanczos3, as sharp/libvips), then x / 127.5 - 1",
    },
    output: "softmax over [NORMAL, PNEUMONIA]; p(PNEUMONIA) >= threshold predicts PNEUMONIA",
    threshold: input.threshold,
    threshold_source: input.thresholdSource,
    training: {
      protocol: PROTOCOLS[config.split],
      split: config.split,
      patient_key: config.patientKey,
      profile: config.profile,
      seed: config.seed,
      data: "Kermany et al. 2018 chest X-rays (CC BY 4.0, doi 10.17632/rscbjbr9sj.2)",
    },
    test_metrics: metrics,
    test_metrics_note: metrics
      ? "the run's own held-out test split (eval-test/metrics.json), 95% bootstrap intervals"
      : "the run has no test evaluation; run 'deno task cxr evaluate --run-dir DIR' and export again",
    weights: { dtype: input.dtype, bytes: input.weightBytes },
    ...(input.float16Check ? { float16_check: input.float16Check } : {}),
    created: new Date().toISOString(),
  };
}
