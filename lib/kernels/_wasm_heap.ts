/**
 * Kernels written in TypeScript over tfjs-backend-wasm's heap: inputs and outputs are read and
 * written in place as typed arrays, so a fused elementwise pass costs one sweep over memory
 * instead of one wasm op (and one full-size temporary) per arithmetic step.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** What such a kernel needs of the wasm backend (tfjs-backend-wasm's `BackendWasm`). */
interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * Allocates one float32 output per entry of `shapes`, then returns views of `inputs` and of the
 * outputs. Views are taken after every allocation: an allocation may grow the wasm memory,
 * which detaches views taken before it.
 */
export function heapViews(
  backend: unknown,
  inputs: tf.TensorInfo[],
  shapes: number[][],
): { ins: Float32Array[]; outs: Float32Array[]; infos: tf.TensorInfo[] } {
  const heap = backend as WasmHeap;
  for (const t of inputs) {
    if (t.dtype !== "float32") throw new Error(`heapViews: ${t.dtype} input, float32 expected`);
  }
  const infos = shapes.map((s) => heap.makeOutput(s, "float32"));
  return {
    ins: inputs.map((t) => heap.typedArrayFromHeap(t)),
    outs: infos.map((t) => heap.typedArrayFromHeap(t)),
    infos,
  };
}
