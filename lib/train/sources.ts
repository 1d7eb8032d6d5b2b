/**
 * Batch sources for the training loop: images straight from the cache (optionally augmented,
 * optionally through the frozen part on the fly), or the frozen part's output computed once
 * and kept in memory (the feature cache).
 *
 * What the feature cache means for augmentation: images are augmented before the frozen part,
 * so a cached feature is the feature of one fixed augmented view. With `views` = K, each
 * training image is augmented K times (seeded per view, so a resumed run recomputes the same
 * views) and epoch e uses view e mod K. Fresh augmentation every epoch needs the cache off,
 * which costs a frozen forward pass per image per epoch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { augmentBatch, type AugmentOptions, sampleAugmentParams } from "../augment/mod.ts";
import { progress } from "../util/progress.ts";
import type { Rng } from "../util/rng.ts";
import {
  type Batch,
  batchIndices,
  disposeBatch,
  type Example,
  type ImageSource,
  makeBatch,
  makeTargets,
} from "./batches.ts";
import type { BatchSource, Forward } from "./loop.ts";

/** Options of {@linkcode imageSource}. */
export interface ImageSourceOptions {
  /** Applied to the images first, with training-time randomness; omit for none. */
  augment?: { rng: Rng; options: AugmentOptions };
  /** Frozen front of the model in inference mode, run after augmentation; omit for none. */
  frozen?: Forward;
  /** Per-class loss weights; omit for none. */
  classWeights?: readonly number[];
  /** Label smoothing of the targets (see `makeTargets`). Default 0. */
  labelSmoothing?: number;
}

/** Batches built from cached images: pixels -> [augment] -> [frozen part]. */
export function imageSource(
  images: ImageSource,
  examples: readonly Example[],
  options: ImageSourceOptions = {},
): BatchSource {
  return (indices) => {
    const batch = makeBatch(
      images,
      examples,
      indices,
      options.classWeights,
      options.labelSmoothing,
    );
    if (options.augment) {
      const params = sampleAugmentParams(
        options.augment.rng,
        indices.length,
        options.augment.options,
      );
      replaceX(batch, augmentBatch(batch.x as tf.Tensor4D, params));
    }
    if (options.frozen) {
      const frozen = options.frozen;
      replaceX(batch, tf.tidy(() => frozen(batch.x)));
    }
    return batch;
  };
}

function replaceX(batch: Batch, x: tf.Tensor): void {
  batch.x.dispose();
  batch.x = x;
}

/** The frozen part's outputs for a list of examples: one row of `size` floats per example. */
export interface FeatureTable {
  /** Shape of one example's features (without the batch axis). */
  shape: number[];
  data: Float32Array;
}

/** Options of {@linkcode computeFeatures}. */
export interface ComputeFeaturesOptions {
  /** Examples per forward pass. Default 32. */
  batchSize?: number;
  /** Progress label; omit for silence. */
  label?: string;
}

/**
 * Runs `frozen` (a frozen part in inference mode) once over the `count` examples `source` gives
 * (images, or an earlier feature table), in order, and keeps the outputs.
 */
export async function computeFeatures(
  frozen: Forward,
  source: BatchSource,
  count: number,
  options: ComputeFeaturesOptions = {},
): Promise<FeatureTable> {
  let shape: number[] = [];
  let size = 0;
  let data = new Float32Array(0);
  const bar = options.label ? progress(options.label, count) : undefined;
  let offset = 0;
  for (const indices of batchIndices(count, options.batchSize ?? 32)) {
    const batch = source(indices);
    try {
      const out = tf.tidy(() => frozen(batch.x));
      if (offset === 0) {
        shape = out.shape.slice(1);
        size = shape.reduce((a, b) => a * b, 1);
        data = new Float32Array(count * size);
      }
      data.set(await out.data() as Float32Array, offset);
      out.dispose();
    } finally {
      disposeBatch(batch);
    }
    offset += indices.length * size;
    bar?.tick(indices.length);
  }
  bar?.done();
  return { shape, data };
}

/**
 * Batches from a feature table: rows gathered into a tensor, with targets (class weights and
 * label smoothing as `makeTargets` applies them).
 */
export function featureSource(
  table: FeatureTable,
  examples: readonly Example[],
  classWeights?: readonly number[],
  labelSmoothing = 0,
): BatchSource {
  const size = table.shape.reduce((a, b) => a * b, 1);
  return (indices) => {
    const buf = new Float32Array(indices.length * size);
    indices.forEach((i, k) => buf.set(table.data.subarray(i * size, (i + 1) * size), k * size));
    const x = tf.tensor(buf, [indices.length, ...table.shape]);
    return { x, ...makeTargets(examples, indices, classWeights, labelSmoothing) };
  };
}
