import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointStats, measureInference } from "../../lib/report/mod.ts";

Deno.test("checkpointStats: parameters from the weights manifest, bytes from the files", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-eff-"));
  try {
    const manifest = {
      weightsManifest: [{
        paths: ["weights.bin"],
        weights: [{ name: "k", shape: [3, 3, 1, 2] }, { name: "b", shape: [2] }],
      }],
    };
    await writeFile(join(dir, "model.json"), JSON.stringify(manifest));
    await writeFile(join(dir, "weights.bin"), new Uint8Array(80));
    assert.deepEqual(await checkpointStats(dir), { params: 20, weightsBytes: 80 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("measureInference: positive latency and throughput, no leaked tensors", async () => {
  await tf.setBackend("cpu");
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 2, kernelSize: 3 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2, activation: "softmax" }),
    ],
  });
  const before = tf.memory().numTensors;
  const r = await measureInference(model, { batchSize: 4, repeats: 3, batchRepeats: 2 });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(r.latencyMs > 0 && Number.isFinite(r.latencyMs));
  assert.ok(r.imgPerS > 0 && Number.isFinite(r.imgPerS));
  assert.equal(r.batchSize, 4);
  model.dispose();
});
