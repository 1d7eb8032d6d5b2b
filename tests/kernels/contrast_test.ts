// The contrast kernel on wasm against the op formula it replaces.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend.ts";
import { CONTRAST_KERNEL, contrastWasm } from "../../lib/kernels/mod.ts";

await initBackend({ backend: "wasm", quiet: true });

Deno.test("wasm contrast: per image and channel around its mean, clipped; matches the ops", async () => {
  const shape: [number, number, number, number] = [3, 5, 4, 2];
  const data = Float32Array.from({ length: 120 }, (_, i) => Math.cos(i * 1.3) * 0.9);
  const factors = [1.4, 0.7, 1];
  const x = tf.tensor4d(data, shape);
  const before = tf.memory().numTensors;
  let got: Float32Array = new Float32Array();
  const profile = await tf.profile(() => {
    const y = contrastWasm(x, { factors, low: -1, high: 1 });
    got = y.dataSync() as Float32Array;
    y.dispose();
  });
  assert.deepEqual(profile.kernelNames, [CONTRAST_KERNEL]);
  assert.equal(tf.memory().numTensors, before);
  const want = tf.tidy(() => {
    const mean = x.mean([1, 2], true);
    const f = tf.tensor4d(factors, [3, 1, 1, 1]);
    return x.sub(mean).mul(f).add(mean).clipByValue(-1, 1).dataSync();
  });
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${i}: ${v} vs ${want[i]}`));
  // By hand: image 0, channel 1 (elements 1, 3, ..., 39).
  const ch = Array.from({ length: 20 }, (_, k) => data[2 * k + 1]);
  const mean = ch.reduce((a, b) => a + b) / 20;
  const expect = Math.max(-1, Math.min(1, (ch[4] - mean) * 1.4 + mean));
  assert.ok(Math.abs(got[9] - expect) < 1e-6, `${got[9]} vs ${expect}`);
  assert.ok(got.every((v) => v >= -1 && v <= 1) && got.some((v) => v === 1 || v === -1));
  // Factor 1 leaves image 2 as it was (to rounding).
  for (let i = 80; i < 120; i++) assert.ok(Math.abs(got[i] - data[i]) < 1e-6);
  x.dispose();
});
