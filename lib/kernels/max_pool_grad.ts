/**
 * `MaxPoolGrad` on wasm in one pass over the heap.
 *
 * tfjs-backend-wasm 4.22's own kernel visits every input position and, for each window that
 * covers it, compares positions with a precomputed argmax: the baseline CNN's four 2x2 pools
 * took about a sixth of its training step. Its window maximum also starts from the smallest
 * positive float, so a window without a positive value passes no gradient at all.
 * {@linkcode maxPoolGrad} visits each window once and routes `dy` to the window's first largest
 * value in row-major order, starting from -Infinity, as tfjs' cpu backend does (the reference
 * the tests compare with).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { MaxPoolGradAttrs } from "@tensorflow/tfjs-core";
import { heapViews } from "./_wasm_heap.ts";

/**
 * Adds each window's `dy` to `dx` at the window's first largest `x` (NHWC, row-major windows
 * as tfjs' cpu backend scans them). A window whose values are all NaN or -Infinity passes none.
 * `dx` must start zeroed.
 */
export function maxPoolGrad(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  g: tf.backend_util.Conv2DInfo,
): void {
  const [H, W, C] = [g.inHeight, g.inWidth, g.inChannels];
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  let o = 0; // offset of dy[b, oh, ow, 0]
  for (let b = 0; b < g.batchSize; b++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      const top = oh * g.strideHeight - g.padInfo.top;
      for (let ow = 0; ow < g.outWidth; ow++, o += C) {
        const left = ow * g.strideWidth - g.padInfo.left;
        best.fill(-Infinity);
        at.fill(-1);
        for (let fh = 0; fh < g.effectiveFilterHeight; fh += g.dilationHeight) {
          const h = top + fh;
          if (h < 0 || h >= H) continue;
          for (let fw = 0; fw < g.effectiveFilterWidth; fw += g.dilationWidth) {
            const w = left + fw;
            if (w < 0 || w >= W) continue;
            const base = ((b * H + h) * W + w) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c];
              if (v > best[c]) {
                best[c] = v;
                at[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < C; c++) if (at[c] >= 0) dx[at[c]] += dy[o + c];
      }
    }
  }
}

/** Replaces the wasm backend's `MaxPoolGrad` (see the module doc). */
export const MAX_POOL_GRAD_WASM: tf.KernelConfig = {
  kernelName: "MaxPoolGrad",
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const geometry = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { ins: [dys, xs], outs: [dx], infos } = heapViews(backend, [dy, input], [input.shape]);
    dx.fill(0); // fresh heap memory is not zeroed
    maxPoolGrad(xs, dys, dx, geometry);
    return infos[0];
  },
};
