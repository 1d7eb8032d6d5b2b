/**
 * Random image augmentation for training: horizontal flip, rotation, zoom and contrast, per
 * image, on the active tfjs backend, reproducible from a seeded {@linkcode Rng}.
 *
 * The geometric part (flip, rotation, zoom) is one projective transform per image
 * (`tf.image.transform`, bilinear, `reflect` fill as Keras' RandomRotation/RandomZoom default); contrast then scales each image around its own mean and clips to the value range,
 * as Keras' RandomContrast does.
 *
 * Defaults (the paper names the four transforms but not their ranges):
 * - flip: horizontal with probability 0.5 (Keras `RandomFlip("horizontal")`);
 * - rotation: uniform in [-10°, 10°]. Keras' `RandomRotation(f)` takes a fraction of a full
 *   turn, so this is `RandomRotation(0.028)`; larger turns are unusual for radiographs.
 *   Positive angles turn counter-clockwise, as in Keras;
 * - zoom: scale uniform in [0.9, 1.1] (Keras `RandomZoom(0.1)`; > 1 zooms out);
 * - contrast: factor uniform in [0.9, 1.1] (Keras `RandomContrast(0.1)`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { contrastWasm } from "../kernels/mod.ts";
import type { Rng } from "../util/rng.ts";

/** Augmentation ranges; a range of 0 (or `flip: false`) disables that transform. */
export interface AugmentOptions {
  /** Maximum rotation in degrees; the angle is uniform in [-r, r]. Default 10. */
  rotation?: number;
  /** Maximum zoom fraction; the scale is uniform in [1-z, 1+z]. Default 0.1. */
  zoom?: number;
  /** Maximum contrast change; the factor is uniform in [1-c, 1+c]. Default 0.1. */
  contrast?: number;
  /** Flip horizontally with probability 0.5. Default true. */
  flip?: boolean;
  /** Maximum shift per axis as a fraction of the side, uniform in [-t, t]. Default 0 (off). */
  translation?: number;
  /** Maximum brightness change as a fraction of the value range, uniform in [-b, b]. Default 0 (off). */
  brightness?: number;
}

/** The random draw for one image. */
export interface AugmentParams {
  /** Counter-clockwise rotation in degrees. */
  rotation: number;
  /** Sampling scale: 1 = unchanged, > 1 zooms out, < 1 zooms in. */
  zoom: number;
  /** Contrast factor around the image mean: 1 = unchanged. */
  contrast: number;
  /** Mirror left-right. */
  flip: boolean;
  /** Shift right and down as fractions of the width and height. Default 0. */
  dx?: number;
  dy?: number;
  /** Added to every value, as a fraction of the value range. Default 0. */
  brightness?: number;
}

/** Identity parameters (no change). */
export const IDENTITY: AugmentParams = { rotation: 0, zoom: 1, contrast: 1, flip: false };

/** Draws parameters for `n` images from `rng` (a fixed number of draws per image). */
export function sampleAugmentParams(
  rng: Rng,
  n: number,
  options: AugmentOptions = {},
): AugmentParams[] {
  const { rotation = 10, zoom = 0.1, contrast = 0.1, flip = true } = options;
  const { translation = 0, brightness = 0 } = options;
  const out: AugmentParams[] = [];
  for (let i = 0; i < n; i++) {
    // Always draw four numbers so the stream stays aligned whatever is enabled.
    const [u0, u1, u2, u3] = [rng.next(), rng.next(), rng.next(), rng.next()];
    const p: AugmentParams = {
      flip: flip && u0 < 0.5,
      rotation: rotation * (2 * u1 - 1),
      zoom: 1 + zoom * (2 * u2 - 1),
      contrast: 1 + contrast * (2 * u3 - 1),
    };
    // Extra draws only when enabled, so configs without them keep their exact streams.
    if (translation > 0) {
      p.dx = translation * (2 * rng.next() - 1);
      p.dy = translation * (2 * rng.next() - 1);
    }
    if (brightness > 0) p.brightness = brightness * (2 * rng.next() - 1);
    out.push(p);
  }
  return out;
}

/**
 * The 8 projective-transform numbers of `tf.image.transform` (output pixel -> input pixel) for
 * one image of `height` x `width`: input = center + zoom * R(angle) * F * (output - center).
 */
export function transformMatrix(p: AugmentParams, height: number, width: number): number[] {
  const theta = (p.rotation * Math.PI) / 180;
  const c = Math.cos(theta) * p.zoom;
  const s = Math.sin(theta) * p.zoom;
  const f = p.flip ? -1 : 1;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // [a0 a1; b0 b1] = zoom * [[cos, -sin], [sin, cos]] * diag(f, 1)
  const a0 = c * f, a1 = -s, b0 = s * f, b1 = c;
  // A shift of the content by (dx * width, dy * height) reads the input that far back.
  const tx = (p.dx ?? 0) * width;
  const ty = (p.dy ?? 0) * height;
  return [
    a0,
    a1,
    cx - a0 * (cx + tx) - a1 * (cy + ty),
    b0,
    b1,
    cy - b0 * (cx + tx) - b1 * (cy + ty),
    0,
    0,
  ];
}

function isGeometricIdentity(p: AugmentParams): boolean {
  return !p.flip && p.rotation === 0 && p.zoom === 1 && !p.dx && !p.dy;
}

/**
 * The geometric part of `params[i]` applied to image i, bilinear with reflected edges. One
 * batched call (an identity matrix reproduces its image exactly), except on the cpu backend:
 * tfjs 4.22's cpu Transform kernel returns after the first image of a batch (the others come
 * back as the fill value), so there it runs once per image. On wasm the batched call gives the
 * same bits as per-image calls in about a third of the time (no split and concat).
 */
function transformEach(x: tf.Tensor4D, params: AugmentParams[]): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const matrices = (ps: AugmentParams[]) =>
    tf.tensor2d(ps.map((p) => transformMatrix(p, h, w)), [ps.length, 8]);
  if (tf.getBackend() !== "cpu") {
    return tf.image.transform(x, matrices(params), "bilinear", "reflect");
  }
  const images = tf.split(x, n, 0) as tf.Tensor4D[];
  return tf.concat(
    images.map((img, i) =>
      isGeometricIdentity(params[i])
        ? img
        : tf.image.transform(img, matrices([params[i]]), "bilinear", "reflect")
    ),
    0,
  );
}

/**
 * Each image's contrast scaled by its factor around its own per-channel mean, clipped to the
 * value range; in one kernel on wasm (`lib/kernels/contrast.ts`).
 */
function contrast(x: tf.Tensor4D, factors: number[], [low, high]: [number, number]): tf.Tensor4D {
  if (tf.getBackend() === "wasm") return contrastWasm(x, { factors, low, high });
  const factor = tf.tensor4d(factors, [factors.length, 1, 1, 1]);
  const mean = x.mean([1, 2], true);
  return x.sub(mean).mul(factor).add(mean).clipByValue(low, high) as tf.Tensor4D;
}

/**
 * Applies `params[i]` to image i of `images` ([N, H, W, C], values in `valueRange`, default
 * [-1, 1] as the models take). Returns a new tensor; `images` is not disposed.
 */
export function augmentBatch(
  images: tf.Tensor4D,
  params: AugmentParams[],
  valueRange: [number, number] = [-1, 1],
): tf.Tensor4D {
  const n = images.shape[0];
  if (params.length !== n) {
    throw new Error(`augmentBatch: ${params.length} parameter sets for ${n} images`);
  }
  return tf.tidy(() => {
    let x: tf.Tensor4D = images;
    if (!params.every(isGeometricIdentity)) x = transformEach(x, params);
    if (params.some((p) => p.contrast !== 1)) {
      x = contrast(x, params.map((p) => p.contrast), valueRange);
    }
    if (params.some((p) => p.brightness)) {
      const span = valueRange[1] - valueRange[0];
      const delta = tf.tensor4d(params.map((p) => (p.brightness ?? 0) * span), [n, 1, 1, 1]);
      x = x.add(delta).clipByValue(valueRange[0], valueRange[1]) as tf.Tensor4D;
    }
    // Keep the contract "returns a new tensor" even for identity parameters.
    return x === images ? images.clone() : x;
  });
}

/** Samples parameters from `rng` and applies them: {@linkcode sampleAugmentParams} + {@linkcode augmentBatch}. */
export function augment(
  images: tf.Tensor4D,
  rng: Rng,
  options: AugmentOptions = {},
  valueRange: [number, number] = [-1, 1],
): tf.Tensor4D {
  return augmentBatch(images, sampleAugmentParams(rng, images.shape[0], options), valueRange);
}
