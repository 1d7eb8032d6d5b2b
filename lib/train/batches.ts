/**
 * Training batches from the uint8 image cache: a seeded shuffled order, the model input built
 * on the fly (float [-1, 1], 3 channels, via the models area's `toModelInput`), one-hot labels
 * and optional per-sample class weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { toModelInput } from "../models/mod.ts";
import type { Rng } from "../util/rng.ts";

/** Class names in class-index order (the model's softmax outputs). */
export const CLASSES = ["NORMAL", "PNEUMONIA"] as const;

/** What a batch needs of one image: its label and the content hash the cache is keyed by. */
export interface Example {
  label: (typeof CLASSES)[number];
  sha256: string;
}

/** Where pixels come from: the data area's `ImageCache` fits this. */
export interface ImageSource {
  /** Square image side in pixels. */
  readonly size: number;
  /** `size * size` grayscale bytes, row-major. */
  pixels(sha256: string): Uint8Array;
}

/** Class index of a label (NORMAL 0, PNEUMONIA 1). */
export function classIndex(label: string): number {
  const i = (CLASSES as readonly string[]).indexOf(label);
  if (i < 0) throw new Error(`unknown label '${label}'; expected ${CLASSES.join(" or ")}`);
  return i;
}

/**
 * Keras/sklearn "balanced" class weights, `n / (2 * n_c)` per class index; a class absent from
 * `examples` gets weight 0.
 */
export function balancedClassWeights(examples: readonly Example[]): number[] {
  const counts = CLASSES.map(() => 0);
  for (const e of examples) counts[classIndex(e.label)]++;
  return counts.map((c) => (c > 0 ? examples.length / (CLASSES.length * c) : 0));
}

/**
 * Indices 0..n-1 in batches of `batchSize` (the last may be smaller), shuffled by `rng` when
 * given, else in order.
 */
export function batchIndices(n: number, batchSize: number, rng?: Rng): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  if (rng) rng.shuffle(order);
  const out: number[][] = [];
  for (let i = 0; i < n; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

/** One batch: input of the trained part, one-hot targets, optional per-sample weights. */
export interface Batch {
  /** Images [batch, size, size, 3] in [-1, 1], or the frozen part's output for them. */
  x: tf.Tensor;
  y: tf.Tensor2D;
  /** Per-sample loss weights, shape [batch]; absent = all 1. */
  weights?: tf.Tensor1D;
}

/**
 * One-hot targets (and class-weight tensor when `classWeights` is given) for `indices`; with
 * `labelSmoothing` s, each target is `y * (1 - s) + s / 2` (Keras' label smoothing, 2 classes).
 */
export function makeTargets(
  examples: readonly Example[],
  indices: readonly number[],
  classWeights?: readonly number[],
  labelSmoothing = 0,
): Pick<Batch, "y" | "weights"> {
  const cls = indices.map((i) => classIndex(examples[i].label));
  const y = tf.tidy(() => {
    const hot = tf.oneHot(tf.tensor1d(cls, "int32"), CLASSES.length).toFloat();
    return labelSmoothing ? hot.mul(1 - labelSmoothing).add(labelSmoothing / CLASSES.length) : hot;
  }) as tf.Tensor2D;
  const weights = classWeights ? tf.tensor1d(cls.map((c) => classWeights[c])) : undefined;
  return { y, weights };
}

/** Builds the batch of `examples[indices]`: pixels from `images`, converted on the fly. */
export function makeBatch(
  images: ImageSource,
  examples: readonly Example[],
  indices: readonly number[],
  classWeights?: readonly number[],
  labelSmoothing = 0,
): Batch {
  const x = toModelInput(
    indices.map((i) => images.pixels(examples[i].sha256)),
    images.size,
    indices.length,
  );
  return { x, ...makeTargets(examples, indices, classWeights, labelSmoothing) };
}

/** Disposes a batch's tensors. */
export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.x, batch.y, ...(batch.weights ? [batch.weights] : [])]);
}
