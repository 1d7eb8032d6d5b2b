/**
 * Kernels tfjs lacks or computes slowly (gradients of convolutions, BatchNorm and sums over
 * leading axes), one table per backend (`register.ts`), and the folded inference forward pass
 * (conv + BatchNorm + ReLU6 as one op). `initBackend` calls {@linkcode registerGradientKernels}.
 *
 * @example Train through a convolution on the wasm backend
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import "@tensorflow/tfjs-backend-wasm";
 * import { registerGradientKernels } from "./mod.ts";
 * await tf.setBackend("wasm");
 * registerGradientKernels("wasm");
 * const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
 * const g = tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, 1, "same").sum());
 * console.log(g(tf.ones([3, 3, 2, 1])).shape); // [3, 3, 2, 1]
 * ```
 *
 * @module
 */
export { conv2dBackpropFilter, transposedProduct } from "./conv2d_backprop_filter.ts";
export { depthwiseBackpropFilter, depthwiseBackpropInput } from "./depthwise_backprop.ts";
export type { DepthwiseBackpropAttrs } from "./depthwise_backprop.ts";
export {
  BACKEND_KERNELS,
  type Kernel,
  type KernelEntry,
  registerGradientKernels,
} from "./register.ts";
export { batchNormGradConfig } from "./batch_norm_grad.ts";
export { CONTRAST_KERNEL, type ContrastAttrs, contrastWasm } from "./contrast.ts";
export { columnSumWasm, isLeadingSum, LEADING_SUM_KERNEL, leadingSum } from "./leading_sum.ts";
export { conv2dBackpropInput } from "./conv2d_backprop_input.ts";
export { leadingAxesCount, leadingSumWebGpu } from "./leading_sum_webgpu.ts";
export { type FlatProgram, flatProgram, runFlatProgram, type Uniform } from "./webgpu_program.ts";
export {
  type FoldedForward,
  foldedForward,
  foldedPredict,
  foldedTrainForward,
} from "./folded_forward.ts";
