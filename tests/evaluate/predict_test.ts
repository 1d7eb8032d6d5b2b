import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { predictProbabilities } from "../../lib/evaluate/predict.ts";
import { baselineCnn, toModelInput } from "../../lib/models/mod.ts";
import { Rng } from "../../lib/util/rng.ts";

Deno.test("predictProbabilities (folded forward) equals model.predict and leaks no tensors", async () => {
  await tf.setBackend("cpu");
  const size = 32;
  const model = baselineCnn({ inputSize: size });
  const rng = new Rng(5);
  const images = Array.from({ length: 5 }, () => {
    const px = new Uint8Array(size * size);
    for (let i = 0; i < px.length; i++) px[i] = rng.int(256);
    return px;
  });
  const before = tf.memory().numTensors;
  const probs = await predictProbabilities(model, images.length, (i) => images[i], size, {
    batchSize: 2,
  });
  assert.equal(tf.memory().numTensors, before);
  const expected = tf.tidy(() =>
    (model.predict(toModelInput(images, size, images.length)) as tf.Tensor2D)
      .slice([0, 1], [images.length, 1]).dataSync()
  );
  for (let i = 0; i < images.length; i++) {
    assert.ok(Math.abs(probs[i] - expected[i]) < 1e-5, `image ${i}: ${probs[i]} vs ${expected[i]}`);
  }
  model.dispose();
});

Deno.test("predictProbabilities tta 'flip': the mean of the image's and its mirror's probability", async () => {
  await tf.setBackend("cpu");
  const size = 32;
  const model = baselineCnn({ inputSize: size });
  const rng = new Rng(9);
  const images = Array.from({ length: 3 }, () => {
    const px = new Uint8Array(size * size);
    for (let i = 0; i < px.length; i++) px[i] = rng.int(256);
    return px;
  });
  const mirror = (px: Uint8Array) =>
    px.map((_, i) => px[Math.floor(i / size) * size + (size - 1 - (i % size))]);
  const plain = await predictProbabilities(model, 3, (i) => images[i], size);
  const flipped = await predictProbabilities(model, 3, (i) => mirror(images[i]), size);
  const before = tf.memory().numTensors;
  const tta = await predictProbabilities(model, 3, (i) => images[i], size, { tta: "flip" });
  assert.equal(tf.memory().numTensors, before);
  for (let i = 0; i < 3; i++) {
    const want = (plain[i] + flipped[i]) / 2;
    assert.ok(Math.abs(tta[i] - want) < 1e-5, `image ${i}: ${tta[i]} vs ${want}`);
  }
  assert.ok(
    [0, 1, 2].some((i) => Math.abs(plain[i] - flipped[i]) > 1e-6),
    "the model is not symmetric",
  );
  model.dispose();
});
