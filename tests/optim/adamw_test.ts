import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { AdamW, adamW, EXCLUDE_NOTHING } from "../../lib/optim/adamw.ts";

await tf.setBackend("cpu");

// Loss sum(w^2)/2 has gradient w. Expected values hand-computed from the update rule
// w -= lr * (m̂/(sqrt(v̂)+eps) + wd*w) with lr 0.1, wd 0.01, b1 0.9, b2 0.999, eps 1e-7.
const EXPECTED_W = [
  [0.899000009999999, -1.8980000049999997],
  [0.798519046553405, -1.796272598244644],
  [0.6989112127499878, -1.6949445289242644],
];
// The bias gets no decay by default.
const EXPECTED_BIAS = [0.400000019999996, 0.30118746101715554, 0.20487131296416455];

let unique = 0;
function vars() {
  const id = unique++;
  return {
    w: tf.variable(tf.tensor1d([1, -2]), true, `adamw_t${id}/kernel`),
    b: tf.variable(tf.tensor1d([0.5]), true, `adamw_t${id}/bias`),
  };
}
const loss = (w: tf.Variable, b: tf.Variable) => () =>
  tf.add(w.square().sum(), b.square().sum()).div(2) as tf.Scalar;

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) < tol, `${actual[i]} vs ${expected[i]} at ${i}`);
  }
}

Deno.test("AdamW matches hand-computed steps, no decay on bias", () => {
  const { w, b } = vars();
  const opt = adamW({ learningRate: 0.1, weightDecay: 0.01 });
  for (let t = 0; t < 3; t++) {
    opt.minimize(loss(w, b), false, [w, b]);
    close(w.dataSync(), EXPECTED_W[t]);
    close(b.dataSync(), [EXPECTED_BIAS[t]]);
  }
  assert.equal(opt.iterations, 3);
  assert.ok(opt.decays("x/kernel") && !opt.decays("bn/gamma") && !opt.decays("bn/beta_1"));
  opt.dispose();
  tf.dispose([w, b]);
});

Deno.test("AdamW with EXCLUDE_NOTHING decays the bias too, as Keras' AdamW does", () => {
  const { w, b } = vars();
  const opt = adamW({
    learningRate: 0.1,
    weightDecay: 0.01,
    excludeFromWeightDecay: EXCLUDE_NOTHING,
  });
  // The bias (0.5) under the same rule as w, decay included (hand-computed like EXPECTED_W).
  const expected = [0.399500019999996, 0.3002978786047236, 0.20371244333215804];
  for (let t = 0; t < 3; t++) {
    opt.minimize(loss(w, b), false, [w, b]);
    close(w.dataSync(), EXPECTED_W[t]);
    close(b.dataSync(), [expected[t]]);
  }
  assert.ok(opt.decays("bn/gamma") && opt.decays("x/bias") && opt.decays("bn/beta_1"));
  opt.dispose();
  tf.dispose([w, b]);
});

Deno.test("AdamW does not leak tensors per step", () => {
  const { w, b } = vars();
  const start = tf.memory().numTensors;
  const opt = adamW({ learningRate: 0.1 });
  opt.minimize(loss(w, b), false, [w, b]); // creates the moment variables and kept scalars
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) opt.minimize(loss(w, b), false, [w, b]);
  assert.equal(tf.memory().numTensors, before);
  opt.dispose();
  assert.equal(tf.memory().numTensors, start, "dispose frees moments and scalars");
  tf.dispose([w, b]);
});

Deno.test("AdamW serialises config and state; a restored optimizer continues identically", async () => {
  const { w, b } = vars();
  const opt = adamW({ learningRate: 0.1, weightDecay: 0.01 });
  opt.minimize(loss(w, b), false, [w, b]);

  // Config round trip through tfjs' registry.
  const config = opt.getConfig();
  const entry = tf.serialization.SerializationMap.getMap().classNameMap["AdamW"];
  assert.ok(entry, "AdamW is registered");
  const [cls, fromConfig] = entry;
  const clone = fromConfig(cls, config) as AdamW;
  assert.ok(clone instanceof AdamW);
  assert.deepEqual(clone.getConfig(), config);

  // State round trip: copy the weights out (as a checkpoint would), restore, take step 2.
  const saved = await opt.getWeights();
  const copies = saved.map((s) => ({
    name: s.name,
    tensor: tf.tensor(s.tensor.dataSync(), s.tensor.shape, s.tensor.dtype),
  }));
  await clone.setWeights(copies);
  tf.dispose(copies.map((c) => c.tensor));
  assert.equal(clone.iterations, 1);
  opt.dispose();
  clone.minimize(loss(w, b), false, [w, b]);
  close(w.dataSync(), EXPECTED_W[1]);
  close(b.dataSync(), [EXPECTED_BIAS[1]]);
  clone.dispose();
  tf.dispose([w, b]);
});

Deno.test("AdamW learning rate can change between steps", () => {
  const { w, b } = vars();
  const opt = new AdamW({ learningRate: 0.1, weightDecay: 0 });
  opt.minimize(loss(w, b), false, [w, b]);
  opt.learningRate = 0.01;
  const before = w.dataSync()[0];
  opt.minimize(loss(w, b), false, [w, b]);
  // Step 2 with lr 0.01: m̂/sqrt(v̂) is about 0.999 for this gradient, so w moves by ~0.01.
  const moved = before - w.dataSync()[0];
  assert.ok(moved > 0.0095 && moved < 0.0101, `moved ${moved}`);
  opt.dispose();
  tf.dispose([w, b]);
});
