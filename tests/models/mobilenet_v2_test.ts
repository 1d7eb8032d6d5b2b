import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { mobileNetV2, mobileNetV2Classifier } from "../../lib/models/mod.ts";
import { kerasWeightName } from "../../lib/models/weights.ts";
import { realWeightsDir } from "../_real_data.ts";

await tf.setBackend("cpu");

function nonTrainable(model: tf.LayersModel): number {
  return model.nonTrainableWeights.reduce(
    (a, w) => a + tf.util.sizeFromShape(w.shape as number[]),
    0,
  );
}

Deno.test("mobileNetV2 has Keras' parameter counts", () => {
  const base = mobileNetV2();
  assert.equal(base.countParams(), 2_257_984);
  // 52 BN layers: moving mean + variance are the non-trainable parameters (Keras: 34,112).
  assert.equal(nonTrainable(base), 34_112);
  assert.equal(base.layers.length, 150); // Keras' 154 minus the 4 block_k_pad layers
  const top = mobileNetV2({ includeTop: true });
  assert.equal(top.countParams(), 3_538_984);
  assert.equal(top.layers.length, 152);
  assert.deepEqual(top.outputs[0].shape, [null, 1000]);
  assert.deepEqual(mobileNetV2({ inputSize: 96 }).outputs[0].shape, [null, 3, 3, 1280]);
});

Deno.test("mobileNetV2 weight names and order equal the Keras weights file exactly", async () => {
  const entries: { name: string; shape: number[] }[] = JSON.parse(
    await readFile(join(realWeightsDir(), "weights.json"), "utf8"),
  );
  const model = mobileNetV2({ includeTop: true });
  const ours = model.layers.flatMap((l) =>
    l.weights.map((w) => ({ name: kerasWeightName(l, w), shape: w.shape }))
  );
  assert.deepEqual(ours, entries.map((e) => ({ name: e.name, shape: e.shape })));
});

Deno.test("mobileNetV2 layers are configured like Keras", () => {
  const model = mobileNetV2({ includeTop: true });
  const byName = (n: string) => model.getLayer(n).getConfig();
  assert.equal(byName("Conv1_relu").maxValue, 6);
  assert.equal(byName("out_relu").maxValue, 6);
  assert.equal(byName("bn_Conv1").epsilon, 1e-3);
  assert.equal(byName("bn_Conv1").momentum, 0.999);
  assert.equal(byName("Conv1").useBias, false);
  assert.equal(byName("block_13_depthwise").useBias, false);
  assert.deepEqual(byName("block_13_depthwise").strides, [2, 2]);
  const adds = model.layers.filter((l) => l.getClassName() === "Add").map((l) => l.name);
  assert.deepEqual(adds, [2, 4, 5, 7, 8, 9, 11, 12, 14, 15].map((b) => `block_${b}_add`));
  // No activation after the projection (linear bottleneck): block_1_project_BN feeds block_2.
  assert.equal(byName("predictions").activation, "softmax");
});

Deno.test("mobileNetV2Classifier: paper head on the ImageNet base", async () => {
  const model = await mobileNetV2Classifier({ weightsDir: realWeightsDir() });
  assert.equal(model.countParams(), 2_260_546);
  assert.deepEqual(model.layers.slice(-3).map((l) => l.name), [
    "global_average_pooling2d",
    "dropout",
    "dense",
  ]);
  assert.equal(model.getLayer("dropout").getConfig().rate, 0.2);
  // The base holds the file's values: bn_Conv1/gamma sits at byte offset 3456.
  const bin = await readFile(join(realWeightsDir(), "weights.bin"));
  const gamma = new Float32Array(bin.buffer.slice(bin.byteOffset + 3456, bin.byteOffset + 3584));
  assert.deepEqual(await model.getLayer("bn_Conv1").getWeights()[0].data(), gamma);
  const random = await mobileNetV2Classifier({ inputSize: 96, dropout: 0.5 });
  assert.equal(random.getLayer("dropout").getConfig().rate, 0.5);
  assert.equal(random.countParams(), 2_260_546);
});

Deno.test("'same' stride-2 depthwise equals Keras' ZeroPadding2D(correct_pad) + 'valid'", () => {
  // Keras' correct_pad: (0, 1) on each axis for even sizes, (1, 1) for odd ones.
  const cases: { size: number; pad: [number, number] }[] = [
    { size: 8, pad: [0, 1] },
    { size: 7, pad: [1, 1] },
  ];
  const dw = (x: tf.Tensor4D, k: tf.Tensor4D, pad: [number, number] | null) =>
    pad
      ? tf.depthwiseConv2d(tf.pad(x, [[0, 0], pad, pad, [0, 0]]), k, 2, "valid")
      : tf.depthwiseConv2d(x, k, 2, "same");
  const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
  for (const { size, pad } of cases) {
    const x = tf.randomNormal([1, size, size, 4], 0, 1, "float32", size) as tf.Tensor4D;
    const k = tf.randomNormal([3, 3, 4, 1], 0, 1, "float32", 2) as tf.Tensor4D;
    const same = dw(x, k, null);
    const keras = dw(x, k, pad);
    assert.deepEqual(same.shape, keras.shape);
    assert.ok(maxDiff(same, keras) < 1e-5, `size ${size}`);
    // Symmetric (PyTorch-style) padding gives other numbers, so the check can tell them apart.
    const symmetric = dw(x, k, [1, 1]);
    if (size === 8) assert.ok(maxDiff(same, symmetric.slice(0, same.shape)) > 1e-3);
    tf.dispose([x, k, same, keras, symmetric]);
  }
});
