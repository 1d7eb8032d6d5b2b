/**
 * Grad-CAM in the browser, the same computation as lib/explain/gradcam.ts: the PNEUMONIA
 * score's gradient at the last feature map, averaged over space, weights its channels; ReLU,
 * bilinear upsampling to the input (corners aligned) and scaling to [0, 1].
 *
 * @module
 */
import type * as TF from "@tensorflow/tfjs";

/** A model cut at its last feature map: input -> features, features -> probabilities. */
export interface CamParts {
  layer: string;
  features: TF.LayersModel;
  head: (x: TF.Tensor) => TF.Tensor;
}

/**
 * Cuts `model` after its last rank-4 layer, provided the layers after it form a chain (as the
 * head GAP -> dropout -> dense does); null when they do not.
 */
export function camParts(tf: typeof TF, model: TF.LayersModel): CamParts | null {
  const layers = model.layers;
  let at = -1;
  for (let i = layers.length - 1; i >= 0; i--) {
    const shape = layers[i].outputShape;
    if (!Array.isArray(shape[0]) && shape.length === 4) {
      at = i;
      break;
    }
  }
  if (at < 0) return null;
  const tail = layers.slice(at + 1);
  const chain = tail.every((l, k) => {
    const inbound = l.inboundNodes[0]?.inboundLayers ?? [];
    return inbound.length === 1 && inbound[0] === layers[at + k];
  });
  if (!chain) return null;
  const features = tf.model({
    inputs: model.inputs,
    outputs: layers[at].output as TF.SymbolicTensor,
  });
  const head = (x: TF.Tensor) =>
    tail.reduce((y, l) => l.apply(y, { training: false }) as TF.Tensor, x);
  return { layer: layers[at].name, features, head };
}

/** The heatmap (size * size values in [0, 1]) for class 1 of one input `[1, size, size, 3]`. */
export async function gradCam(
  tf: typeof TF,
  parts: CamParts,
  input: TF.Tensor4D,
): Promise<Float32Array> {
  const [, h, w] = input.shape;
  const cam = tf.tidy(() => {
    const f = parts.features.predict(input) as TF.Tensor4D;
    const score = (x: TF.Tensor) => tf.sum(tf.slice(parts.head(x), [0, 1], [1, 1]));
    const grads = tf.grad(score)(f);
    const weights = tf.mean(grads, [1, 2], true);
    const map = tf.relu(tf.sum(tf.mul(f, weights), -1, true)) as TF.Tensor4D;
    const up = tf.image.resizeBilinear(map, [h, w], true);
    return tf.reshape(tf.divNoNan(up, tf.max(up)), [h * w]);
  });
  const data = await cam.data() as Float32Array;
  cam.dispose();
  return data;
}
