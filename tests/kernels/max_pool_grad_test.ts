// The one-pass MaxPoolGrad on wasm routes each window's gradient where tfjs' cpu backend does,
// windows without a positive value and padded, overlapping windows included.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend.ts";
import { maxPoolGrad } from "../../lib/kernels/max_pool_grad.ts";
import { Rng } from "../../lib/util/rng.ts";

interface Case {
  x: [number, number, number, number];
  size: [number, number];
  stride: [number, number];
  pad: "same" | "valid";
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], size: [2, 2], stride: [2, 2], pad: "valid" }, // the baseline CNN's pools
  { x: [2, 9, 7, 4], size: [2, 2], stride: [2, 2], pad: "valid" }, // odd sizes: edges unused
  { x: [1, 7, 7, 2], size: [3, 3], stride: [1, 1], pad: "same" }, // overlapping, padded
  { x: [2, 9, 8, 3], size: [3, 2], stride: [2, 1], pad: "same" },
];

/** Values in [-1, 1] rounded to quarters, a third of them zero: ties and all-negative windows. */
function inputs(rng: Rng, n: number): Float32Array {
  return Float32Array.from(
    { length: n },
    () => rng.uniform(0, 1) < 1 / 3 ? 0 : Math.round(rng.uniform(-4, 4)) / 4,
  );
}

/** d/dx of sum(maxPool(x) * r) on the active backend. */
function gradient(c: Case, x: Float32Array, r: Float32Array): Float32Array {
  return tf.tidy(() => {
    const pool = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad);
    const xt = tf.tensor4d(x, c.x);
    const shape = pool(xt).shape;
    const rt = tf.tensor(r.subarray(0, shape.reduce((p, q) => p * q, 1)), shape);
    return Float32Array.from(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), rt)))(xt).dataSync());
  });
}

Deno.test({
  name: "MaxPoolGrad on wasm matches the cpu backend (ties, all-negative windows, padding)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const rng = new Rng(11);
    const data = CASES.map((c) => {
      const n = c.x.reduce((p, q) => p * q, 1);
      return { x: inputs(rng, n), r: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)) };
    });
    await initBackend({ backend: "cpu", quiet: true });
    const expected = CASES.map((c, i) => gradient(c, data[i].x, data[i].r));
    await initBackend({ backend: "wasm", quiet: true });
    assert.equal(tf.getBackend(), "wasm");
    const before = tf.memory().numTensors;
    CASES.forEach((c, i) => {
      const got = gradient(c, data[i].x, data[i].r);
      for (let k = 0; k < got.length; k++) {
        // Overlapping windows may add one position's terms in another order.
        assert.ok(
          Math.abs(got[k] - expected[i][k]) <= 1e-6,
          `${JSON.stringify(c)} element ${k}: ${got[k]} vs ${expected[i][k]}`,
        );
      }
    });
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
  },
});

Deno.test("maxPoolGrad: first largest value of each window, nothing for an all -Infinity one", () => {
  // One image 2x4, one channel, 2x2 windows at stride 2: [[1, 3, -inf, -inf], [3, 2, -inf, -inf]].
  const x = Float32Array.of(1, 3, -Infinity, -Infinity, 3, 2, -Infinity, -Infinity);
  const dx = new Float32Array(8);
  const g = tf.backend_util.computePool2DInfo([1, 2, 4, 1], [2, 2], [2, 2], 1, "valid");
  maxPoolGrad(x, Float32Array.of(5, 7), dx, g);
  assert.deepEqual([...dx], [0, 5, 0, 0, 0, 0, 0, 0]);
});
