/**
 * Training-time augmentation (rotation, horizontal flip, zoom, contrast) on the active tfjs
 * backend, seeded through lib/util/rng.ts. See augment.ts for the defaults and their Keras
 * equivalents.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { augment } from "./mod.ts";
 * import { Rng } from "../util/rng.ts";
 * const x = tf.zeros([2, 96, 96, 3]) as tf.Tensor4D;
 * const y = augment(x, new Rng(1), { rotation: 10, zoom: 0.1, contrast: 0.1, flip: true });
 * ```
 *
 * @module
 */
export {
  augment,
  augmentBatch,
  IDENTITY,
  sampleAugmentParams,
  transformMatrix,
} from "./augment.ts";
export type { AugmentOptions, AugmentParams } from "./augment.ts";
