/**
 * Sums over leading axes (`[0, 1, 2]` of an NHWC gradient: every bias, BatchNorm and
 * depthwise-filter gradient) on the webgpu backend as a column sum of `[rows, C]`.
 *
 * tfjs-webgpu transposes the summed axes innermost (a full copy) and then runs one workgroup
 * with a shared-memory tree per output channel. On lavapipe those barrier-heavy workgroups
 * dominated a MobileNetV2 training step: `Sum` of a `[2, 3, 3, 1280]` gradient took 78 ms, all
 * leading sums together about 45% of a 96 px batch-2 step. Here each thread sums a column over a
 * chunk of at most {@linkcode ROWS_PER_THREAD} rows (no transpose, no barrier), and chunks are
 * summed again the same way until one row is left. Rounding differs from tfjs' order (float32).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { flatProgram, runFlatProgram } from "./webgpu_program.ts";

/** Rows one thread adds per pass. */
export const ROWS_PER_THREAD = 64;

/**
 * `k` when `axes` are exactly the first `k` axes of `shape` and at least one axis is kept
 * (`0 < k < rank`), else null.
 */
export function leadingAxesCount(shape: readonly number[], axes: readonly number[]): number | null {
  const k = axes.length;
  if (k === 0 || k >= shape.length) return null;
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.every((a, i) => a === i) ? k : null;
}

const BODY = `
  let c = index % uniforms.cols;
  let start = (index / uniforms.cols) * uniforms.chunk;
  let end = min(start + uniforms.chunk, uniforms.rows);
  var sum = 0.0;
  for (var r = start; r < end; r++) {
    sum = sum + X[r * uniforms.cols + c];
  }
  setOutputAtIndex(index, sum);`;

/**
 * Sum of float32 `x` over its first `k` axes on the active webgpu backend; `keepDims` keeps
 * them as 1s. Call inside a tidy or dispose the result.
 */
export function leadingSumWebGpu(x: tf.Tensor, k: number, keepDims = false): tf.Tensor {
  const kept = x.shape.slice(k);
  const cols = kept.reduce((a, b) => a * b, 1);
  const outShape = keepDims ? [...x.shape.slice(0, k).map(() => 1), ...kept] : kept;
  return tf.tidy(() => {
    let rows = x.size / cols;
    let t = x;
    do {
      const chunk = Math.min(rows, ROWS_PER_THREAD);
      const parts = Math.ceil(rows / chunk);
      const program = flatProgram(
        "cxr_leading_sum",
        parts * cols,
        ["X"],
        "rows : i32, cols : i32, chunk : i32,",
        BODY,
      );
      const uniforms = [rows, cols, chunk].map((v) => ({ type: "int32" as const, data: [v] }));
      t = runFlatProgram(program, [t], uniforms, [parts * cols]);
      rows = parts;
    } while (rows > 1);
    return tf.reshape(t, outShape);
  });
}
