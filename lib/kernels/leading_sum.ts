/**
 * Sums an NHWC tensor over batch, height and width ([0, 1, 2]) with XNNPACK's average pooling.
 *
 * tfjs-wasm reduces only the innermost axis, so summing an NHWC gradient over [0, 1, 2] (every
 * BatchNorm, bias and depthwise-filter gradient) first transposes the whole tensor. A global
 * average pool over H x W (one pass, no transpose), scaled by H*W, then a small sum over the
 * batch gives the same result about 8x faster (float32 rounding differs by ~1e-6 relative).
 *
 * Below {@linkcode MIN_PIXELS} pixels per image (MobileNetV2's 7x7 maps) pooling gains nothing
 * and tfjs' own Sum still transposes; {@linkcode LEADING_SUM_WASM} sums `[rows, C]` down its
 * columns in one pass over the wasm heap instead (float64 accumulators, so it is at least as
 * accurate as tfjs' float32 sum), for any sum over leading axes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { heapViews } from "./_wasm_heap.ts";

/** Below this many pixels per image the backend's own Sum is as fast. */
const MIN_PIXELS = 64;

/** Whether `axes` are exactly [0, 1, 2] of a rank-4 `shape` with enough pixels per image. */
export function isLeadingSum(shape: readonly number[], axes: readonly number[]): boolean {
  if (shape.length !== 4 || axes.length !== 3) return false;
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted[0] === 0 && sorted[1] === 1 && sorted[2] === 2 && shape[1] * shape[2] >= MIN_PIXELS;
}

/** Sum of NHWC `x` over [0, 1, 2]: shape [C] (or [1, 1, 1, C] with `keepDims`). */
export function leadingSum(x: tf.Tensor4D, keepDims = false): tf.Tensor {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    const perImage = tf.mul(tf.reshape(tf.avgPool(x, [h, w], 1, "valid"), [n, c]), h * w);
    const sum = n === 1 ? tf.reshape(perImage, [c]) : tf.sum(perImage, 0);
    return keepDims ? tf.reshape(sum, [1, 1, 1, c]) : sum;
  });
}

/** The name of the one-pass column sum. */
export const LEADING_SUM_KERNEL = "CxrLeadingSum";

/** Attributes of {@linkcode LEADING_SUM_KERNEL}. */
export interface LeadingSumAttrs {
  /** How many leading axes are summed (at least 1, fewer than the rank). */
  leadingAxes: number;
  /** Keep the summed axes as size 1. */
  keepDims: boolean;
}

/** The sum of `x` over its first `leadingAxes` axes, down the columns of `[rows, C]`. */
export const LEADING_SUM_WASM: tf.KernelConfig = {
  kernelName: LEADING_SUM_KERNEL,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { leadingAxes, keepDims } = attrs as unknown as LeadingSumAttrs;
    const kept = x.shape.slice(leadingAxes);
    const shape = keepDims ? [...x.shape.slice(0, leadingAxes).map(() => 1), ...kept] : kept;
    const { ins: [xs], outs: [out], infos } = heapViews(backend, [x], [shape]);
    const cols = out.length;
    const acc = new Float64Array(cols);
    for (let start = 0; start < xs.length; start += cols) {
      for (let c = 0; c < cols; c++) acc[c] += xs[start + c];
    }
    out.set(acc);
    return infos[0];
  },
};

/** Sum of `x` over its first `leadingAxes` axes by {@linkcode LEADING_SUM_WASM} (wasm only). */
export function columnSumWasm(x: tf.Tensor, leadingAxes: number, keepDims: boolean): tf.Tensor {
  const attrs: LeadingSumAttrs = { leadingAxes, keepDims };
  return tf.engine().runKernel(
    LEADING_SUM_KERNEL,
    { x },
    attrs as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
}
