// On wasm a batch is transformed in one call; it must give each image exactly what a call for
// that image alone gives, identity parameters included.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { augmentBatch, IDENTITY, sampleAugmentParams } from "../../lib/augment/mod.ts";
import { initBackend } from "../../lib/backend.ts";
import { Rng } from "../../lib/util/rng.ts";

await initBackend({ backend: "wasm", quiet: true });

Deno.test("wasm augmentBatch: one batched transform, the same values image by image", async () => {
  const n = 5;
  const data = Float32Array.from({ length: n * 20 * 24 * 3 }, (_, i) => Math.sin(i * 0.37));
  const params = sampleAugmentParams(new Rng(11), n, {
    rotation: 10,
    zoom: 0.1,
    contrast: 0.1,
    flip: true,
  });
  params[2] = IDENTITY;
  // The geometric part alone: exact; contrast reduces per batch, so that part only to rounding.
  const geometric = params.map((p) => ({ ...p, contrast: 1 }));
  const x = tf.tensor4d(data, [n, 20, 24, 3]);
  const before = tf.memory().numTensors;
  const profile = await tf.profile(() => tf.dispose(augmentBatch(x, params)));
  assert.ok(!profile.kernelNames.includes("SplitV"), "the batch was split image by image");
  assert.equal(profile.kernels.filter((k) => k.name === "Transform").length, 1);
  const one = (ps: typeof params) =>
    tf.tidy(() => tf.concat(ps.map((p, i) => augmentBatch(tf.slice(x, i, 1), [p]))).dataSync());
  const batched = tf.tidy(() => augmentBatch(x, geometric).dataSync() as Float32Array);
  assert.deepEqual(batched, one(geometric));
  const withContrast = tf.tidy(() => augmentBatch(x, params).dataSync() as Float32Array);
  const singly = one(params);
  withContrast.forEach((v, i) => assert.ok(Math.abs(v - singly[i]) < 1e-6, `${i}`));
  const size = 20 * 24 * 3;
  assert.deepEqual(batched.subarray(2 * size, 3 * size), data.subarray(2 * size, 3 * size));
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
