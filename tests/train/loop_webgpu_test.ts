// The training loop on the webgpu backend (Deno has no canvas, so the loop must read results
// asynchronously). Needs a WebGPU adapter (Mesa's lavapipe counts); skipped where there is none,
// e.g. in CI without a Vulkan driver.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { hasWebGpuAdapter, initBackend } from "../../lib/backend.ts";
import { splitAt } from "../../lib/models/mod.ts";
import { adamW } from "../../lib/optim/mod.ts";
import { inferenceForward, trainStep } from "../../lib/train/loop.ts";
import { imageSource } from "../../lib/train/sources.ts";
import { assertTinyTrainingLearns, tinyImages, tinyModel } from "./_fixtures.ts";

const adapter = await hasWebGpuAdapter();
const skipped = adapter ? "" : " (skipped: no WebGPU adapter)";

Deno.test({
  name: `webgpu: steps and epochs run, the loss falls, no tensor leaks${skipped}`,
  ignore: !adapter,
  // The WebGPU device keeps resources open for the whole process.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "webgpu", quiet: true });
    assert.equal(tf.getBackend(), "webgpu");
    const model = tinyModel();
    const { frozen, trainable } = splitAt(model, "front_relu");
    const { images, examples } = tinyImages(16);
    const source = imageSource(images, examples, { frozen: inferenceForward(frozen) });
    const opt = adamW({ learningRate: 0.05, weightDecay: 0 });

    const batch = source([0, 1, 2, 3, 4, 5, 6, 7]);
    const before = tf.memory().numTensors;
    const step = await trainStep(trainable, opt, batch);
    assert.equal(step.count, 8);
    assert.ok(Number.isFinite(step.lossSum) && step.lossSum > 0, `lossSum ${step.lossSum}`);
    assert.ok(step.correct >= 0 && step.correct <= 8);
    // The first step creates the optimizer's moments (two per trained variable), nothing else.
    const moments = 2 * trainable.trainableWeights.length;
    assert.equal(tf.memory().numTensors, before + moments, "tensors leaked by trainStep");
    tf.dispose([batch.x, batch.y]);

    opt.dispose();
    model.dispose();
    await assertTinyTrainingLearns(20);
  },
});
