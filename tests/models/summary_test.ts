import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { formatSummary, mobileNetV2Classifier, summarizeModel } from "../../lib/models/mod.ts";

await tf.setBackend("cpu");

Deno.test("summarizeModel counts the paper's 2,260,546 parameters", async () => {
  const model = await mobileNetV2Classifier();
  const s = summarizeModel(model);
  assert.equal(s.total, 2_260_546);
  assert.equal(s.nonTrainable, 34_112);
  assert.equal(s.trainable, 2_260_546 - 34_112);
  assert.equal(s.weightsBytes, 9_042_184);
  assert.equal(s.layers.length, 153);
  assert.deepEqual(s.layers.at(-1), {
    name: "dense",
    className: "Dense",
    outputShape: "[None,2]",
    params: 1280 * 2 + 2,
  });
  const text = formatSummary(s, "Model: x");
  assert.match(text, /^Total params: 2,260,546$/m);
  assert.match(text, /^Conv_1 \(Conv2D\) +\[None,7,7,1280\] +409,600$/m);
  assert.match(text, /^Saved weights: 9\.04 MB/m);
});
