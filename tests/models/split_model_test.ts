import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CxrError } from "../../lib/errors.ts";
import { cutBefore, cutPoints, mobileNetV2Classifier, splitAt } from "../../lib/models/mod.ts";
import { Rng } from "../../lib/util/rng.ts";
import { realWeightsDir } from "../_real_data.ts";

await tf.setBackend("cpu");

const SIZE = 32;
const model = await mobileNetV2Classifier({ inputSize: SIZE, weightsDir: realWeightsDir() });
// Random dense weights so the two classes differ visibly.
tf.tidy(() =>
  model.getLayer("dense").setWeights([
    tf.randomNormal([1280, 2], 0, 0.5, "float32", 1),
    tf.tensor1d([0.1, -0.1]),
  ])
);

function batch(n: number): tf.Tensor4D {
  const rng = new Rng(7);
  const data = Float32Array.from({ length: n * SIZE * SIZE * 3 }, () => rng.uniform(-1, 1));
  return tf.tensor4d(data, [n, SIZE, SIZE, 3]);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

Deno.test("cutPoints are the layers no skip connection crosses", () => {
  const points = cutPoints(model);
  for (
    const name of [
      "Conv1",
      "block_1_expand_relu",
      "block_1_project_BN",
      "block_2_add",
      "block_16_project_BN",
      "out_relu",
      "dropout",
    ]
  ) {
    assert.ok(points.includes(name), name);
  }
  // Inside a residual block (block_1_project_BN feeds block_2_add), before the input, at the output.
  for (
    const name of ["block_2_expand", "block_2_project_BN", "block_15_depthwise", "input_1", "dense"]
  ) {
    assert.ok(!points.includes(name), name);
  }
  // Topological order.
  assert.ok(points.indexOf("block_2_add") < points.indexOf("block_3_expand"));
});

Deno.test("splitAt: frozen then trainable equals the full model", () => {
  const x = batch(3);
  const full = model.predict(x) as tf.Tensor;
  for (const cut of ["Conv1_relu", "block_5_add", "block_13_expand_relu", "out_relu", "dropout"]) {
    const { frozen, trainable } = splitAt(model, cut);
    const features = frozen.predict(x) as tf.Tensor;
    assert.deepEqual(features.shape.slice(1), model.getLayer(cut).outputShape.slice(1));
    const out = trainable.predict(features) as tf.Tensor;
    assert.ok(maxAbsDiff(out, full) < 1e-5, `cut ${cut}`);
    tf.dispose([features, out]);
  }
  // The probabilities are not trivially equal, so the comparison means something.
  assert.ok(maxAbsDiff(full.slice([0, 0], [1, 2]), full.slice([1, 0], [1, 2])) > 1e-4);
  tf.dispose([x, full]);
});

Deno.test("splitAt: the trainable part owns exactly the later layers' weights, shared", () => {
  const cut = "block_14_add";
  const { frozen, trainable } = splitAt(model, cut);
  const names = model.layers.map((l) => l.name);
  const after = new Set(names.slice(names.indexOf(cut) + 1));
  const expected = model.layers.filter((l) => after.has(l.name)).flatMap((l) => l.trainableWeights);
  assert.deepEqual(
    trainable.trainableWeights.map((w) => w.name).sort(),
    expected.map((w) => w.name).sort(),
  );
  assert.ok(trainable.trainableWeights.length > 0);
  // Same layer objects, not copies: a change in the trainable part shows in the full model.
  assert.equal(trainable.getLayer("dense"), model.getLayer("dense"));
  assert.equal(frozen.getLayer("Conv1"), model.getLayer("Conv1"));
  assert.ok(!trainable.layers.some((l) => l.name === "Conv1"));
});

Deno.test("splitAt works again on a model whose layers are already shared", () => {
  splitAt(model, "block_16_project_BN");
  const x = batch(2);
  const { frozen, trainable } = splitAt(model, "block_12_add");
  const twice = splitAt(trainable, "out_relu");
  const full = model.predict(x) as tf.Tensor;
  const out = tf.tidy(() => {
    const f = frozen.predict(x) as tf.Tensor;
    return twice.trainable.predict(twice.frozen.predict(f) as tf.Tensor) as tf.Tensor;
  });
  assert.ok(maxAbsDiff(out, full) < 1e-5);
  tf.dispose([x, full, out]);
});

Deno.test("splitAt rejects a cut a skip connection crosses, listing valid points", () => {
  assert.throws(() => splitAt(model, "block_2_expand"), (err: Error) => {
    assert.ok(err instanceof CxrError);
    assert.match(err.message, /block_2_expand.*skip connection.*valid cut points: .*block_2_add/);
    return true;
  });
  assert.throws(() => splitAt(model, "nope"), /no layer has that name/);
});

Deno.test("predict does not leak tensors in either part", () => {
  const { frozen, trainable } = splitAt(model, "block_9_add");
  const x = batch(1);
  const before = tf.memory().numTensors;
  const f = frozen.predict(x) as tf.Tensor;
  const out = trainable.predict(f) as tf.Tensor;
  tf.dispose([f, out]);
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("cutBefore: the layer before a block start; a CxrError listing block starts otherwise", () => {
  assert.equal(cutBefore(model, "block_13_expand"), "block_12_add");
  assert.equal(cutBefore(model, "Conv_1"), "block_16_project_BN");
  assert.throws(
    () => cutBefore(model, "block_2_depthwise"),
    (e) => e instanceof CxrError && /fineTuneFrom.*block_13_expand/.test(e.message),
  );
});
