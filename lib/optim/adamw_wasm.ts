/**
 * The AdamW update of one variable as one pass over the wasm heap (new m, v and value together)
 * instead of the ~15 elementwise wasm ops of the op path, each with a full-size temporary.
 *
 * The arithmetic is the op sequence of `adamw.ts` in the same order, each step rounded to
 * float32 (`Math.fround`) as a float32 op rounds it, with the same float32 scalars, so results
 * match the op path bit for bit (tested).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { heapViews } from "../kernels/_wasm_heap.ts";
import type { AdamWScalars, FusedAdamWUpdate } from "./_fused_update.ts";

/** The name of the one-pass kernel. */
export const ADAMW_UPDATE_KERNEL = "CxrAdamWUpdate";

const f = Math.fround;

/** One pass over `value`, `grad`, `m`, `v`: new m, v and value. */
const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { value, grad, m, v } = inputs as Record<string, tf.TensorInfo>;
  const s = attrs as unknown as AdamWScalars;
  const shape = value.shape;
  const { ins: [W, G, M, V], outs: [M2, V2, W2], infos } = heapViews(
    backend,
    [value, grad, m, v],
    [shape, shape, shape],
  );
  // The op path's scalars are float32 tensors; 1 - beta is formed in float64 first.
  const [b1, b1c, b2, b2c] = [s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2].map(f);
  const [c1, c2, eps, lr, wd] = [s.c1, s.c2, s.epsilon, s.learningRate, s.weightDecay].map(f);
  const decays = s.weightDecay !== 0;
  for (let i = 0; i < W.length; i++) {
    const g = G[i];
    const mi = f(f(M[i] * b1) + f(g * b1c));
    const vi = f(f(V[i] * b2) + f(f(g * g) * b2c));
    let step = f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps));
    if (decays) step = f(step + f(W[i] * wd));
    M2[i] = mi;
    V2[i] = vi;
    W2[i] = W[i] - f(step * lr);
  }
  return infos;
};

/** The update on the active wasm backend, float32 only (see {@linkcode FusedAdamWUpdate}). */
export const adamWUpdateWasm: FusedAdamWUpdate = (value, grad, m, v, s) => {
  if (!tf.getKernel(ADAMW_UPDATE_KERNEL, "wasm")) {
    tf.registerKernel({ kernelName: ADAMW_UPDATE_KERNEL, backendName: "wasm", kernelFunc });
  }
  const attrs = { ...s } as unknown as tf.NamedAttrMap;
  const out = tf.engine().runKernel(ADAMW_UPDATE_KERNEL, { value, grad, m, v }, attrs);
  return out as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
};
