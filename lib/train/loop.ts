/**
 * The freeze-aware training step and epoch (not `model.fit`).
 *
 * A model is cut in two (the models area's `splitAt`): the frozen front runs outside the
 * gradient tape with `training: false` (inference-mode BatchNorm, moving statistics never
 * touched), and only the trainable back is differentiated, so a stage-1 step costs about one
 * inference pass and a stage-2 step keeps activations only for the unfrozen top. The back runs
 * with `training: true` (Dropout active); its BatchNorm layers stay in inference mode unless
 * `trainBatchNorm` is set (the from-scratch baseline), see `_batchnorm.ts`.
 *
 * The step is one small function ({@linkcode trainStep}) so a faster one can replace it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { withInferenceBatchNorm } from "./_batchnorm.ts";
import { foldedTrainForward } from "../kernels/mod.ts";
import type { Rng } from "../util/rng.ts";
import { assertNoGpuErrors } from "../backend.ts";
import { type Batch, disposeBatch } from "./batches.ts";

/** Loss, correct predictions and example count of one batch (or a sum over batches). */
export interface StepResult {
  /** Sum over examples of the (weighted) per-example loss. */
  lossSum: number;
  correct: number;
  count: number;
}

/**
 * Categorical cross-entropy of probabilities `p` against one-hot `y`, averaged over the batch
 * (Keras' sum-over-batch-size reduction); per-sample `weights` scale each term first.
 */
export function crossEntropy(y: tf.Tensor, p: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    // Clip as Keras does for probabilities, so log never sees 0.
    const ce = y.mul(p.clipByValue(1e-7, 1 - 1e-7).log()).sum(-1).neg() as tf.Tensor1D;
    return (weights ? ce.mul(weights) : ce).mean() as tf.Scalar;
  });
}

/** Options of {@linkcode trainStep}. */
export interface StepOptions {
  /** Let BatchNorm in the trained part use batch statistics (from-scratch models). Default false. */
  trainBatchNorm?: boolean;
}

/**
 * One optimisation step of `trainable` on a batch whose `x` is `trainable`'s input (images, or
 * the frozen part's output). Only `trainable.trainableWeights` are updated. The step's work is
 * queued synchronously; the loss and correct count are then read back asynchronously (the
 * webgpu backend cannot read synchronously under Deno: its `dataSync` needs a canvas).
 */
export async function trainStep(
  trainable: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: Batch,
  options: StepOptions = {},
): Promise<StepResult> {
  const vars = trainable.trainableWeights.map((w) => w.read() as tf.Variable);
  const run = () => {
    let correct: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      // Frozen BatchNorm statistics: conv+BN+ReLU6 as one fused op (lib/kernels/folded_forward.ts).
      const p = options.trainBatchNorm
        ? trainable.apply(batch.x, { training: true }) as tf.Tensor
        : foldedTrainForward(trainable)(batch.x);
      correct = tf.keep(p.argMax(-1).equal(batch.y.argMax(-1)).sum());
      return crossEntropy(batch.y, p, batch.weights);
    }, vars);
    optimizer.applyGradients(grads);
    // One read of [loss, correct] instead of two (each read is a GPU round trip on webgpu).
    const both = tf.tidy(() => tf.stack([value, correct!.toFloat()]));
    tf.dispose([value, correct!, ...Object.values(grads)]);
    return both;
  };
  const both = options.trainBatchNorm ? run() : withInferenceBatchNorm(trainable, run);
  return await readStep(both, batch.y.shape[0]);
}

/** Reads `[mean loss, correct]` of an `n`-example batch into a StepResult, and disposes it. */
async function readStep(both: tf.Tensor, n: number): Promise<StepResult> {
  try {
    const [loss, correct] = await both.data();
    return { lossSum: loss * n, correct, count: n };
  } finally {
    both.dispose();
  }
}

/** A model part as a function: input batch -> output batch, in inference mode. */
export type Forward = (x: tf.Tensor) => tf.Tensor;

/** `model` in inference mode as a {@linkcode Forward} (see also the kernels' `foldedForward`). */
export function inferenceForward(model: tf.LayersModel): Forward {
  return (x) => model.apply(x, { training: false }) as tf.Tensor;
}

/** Loss and correct count of a batch through `forward` (no update), read asynchronously. */
export async function evalStep(forward: Forward, batch: Batch): Promise<StepResult> {
  const both = tf.tidy(() => {
    const p = forward(batch.x);
    const loss = crossEntropy(batch.y, p, batch.weights);
    const correct = p.argMax(-1).equal(batch.y.argMax(-1)).sum();
    return tf.stack([loss, correct.toFloat()]);
  });
  return await readStep(both, batch.y.shape[0]);
}

/** Gives the input batch for a list of example indices; the caller disposes it. */
export type BatchSource = (indices: readonly number[]) => Batch;

/** Mean loss and accuracy over an epoch (or evaluation), with timing. */
export interface EpochResult {
  loss: number;
  accuracy: number;
  count: number;
  seconds: number;
}

function summarise(total: StepResult, seconds: number): EpochResult {
  return {
    loss: total.count ? total.lossSum / total.count : NaN,
    accuracy: total.count ? total.correct / total.count : NaN,
    count: total.count,
    seconds,
  };
}

/**
 * Gives every Dropout layer of `model` a fresh seed from `rng`, so its masks come from the run's
 * seeded stream (tfjs otherwise draws them from Math.random) and a resumed run repeats them.
 * A fixed seed would repeat one mask every step, hence a new one per step.
 */
export function reseedDropout(model: tf.LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    if (layer.getClassName() === "Dropout") {
      (layer as unknown as { seed: number }).seed = rng.int(2 ** 31);
    }
  }
}

/** Options of {@linkcode runEpoch}. */
export interface EpochOptions extends StepOptions {
  /** Seeds Dropout for each training step (see {@linkcode reseedDropout}). Default: unseeded. */
  rng?: Rng;
  /** Optimizer; when absent the batches are only evaluated. */
  optimizer?: tf.Optimizer;
  /** Called after each batch with the number of examples done in it. */
  onBatch?: (count: number) => void;
  /** The step function. Default {@linkcode trainStep}. */
  step?: typeof trainStep;
  /** What evaluation (no optimizer) runs. Default `inferenceForward(trainable)`. */
  forward?: Forward;
}

/**
 * Runs `trainable` over `batches` (lists of indices into `source`): one training step per batch
 * when `options.optimizer` is given, else evaluation. Yields to the event loop between batches
 * so progress and signals are handled.
 */
export async function runEpoch(
  trainable: tf.LayersModel,
  source: BatchSource,
  batches: readonly (readonly number[])[],
  options: EpochOptions = {},
): Promise<EpochResult> {
  const start = performance.now();
  const total: StepResult = { lossSum: 0, correct: 0, count: 0 };
  const step = options.step ?? trainStep;
  const forward = options.forward ?? inferenceForward(trainable);
  for (const indices of batches) {
    const batch = source(indices);
    try {
      if (options.optimizer && options.rng) reseedDropout(trainable, options.rng);
      const r = options.optimizer
        ? await step(trainable, options.optimizer, batch, options)
        : await evalStep(forward, batch);
      assertNoGpuErrors();
      total.lossSum += r.lossSum;
      total.correct += r.correct;
      total.count += r.count;
    } finally {
      disposeBatch(batch);
    }
    options.onBatch?.(indices.length);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return summarise(total, (performance.now() - start) / 1000);
}
