/**
 * The contrast augmentation in two passes over the wasm heap: per image and channel the mean
 * over height and width, then `clip((x - mean) * factor + mean, low, high)`.
 *
 * As tfjs ops on wasm this is a mean over [1, 2] (which wasm can only take over the innermost
 * axis, so it transposes the batch first), a subtraction, a product, an addition and a clip: five
 * full-size passes and temporaries, about a sixth of a batch's augmentation at 224 px. The mean
 * is summed in float64 here, so values differ from the op path by float32 rounding only.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { heapViews } from "./_wasm_heap.ts";

/** The name of the kernel. */
export const CONTRAST_KERNEL = "CxrContrast";

/** Attributes of {@linkcode CONTRAST_KERNEL}. */
export interface ContrastAttrs {
  /** One contrast factor per image. */
  factors: number[];
  /** Clip range of the result. */
  low: number;
  high: number;
}

/** Contrast of NHWC `x` (float32) by a factor per image; see the module doc. */
export const CONTRAST_WASM: tf.KernelConfig = {
  kernelName: CONTRAST_KERNEL,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { factors, low, high } = attrs as unknown as ContrastAttrs;
    const [n, h, w, c] = x.shape;
    const { ins: [xs], outs: [out], infos } = heapViews(backend, [x], [x.shape]);
    const pixels = h * w;
    const mean = new Float64Array(c);
    for (let img = 0; img < n; img++) {
      const base = img * pixels * c;
      mean.fill(0);
      for (let p = 0; p < pixels * c; p += c) {
        for (let ch = 0; ch < c; ch++) mean[ch] += xs[base + p + ch];
      }
      for (let ch = 0; ch < c; ch++) mean[ch] = Math.fround(mean[ch] / pixels);
      const f = Math.fround(factors[img]);
      for (let p = 0; p < pixels * c; p += c) {
        for (let ch = 0; ch < c; ch++) {
          const v = (xs[base + p + ch] - mean[ch]) * f + mean[ch];
          out[base + p + ch] = v < low ? low : v > high ? high : v;
        }
      }
    }
    return infos[0];
  },
};

/** {@linkcode CONTRAST_WASM} on the active wasm backend. */
export function contrastWasm(x: tf.Tensor4D, attrs: ContrastAttrs): tf.Tensor4D {
  return tf.engine().runKernel(
    CONTRAST_KERNEL,
    { x },
    attrs as unknown as tf.NamedAttrMap,
  ) as tf.Tensor4D;
}
