/**
 * Gradient kernels tfjs lacks or computes slowly, registered per backend.
 *
 * The wasm backend has no `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropFilter` or
 * `DepthwiseConv2dNativeBackpropInput`, so it cannot train a MobileNetV2 at all; these are
 * composed from its fast kernels (XNNPACK matrix products, depthwise convolutions,
 * elementwise products and sums). Its own `Conv2DBackpropInput` is a single-threaded direct
 * loop, so that one is replaced by a forward convolution too. `FusedBatchNorm`'s gradient is
 * replaced for all backends (see `batch_norm_grad.ts`). On webgpu, sums over leading axes run as
 * a column sum (`leading_sum_webgpu.ts`). `initBackend` calls {@linkcode registerGradientKernels}.
 *
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { registerGradientKernels } from "./kernels/mod.ts";
 * await tf.setBackend("wasm");
 * registerGradientKernels("wasm");
 * const g = tf.grad((w: tf.Tensor) => tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, w as tf.Tensor4D, 1, "same").sum());
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilter, type Conv2DBackpropFilterAttrs } from "./conv2d_backprop_filter.ts";
import {
  type DepthwiseBackpropAttrs,
  depthwiseBackpropFilter,
  depthwiseBackpropInput,
} from "./depthwise_backprop.ts";
import { batchNormGradConfig } from "./batch_norm_grad.ts";
import { isLeadingSum, leadingSum } from "./leading_sum.ts";
import { conv2dBackpropInput, type Conv2DBackpropInputAttrs } from "./conv2d_backprop_input.ts";
import { leadingAxesCount, leadingSumWebGpu } from "./leading_sum_webgpu.ts";

export { conv2dBackpropFilter, transposedProduct } from "./conv2d_backprop_filter.ts";
export type { Conv2DBackpropFilterAttrs } from "./conv2d_backprop_filter.ts";
export { depthwiseBackpropFilter, depthwiseBackpropInput } from "./depthwise_backprop.ts";
export type { DepthwiseBackpropAttrs } from "./depthwise_backprop.ts";
export { batchNormGradConfig } from "./batch_norm_grad.ts";
export { isLeadingSum, leadingSum } from "./leading_sum.ts";
export { conv2dBackpropInput } from "./conv2d_backprop_input.ts";
export { leadingAxesCount, leadingSumWebGpu } from "./leading_sum_webgpu.ts";
export { type FlatProgram, flatProgram, runFlatProgram, type Uniform } from "./webgpu_program.ts";
export type { Conv2DBackpropInputAttrs } from "./conv2d_backprop_input.ts";
export {
  type FoldedForward,
  foldedForward,
  foldedPredict,
  foldedTrainForward,
} from "./folded_forward.ts";

/** Backends whose own versions of the three convolution gradient kernels are missing. */
const NEEDS_CONV_GRADIENTS = new Set(["wasm"]);

type Attrs = Record<string, unknown>;

/** The composed kernels, by tfjs kernel name. Inputs arrive as tensors from tfjs' gradient ops. */
export const COMPOSED_KERNELS: Record<
  string,
  (inputs: Record<string, tf.Tensor>, attrs: Attrs) => tf.Tensor
> = {
  Conv2DBackpropFilter: ({ x, dy }, attrs) =>
    conv2dBackpropFilter(
      x as tf.Tensor4D,
      dy as tf.Tensor4D,
      attrs as unknown as Conv2DBackpropFilterAttrs,
    ),
  DepthwiseConv2dNativeBackpropFilter: ({ x, dy }, attrs) =>
    depthwiseBackpropFilter(
      x as tf.Tensor4D,
      dy as tf.Tensor4D,
      attrs.filterShape as [number, number, number, number],
      attrs as unknown as DepthwiseBackpropAttrs,
    ),
  DepthwiseConv2dNativeBackpropInput: ({ dy, filter }, attrs) =>
    depthwiseBackpropInput(
      attrs.inputShape as [number, number, number, number],
      dy as tf.Tensor4D,
      filter as tf.Tensor4D,
      attrs as unknown as DepthwiseBackpropAttrs,
    ),
};

const registered = new Set<string>();

/**
 * Registers the composed gradient kernels for `backendName` when it lacks them, and the lean
 * BatchNorm gradient once. Idempotent.
 */
export function registerGradientKernels(backendName: string): void {
  if (!registered.has("FusedBatchNorm:grad")) {
    registered.add("FusedBatchNorm:grad");
    withoutOverrideWarning(() => tf.registerGradient(batchNormGradConfig));
  }
  if (backendName === "webgpu" && !registered.has(backendName)) {
    registered.add(backendName);
    // Sums over leading axes without tfjs-webgpu's transpose and shared-memory reduction.
    specialiseKernel("Sum", backendName, (args) => {
      const { x } = args.inputs as { x: tf.Tensor };
      const { axis, keepDims } = args.attrs as unknown as {
        axis: number | number[];
        keepDims: boolean;
      };
      const k = leadingAxesCount(x.shape, tf.util.parseAxisParam(axis, x.shape));
      if (x.dtype !== "float32" || k == null || x.size === 0) return null;
      return leadingSumWebGpu(x, k, keepDims);
    });
    // The filter gradient of a 1x1 stride-1 convolution (34 of MobileNetV2's 35) is one
    // matrix product; tfjs-webgpu's own kernel loops over every pixel per filter weight.
    specialiseKernel("Conv2DBackpropFilter", backendName, (args) => {
      const { x, dy } = args.inputs as Record<string, tf.Tensor4D>;
      const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
      const [kh, kw, inC, outC] = attrs.filterShape;
      const strides = typeof attrs.strides === "number"
        ? [attrs.strides, attrs.strides]
        : attrs.strides;
      if (attrs.dataFormat === "NCHW" || kh !== 1 || kw !== 1 || strides.some((s) => s !== 1)) {
        return null;
      }
      if (typeof attrs.pad !== "string") return null;
      return tf.tidy(() => {
        const rows = x.size / inC;
        const product = tf.matMul(tf.reshape(x, [rows, inC]), tf.reshape(dy, [rows, outC]), true);
        return tf.reshape(product, [1, 1, inC, outC]);
      });
    });
    // The stride-1 depthwise input gradient as a depthwise convolution (as on wasm): on lavapipe
    // a MobileNetV2 step spent 186 ms in tfjs-webgpu's own kernel, 65 ms this way. Strided ones
    // stay with tfjs: spreading dy on the stride grid is a rank-5 pad, which webgpu rejects.
    specialiseKernel("DepthwiseConv2dNativeBackpropInput", backendName, (args) => {
      const { dy, filter } = args.inputs as Record<string, tf.Tensor4D>;
      const { strides } = args.attrs as unknown as DepthwiseBackpropAttrs;
      if ([strides].flat().some((s) => s !== 1)) return null;
      return COMPOSED_KERNELS.DepthwiseConv2dNativeBackpropInput(
        { dy, filter },
        args.attrs as Attrs,
      );
    });
  }
  if (!NEEDS_CONV_GRADIENTS.has(backendName) || registered.has(backendName)) return;
  registered.add(backendName);
  for (const [kernelName, compute] of Object.entries(COMPOSED_KERNELS)) {
    if (tf.getKernel(kernelName, backendName) != null) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, attrs }) =>
        compute(inputs as Record<string, tf.Tensor>, attrs as Attrs),
    });
  }
  // The backend's own Sum stays in charge of everything but float sums over leading axes.
  specialiseKernel("Sum", backendName, (args) => {
    const { x } = args.inputs as { x: tf.Tensor };
    const { axis, keepDims } = args.attrs as unknown as {
      axis: number | number[];
      keepDims: boolean;
    };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    if (x.dtype !== "float32" || !isLeadingSum(x.shape, axes)) return null;
    return leadingSum(x as tf.Tensor4D, keepDims);
  });
  // The backend's own input gradient is a direct loop; only NCHW (unused here) stays with it.
  specialiseKernel("Conv2DBackpropInput", backendName, (args) => {
    const { dy, filter } = args.inputs as Record<string, tf.Tensor4D>;
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    if (attrs.dataFormat === "NCHW") return null;
    return conv2dBackpropInput(dy, filter, attrs);
  });
}

/**
 * Replaces `kernelName` on `backendName` with `special`, which handles the cases it knows and
 * returns null for the rest, which go to the backend's own kernel.
 */
function specialiseKernel(
  kernelName: string,
  backendName: string,
  special: (args: Parameters<tf.KernelFunc>[0]) => tf.Tensor | null,
): void {
  const own = tf.getKernel(kernelName, backendName);
  if (!own) return;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: (args) => special(args) ?? own.kernelFunc(args),
  });
}

/** tfjs warns when a gradient is replaced; replacing it is the point here. */
function withoutOverrideWarning(f: () => void): void {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes("Overriding the gradient")) warn(...args);
  };
  try {
    f();
  } finally {
    console.warn = warn;
  }
}
