/**
 * Training-time augmentation (rotation, horizontal flip, zoom, contrast, and optionally
 * translation and brightness) on the active tfjs backend, seeded through lib/util/rng.ts (see
 * augment.ts for the defaults and their Keras equivalents), and border masking (border.ts).
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
export { blankBorder, borderMasked } from "./border.ts";
