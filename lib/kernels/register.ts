/**
 * Which kernels replace or complete tfjs' own, as one table per backend (the way
 * tfjs-backend-wasm lists its kernels), and {@linkcode registerGradientKernels}, which installs
 * a backend's table once.
 *
 * The wasm backend has no `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropFilter` or
 * `DepthwiseConv2dNativeBackpropInput`, so it cannot train a MobileNetV2 at all; these are
 * composed from its fast kernels (XNNPACK matrix products, depthwise convolutions,
 * elementwise products and sums). Its own `Conv2DBackpropInput` is a single-threaded direct
 * loop, so that one is replaced by a forward convolution too. `FusedBatchNorm`'s gradient is
 * replaced for all backends (see `batch_norm_grad.ts`), and `Relu6`'s runs as one kernel on wasm
 * (`relu6_grad.ts`), as does `MaxPoolGrad` (`max_pool_grad.ts`). On webgpu, sums over leading axes run as
 * a column sum (`leading_sum_webgpu.ts`). `initBackend` calls {@linkcode registerGradientKernels}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  SumAttrs,
} from "@tensorflow/tfjs-core";
import { batchNormGradConfig } from "./batch_norm_grad.ts";
import { conv2dBackpropFilter } from "./conv2d_backprop_filter.ts";
import { conv2dBackpropInput } from "./conv2d_backprop_input.ts";
import { depthwiseBackpropFilter, depthwiseBackpropInput } from "./depthwise_backprop.ts";
import { columnSumWasm, isLeadingSum, LEADING_SUM_WASM, leadingSum } from "./leading_sum.ts";
import { leadingAxesCount, leadingSumWebGpu } from "./leading_sum_webgpu.ts";
import { CONTRAST_WASM } from "./contrast.ts";
import { IDENTITY_WASM } from "./identity.ts";
import { MAX_POOL_GRAD_WASM } from "./max_pool_grad.ts";
import { RELU6_GRAD_WASM, relu6GradConfig } from "./relu6_grad.ts";

/**
 * A kernel over tfjs' inputs and attributes. A specialisation returns null for the cases it
 * leaves to the backend's own kernel.
 */
export type Kernel<A> = (inputs: Record<string, tf.Tensor>, attrs: A) => tf.Tensor | null;

/** One row of a backend's table. */
export interface KernelEntry {
  kernelName: string;
  /**
   * `provide`: registered only where the backend has no such kernel; `specialise`: put in
   * front of the backend's own kernel, which gets the cases the entry returns null for.
   */
  mode: "provide" | "specialise";
  kernel: Kernel<tf.NamedAttrMap>;
}

/**
 * A table row whose kernel reads the attributes as tfjs-core declares them for `kernelName`:
 * tfjs passes every kernel a generic attribute map, so this is where it is read as the kernel's.
 */
function entry<A>(kernelName: string, mode: KernelEntry["mode"], kernel: Kernel<A>): KernelEntry {
  return { kernelName, mode, kernel: kernel as unknown as Kernel<tf.NamedAttrMap> };
}

/** Float sums over leading axes by `reduce` (null: not leading), others by the backend. */
function leadingSums(
  reduce: (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor | null,
): Kernel<SumAttrs> {
  return ({ x }, { axis, keepDims }) => {
    if (x.dtype !== "float32" || x.size === 0) return null;
    return reduce(x, tf.util.parseAxisParam(axis, x.shape), keepDims);
  };
}

const depthwiseInput: Kernel<DepthwiseConv2dNativeBackpropInputAttrs> = ({ dy, filter }, attrs) =>
  depthwiseBackpropInput(attrs.inputShape, dy as tf.Tensor4D, filter as tf.Tensor4D, attrs);

/** wasm: the three convolution gradients it lacks; a faster input gradient and leading sums. */
const WASM_KERNELS: readonly KernelEntry[] = [
  entry<Conv2DBackpropFilterAttrs>(
    "Conv2DBackpropFilter",
    "provide",
    ({ x, dy }, attrs) => conv2dBackpropFilter(x as tf.Tensor4D, dy as tf.Tensor4D, attrs),
  ),
  entry<DepthwiseConv2dNativeBackpropFilterAttrs>(
    "DepthwiseConv2dNativeBackpropFilter",
    "provide",
    ({ x, dy }, attrs) =>
      depthwiseBackpropFilter(x as tf.Tensor4D, dy as tf.Tensor4D, attrs.filterShape, attrs),
  ),
  entry("DepthwiseConv2dNativeBackpropInput", "provide", depthwiseInput),
  entry(
    "Sum",
    "specialise",
    leadingSums((x, axes, keepDims) => {
      if (isLeadingSum(x.shape, axes)) return leadingSum(x as tf.Tensor4D, keepDims);
      const k = leadingAxesCount(x.shape, axes);
      return k == null ? null : columnSumWasm(x, k, keepDims);
    }),
  ),
  // The backend's own input gradient is a direct loop; only NCHW (unused here) stays with it.
  entry<Conv2DBackpropInputAttrs>(
    "Conv2DBackpropInput",
    "specialise",
    ({ dy, filter }, attrs) =>
      attrs.dataFormat === "NCHW"
        ? null
        : conv2dBackpropInput(dy as tf.Tensor4D, filter as tf.Tensor4D, attrs),
  ),
];

/**
 * The filter gradient of a 1x1 stride-1 convolution (34 of MobileNetV2's 35) as one matrix
 * product; tfjs-webgpu's own kernel loops over every pixel per filter weight.
 */
const pointwiseFilterGradient: Kernel<Conv2DBackpropFilterAttrs> = ({ x, dy }, attrs) => {
  const [kh, kw, inC, outC] = attrs.filterShape;
  const strides = [attrs.strides].flat();
  if (attrs.dataFormat === "NCHW" || kh !== 1 || kw !== 1 || strides.some((s) => s !== 1)) {
    return null;
  }
  if (typeof attrs.pad !== "string") return null;
  return tf.tidy(() => {
    const rows = x.size / inC;
    const product = tf.matMul(tf.reshape(x, [rows, inC]), tf.reshape(dy, [rows, outC]), true);
    return tf.reshape(product, [1, 1, inC, outC]);
  });
};

/** webgpu: leading sums, the pointwise filter gradient, stride-1 depthwise input gradients. */
const WEBGPU_KERNELS: readonly KernelEntry[] = [
  // Sums over leading axes without tfjs-webgpu's transpose and shared-memory reduction.
  entry(
    "Sum",
    "specialise",
    leadingSums((x, axes, keepDims) => {
      const k = leadingAxesCount(x.shape, axes);
      return k == null ? null : leadingSumWebGpu(x, k, keepDims);
    }),
  ),
  entry("Conv2DBackpropFilter", "specialise", pointwiseFilterGradient),
  // The stride-1 depthwise input gradient as a depthwise convolution (as on wasm): on lavapipe
  // a MobileNetV2 step spent 186 ms in tfjs-webgpu's own kernel, 65 ms this way. Strided ones
  // stay with tfjs: spreading dy on the stride grid is a rank-5 pad, which webgpu rejects.
  entry<DepthwiseConv2dNativeBackpropInputAttrs>(
    "DepthwiseConv2dNativeBackpropInput",
    "specialise",
    (inputs, attrs) =>
      [attrs.strides].flat().some((s) => s !== 1) ? null : depthwiseInput(inputs, attrs),
  ),
];

/**
 * Whole kernels registered with their backend, replacing the backend's own of that name if any:
 * one-pass kernels under names of their own, and wasm's `Identity` (`identity.ts`).
 */
const OWN_KERNELS: readonly tf.KernelConfig[] = [
  RELU6_GRAD_WASM,
  LEADING_SUM_WASM,
  IDENTITY_WASM,
  CONTRAST_WASM,
  MAX_POOL_GRAD_WASM,
];

/** The table of each backend that gets kernels here; other backends keep tfjs' own. */
export const BACKEND_KERNELS: Readonly<Record<string, readonly KernelEntry[]>> = {
  wasm: WASM_KERNELS,
  webgpu: WEBGPU_KERNELS,
};

const registered = new Set<string>();

/**
 * Registers `backendName`'s table (see {@linkcode BACKEND_KERNELS}) and own kernels and, once for
 * all backends, the lean BatchNorm and ReLU6 gradients. Idempotent.
 */
export function registerGradientKernels(backendName: string): void {
  if (!registered.has("gradients")) {
    registered.add("gradients");
    withoutOverrideWarning(() => {
      tf.registerGradient(batchNormGradConfig);
      tf.registerGradient(relu6GradConfig);
    });
  }
  if (registered.has(backendName)) return;
  registered.add(backendName);
  for (const config of OWN_KERNELS.filter((k) => k.backendName === backendName)) {
    if (tf.getKernel(config.kernelName, backendName)) {
      tf.unregisterKernel(config.kernelName, backendName);
    }
    tf.registerKernel(config);
  }
  for (const { kernelName, mode, kernel } of BACKEND_KERNELS[backendName] ?? []) {
    const own = tf.getKernel(kernelName, backendName);
    if (mode === "provide" ? own != null : own == null) continue;
    if (own) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: (args) => {
        const out = kernel(args.inputs as Record<string, tf.Tensor>, args.attrs ?? {});
        if (out) return out;
        if (!own) throw new Error(`${kernelName} on ${backendName}: unsupported attributes`);
        return own.kernelFunc(args);
      },
    });
  }
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
