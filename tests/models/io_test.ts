import assert from "node:assert/strict";
import { readdir, readFile, truncate } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CxrError } from "../../lib/errors.ts";
import { loadModel, mobileNetV2Classifier, saveModel } from "../../lib/models/mod.ts";
import { realWeightsDir } from "../_real_data.ts";

await tf.setBackend("cpu");

const SIZE = 32;

Deno.test("saveModel/loadModel round trip gives identical predictions", async () => {
  const dir = await Deno.makeTempDir();
  const model = await mobileNetV2Classifier({ inputSize: SIZE, weightsDir: realWeightsDir() });
  await saveModel(model, dir);
  assert.deepEqual((await readdir(dir)).sort(), ["model.json", "weights.bin"]);
  const json = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
  // The layout tf.loadLayersModel("http://.../model.json") reads in a browser.
  assert.equal(json.format, "layers-model");
  assert.equal(json.modelTopology.class_name, "Model");
  assert.deepEqual(json.weightsManifest.map((g: { paths: string[] }) => g.paths), [[
    "weights.bin",
  ]]);
  const names = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
  assert.ok(names.includes("block_16_project_BN/moving_variance"), names[0]);
  assert.equal((await readFile(join(dir, "weights.bin"))).byteLength, 2_260_546 * 4);

  const loaded = await loadModel(dir);
  assert.deepEqual(loaded.layers.map((l) => l.name), model.layers.map((l) => l.name));
  assert.equal(loaded.countParams(), 2_260_546);
  const x = tf.randomUniform([2, SIZE, SIZE, 3], -1, 1, "float32", 3);
  const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
  assert.deepEqual(await b.data(), await a.data());
  tf.dispose([x, a, b]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("saved files load unchanged with tf.loadLayersModel over HTTP, as in a browser", async () => {
  const dir = await Deno.makeTempDir();
  const model = await mobileNetV2Classifier({ inputSize: SIZE, weightsDir: realWeightsDir() });
  await saveModel(model, dir);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const name = new URL(req.url).pathname.slice(1);
    return new Response(await Deno.readFile(join(dir, name)));
  });
  // tf.io.http is the handler a browser uses for a URL: fetch model.json, then its weight paths.
  const loaded = await tf.loadLayersModel(`http://127.0.0.1:${server.addr.port}/model.json`);
  await server.shutdown();
  const x = tf.randomUniform([1, SIZE, SIZE, 3], -1, 1, "float32", 5);
  const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
  assert.deepEqual(await b.data(), await a.data());
  tf.dispose([x, a, b]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadModel: clear errors for a missing folder and a truncated weights.bin", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(loadModel(join(dir, "none")), (err: Error) => {
    assert.ok(err instanceof CxrError);
    assert.match(err.message, /no model at .*none\/model\.json/);
    return true;
  });
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [3], units: 2, name: "d" })],
  });
  await saveModel(model, dir);
  await truncate(join(dir, "weights.bin"), 10);
  await assert.rejects(loadModel(dir), /10 bytes, 32 expected: the file is truncated/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("predict on a loaded model leaks no tensors", async () => {
  const dir = await Deno.makeTempDir();
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: "softmax" })],
  });
  await saveModel(model, dir);
  const loaded = await loadModel(dir);
  const x = tf.ones([1, 3]);
  const before = tf.memory().numTensors;
  (loaded.predict(x) as tf.Tensor).dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  await Deno.remove(dir, { recursive: true });
});
