/**
 * Grad-CAM (Selvaraju et al. 2017) for a tfjs LayersModel: the class score's gradient with
 * respect to a convolutional layer's output, averaged over space, weights that layer's channels;
 * ReLU of the weighted sum, upsampled (bilinear) to the input size and scaled to [0, 1] per image.
 *
 * The score is the model's output for the class (the softmax probability, as in the Keras
 * Grad-CAM example). The model is cut at the layer with the models area's `splitAt`, so the
 * layer must be a clean cut point; the default is the last one with a spatial (4-D) output,
 * which for MobileNetV2 is "out_relu", the last convolutional block.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { fail } from "../errors.ts";
import { cutPoints, splitAt } from "../models/mod.ts";

/** Options for {@linkcode gradCam}. */
export interface GradCamOptions {
  /** Layer whose activations are weighted. Default {@linkcode defaultCamLayer} ("out_relu" for MobileNetV2). */
  layerName?: string;
  /** Class explained, per image or one for all. Default 1 (PNEUMONIA). */
  classIndex?: number | number[];
}

/** The last clean cut point of `model` whose output is a feature map (rank 4). */
export function defaultCamLayer(model: tf.LayersModel): string {
  const spatial = cutPoints(model).filter((name) => {
    const shape = model.getLayer(name).outputShape;
    return !Array.isArray(shape[0]) && shape.length === 4;
  });
  if (spatial.length === 0) {
    fail(`model '${model.name}' has no convolutional layer to cut at for Grad-CAM; pass layerName`);
  }
  return spatial[spatial.length - 1];
}

type Parts = ReturnType<typeof splitAt>;
const splits = new WeakMap<tf.LayersModel, Map<string, Parts>>();

/** The model cut at `layerName`, cut once per model and layer (each cut adds graph nodes). */
function partsOf(model: tf.LayersModel, layerName: string): Parts {
  let byLayer = splits.get(model);
  if (!byLayer) splits.set(model, byLayer = new Map());
  let parts = byLayer.get(layerName);
  if (!parts) byLayer.set(layerName, parts = splitAt(model, layerName));
  return parts;
}

/**
 * Releases the cut models {@linkcode gradCam} keeps for `model`. The cut re-applies the head
 * layers, which tfjs reference-counts, so call this before `model.dispose()` or the head's
 * weights stay allocated.
 */
export function disposeGradCam(model: tf.LayersModel): void {
  for (const { trainable } of splits.get(model)?.values() ?? []) trainable.dispose();
  splits.delete(model);
}

/**
 * Grad-CAM heatmaps for a batch of model inputs `[batch, height, width, channels]`: one
 * Float32Array of height*width values in [0, 1] per image (all 0 when no location raises the
 * score). Leaves no tensors behind. Read back asynchronously (webgpu under Deno has no sync read).
 */
export async function gradCam(
  model: tf.LayersModel,
  input: tf.Tensor4D,
  opts: GradCamOptions = {},
): Promise<Float32Array[]> {
  const [batch, height, width] = input.shape;
  const { frozen, trainable } = partsOf(model, opts.layerName ?? defaultCamLayer(model));
  const classes = Array.isArray(opts.classIndex)
    ? opts.classIndex
    : new Array(batch).fill(opts.classIndex ?? 1);
  const cams = tf.tidy(() => {
    const features = frozen.predict(input) as tf.Tensor4D;
    const nClasses = (trainable.outputs[0].shape as number[]).at(-1)!;
    const mask = tf.oneHot(tf.tensor1d(classes, "int32"), nClasses);
    // Each image's score depends only on its own features, so the gradient of the batch sum
    // is every image's own gradient.
    const score = (f: tf.Tensor) =>
      tf.sum(tf.mul(trainable.apply(f, { training: false }) as tf.Tensor, mask));
    const grads = tf.grad(score)(features);
    const weights = tf.mean(grads, [1, 2], true); // [batch, 1, 1, channels]
    const cam = tf.relu(tf.sum(tf.mul(features, weights), -1, true)); // [batch, h, w, 1]
    const up = tf.image.resizeBilinear(cam as tf.Tensor4D, [height, width], true);
    const peak = tf.max(up, [1, 2, 3], true);
    return tf.reshape(tf.divNoNan(up, peak), [batch, height * width]);
  });
  let data: Float32Array;
  try {
    data = await cams.data() as Float32Array;
  } finally {
    cams.dispose();
  }
  return Array.from(
    { length: batch },
    (_, b) => data.slice(b * height * width, (b + 1) * height * width),
  );
}
