/**
 * `Identity` on wasm as a shared reference, as tfjs' cpu backend does it.
 *
 * tfjs clones every tensor a gradient needs (`saveTensorsForBackwardMode`) through `Identity`,
 * and tfjs-backend-wasm's copies the data: 249 copies, about 2% of a MobileNetV2 fine-tuning
 * step at 224 px. Tensors are immutable and the backend counts references (its `Reshape` shares
 * data the same way), so the copy buys nothing.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** What this kernel needs of the wasm backend. */
interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

/** Replaces tfjs-backend-wasm's `Identity`: the output shares the input's data. */
export const IDENTITY_WASM: tf.KernelConfig = {
  kernelName: "Identity",
  backendName: "wasm",
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    (backend as unknown as RefCounting).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};
