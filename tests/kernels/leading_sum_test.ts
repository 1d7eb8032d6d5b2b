import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend.ts";
import { isLeadingSum, LEADING_SUM_KERNEL } from "../../lib/kernels/mod.ts";

Deno.test("isLeadingSum: only NHWC over [0, 1, 2], and only with enough pixels", () => {
  assert.equal(isLeadingSum([4, 32, 32, 8], [0, 1, 2]), true);
  assert.equal(isLeadingSum([4, 32, 32, 8], [2, 0, 1]), true);
  assert.equal(isLeadingSum([4, 32, 32, 8], [1, 2]), false);
  assert.equal(isLeadingSum([4, 32, 32, 8], [0, 1, 2, 3]), false);
  assert.equal(isLeadingSum([512, 64, 8], [0, 1]), false);
  assert.equal(isLeadingSum([2, 3, 3, 8], [0, 1, 2]), false); // 9 pixels: the backend's own Sum
});

Deno.test({
  name: "wasm Sum over [0, 1, 2] (the average-pooling path) equals a float64 reference",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "wasm", quiet: true });
    const [n, h, w, c] = [3, 20, 24, 5];
    // Values k/7 mod 1, so the exact sums are known in float64.
    const data = Float32Array.from({ length: n * h * w * c }, (_, k) => (k % 7) / 7 - 0.4);
    const want = new Float64Array(c);
    data.forEach((v, k) => (want[k % c] += v));
    const x = tf.tensor4d(data, [n, h, w, c]);
    const before = tf.memory().numTensors;
    const s = tf.sum(x, [0, 1, 2]);
    const kept = tf.sum(x, [0, 1, 2], true);
    const partial = tf.sum(x, [1, 2]); // not leading-only: the backend's own kernel
    assert.deepEqual(kept.shape, [1, 1, 1, c]);
    assert.deepEqual(partial.shape, [n, c]);
    const got = s.dataSync();
    for (let i = 0; i < c; i++) {
      assert.ok(Math.abs(got[i] - want[i]) < 1e-3, `channel ${i}: ${got[i]} vs ${want[i]}`);
    }
    assert.deepEqual(Array.from(kept.dataSync()), Array.from(got));
    const viaPartial = tf.tidy(() => tf.sum(partial, 0).dataSync());
    for (let i = 0; i < c; i++) assert.ok(Math.abs(viaPartial[i] - want[i]) < 1e-3);
    tf.dispose([s, kept, partial]);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  },
});

Deno.test({
  name: "wasm Sum over leading axes of small maps: one column-sum pass, float64-accurate",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "wasm", quiet: true });
    const [n, h, w, c] = [4, 7, 7, 6]; // 49 pixels: below the pooling path's minimum
    const data = Float32Array.from({ length: n * h * w * c }, (_, k) => Math.fround(Math.sin(k)));
    const want = new Float64Array(c);
    data.forEach((v, k) => (want[k % c] += v));
    const x = tf.tensor4d(data, [n, h, w, c]);
    const before = tf.memory().numTensors;
    let got: Float32Array[] = [];
    const profile = await tf.profile(() => {
      const sums = [tf.sum(x, [0, 1, 2]), tf.sum(x, [2, 0, 1], true), tf.sum(x, [0, 1])];
      assert.deepEqual(sums.map((s) => s.shape), [[c], [1, 1, 1, c], [w, c]]);
      got = sums.map((s) => s.dataSync() as Float32Array);
      tf.dispose(sums);
    });
    assert.ok(profile.kernelNames.includes(LEADING_SUM_KERNEL), profile.kernelNames.join(", "));
    assert.ok(!profile.kernelNames.includes("Transpose"), "tfjs' own Sum ran");
    assert.deepEqual(Array.from(got[0]), Array.from(want, Math.fround));
    assert.deepEqual(Array.from(got[1]), Array.from(got[0]));
    // Over [0, 1]: the column at width position j of channel ch.
    const col = (j: number, ch: number) =>
      data.reduce((s, v, k) => (Math.floor(k / c) % w === j && k % c === ch ? s + v : s), 0);
    assert.equal(got[2][3 * c + 2], Math.fround(col(3, 2)));
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  },
});
