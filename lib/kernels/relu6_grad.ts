/**
 * The gradient of `Relu6` (MobileNetV2's activation) in one pass on wasm.
 *
 * tfjs 4.22 computes it as `dy * cast(lessEqual(x, 6) * step(x))`: five full-size wasm ops
 * (a boolean map, a step map, a cast, two products) per activation, which took about a tenth
 * of a fine-tuning step at 224 px. {@linkcode relu6GradConfig} keeps that formula on other
 * backends; on wasm it runs {@linkcode RELU6_GRAD_WASM}, the same arithmetic per element
 * (`dy * mask`, mask 1 inside (0, 6], 0 outside, NaN where x is NaN), so results are identical.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { heapViews } from "./_wasm_heap.ts";

/** The name of the one-pass kernel. */
export const RELU6_GRAD_KERNEL = "CxrRelu6Grad";

/** float32 bit patterns of 6 and of +Infinity. */
const SIX_BITS = 0x40c00000;
const INF_BITS = 0x7f800000;

/**
 * `out = dy * mask(x)` without branches: x in (0, 6] exactly when its bit pattern, read as an
 * int32, lies in [1, SIX_BITS] (negative floats, -0 and NaN fall outside). A data-dependent
 * branch per element ran about 5x slower. NaN inputs, flagged by the same pass, are rare enough
 * to fix in a second one.
 */
function relu6Grad(dy: Float32Array, x: Float32Array, out: Float32Array): void {
  const bits = new Int32Array(x.buffer, x.byteOffset, x.length);
  let nan = 0;
  for (let i = 0; i < out.length; i++) {
    const b = bits[i];
    nan |= INF_BITS - (b & 0x7fffffff); // negative only for NaN
    out[i] = dy[i] * ((((b - 1) | (SIX_BITS - b)) >>> 31) ^ 1);
  }
  if (nan >= 0) return;
  // step(NaN) is NaN in tfjs, so the mask is too.
  for (let i = 0; i < out.length; i++) if (x[i] !== x[i]) out[i] = NaN;
}

/** `dy * mask(x)` over the wasm heap; see the module doc. */
export const RELU6_GRAD_WASM: tf.KernelConfig = {
  kernelName: RELU6_GRAD_KERNEL,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const { ins: [dys, xs], outs: [out], infos } = heapViews(backend, [dy, x], [x.shape]);
    relu6Grad(dys, xs, out);
    return infos[0];
  },
};

/** tfjs' own formula (other backends, other dtypes). */
function relu6GradOps(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const mask = tf.mul(tf.lessEqual(x, 6), tf.step(x));
  return tf.mul(dy, tf.cast(mask, "float32"));
}

/** The gradient config registered by `registerGradientKernels` for every backend. */
export const relu6GradConfig: tf.GradConfig = {
  kernelName: "Relu6",
  inputsToSave: ["x"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const g = dy as tf.Tensor;
    const [x] = saved;
    const oneKernel = tf.getBackend() === "wasm" && g.dtype === "float32" &&
      x.dtype === "float32" && tf.util.arraysEqual(g.shape, x.shape);
    return {
      x: () =>
        oneKernel
          ? tf.engine().runKernel(RELU6_GRAD_KERNEL, { dy: g, x }) as tf.Tensor
          : relu6GradOps(g, x),
    };
  },
};
