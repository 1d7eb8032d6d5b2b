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
import * as tf from "@tensorflow/tfjs";

/** The scalars of one AdamW step. */
export interface AdamWScalars {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t. */
  c1: number;
  c2: number;
  learningRate: number;
  /** 0 for variables without decay. */
  weightDecay: number;
}

type Kind = "m" | "v" | "w";

const WORKGROUP = 64;

/** The parts of tfjs-webgpu's `WebGPUProgram` used here (the package is imported lazily). */
interface Program {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms: string;
  getUserCode: () => string;
}

interface WebGpuBackend {
  runWebGPUProgram(
    program: Program,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms: { type: string; data: number[] }[],
  ): tf.TensorInfo;
}

function program(kind: Kind, n: number): Program {
  const body = {
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
  }[kind];
  return {
    outputShape: [n],
    shaderKey: `cxr_adamw_${kind}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(n / WORKGROUP), 1, 1],
    variableNames: { m: ["M", "G"], v: ["V", "G"], w: ["W", "M", "V"] }[kind],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    // b1c = 1 - b1 computed in float64 as the op path's scalar is: float32's 1 - 0.999 is
    // 1.3e-5 off 0.001.
    uniforms:
      "b1 : f32, b1c : f32, b2 : f32, b2c : f32, c1 : f32, c2 : f32, eps : f32, lr : f32, wd : f32,",
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/**
 * New `[m, v, value]` of one variable on the active webgpu backend (call inside `tf.tidy`; the
 * caller assigns them). `value`, `grad`, `m` and `v` have one shape; the results have it too.
 */
export function adamWUpdateWebGpu(
  value: tf.Tensor,
  grad: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  s: AdamWScalars,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const backend = tf.backend() as unknown as WebGpuBackend;
  const n = value.size;
  const flat = (t: tf.Tensor): tf.TensorInfo => ({ dataId: t.dataId, shape: [n], dtype: t.dtype });
  const uniforms = [
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
    tf.engine().makeTensorFromTensorInfo(
      backend.runWebGPUProgram(program(kind, n), inputs.map(flat), "float32", uniforms),
    ).reshape(value.shape);
  const m2 = run("m", [m, grad]);
  const v2 = run("v", [v, grad]);
  const w2 = run("w", [value, m2, v2]);
  return [m2, v2, w2];
}
