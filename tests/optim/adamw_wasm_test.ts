// AdamW's one-pass wasm update against its op-by-op update: the same bits, and no leaks.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend.ts";
import { ADAMW_UPDATE_KERNEL } from "../../lib/optim/adamw_wasm.ts";
import { secondStart, threeSteps } from "./_three_steps.ts";

await initBackend({ backend: "wasm", quiet: true });

Deno.test("wasm: AdamW's one-pass update gives the op-by-op update's bits, no leaks", async () => {
  const before = tf.memory().numTensors;
  const ops = await threeSteps(false, "ops");
  let fused: Float32Array[] = [];
  const profile = await tf.profile(async () => {
    fused = await threeSteps(true, "fused");
  });
  assert.ok(profile.kernelNames.includes(ADAMW_UPDATE_KERNEL), profile.kernelNames.join(", "));
  assert.ok(!profile.kernelNames.includes("Sqrt"), "the op path ran too");
  assert.equal(tf.memory().numTensors, before);
  for (const [i, expected] of ops.entries()) {
    assert.equal(fused[i].length, expected.length);
    expected.forEach((e, k) =>
      assert.ok(Object.is(fused[i][k], e), `${i}[${k}]: ${fused[i][k]} vs ${e}`)
    );
  }
  const start = await secondStart();
  assert.ok(fused[1].some((v, k) => Math.abs(v - start[k]) > 0.05), "the steps moved nothing");
});
