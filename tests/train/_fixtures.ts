/** Small models and images for the training tests. */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { splitAt } from "../../lib/models/mod.ts";
import { adamW } from "../../lib/optim/mod.ts";
import { batchIndices, type Example, type ImageSource } from "../../lib/train/batches.ts";
import { inferenceForward, runEpoch } from "../../lib/train/loop.ts";
import { imageSource } from "../../lib/train/sources.ts";
import { Rng } from "../../lib/util/rng.ts";

/**
 * conv(4) -> bn_front -> relu "front_relu" | conv(4, 1x1) -> bn_back -> relu -> GAP -> dropout
 * -> dense(2, softmax). Cut at "front_relu" for a frozen front and trainable back.
 */
export function tinyModel(size = 8, seed = 1): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  const input = tf.input({ shape: [size, size, 3] });
  let x = tf.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    padding: "same",
    kernelInitializer: init(0),
    name: "front_conv",
  })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: "bn_front" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: "front_relu" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(1), name: "back_conv" })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: "bn_back" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: "back_relu" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: "global_average_pooling2d" }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.2, name: "dropout" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({
    units: 2,
    activation: "softmax",
    kernelInitializer: init(2),
    name: "dense",
  })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: "tiny" });
}

/**
 * `n` examples alternating NORMAL/PNEUMONIA; PNEUMONIA images are brighter, with seeded noise
 * and a bright left half in every image, so the classes are separable after pooling.
 */
export function tinyImages(n: number, size = 8): { images: ImageSource; examples: Example[] } {
  const store = new Map<string, Uint8Array>();
  const examples: Example[] = [];
  let s = 12345;
  const noise = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) % 40;
  for (let i = 0; i < n; i++) {
    const label = i % 2 === 0 ? "NORMAL" : "PNEUMONIA";
    const px = new Uint8Array(size * size);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const base = label === "PNEUMONIA" ? 120 : 40;
        px[r * size + c] = base + (c < size / 2 ? 80 : 0) + noise();
      }
    }
    const sha256 = `img${i}`;
    store.set(sha256, px);
    examples.push({ label, sha256 });
  }
  return {
    images: {
      size,
      pixels: (sha) =>
        store.get(sha) ?? (() => {
          throw new Error(`no image ${sha}`);
        })(),
    },
    examples,
  };
}

/** A copy of every weight value of `model`, by weight name. */
export function snapshot(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}

/**
 * Trains the back of {@linkcode tinyModel} (cut at "front_relu") on 16 tiny images for
 * `epochs` epochs on the active backend, asserting that the loss falls, evaluation is perfect
 * and no tensor leaks across epochs or in evaluation.
 */
export async function assertTinyTrainingLearns(epochs: number): Promise<void> {
  const model = tinyModel();
  const { frozen, trainable } = splitAt(model, "front_relu");
  const { images, examples } = tinyImages(16);
  const source = imageSource(images, examples, { frozen: inferenceForward(frozen) });
  const opt = adamW({ learningRate: 0.05, weightDecay: 0 });
  const rng = new Rng(3);
  const first = await runEpoch(trainable, source, batchIndices(16, 8, rng), { optimizer: opt });
  const count = tf.memory().numTensors;
  let last = first;
  for (let e = 0; e < epochs; e++) {
    last = await runEpoch(trainable, source, batchIndices(16, 8, rng), { optimizer: opt });
  }
  assert.equal(tf.memory().numTensors, count, "tensors leaked across epochs");
  const evaluated = await runEpoch(trainable, source, batchIndices(16, 8));
  assert.equal(tf.memory().numTensors, count, "tensors leaked in evaluation");
  assert.ok(last.loss < first.loss * 0.6, `loss ${first.loss} -> ${last.loss}`);
  assert.equal(evaluated.accuracy, 1);
  assert.equal(evaluated.count, 16);
  opt.dispose();
  model.dispose();
}
