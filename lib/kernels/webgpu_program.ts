/**
 * Running a hand-written WGSL program on tfjs' webgpu backend without importing
 * `@tensorflow/tfjs-backend-webgpu` (importing it registers the backend; `lib/backend.ts` does
 * that only when webgpu is chosen). The program object follows tfjs-webgpu's `WebGPUProgram`:
 * tfjs prepends the buffer declarations (`result`, then one `array<f32>` per variable name),
 * the `uniforms` struct (shapes, `size`, then the program's own fields) and
 * `setOutputAtIndex`; the program supplies `fn main(index : i32)`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

const WORKGROUP = 64;

/** The parts of tfjs-webgpu's `WebGPUProgram` these programs use. */
export interface FlatProgram {
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

/** A program's own uniform value, in the order of its `uniforms` fields. */
export interface Uniform {
  type: "float32" | "int32";
  data: number[];
}

interface WebGpuBackend {
  runWebGPUProgram(
    program: FlatProgram,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms: Uniform[],
  ): tf.TensorInfo;
}

/**
 * A one-thread-per-output-element program over a flat output of `size` elements; `body` is the
 * WGSL run for each `index < uniforms.size`.
 */
export function flatProgram(
  key: string,
  size: number,
  variableNames: string[],
  uniforms: string,
  body: string,
): FlatProgram {
  return {
    outputShape: [size],
    shaderKey: key,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    variableNames,
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    uniforms,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/**
 * Runs `program` on the active webgpu backend with `inputs` seen as flat arrays; returns the
 * float32 output as a tensor of `shape` (tracked by the engine, so `tf.tidy` disposes it).
 */
export function runFlatProgram(
  program: FlatProgram,
  inputs: tf.Tensor[],
  uniforms: Uniform[],
  shape: number[],
): tf.Tensor {
  const backend = tf.backend() as unknown as WebGpuBackend;
  const flat = (t: tf.Tensor): tf.TensorInfo => ({
    dataId: t.dataId,
    shape: [t.size],
    dtype: t.dtype,
  });
  const info = backend.runWebGPUProgram(program, inputs.map(flat), "float32", uniforms);
  return tf.engine().makeTensorFromTensorInfo({ ...info, shape });
}
