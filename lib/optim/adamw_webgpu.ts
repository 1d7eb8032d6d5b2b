/**
 * The AdamW update of one variable as three WebGPU dispatches (new m, new v, new value) instead
 * of the ~15 elementwise ops (each a dispatch) the tfjs op sequence takes. The step's numbers
 * (learning rate, bias corrections, betas, epsilon, decay) go in as uniforms, so nothing is
 * uploaded. On MobileNetV2 the optimizer was two thirds of a training step's dispatches.
 *
 * The arithmetic is the op sequence of `adamw.ts` in the same order, in float32; a GPU compiler
 * may contract a multiply-add, so results match the other backends to rounding, not bit for bit.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { flatProgram, runFlatProgram, type Uniform } from "../kernels/mod.ts";
import type { FusedAdamWUpdate } from "./_fused_update.ts";

type Kind = "m" | "v" | "w";

const BODY: Record<Kind, string> = {
  // m' = m * b1 + g * (1 - b1)
  m: "setOutputAtIndex(index, M[index] * uniforms.b1 + G[index] * uniforms.b1c);",
  // v' = v * b2 + g^2 * (1 - b2)
  v: "let g = G[index];\n" +
    "setOutputAtIndex(index, V[index] * uniforms.b2 + (g * g) * uniforms.b2c);",
  // w' = w - lr * ((m' / c1) / (sqrt(v' / c2) + eps) + wd * w)
  w: "let w = W[index];\n" +
    "let step = (M[index] / uniforms.c1) / (sqrt(V[index] / uniforms.c2) + uniforms.eps) " +
    "+ w * uniforms.wd;\n" +
    "setOutputAtIndex(index, w - step * uniforms.lr);",
};

const INPUTS: Record<Kind, string[]> = { m: ["M", "G"], v: ["V", "G"], w: ["W", "M", "V"] };

// b1c = 1 - b1 is computed in float64, as the op path's scalar is: float32's 1 - 0.999 is
// 1.3e-5 off 0.001.
const UNIFORMS =
  "b1 : f32, b1c : f32, b2 : f32, b2c : f32, c1 : f32, c2 : f32, eps : f32, lr : f32, wd : f32,";

/** The update on the active webgpu backend (see {@linkcode FusedAdamWUpdate}). */
export const adamWUpdateWebGpu: FusedAdamWUpdate = (value, grad, m, v, s) => {
  const uniforms: Uniform[] = [
    s.beta1,
    1 - s.beta1,
    s.beta2,
    1 - s.beta2,
    s.c1,
    s.c2,
    s.epsilon,
    s.learningRate,
    s.weightDecay,
  ].map((x) => ({ type: "float32", data: [x] }));
  const run = (kind: Kind, inputs: tf.Tensor[]) =>
    runFlatProgram(
      flatProgram(`cxr_adamw_${kind}`, value.size, INPUTS[kind], UNIFORMS, BODY[kind]),
      inputs,
      uniforms,
      value.shape,
    );
  const m2 = run("m", [m, grad]);
  const v2 = run("v", [v, grad]);
  const w2 = run("w", [value, m2, v2]);
  return [m2, v2, w2];
};
