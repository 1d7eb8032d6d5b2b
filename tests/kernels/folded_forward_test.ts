import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend.ts";
import { foldedForward, foldedPredict, foldedTrainForward } from "../../lib/kernels/mod.ts";
import { Rng } from "../../lib/util/rng.ts";

/** conv(s2) -> BN -> ReLU6 -> depthwise -> BN -> ReLU -> 1x1 conv -> BN, + skip -> GAP -> Dense. */
function tinyNet(dropout = 0.5): tf.LayersModel {
  const input = tf.input({ shape: [9, 9, 3] });
  const l = tf.layers;
  let x = l.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "same", useBias: false })
    .apply(input) as tf.SymbolicTensor;
  x = l.batchNormalization({ epsilon: 1e-3 }).apply(x) as tf.SymbolicTensor;
  const a = l.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  let y = l.depthwiseConv2d({ kernelSize: 3, padding: "same", useBias: false }).apply(
    a,
  ) as tf.SymbolicTensor;
  y = l.batchNormalization().apply(y) as tf.SymbolicTensor;
  y = l.activation({ activation: "relu" }).apply(y) as tf.SymbolicTensor;
  y = l.conv2d({ filters: 4, kernelSize: 1, useBias: true }).apply(y) as tf.SymbolicTensor;
  y = l.batchNormalization().apply(y) as tf.SymbolicTensor;
  const sum = l.add().apply([a, y]) as tf.SymbolicTensor;
  const pooled = l.globalAveragePooling2d({}).apply(sum) as tf.SymbolicTensor;
  const out = l.dense({ units: 2, activation: "softmax" }).apply(
    l.dropout({ rate: dropout }).apply(pooled),
  ) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function randomiseBatchNorm(model: tf.LayersModel, rng: Rng): void {
  for (const layer of model.layers.filter((l) => l.getClassName() === "BatchNormalization")) {
    layer.setWeights(
      layer.getWeights().map((w, i) => {
        const v = Array.from(
          { length: w.size },
          () => rng.uniform(0.2, 1.5) * (i === 1 || i === 2 ? rng.uniform(-1, 1) : 1),
        );
        return tf.tensor(v, w.shape);
      }),
    );
  }
}

Deno.test({
  name: "foldedForward matches predict with non-trivial BatchNorm statistics and leaks nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "wasm", quiet: true });
    const rng = new Rng(11);
    const model = tinyNet();
    // Random moving statistics and affine parameters, so folding is really exercised.
    randomiseBatchNorm(model, rng);
    const x = tf.tensor4d(Array.from({ length: 2 * 9 * 9 * 3 }, () => rng.uniform(-1, 1)), [
      2,
      9,
      9,
      3,
    ]);
    const before = tf.memory().numTensors;
    const f = foldedForward(model);
    assert.equal(f.fusedGroups, 3);
    const want = model.predict(x) as tf.Tensor;
    const got = f(x);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]);
    assert.ok(diff < 1e-5, `max difference ${diff}`);
    f.dispose();
    tf.dispose([got, want]);
    assert.equal(tf.memory().numTensors, before);
    const once = foldedPredict(model, x);
    assert.deepEqual(once.shape, [2, 2]);
    once.dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    model.dispose();
  },
});

Deno.test({
  name: "foldedTrainForward gives the same loss gradients as the layers with inference-mode BN",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "wasm", quiet: true });
    const rng = new Rng(5);
    const model = tinyNet(0); // no dropout, so training and inference mode agree
    randomiseBatchNorm(model, rng);
    const x = tf.tensor4d(Array.from({ length: 2 * 9 * 9 * 3 }, () => rng.uniform(-1, 1)), [
      2,
      9,
      9,
      3,
    ]);
    const r = tf.tensor2d([[0.3, -1.2], [2, 0.7]]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const forward = foldedTrainForward(model);
    const before = tf.memory().numTensors;
    const loss = (f: () => tf.Tensor) => () => tf.sum(tf.mul(f(), r)) as tf.Scalar;
    const want = tf.variableGrads(
      loss(() => model.apply(x, { training: false }) as tf.Tensor),
      vars,
    );
    let got = {} as ReturnType<typeof tf.variableGrads>;
    const profile = await tf.profile(() => {
      got = tf.variableGrads(loss(() => forward(x)), vars);
    });
    // The input gradient of the 1x1 conv only: the first conv reads the data, whose gradient
    // nothing needs.
    assert.equal(profile.kernels.filter((k) => k.name === "Conv2DBackpropInput").length, 1);
    assert.ok(Math.abs(got.value.dataSync()[0] - want.value.dataSync()[0]) < 1e-5);
    // Conv kernels, gamma, beta and the dense layer all receive gradients.
    assert.equal(Object.keys(got.grads).length, vars.length);
    for (const name of Object.keys(want.grads)) {
      const [a, b] = [got.grads[name].dataSync(), want.grads[name].dataSync()];
      let diff = 0;
      let scale = 1e-12;
      b.forEach((v, i) => {
        diff = Math.max(diff, Math.abs(a[i] - v));
        scale = Math.max(scale, Math.abs(v));
      });
      assert.ok(diff / scale < 1e-4, `${name}: relative error ${diff / scale}`);
    }
    tf.dispose([got.value, want.value, ...Object.values(got.grads), ...Object.values(want.grads)]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, r]);
    model.dispose();
  },
});
