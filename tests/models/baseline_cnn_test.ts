import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { baselineCnn } from "../../lib/models/mod.ts";

await tf.setBackend("cpu");

Deno.test("baselineCnn has the documented parameter count at any size", () => {
  // Convs 864 + 18,432 + 73,728 + 294,912; BN 4 x (32+64+128+256); fc 256*128+128; out 128*2+2.
  const expected = 864 + 18_432 + 73_728 + 294_912 + 4 * 480 + 32_896 + 258;
  assert.equal(expected, 423_010);
  const model = baselineCnn();
  assert.equal(model.countParams(), expected);
  const trainable = model.trainableWeights.reduce(
    (a, w) => a + tf.util.sizeFromShape(w.shape as number[]),
    0,
  );
  assert.equal(trainable, expected - 2 * 480); // moving mean/variance are not trained
  assert.deepEqual(model.inputs[0].shape, [null, 224, 224, 3]);
  assert.deepEqual(model.getLayer("block4_relu").outputShape, [null, 28, 28, 256]);
  assert.equal(baselineCnn({ inputSize: 64 }).countParams(), expected);
});

Deno.test("baselineCnn predicts probabilities without leaking tensors", () => {
  const model = baselineCnn({ inputSize: 32 });
  const x = tf.randomUniform([2, 32, 32, 3], -1, 1, "float32", 1);
  const before = tf.memory().numTensors;
  const y = model.predict(x) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 2]);
  const sums = y.sum(1);
  for (const s of sums.dataSync()) assert.ok(Math.abs(s - 1) < 1e-6);
  tf.dispose([y, sums]);
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
