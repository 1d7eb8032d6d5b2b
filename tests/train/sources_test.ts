import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { foldedForward } from "../../lib/kernels/mod.ts";
import { splitAt } from "../../lib/models/mod.ts";
import { inferenceForward } from "../../lib/train/loop.ts";
import { computeFeatures, featureSource, imageSource } from "../../lib/train/sources.ts";
import { Rng } from "../../lib/util/rng.ts";
import { tinyImages, tinyModel } from "./_fixtures.ts";

await tf.setBackend("cpu");

Deno.test("cached features equal the frozen part run on the fly", async () => {
  const model = tinyModel();
  const { frozen } = splitAt(model, "global_average_pooling2d");
  const { images, examples } = tinyImages(7);
  const table = await computeFeatures(inferenceForward(frozen), imageSource(images, examples), 7, {
    batchSize: 3,
  });
  assert.deepEqual(table.shape, [4]);
  assert.equal(table.data.length, 7 * 4);
  const count = tf.memory().numTensors;
  const fromCache = featureSource(table, examples)([6, 2]);
  const live = imageSource(images, examples, { frozen: inferenceForward(frozen) })([6, 2]);
  const a = fromCache.x.dataSync(), b = live.x.dataSync();
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `${i}: ${v} vs ${b[i]}`));
  assert.deepEqual(fromCache.y.dataSync(), live.y.dataSync());
  tf.dispose([fromCache.x, fromCache.y, live.x, live.y]);
  assert.equal(tf.memory().numTensors, count);
  model.dispose();
});

Deno.test("features can be chained: front then middle equals front-to-middle", async () => {
  const model = tinyModel();
  const { images, examples } = tinyImages(5);
  const low = splitAt(model, "front_relu");
  const middle = splitAt(low.trainable, "global_average_pooling2d").frozen;
  const first = await computeFeatures(
    inferenceForward(low.frozen),
    imageSource(images, examples),
    5,
    {
      batchSize: 2,
    },
  );
  const chained = await computeFeatures(
    inferenceForward(middle),
    featureSource(first, examples),
    5,
    {
      batchSize: 2,
    },
  );
  // Direct, through the BN-folded forward the run uses for frozen parts.
  const folded = foldedForward(splitAt(model, "global_average_pooling2d").frozen);
  const direct = await computeFeatures(folded, imageSource(images, examples), 5);
  folded.dispose();
  assert.deepEqual(direct.shape, [4]);
  chained.data.forEach((v, i) =>
    assert.ok(Math.abs(v - direct.data[i]) < 1e-5, `${i}: ${v} vs ${direct.data[i]}`)
  );
  model.dispose();
});

Deno.test("augmented views are reproducible from the seed and differ from the plain view", async () => {
  const model = tinyModel();
  const { frozen } = splitAt(model, "front_relu");
  const { images, examples } = tinyImages(4);
  const options = { rotation: 20, zoom: 0.2, contrast: 0.2, flip: true };
  const view = (seed: number) =>
    computeFeatures(
      inferenceForward(frozen),
      imageSource(images, examples, { augment: { rng: new Rng(seed), options } }),
      4,
    );
  const [a, b, plain] = await Promise.all([
    view(9),
    view(9),
    computeFeatures(inferenceForward(frozen), imageSource(images, examples), 4),
  ]);
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(a.data, plain.data);
  model.dispose();
});

Deno.test("label smoothing reaches the targets of image and feature sources", async () => {
  const model = tinyModel();
  const { frozen } = splitAt(model, "global_average_pooling2d");
  const { images, examples } = tinyImages(3);
  const table = await computeFeatures(inferenceForward(frozen), imageSource(images, examples), 3);
  const a = featureSource(table, examples, undefined, 0.2)([0, 1]);
  const b = imageSource(images, examples, { labelSmoothing: 0.2 })([0, 1]);
  const plain = imageSource(images, examples)([0, 1]);
  const smooth = Array.from(plain.y.dataSync()).map((v) => v * 0.8 + 0.1);
  for (const batch of [a, b]) {
    Array.from(batch.y.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - smooth[i]) < 1e-6));
  }
  tf.dispose([a.x, a.y, b.x, b.y, plain.x, plain.y]);
  model.dispose();
});
