/**
 * Evaluation of a training run's best checkpoint on one split, in three steps: predict (the
 * checkpoint on the split's images, measure.ts), measure (metrics with bootstrap intervals and
 * operating points, measure.ts) and write (predictions, metrics, a Markdown report, the figures
 * and a Grad-CAM grid into `<run-dir>/eval-<split>/`, write.ts).
 *
 * @module
 */
import { disposeGradCam } from "../explain/mod.ts";
import { fail } from "../errors.ts";
import type { MetricsSummary, PredictionRow } from "../metrics/mod.ts";
import { loadModel } from "../models/mod.ts";
import { shownPath } from "../paths.ts";
import { type EvalSplit, leftOutNote, loadInputs } from "./inputs.ts";
import { measure, predictRows, valPredictions } from "./measure.ts";
import { resolveThreshold } from "./operating_point.ts";
import { writeEvaluation } from "./write.ts";

/** Options for {@linkcode evaluateRun}. */
export interface EvaluateOptions {
  runDir: string;
  /** Default "test" (the run's own held-out split). */
  split?: EvalSplit;
  /** Dataset root. Default: the run's config.dataRoot if it exists, else `CXR_DATA_DIR`, else data/chest_xray. */
  dataRoot?: string;
  /** Image cache root. Default: the data area's default (`CXR_CACHE_DIR`, else outputs/cache). */
  cacheDir?: string;
  /**
   * prob_pneumonia >= threshold predicts PNEUMONIA. Default: the run config's `threshold` rule
   * (0.5, or chosen on the validation split).
   */
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

/** Evaluates `<runDir>`'s best checkpoint on a split and writes everything into `<runDir>/eval-<split>/`. */
export async function evaluateRun(opts: EvaluateOptions): Promise<EvaluateResult> {
  const split = opts.split ?? "test";
  const print = opts.print ?? ((line: string) => console.log(line));
  const tuneOnVal = (opts.tuneOnVal ?? false) && split !== "val";
  const inputs = await loadInputs({
    ...opts,
    split,
    withVal: tuneOnVal,
    given: opts.threshold,
    print,
  });
  const { config, modelDir, rows } = inputs;
  const model = await loadModel(modelDir);
  try {
    const inputSize = (model.inputs[0].shape as number[])[1];
    if (inputSize !== config.inputSize) {
      fail(
        `checkpoint ${modelDir} takes ${inputSize}px input but config.json says inputSize ${config.inputSize}`,
      );
    }
    print(
      `evaluating ${
        shownPath(modelDir)
      } on ${rows.length} ${split} images at ${config.inputSize}px` +
        leftOutNote(inputs),
    );
    const predictions = await predictRows(model, inputs, opts.batchSize);
    // The config's threshold rule is applied to the validation split, never to the evaluated one.
    const operating = await resolveThreshold(
      opts.threshold,
      config,
      () =>
        split === "val"
          ? Promise.resolve({
            y: predictions.map((r) => r.label),
            p: predictions.map((r) => r.prob),
          })
          : valPredictions(model, inputs, opts.batchSize),
    );
    print(`threshold ${operating.threshold} (${operating.rule}, ${operating.chosenOn})`);
    const measured = await measure(model, inputs, predictions, {
      threshold: operating.threshold,
      operating,
      bootstrap: opts.bootstrap ?? 1000,
      seed: opts.seed ?? config.seed,
      tuneOnVal,
      batchSize: opts.batchSize,
    });
    const { outDir, files } = await writeEvaluation(model, inputs, predictions, measured, {
      gradcamPerOutcome: opts.gradcamPerOutcome ?? 4,
      camLayer: opts.camLayer,
      print,
    });
    return { outDir, metrics: measured.metrics, predictions, files };
  } finally {
    disposeGradCam(model);
    model.dispose();
  }
}
