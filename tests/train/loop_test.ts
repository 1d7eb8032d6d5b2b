import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { splitAt } from "../../lib/models/mod.ts";
import { adamW } from "../../lib/optim/mod.ts";
import { crossEntropy, inferenceForward, trainStep } from "../../lib/train/loop.ts";
import { imageSource } from "../../lib/train/sources.ts";
import { assertTinyTrainingLearns, snapshot, tinyImages, tinyModel } from "./_fixtures.ts";

await tf.setBackend("cpu");

Deno.test("crossEntropy is the batch mean of -log p[true], weights scale terms", () => {
  const y = tf.tensor2d([[1, 0], [0, 1]]);
  const p = tf.tensor2d([[0.8, 0.2], [0.4, 0.6]]);
  const plain = crossEntropy(y, p).dataSync()[0];
  assert.ok(Math.abs(plain - (-Math.log(0.8) - Math.log(0.6)) / 2) < 1e-6);
  const w = tf.tensor1d([2, 0.5]);
  const weighted = crossEntropy(y, p, w).dataSync()[0];
  assert.ok(Math.abs(weighted - (-2 * Math.log(0.8) - 0.5 * Math.log(0.6)) / 2) < 1e-6);
  tf.dispose([y, p, w]);
});

Deno.test("a step leaves the frozen part and all BN moving statistics unchanged", async () => {
  const model = tinyModel();
  const { frozen, trainable } = splitAt(model, "front_relu");
  const { images, examples } = tinyImages(8);
  const before = snapshot(model);
  const source = imageSource(images, examples, { frozen: inferenceForward(frozen) });
  const batch = source([0, 1, 2, 3, 4, 5, 6, 7]);
  const opt = adamW({ learningRate: 0.01 });
  await trainStep(trainable, opt, batch);
  const after = snapshot(model);
  for (const [name, value] of before) {
    const same = value.every((v, i) => v === after.get(name)![i]);
    const shouldChange = /^(back_conv|bn_back\/(gamma|beta)|dense)/.test(name);
    assert.equal(same, !shouldChange, `${name} ${shouldChange ? "should" : "should not"} change`);
  }
  tf.dispose([batch.x, batch.y]);
  opt.dispose();
  model.dispose();
});

Deno.test("trainBatchNorm lets the trained part's BN update its moving statistics", async () => {
  const model = tinyModel();
  const { frozen, trainable } = splitAt(model, "front_relu");
  const { images, examples } = tinyImages(8);
  const batch = imageSource(images, examples, { frozen: inferenceForward(frozen) })([0, 1, 2, 3]);
  const mean = () => Array.from(model.getLayer("bn_back").getWeights()[2].dataSync());
  const before = mean();
  const opt = adamW();
  await trainStep(trainable, opt, batch, { trainBatchNorm: true });
  assert.notDeepEqual(mean(), before);
  tf.dispose([batch.x, batch.y]);
  opt.dispose();
});

Deno.test("loss decreases on a tiny separable set; no tensor leak per epoch", async () => {
  await assertTinyTrainingLearns(30);
});
