// The one-pass ReLU6 gradient on wasm gives the same bits as tfjs' own formula, special values
// included, and actually runs (the kernel appears in tf.profile).
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend.ts";
import { RELU6_GRAD_KERNEL } from "../../lib/kernels/relu6_grad.ts";
import { Rng } from "../../lib/util/rng.ts";

await initBackend({ backend: "wasm" });

/** x values at and around the mask's edges, then random ones over [-8, 8]. */
function inputs(n: number): { x: Float32Array; dy: Float32Array } {
  const edges = [0, -0, 6, Math.fround(6 + 1e-6), 1e-45, -1e-30, NaN, Infinity, -Infinity, 5.9];
  const rng = new Rng(7);
  const x = new Float32Array(n).map((_, i) => i < edges.length ? edges[i] : rng.uniform(-8, 8));
  const dy = new Float32Array(n).map(() => rng.uniform(-2, 2));
  dy[0] = -1; // 0 * -1 is -0: the sign of zero must match too
  return { x, dy };
}

/** tfjs 4.22's Relu6 gradient, written out with ops. */
function reference(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.mul(dy, tf.cast(tf.mul(tf.lessEqual(x, 6), tf.step(x)), "float32"));
}

Deno.test("ReLU6 gradient on wasm: one kernel, same bits as tfjs' formula", async () => {
  const { x, dy } = inputs(4 * 5 * 5 * 3);
  const shape = [4, 5, 5, 3];
  const before = tf.memory().numTensors;
  const xt = tf.tensor(x, shape);
  const dyt = tf.tensor(dy, shape);
  let got: Float32Array | null = null;
  const profile = await tf.profile(() => {
    const [g] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(tf.relu6(a), dyt)))([xt]);
    got = g.dataSync() as Float32Array;
    g.dispose();
  });
  assert.ok(profile.kernelNames.includes(RELU6_GRAD_KERNEL), profile.kernelNames.join(", "));
  assert.ok(!profile.kernelNames.includes("LessEqual"), "the op formula ran instead");
  const want = tf.tidy(() => reference(dyt, xt).dataSync());
  for (let i = 0; i < want.length; i++) {
    assert.ok(Object.is(got![i], want[i]), `element ${i} (x ${x[i]}): ${got![i]} vs ${want[i]}`);
  }
  assert.ok(Object.is(got![0], -0) && Number.isNaN(got![6]) && got![2] === dy[2]);
  assert.ok(got![3] === 0, "just above 6 gets no gradient");
  tf.dispose([xt, dyt]);
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
});
